"""The JSON Schema of a design file (``dr-designer schema``): the envelope's model.

Only :func:`designer.persistence.file_format.envelope_schema` imports it: reading a file
validates through ``file_format._CurrentFile`` (or the full path), never through this
model, so a ``check`` does not create its class (one pydantic model less at every start).
"""

# No `from __future__ import annotations`: the annotations are evaluated as written (see
# designer/domain/elements.py).
from typing import Literal

from pydantic import BaseModel, Field

from designer.domain.design import Design
from designer.domain.modelconfig import model_options

__all__ = ["Envelope"]


class Envelope(BaseModel):
    """The JSON Schema of a design file (``dr-designer schema``)."""

    model_config = model_options(extra="forbid", title="DR Designer design file", defer_build=True)

    schema_uri: str | None = Field(
        default=None,
        alias="$schema",
        title="$schema",
        description="The JSON Schema this file follows, for editors that validate "
        "(e.g. the output of `dr-designer schema`); the designer ignores it and does "
        "not write it",
    )
    format: Literal["dr-designer"]
    schema_version: Literal[7]  # CURRENT_SCHEMA_VERSION (a test keeps them equal)
    design: Design
