"""The gates of the dependency graph's edges: how a failure travels along each (see
:mod:`designer.graph.failure`)."""

from __future__ import annotations

from typing import Final

__all__ = ["ALL", "ANY", "NO_FAILURE", "RELATION_GATES"]

ANY: Final = "any"
ALL: Final = "all"
NO_FAILURE: Final = ""

#: The gate of each relation whose gate does not depend on the elements it joins
#: (those that do: ``uses_disk``, ``member`` and ``fronted_by``; see ``topology``).
#: A relation not listed is a plain dependency (``"any"``).
RELATION_GATES: dict[str, str] = {
    "contained_in": ANY,
    "runs_on": ANY,
    "stored_on": ANY,
    "joins": ANY,
    "served_by": ALL,
    "copy_on": NO_FAILURE,
    "witness": NO_FAILURE,
    "in_dag": NO_FAILURE,
    "depends_on": NO_FAILURE,
    "same_failure_domain": NO_FAILURE,
}
