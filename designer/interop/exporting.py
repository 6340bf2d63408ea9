"""``export FILE -o out.drawio|out.graphml|out.gexf|dir/``: the headless exports, by the
output's name. Files are written with the designer's one atomic writer
(:func:`designer.persistence.atomic.write_atomic`: symlinks followed, permissions and
hard links kept, read-only files refused, no temp file left on any error)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from designer.domain.design import Design
from designer.interop.calculator_export import CALCULATOR_FILES, calculator_files
from designer.interop.drawio import SimulationMoment, drawio_xml
from designer.interop.graph_export import export_graph
from designer.interop.report import InteropError
from designer.persistence.atomic import write_atomic

__all__ = [
    "HEADLESS_FORMATS",
    "export_design",
    "is_headless_target",
    "new_file_mode",
    "write_bytes_atomic",
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
    write_bytes_atomic(path, text.encode(encoding))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically; a failure is one :class:`InteropError` line."""
    try:
        write_atomic(path, data)
    except OSError as exc:
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
        # networkx writes a file: into a private folder, then the atomic writer.
        with tempfile.TemporaryDirectory(prefix="dr-designer-export-") as folder:
            drawn = Path(folder) / f"graph{path.suffix}"
            export_graph(design, drawn)
            data = drawn.read_bytes()
        write_bytes_atomic(path, data)
        return [path]
    raise InteropError(
        f"cannot export to {output!r}: the name must end in .drawio, .graphml or .gexf, "
        "or be a folder (calculator CSVs and PowerShell scripts)"
    )
