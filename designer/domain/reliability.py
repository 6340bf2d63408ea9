"""Failure and repair figures: mean time between failures and mean time to repair.

Availability analysis (``designer.availability``) needs, for every element that can
fail, how often it fails (MTBF) and how long it stays down (MTTR), in hours. None of the
design's sources publishes such figures, so the catalog ships none: the design supplies
them, per kind (``Design.reliability``) and, where one element differs, on the element
itself (its ``mtbf_h`` / ``mttr_h``). Every output says they are user-supplied.
"""

# No `from __future__ import annotations` here: pydantic would then evaluate every
# field's annotation from a string (a typing.ForwardRef compiled for each, ~600 at
# import), ~10 % of building the domain models at every start (issue 10, cold start).
from typing import Annotated, Literal

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel, Field

from designer.domain.modelconfig import model_options

__all__ = ["RELIABILITY_KINDS", "Hours", "KindFigures", "ReliabilityKind", "ReliabilitySettings"]

#: Hours, as a mean time between failures or to repair (a minute to a million years).
Hours = Annotated[float, Ge(1 / 60), Le(1e10)]

#: The kinds availability analysis fails: those N-1 sweeps (storage processors are
#: parts of an array, with figures of their own).
ReliabilityKind = Literal[
    "site",
    "wan_link",
    "esxi_host",
    "storage_array",
    "storage_processor",
    "load_balancer",
    "file_share_witness",
    "cas_array",
]
RELIABILITY_KINDS: tuple[str, ...] = ReliabilityKind.__args__  # type: ignore[attr-defined]


class KindFigures(BaseModel):
    """The failure figures of one kind of element in this design."""

    model_config = model_options(extra="forbid", frozen=True, defer_build=True)

    #: Mean time between failures, hours.
    mtbf_h: Hours
    #: Mean time to repair (or replace, or restore the site), hours.
    mttr_h: Hours
    #: Where the figures come from (a vendor sheet, the operator's incident history).
    source: Annotated[str, MaxLen(500)] = ""


class ReliabilitySettings(BaseModel):
    """The design's failure figures per kind; an element's own ``mtbf_h`` and
    ``mttr_h`` override its kind's."""

    model_config = model_options(extra="forbid", frozen=True, defer_build=True)

    kinds: dict[ReliabilityKind, KindFigures] = Field(default_factory=dict)
