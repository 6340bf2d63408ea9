"""The design-review report's content, computed headless: summary, inventory, copy
layout, findings (waivers with their reasons), N-1 and N-2 tables, every saved scenario
with expected against actual and its timeline, an RPO/RTO matrix (each database against
the failure of each site, host and array), capacity figures when a provider gives
them (issue 11 registers one with :func:`register_capacity_provider`) and availability
(issue 16: :func:`register_availability_provider`).

:mod:`designer.interop.review_html` renders it; ``designer.ui.review`` adds the diagram
and writes the PDF.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from functools import cache, cached_property
from typing import Any, Literal, NamedTuple

from designer.domain.design import Design, ExpectedOutcome, SavedScenario
from designer.domain.elements import (
    ELEMENT_CLASSES,
    Dag,
    ElementBase,
    EsxiHost,
    FileShareWitness,
    MailboxDatabase,
    Site,
    VirtualMachine,
)
from designer.domain.enums import SiteRole
from designer.domain.facets import is_exchange
from designer.domain.field_words import choice_text, field_heading, kind_heading
from designer.domain.refs import iter_refs
from designer.domain.workload import MailboxProfile
from designer.rules.engine import CheckResult, check
from designer.simulation import (
    AnalysisResult,
    SimulationError,
    SimulationResult,
    Simulator,
    StepState,
    analyze,
    sweep_elements,
)
from designer.simulation.expectations import (
    ScenarioOutcome,
    evaluate,
    judged_at,
    worst_copies_behind,
)

__all__ = [
    "CapacitySection",
    "ExpectationRow",
    "InventoryTable",
    "MatrixCell",
    "ReviewCancelled",
    "ReviewData",
    "ScenarioReview",
    "build_review",
    "expectation_rows",
    "format_duration",
    "register_availability_provider",
    "register_capacity_provider",
]

#: Failures the RPO/RTO matrix sweeps, and how many columns it shows at most.
MATRIX_KINDS = ("site", "esxi_host", "storage_array")
MAX_MATRIX_COLUMNS = 80
#: N-2 pairs examined for the report (the GUI's N-1 panel can go further).
MAX_PAIRS = 2000


def format_duration(seconds: float | None) -> str:
    """``1:09``, ``1:02:05``; ``—`` when there is none (down or waiting)."""
    if seconds is None or math.isinf(seconds):
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class CapacitySection:
    """Figures a capacity provider contributes: a title, sentences and a table."""

    title: str
    paragraphs: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


CapacityProvider = Callable[[Design], "CapacitySection | None"]
_CAPACITY_PROVIDERS: list[CapacityProvider] = []


def register_capacity_provider(provider: CapacityProvider) -> CapacityProvider:
    """Add a source of capacity figures (sizing, issue 11); returns it (a decorator)."""
    if provider not in _CAPACITY_PROVIDERS:
        _CAPACITY_PROVIDERS.append(provider)
    return provider


#: Sources of the availability section (cut sets, nines, importance; issue 16). A
#: provider returns sections of the same shape as capacity's.
AvailabilityProvider = Callable[[Design], "CapacitySection | None"]
_AVAILABILITY_PROVIDERS: list[AvailabilityProvider] = []


def register_availability_provider(provider: AvailabilityProvider) -> AvailabilityProvider:
    """Add a source of availability figures (issue 16); returns it (a decorator)."""
    if provider not in _AVAILABILITY_PROVIDERS:
        _AVAILABILITY_PROVIDERS.append(provider)
    return provider


@dataclass(frozen=True)
class ExpectationRow:
    what: str
    expected: str
    actual: str
    ok: bool


def expectation_rows(
    expected: ExpectedOutcome | None,
    state: StepState,
    sim: Simulator,
    copies_behind_s: float = 0.0,
) -> list[ExpectationRow]:
    """Expected against actual, one row per expectation a saved scenario states
    (the same verdicts as ``check --scenarios``): ``state`` is the state judged
    (:func:`designer.simulation.expectations.judged_state`) and ``copies_behind_s``
    the copies' worst queue up to then."""
    if expected is None:
        return []
    rows: list[ExpectationRow] = []
    if expected.mailboxes_available is not None:
        rows.append(
            ExpectationRow(
                "mailboxes available",
                f"{expected.mailboxes_available:,}",
                f"{state.mailboxes_available:,}",
                state.mailboxes_available == expected.mailboxes_available,
            )
        )
    if expected.databases_down is not None:
        names = {db.id: db.name for db in state.databases}
        by_name = {db.name: db.id for db in state.databases}
        down = {db.id for db in state.databases if db.state != "active"}
        wanted = {by_name.get(key, key) for key in expected.databases_down}
        rows.append(
            ExpectationRow(
                "databases down",
                ", ".join(sorted(names.get(d, d) for d in wanted)) or "none",
                ", ".join(sorted(names.get(d, d) for d in down)) or "none",
                down == wanted,
            )
        )
    if expected.max_rpo_s is not None:
        rows.append(
            ExpectationRow(
                "worst RPO",
                f"≤ {format_duration(expected.max_rpo_s)}",
                format_duration(state.max_rpo_s),
                state.max_rpo_s <= expected.max_rpo_s,
            )
        )
    if expected.max_rto_s is not None:
        rows.append(
            ExpectationRow(
                "worst RTO",
                f"≤ {format_duration(expected.max_rto_s)}",
                format_duration(state.max_rto_s),
                state.max_rto_s <= expected.max_rto_s,
            )
        )
    if expected.max_copies_behind_s is not None:
        rows.append(
            ExpectationRow(
                "copies behind (worst)",
                f"≤ {format_duration(expected.max_copies_behind_s)}",
                format_duration(copies_behind_s),
                copies_behind_s <= expected.max_copies_behind_s,
            )
        )
    return rows


@dataclass
class ScenarioReview:
    scenario: SavedScenario
    steps: list[str]
    rows: list[ExpectationRow]
    result: SimulationResult | None
    error: str | None = None
    #: The verdict of ``check --scenarios`` (designer.simulation.expectations).
    outcome: ScenarioOutcome | None = None
    #: The state the verdict reads (its expectation's time, else the scenario's
    #: horizon), and that time.
    judged: StepState | None = None
    judged_at: float = 0.0

    @property
    def passed(self) -> bool | None:
        if self.error:
            return False
        if self.scenario.expected is None:
            return None
        return self.outcome.passed if self.outcome else all(r.ok for r in self.rows)


@dataclass(frozen=True)
class MatrixCell:
    state: str
    rpo_s: float | None
    rto_s: float | None
    ok: bool


class InventoryTable(NamedTuple):
    """A kind's table in the Inventory: its heading, columns and rows, and the
    headings of the fields none of its elements states (no column of "—")."""

    title: str
    header: list[str]
    rows: list[list[str]]
    unstated: list[str]


@dataclass
class ReviewData:
    design: Design
    source: str
    findings: CheckResult
    n1: AnalysisResult
    n2: AnalysisResult
    scenarios: list[ScenarioReview]
    matrix_failures: list[tuple[str, str]]
    matrix_databases: list[tuple[str, str]]
    matrix: dict[tuple[str, str], MatrixCell]
    matrix_truncated: int = 0
    capacity: list[CapacitySection] = field(default_factory=list)
    availability: list[CapacitySection] = field(default_factory=list)
    #: The databases no copy serves before any failure (no single failure changes
    #: them: the N-1 summary says so rather than "every mailbox available").
    down_before: tuple[str, ...] = ()

    # -- helpers for renderers ----------------------------------------------------------
    def name(self, element_id: str | None) -> str:
        element = self._by_id.get(element_id) if element_id else None
        return element.name if element is not None else (element_id or "—")

    def __post_init__(self) -> None:
        self._by_id: dict[str, ElementBase] = {e.id: e for e in self.design.elements}

    def counts(self) -> list[tuple[str, int]]:
        out: dict[str, int] = {}
        for element in self.design.elements:
            out[element.kind] = out.get(element.kind, 0) + 1
        return [(ELEMENT_CLASSES[k].label, n) for k, n in out.items()]

    def inventory(self) -> list[InventoryTable]:
        """A table for each kind in the design, fields as text. A field no element of
        the kind states (an MTBF where the design gives no failure figures) is no
        column of "—" (eyes24): the table names it under ``unstated``."""
        tables: list[InventoryTable] = []
        kinds: dict[str, list[ElementBase]] = {}
        for element in self.design.elements:
            kinds.setdefault(element.kind, []).append(element)
        for kind, elements in kinds.items():
            cls = ELEMENT_CLASSES[kind]
            fields = [f for f in cls.model_fields if f not in ("id", "kind", "name", "notes")]
            stated = [f for f in fields if any(getattr(e, f) is not None for e in elements)]
            header = ["Name", *[field_heading(f) for f in stated]]
            rows = [[e.name, *[self._text(e, f) for f in stated]] for e in elements]
            unstated = [field_heading(f) for f in fields if f not in stated]
            tables.append(InventoryTable(kind_heading(cls.label), header, rows, unstated))
        return tables

    def _text(self, element: ElementBase, name: str) -> str:
        value = getattr(element, name)
        if name == "role" and isinstance(element, Site) and element.role != SiteRole.WITNESS_ONLY:
            witnesses = self._witness_sites.get(element.id)
            if witnesses:
                return (
                    f"Witness site (role stated: {choice_text(value)}): "
                    f"{'file share witness' if len(witnesses) == 1 else 'file share witnesses'} "
                    f"{', '.join(witnesses)}, no Exchange server"
                )
        vm = element if isinstance(element, VirtualMachine) else None
        if name == "exchange_edition" and vm is not None and not is_exchange(vm):
            return "—"  # (a domain controller's "enterprise": it runs no Exchange)
        refs = {r.path: r.target for r in iter_refs(element)}
        if isinstance(value, list):
            parts = []
            for i, item in enumerate(value):
                member = getattr(item, "member", None) or getattr(item, "vm", None)
                if member is not None:
                    extra = ""
                    if hasattr(item, "activation_preference"):
                        extra = f" ({item.activation_preference}"
                        extra += (
                            f", lag {item.replay_lag_days:g} d)" if item.replay_lag_days else ")"
                        )
                    elif hasattr(item, "priority"):
                        extra = f" (priority {item.priority})"
                    parts.append(self.name(member) + extra)
                else:
                    target = refs.get(f"{name}[{i}]")
                    parts.append(self.name(target) if target else _value_text(item))
            return ", ".join(parts)
        if name in refs:
            return self.name(refs[name])
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:,g}"  # 4,000 as the window says it
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, str) and _is_choice(type(element), name):
            return choice_text(value)  # as the Inspector's combo says it ("Enterprise")
        if isinstance(value, MailboxProfile):
            said = f"{value.messages_per_day:g} messages a day of {value.average_message_kb:g} KB"
            if value.peak_factor is not None:
                said += f", busiest hour {value.peak_factor:g} × the average"
            return said
        return _value_text(value)

    @cached_property
    def _witness_sites(self) -> dict[str, list[str]]:
        """Site id → the names of the file share witnesses it holds, for the sites that
        hold a witness and no Exchange server nor users: what such a site is, whatever
        role it states (eyes27 item 9: Hartford, holding only the witness, read
        "Production", its new site's default, as if it were a third datacenter). A
        witness is where its server runs (its VM's host's site), else where it states."""
        by_id = self._by_id
        site_of_host = {e.id: e.site for e in by_id.values() if isinstance(e, EsxiHost)}

        def site_of_vm(vm_id: str | None) -> str | None:
            vm = by_id.get(vm_id) if vm_id else None
            return site_of_host.get(vm.host) if isinstance(vm, VirtualMachine) else None

        held: dict[str, list[str]] = {}
        for e in by_id.values():
            if isinstance(e, FileShareWitness):
                held.setdefault(site_of_vm(e.vm) or e.site, []).append(e.name)
        busy = {
            site_of_vm(e.id)
            for e in by_id.values()
            if isinstance(e, VirtualMachine) and is_exchange(e)
        }
        busy.update(e.id for e in by_id.values() if isinstance(e, Site) and e.users)
        return {site: names for site, names in held.items() if site not in busy}

    def copy_layouts(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """Per DAG: members across, databases down, cells "1", "3 · lag 7 d"."""
        out = []
        dbs = [e for e in self.design.elements if isinstance(e, MailboxDatabase)]
        dags = [e for e in self.design.elements if isinstance(e, Dag)]
        groups: list[tuple[str, list[str], list[MailboxDatabase]]] = [
            (dag.name, list(dag.members), [d for d in dbs if d.dag == dag.id]) for dag in dags
        ]
        loose = [d for d in dbs if d.dag is None and d.copies]
        if loose:
            members = list(dict.fromkeys(c.member for d in loose for c in d.copies))
            groups.append(("Databases outside a DAG", members, loose))
        for title, members, databases in groups:
            header = ["database", *[self.name(m) for m in members]]
            rows = []
            for db in databases:
                cells = []
                for member in members:
                    copy = next((c for c in db.copies if c.member == member), None)
                    if copy is None:
                        cells.append("")
                    else:
                        lag = f" · lag {copy.replay_lag_days:g} d" if copy.replay_lag_days else ""
                        cells.append(f"{copy.activation_preference}{lag}")
                rows.append([db.name, *cells])
            out.append((title, header, rows))
        return out


@cache
def _is_choice(cls: type[ElementBase], name: str) -> bool:
    """Whether ``cls.name`` is one of fixed choices (a ``Literal``, optional or not): the
    Inspector offers them in a combo box, in :func:`choice_text`'s words."""

    def literal(annotation: Any) -> bool:
        origin = typing.get_origin(annotation)
        if origin is Literal:
            return True
        if origin in (typing.Union, types.UnionType):
            return any(literal(a) for a in typing.get_args(annotation))
        return False

    found = cls.model_fields.get(name)
    return found is not None and literal(found.annotation)


def _value_text(value: Any) -> str:
    """A cell's value as the Inspector shows it: an enum by its choice's words
    ("Client Access", "Witness only"), anything else as its text."""
    return choice_text(str(value.value)) if isinstance(value, Enum) else str(value)


def _step_text(review_name: Callable[[str | None], str], step: Any) -> str:
    at = format_duration(step.at_s)
    if step.action == "admin":
        return f"T+{at}: {step.admin_action} {review_name(step.target)}".strip()
    return f"T+{at}: {step.action} {review_name(step.target)}"


class ReviewCancelled(Exception):
    """The ``progress`` callback of :func:`build_review` asked it to stop."""


#: ``progress(stage, done, total)`` → ``False`` to stop; ``stage`` is what is being
#: computed, in words ("N-2 analysis", "RPO/RTO matrix").
ReviewProgress = Callable[[str, int, int], bool]


def build_review(
    design: Design,
    *,
    source: str = "",
    depth: int = 2,
    progress: ReviewProgress | None = None,
) -> ReviewData:
    """Everything the review report shows, computed once.

    Headless and free of shared state, so the window runs it on a worker thread;
    ``progress`` is called between failures and may stop it (:class:`ReviewCancelled`).
    """

    def report(stage: str, done: int, total: int) -> bool:
        if progress is not None and not progress(stage, done, total):
            raise ReviewCancelled(stage)
        return True

    findings = check(design)
    sim = Simulator(design)
    # One sweep: depth 2 fails every element alone first, then the harmless pairs.
    stage = "N-2 analysis" if depth >= 2 else "N-1 analysis"
    n2 = analyze(
        sim,
        2 if depth >= 2 else 1,
        max_pairs=MAX_PAIRS,
        progress=None if progress is None else lambda done, total: report(stage, done, total),
    )
    singles = tuple(e for e in n2.entries if len(e.elements) == 1)
    swept = len(sweep_elements(sim))
    n1 = AnalysisResult(1, singles, swept, swept)
    by_id = {e.id: e for e in design.elements}

    def name(element_id: str | None) -> str:
        element = by_id.get(element_id) if element_id else None
        return element.name if element is not None else (element_id or "")

    scenarios = []
    for scenario in design.scenarios:
        steps = [_step_text(name, s) for s in scenario.steps]
        try:
            result = sim.run(scenario)
        except SimulationError as exc:
            scenarios.append(ScenarioReview(scenario, steps, [], None, str(exc)))
            continue
        at = judged_at(result, scenario.expected)
        state = result.state_at(at)
        rows = expectation_rows(scenario.expected, state, sim, worst_copies_behind(result, at))
        outcome = evaluate(sim, scenario, result)
        scenarios.append(ScenarioReview(scenario, steps, rows, result, None, outcome, state, at))
    failures = [
        (e.id, f"{e.label} {e.name}")
        for kind in MATRIX_KINDS
        for e in sorted(sim.index.by_kind.get(kind, []), key=lambda e: e.name.casefold())
    ]
    truncated = max(0, len(failures) - MAX_MATRIX_COLUMNS)
    failures = failures[:MAX_MATRIX_COLUMNS]
    databases = [(e.id, e.name) for e in design.elements if isinstance(e, MailboxDatabase)]
    matrix: dict[tuple[str, str], MatrixCell] = {}
    for done, (failure_id, _) in enumerate(failures):
        report("RPO/RTO matrix", done, len(failures))
        try:
            final = sim.run([_fail(failure_id)], events=False).final
        except SimulationError:
            continue
        for db in final.databases:
            matrix[(db.id, failure_id)] = MatrixCell(
                db.state if db.reachable or db.state != "active" else "unreachable",
                db.rpo_s,
                db.rto_s,
                db.available and db.meets_targets,
            )
    capacity = [s for s in (p(design) for p in _CAPACITY_PROVIDERS) if s is not None]
    availability = [s for s in (p(design) for p in _AVAILABILITY_PROVIDERS) if s is not None]
    return ReviewData(
        design,
        source,
        findings,
        n1,
        n2,
        scenarios,
        failures,
        databases,
        matrix,
        truncated,
        capacity,
        availability,
        tuple(state.name for state in sim.baseline.state_order if not state.available),
    )


def _fail(element_id: str) -> Any:
    from designer.domain.design import ScenarioStep

    return ScenarioStep(action="fail", target=element_id)
