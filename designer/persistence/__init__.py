"""Reading and writing design files."""

from __future__ import annotations

from designer.persistence.atomic import (
    FileChangedError,
    FileStamp,
    NotAFileError,
    ReadOnlyFileError,
    clean_stale_temps,
    write_atomic,
)
from designer.persistence.errors import LoadError
from designer.persistence.file_format import (
    FORMAT,
    MAX_FILE_BYTES,
    design_from_data,
    dumps,
    envelope_schema,
    load,
    load_with_stamp,
    loads,
    save,
)
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

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
    "load",
    "load_with_stamp",
    "loads",
    "save",
    "write_atomic",
]
