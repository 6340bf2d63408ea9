"""``export FILE -o out.drawio|out.graphml|out.gexf|dir/``: the headless exports, by the
output's name. Files are written atomically (a temporary file renamed into place)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from designer.domain.design import Design
from designer.interop.calculator_export import CALCULATOR_FILES, calculator_files
from designer.interop.drawio import SimulationMoment, drawio_xml
from designer.interop.graph_export import export_graph
from designer.interop.report import InteropError

__all__ = [
    "HEADLESS_FORMATS",
    "export_design",
    "is_headless_target",
    "new_file_mode",
    "write_text_atomic",
]

HEADLESS_FORMATS = ("drawio", "graphml", "gexf")


def is_headless_target(output: str) -> bool:
    """True for outputs this module writes: .drawio/.graphml/.gexf, or a folder."""
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return True
    return Path(output).suffix.casefold().lstrip(".") in HEADLESS_FORMATS


def new_file_mode(path: str | Path) -> None:
    """Give a file made by ``mkstemp`` (0600) the mode a new file gets (umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    except OSError as exc:
        raise InteropError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        new_file_mode(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InteropError(f"{path}: cannot write: {exc.strerror or exc}") from None


def export_design(
    design: Design, output: str | Path, *, moment: SimulationMoment | None = None
) -> list[Path]:
    """Write ``design`` to ``output``; returns the files written."""
    text = str(output)
    path = Path(output)
    if text.endswith(("/", os.sep)) or path.is_dir():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InteropError(f"{path}: cannot make the folder: {exc.strerror or exc}") from None
        written = []
        for name, content in calculator_files(design).items():
            target = path / name
            write_text_atomic(target, content, encoding="utf-8-sig")
            written.append(target)
        assert [p.name for p in written] == list(CALCULATOR_FILES)
        return written
    suffix = path.suffix.casefold().lstrip(".")
    if suffix == "drawio":
        write_text_atomic(path, drawio_xml(design, moment=moment))
        return [path]
    if suffix in ("graphml", "gexf"):
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
            os.close(fd)
            export_graph(design, tmp)
            new_file_mode(tmp)
            os.replace(tmp, path)
        except OSError as exc:
            raise InteropError(f"{path}: cannot write: {exc.strerror or exc}") from None
        return [path]
    raise InteropError(
        f"cannot export to {output!r}: the name must end in .drawio, .graphml or .gexf, "
        "or be a folder (calculator CSVs and PowerShell scripts)"
    )
