"""Reading and writing design files."""

from __future__ import annotations

from designer.persistence.errors import LoadError
from designer.persistence.file_format import (
    FORMAT,
    MAX_FILE_BYTES,
    design_from_data,
    dumps,
    envelope_schema,
    load,
    loads,
    save,
)
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "FORMAT",
    "MAX_FILE_BYTES",
    "LoadError",
    "design_from_data",
    "dumps",
    "envelope_schema",
    "load",
    "loads",
    "save",
]
