"""The Design aggregate: elements, intent, layout, rule settings and saved scenarios."""

# No `from __future__ import annotations` here: pydantic would then evaluate every
# field's annotation from a string (a typing.ForwardRef compiled for each, ~600 at
# import), ~10 % of building the domain models at every start (issue 10, cold start).
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from annotated_types import Ge, Gt, Le, MaxLen, MinLen
from pydantic import (
    BaseModel,
    Field,
    GetPydanticSchema,
    SerializerFunctionWrapHandler,
    field_serializer,
    model_serializer,
    model_validator,
)

from designer.domain.elements import Element
from designer.domain.modelconfig import model_options
from designer.domain.refs import ElementId
from designer.domain.reliability import ReliabilitySettings
from designer.domain.workload import CapacitySettings

__all__ = [
    "Design",
    "DesignIntent",
    "ExpectedOutcome",
    "LayoutEntry",
    "RuleLevel",
    "RuleSettings",
    "RuleSeverity",
    "SavedScenario",
    "ScenarioStep",
    "Severity",
    "Waiver",
    "empty_design",
    "unvalidated_default",
]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class RuleLevel(StrEnum):
    """What a design makes of a rule: its findings at this severity, or none (off)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @property
    def severity(self) -> Severity | None:
        """The severity findings get at this level (None when the rule is off)."""
        return None if self is RuleLevel.OFF else Severity(self.value)


class _Model(BaseModel):
    # No infinities or NaN anywhere: JSON cannot hold them, so a design that took one
    # could be saved but never loaded again.
    model_config = model_options(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


RuleCode = Annotated[str, Field(pattern=r"^[A-Z]{2,4}\d{3}$")]
#: The defaults of the list and dict fields here: pydantic copies a default
#: ``FieldInfo`` into each field it declares, so one object serves them all (as in
#: :mod:`designer.domain.elements`).
_EMPTY_LIST: Any = Field(default_factory=list)
_EMPTY_DICT: Any = Field(default_factory=dict)
#: Constraints more than one field states, each declared once (see
#: :mod:`designer.domain.workload`).
_Minutes = Annotated[float, Ge(0), Le(1e7)]
_Seconds = Annotated[float, Ge(0), Le(1e9)]


class DesignIntent(_Model):
    """What the design has to achieve, and the product releases it assumes."""

    rpo_target_min: _Minutes = 60.0
    rto_target_min: _Minutes = 240.0
    #: Site Recovery Manager release ("4.0" is 002's era: VMFS only, no RDM).
    srm_release: str = Field(default="5.0", pattern=r"^\d+(\.\d+){0,2}$")


Coordinate = Annotated[float, Ge(-1e7), Le(1e7)]


class LayoutEntry(_Model):
    """Where an element is drawn; kept apart from the semantics.

    A box has its rectangle (``x``, ``y``, ``w``, ``h``); a line (a WAN link, a mirror,
    a Double-Take replication) has the waypoints the user gave its route, in order
    (``points``; its rectangle is unused)."""

    x: Coordinate = 0.0
    y: Coordinate = 0.0
    w: Annotated[float, Ge(0), Le(1e7)] | None = None
    h: Annotated[float, Ge(0), Le(1e7)] | None = None
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    points: Annotated[tuple[tuple[Coordinate, Coordinate], ...], MaxLen(64)] = ()


class Waiver(_Model):
    """One finding suppressed on purpose, with the reason written down."""

    code: RuleCode
    elements: Annotated[list[ElementId], MinLen(1)]
    reason: Annotated[str, MinLen(1), MaxLen(2000)]


class RuleSeverity(_Model):
    """One rule's severity in this design, instead of its default (KiCad's
    ``rule_severities``); switching a rule off takes a written reason."""

    level: RuleLevel
    reason: Annotated[str, MaxLen(2000)] = ""

    @model_validator(mode="after")
    def _off_says_why(self) -> "RuleSeverity":
        if self.level is RuleLevel.OFF and not self.reason.strip():
            raise ValueError("switching a rule off needs a written reason")
        return self


class RuleSettings(_Model):
    """How this design reads the rule catalogue: per-rule severities and waivers."""

    #: Rule code → its level in this design (another severity, or off).
    severities: dict[RuleCode, RuleSeverity] = _EMPTY_DICT
    waivers: list[Waiver] = _EMPTY_LIST

    def level_of(self, code: str) -> RuleLevel | None:
        """The level this design sets for ``code`` (None: the rule's default)."""
        setting = self.severities.get(code)
        return setting.level if setting is not None else None

    def with_level(self, code: str, level: RuleLevel | None, reason: str = "") -> "RuleSettings":
        """These settings with ``code`` at ``level`` (None: back to its default)."""
        severities = dict(self.severities)
        if level is None:
            severities.pop(code, None)
        else:
            severities[code] = RuleSeverity(level=level, reason=reason)
        return self.model_copy(update={"severities": severities})


class ScenarioStep(_Model):
    """One step of a what-if scenario, at a time in seconds from its start.

    ``fail`` loses an element (a VM failed this way stays lost); ``guest_os_failure``
    crashes a VM's guest operating system (vSphere HA VM monitoring may reset it);
    ``degrade`` changes a WAN link's latency or bandwidth, or fails one direction of it;
    ``restore`` undoes a failure
    or a degradation; ``corrupt`` injects logical corruption into a database;
    ``admin`` takes an administrator action the simulator offers.
    """

    at_s: Annotated[float, Ge(0), Le(1e8)] = 0.0
    action: Literal["fail", "restore", "corrupt", "admin", "guest_os_failure", "degrade"]
    #: The element failed, restored or corrupted; for "admin", the element acted on.
    target: str | None = None
    #: For "admin": the administrator action's name (see the simulator's catalogue).
    admin_action: str | None = None
    #: For "admin" activate_lagged_copy: the point in time (seconds from the scenario
    #: start, negative = before it) to replay the logs up to; default: the latest
    #: clean point (just before a corruption, else the failure).
    recovery_point_s: Annotated[float, Ge(-1e8), Le(1e8)] | None = None
    #: For "degrade": the link's new round-trip latency and bandwidth.
    latency_ms: Annotated[float, Ge(0), Le(1e6)] | None = None
    bandwidth_mbps: Annotated[float, Gt(0), Le(1e9)] | None = None
    #: For "degrade": one direction of the link stops carrying traffic ("a_to_b": from
    #: its ``site_a`` to its ``site_b``); what replicates that way stops.
    failed_direction: Literal["a_to_b", "b_to_a"] | None = None


class ExpectedOutcome(_Model):
    """What a saved scenario must still produce ("Run all scenarios"), judged at ``at_s``
    (seconds from its start), else at its horizon: the end of its window, where what
    its steps set going (a copy queue growing for an hour) has played out."""

    mailboxes_available: Annotated[int, Ge(0), Le(10**9)] | None = None
    databases_down: list[str] | None = None
    max_rpo_s: _Seconds | None = None
    max_rto_s: _Seconds | None = None
    #: The most any database's passive copies may be behind up to then (a copy queue:
    #: data exposed, not lost until a failover; DOMAIN.md §4).
    max_copies_behind_s: _Seconds | None = None
    at_s: _Seconds | None = None

    @model_serializer(mode="wrap")
    def _without_unset_new_keys(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Wave 21's keys are written only when set: a file without them reads as before
        # (in earlier versions too) and the samples' text stays as it was.
        data = handler(self)
        for key in ("max_copies_behind_s", "at_s"):
            if isinstance(data, dict) and data.get(key, 0) is None:
                del data[key]
        return data


class SavedScenario(_Model):
    name: Annotated[str, MinLen(1), MaxLen(200)]
    description: str = ""
    steps: list[ScenarioStep] = _EMPTY_LIST
    expected: ExpectedOutcome | None = None


class Design(_Model):
    """A whole design. Elements are a flat list; relations are id references."""

    # ``elements`` is a sequence and ``layout`` a mapping: a design read from a file has
    # a list and a dict, the Document's snapshots persistent versions of them
    # (designer.domain.persistent) that share structure from edit to edit. Read them as
    # a sequence and a mapping; never change them in place (build the next design).

    name: Annotated[str, MinLen(1), MaxLen(200)] = "Untitled design"
    description: Annotated[str, MaxLen(100_000)] = ""
    intent: DesignIntent = Field(default_factory=DesignIntent)
    # Validated as a list and a dict (pydantic-core's own validators): validating a
    # generic Sequence goes through a Python-level wrapper, ~0.1 s more per 25k load.
    elements: Annotated[
        Sequence[Element], GetPydanticSchema(lambda _t, handler: handler(list[Element]))
    ] = _EMPTY_LIST
    layout: Annotated[
        Mapping[ElementId, LayoutEntry],
        GetPydanticSchema(lambda _t, handler: handler(dict[ElementId, LayoutEntry])),
    ] = _EMPTY_DICT
    rules: RuleSettings = Field(default_factory=RuleSettings)
    scenarios: list[SavedScenario] = _EMPTY_LIST
    #: Failure and repair figures per kind (availability analysis; user-supplied).
    reliability: ReliabilitySettings = Field(default_factory=ReliabilitySettings)
    #: The design's own sizing figures (capacity); unset ones take the catalog's.
    capacity: CapacitySettings = Field(default_factory=CapacitySettings)

    @field_serializer("elements", mode="wrap")
    def _dump_elements(self, value: Sequence[Any], handler: SerializerFunctionWrapHandler) -> Any:
        return handler(value if isinstance(value, list) else list(value))

    @field_serializer("layout", mode="wrap")
    def _dump_layout(self, value: Mapping[str, Any], handler: SerializerFunctionWrapHandler) -> Any:
        return handler(value if isinstance(value, dict) else dict(value.items()))


_M = TypeVar("_M", bound=BaseModel)


def empty_design() -> Design:
    """``Design()`` made without validation: the same object (every field its default,
    none set), but no model's validator is built for it. The window's empty design
    before a file opens is made so: validating it built five models' validators and
    imported pydantic's plugin loader (``importlib.metadata``), 20-30 ms of a window's
    start before its first frame (issue 10)."""
    return unvalidated_default(Design)


def unvalidated_default(model: type[_M]) -> _M:
    """``model()`` made by ``model_construct`` (no validator built): a field whose
    default is made by a model class gets that model made the same way, one made by
    another factory (``list``, ``dict``) its call. Given, not left to pydantic: for a
    field left out, ``model_construct`` asks ``inspect.signature`` of its factory
    whether it takes the data (for ``list``, a parse of its text signature that
    imported :mod:`tokenize` and compiled its patterns: ~2 ms of the window's start)."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        factory = field.default_factory
        if isinstance(factory, type) and issubclass(factory, BaseModel):
            values[name] = unvalidated_default(factory)
        elif factory is not None:
            values[name] = factory()  # type: ignore[call-arg]
    return model.model_construct(_fields_set=set(), **values)
