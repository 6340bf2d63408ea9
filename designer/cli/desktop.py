"""``dr-designer install-desktop``: put DR Designer into a Linux desktop's application
menu and make design files open with it (freedesktop.org: desktop entry, hicolor icon
theme, shared-mime-info).

Into ``PREFIX`` (default ``$XDG_DATA_HOME``, i.e. ``~/.local/share``) it writes

- ``applications/dr-designer.desktop`` — its ``Exec`` is this installation's own
  command, by absolute path, so it works whether or not that is on ``PATH``;
- ``icons/hicolor/scalable/apps/dr-designer.svg``;
- ``mime/packages/dr-designer.xml`` — the type ``application/x-dr-designer`` for
  ``*.drd.json`` and ``*.drd`` files;

then refreshes the desktop's caches with ``update-mime-database``,
``update-desktop-database`` and ``gtk-update-icon-cache`` where they are installed.
``--uninstall`` removes the files and refreshes again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from designer.bundled import read_bytes
from designer.cli.parser import EXIT_OK

__all__ = ["desktop_files", "exec_command", "install_desktop"]

APP_ID = "dr-designer"
MIME_TYPE = "application/x-dr-designer"


def default_prefix() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    return Path(base) if base else Path.home() / ".local" / "share"


def desktop_files(prefix: Path) -> dict[Path, bytes]:
    """Where each file goes under ``prefix`` and what it holds."""
    entry = read_bytes("desktop entry", "desktop", f"{APP_ID}.desktop").decode("utf-8")
    command = exec_command()
    entry = entry.replace("Exec=dr-designer gui %f", f"Exec={command} gui %f")
    entry = entry.replace("TryExec=dr-designer", f"TryExec={_quote(_program())}")
    return {
        prefix / "applications" / f"{APP_ID}.desktop": entry.encode("utf-8"),
        prefix / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg": read_bytes(
            "icon", "icons", f"{APP_ID}.svg"
        ),
        prefix / "mime" / "packages" / f"{APP_ID}.xml": read_bytes(
            "MIME type", "desktop", f"{APP_ID}.xml"
        ),
    }


def _program() -> str:
    """This installation's ``dr-designer`` script (beside its Python), else Python."""
    script = Path(sys.executable).parent / APP_ID
    return str(script if script.is_file() else Path(sys.executable))


def exec_command() -> str:
    """The ``Exec`` command line that starts this installation, quoted for a .desktop
    file."""
    program = _program()
    if Path(program).name == APP_ID:
        return _quote(program)
    return f"{_quote(program)} -m designer"


def _quote(argument: str) -> str:
    """Quote an Exec argument as the Desktop Entry Specification asks (a literal % is
    %%; reserved characters need double quotes, inside which " ` $ \\ are escaped, and
    the value's own escaping doubles every backslash)."""
    argument = argument.replace("%", "%%")
    if not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'.replace("\\", "\\\\")


def _refresh(prefix: Path) -> list[str]:
    """Run the caches' update tools that exist; what ran."""
    commands = [
        ["update-mime-database", str(prefix / "mime")],
        ["update-desktop-database", "-q", str(prefix / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", "-f", str(prefix / "icons" / "hicolor")],
    ]
    ran = []
    for command in commands:
        if shutil.which(command[0]) and Path(command[-1]).is_dir():
            subprocess.run(command, check=False, capture_output=True, timeout=120)
            ran.append(command[0])
    return ran


def install_desktop(args: argparse.Namespace) -> int:
    prefix = Path(args.prefix).expanduser() if args.prefix else default_prefix()
    files = desktop_files(prefix)
    if args.uninstall:
        for path in files:
            path.unlink(missing_ok=True)
            print(f"removed {path}")
    else:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            print(f"installed {path}")
    ran = _refresh(prefix)
    if ran:
        print(f"refreshed the desktop's caches ({', '.join(ran)})")
    return EXIT_OK
