"""Pure domain model of a disaster-recovery design (no Qt, no networkx)."""

from __future__ import annotations

from designer.domain.design import (
    Design,
    DesignIntent,
    ExpectedOutcome,
    LayoutEntry,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    SavedScenario,
    ScenarioStep,
    Severity,
    Waiver,
)
from designer.domain.elements import *  # noqa: F403
from designer.domain.elements import __all__ as _elements_all
from designer.domain.enums import *  # noqa: F403
from designer.domain.enums import __all__ as _enums_all
from designer.domain.errors import DesignError, StructuralError
from designer.domain.index import DesignIndex, UnknownElementError
from designer.domain.refs import Ref, iter_refs, remap_refs
from designer.domain.reliability import KindFigures, ReliabilitySettings
from designer.domain.structure import check_structure, structural_errors
from designer.domain.workload import CapacitySettings, MailboxProfile

__all__ = [
    "CapacitySettings",
    "build_models",
    "Design",
    "DesignError",
    "DesignIndex",
    "DesignIntent",
    "ExpectedOutcome",
    "KindFigures",
    "LayoutEntry",
    "MailboxProfile",
    "Ref",
    "ReliabilitySettings",
    "RuleLevel",
    "RuleSettings",
    "RuleSeverity",
    "SavedScenario",
    "ScenarioStep",
    "Severity",
    "StructuralError",
    "UnknownElementError",
    "Waiver",
    "check_structure",
    "iter_refs",
    "remap_refs",
    "structural_errors",
    *_elements_all,
    *_enums_all,
]


def build_models() -> None:
    """Build every model of the domain now (they are declared with ``defer_build``, so
    each is otherwise built the first time it validates or serialises): the window
    calls it once before it opens, so no edit pays for a model's first build. Leaves
    first, so each containing model reuses what is built."""
    from pydantic import BaseModel

    from designer.domain import design, elements, reliability, workload

    for module in (workload, reliability, elements, design):
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                value.model_rebuild()
