"""Reading and writing design files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.persistence.errors import LoadError
from designer.persistence.file_format import (
    FORMAT,
    MAX_FILE_BYTES,
    design_from_data,
    dumps,
    envelope_schema,
    forget_read_ahead,
    load,
    load_with_stamp,
    loads,
    read_ahead,
    save,
)
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

if TYPE_CHECKING:
    from designer.persistence.atomic import (
        FileChangedError,
        FileStamp,
        NotAFileError,
        ReadOnlyFileError,
        clean_stale_temps,
        write_atomic,
    )

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "FORMAT",
    "MAX_FILE_BYTES",
    "FileChangedError",
    "FileStamp",
    "LoadError",
    "NotAFileError",
    "ReadOnlyFileError",
    "clean_stale_temps",
    "design_from_data",
    "dumps",
    "envelope_schema",
    "forget_read_ahead",
    "load",
    "load_with_stamp",
    "loads",
    "read_ahead",
    "save",
    "write_atomic",
]


#: The writer's names, from :mod:`designer.persistence.atomic` when first asked for:
#: reading a file (``check``) does not import the writer.
_FROM_ATOMIC = frozenset(
    (
        "FileChangedError",
        "FileStamp",
        "NotAFileError",
        "ReadOnlyFileError",
        "clean_stale_temps",
        "write_atomic",
    )
)


def __getattr__(name: str) -> Any:
    if name in _FROM_ATOMIC:
        from designer.persistence import atomic

        value = getattr(atomic, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
