"""Assemble imported rows into a design, or merge them into an existing one.

Elements are matched by kind and name (exactly, then ignoring case, then by the host
part of a DNS name), so an import *into* a design updates what is there instead of
adding a second copy. Every value goes through the model's own field validation as it
is set: a value the model refuses is reported (file, row, column, why) and the field
keeps its previous value, so :meth:`DesignBuilder.build` always gives a valid design.

Each element touched keeps a ``Source:`` line in its notes naming the files and rows it
came from. Elements the sources imply but do not describe (the host of a server the
calculator names, the array behind an RVTools datastore) are made as placeholders or
stand-ins, said so in their notes and in the report; placeholders nothing uses any
more (a calculator server later placed by RVTools) are removed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from designer.domain.design import Design
from designer.domain.elements import (
    ELEMENT_CLASSES,
    IMPORT_PLACEHOLDER_NOTE,
    IMPORT_STAND_IN_NOTE,
    DatabaseCopy,
    ElementBase,
)
from designer.domain.kinds import KINDS
from designer.domain.refs import iter_refs
from designer.domain.structure import structural_errors
from designer.interop.report import ImportReport, InteropError
from designer.interop.tables import Row

__all__ = ["PLACEHOLDER_NOTE", "SOURCE_PREFIX", "DesignBuilder", "Draft", "source_of"]

#: Notes of an element an import made up because the sources imply it.
PLACEHOLDER_NOTE = IMPORT_PLACEHOLDER_NOTE
STAND_IN_NOTE = IMPORT_STAND_IN_NOTE
#: The notes line naming the rows an element came from.
SOURCE_PREFIX = "Source: "
_MAX_SOURCE_TEXT = 2000
#: Kinds named after a computer, found by the host part of a DNS name too.
_HOST_NAMED = frozenset({"vm", "esxi_host", "file_share_witness"})


@cache
def _adapter(kind: str, name: str) -> TypeAdapter[Any]:
    info = ELEMENT_CLASSES[kind].model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return str(first.get("msg", exc)).replace("Value error, ", "")


@dataclass(eq=False)
class Draft:
    """An element being assembled: its kind, id and field values so far."""

    kind: str
    id: str
    data: dict[str, Any]
    original: ElementBase | None = None
    #: "file [sheet]" -> spreadsheet rows
    sources: dict[str, list[int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def placeholder(self) -> bool:
        return str(self.data.get("notes", "")).startswith(PLACEHOLDER_NOTE)

    def get(self, name: str) -> Any:
        return self.data.get(name)


def source_of(row: Row) -> str:
    return row.table.where


class DesignBuilder:
    """Drafts of every element, keyed by kind and name; see the module docstring."""

    def __init__(self, base: Design | None, report: ImportReport) -> None:
        self.base = base or Design(name="Imported design")
        self.report = report
        self.drafts: dict[str, Draft] = {}
        self._by_name: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._by_short: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self._counters: dict[str, int] = defaultdict(int)
        for element in self.base.elements:
            data = element.model_dump()
            kind = data.pop("kind")
            data.pop("id")
            self._register(Draft(kind, element.id, data, original=element))

    # -- lookup --------------------------------------------------------------------------
    def _register(self, draft: Draft) -> None:
        self.drafts[draft.id] = draft
        key = draft.name.casefold()
        self._by_name[draft.kind][key].append(draft.id)
        if draft.kind in _HOST_NAMED:
            self._by_short[draft.kind][key.split(".")[0]].append(draft.id)

    def find(self, kind: str, name: str) -> Draft | None:
        """The element of ``kind`` called ``name``: exact, then ignoring case, then by
        the first label of a DNS name (``EX01`` finds ``ex01.contoso.com``)."""
        names = self._by_name[kind]
        ids = names.get(name.casefold(), [])
        for element_id in ids:
            if self.drafts[element_id].name == name:
                return self.drafts[element_id]
        if len(ids) == 1:
            return self.drafts[ids[0]]
        short = name.split(".")[0].casefold()
        if not short or kind not in _HOST_NAMED:
            return None
        matches = [i for i in self._by_short[kind].get(short, []) if i in self.drafts]
        return self.drafts[matches[0]] if len(matches) == 1 else None

    def get(self, element_id: str | None) -> Draft | None:
        return self.drafts.get(element_id) if element_id else None

    def all(self, kind: str) -> list[Draft]:
        return [d for d in self.drafts.values() if d.kind == kind]

    # -- creation ------------------------------------------------------------------------
    def _new_id(self, kind: str) -> str:
        info = KINDS.get(kind)
        prefix = info.spec.prefix if info is not None else kind  # the kind table's id stems
        while True:
            self._counters[prefix] += 1
            candidate = f"{prefix}-{self._counters[prefix]}"
            if candidate not in self.drafts:
                return candidate

    def ensure(self, kind: str, name: str, row: Row | None = None, **fields: Any) -> Draft:
        """The element of ``kind`` called ``name``, made with ``fields`` when new (an
        existing one keeps its values: callers :meth:`set` what the source says)."""
        name = name.strip()
        if len(name) > 200:
            name = name[:200]
        draft = self.find(kind, name)
        if draft is None:
            data: dict[str, Any] = {"name": name}
            for key, value in fields.items():
                data[key] = _adapter(kind, key).validate_python(value)
            draft = Draft(kind, self._new_id(kind), data)
            self._register(draft)
        if row is not None:
            self.add_source(draft, row)
        return draft

    def add_source(self, draft: Draft, row: Row) -> None:
        rows = draft.sources.setdefault(row.table.where, [])
        if not rows or rows[-1] != row.number:
            rows.append(row.number)

    def set(
        self, draft: Draft, name: str, value: Any, row: Row | None = None, column: str | None = None
    ) -> bool:
        """Set one field through the model's validation; a refused value is reported
        (not skipping the row) and the field keeps its value. Returns whether it took."""
        try:
            draft.data[name] = _adapter(draft.kind, name).validate_python(value)
        except ValidationError as exc:
            if row is not None:
                self.report.issue(
                    row.table.where,
                    row.number,
                    column,
                    f"{value!r} is not a valid {name.replace('_', ' ')} for "
                    f"{ELEMENT_CLASSES[draft.kind].label} {draft.name} ({_first_error(exc)})",
                    skipped=False,
                )
            return False
        return True

    # -- implied elements ----------------------------------------------------------------
    def placeholder_site(self) -> Draft:
        draft = self.ensure("site", "Unplaced (import)")
        if not draft.get("notes"):
            draft.data["notes"] = (
                f"{PLACEHOLDER_NOTE}: the sources do not say which site these servers, "
                "witnesses or arrays are in. Move them to their sites and delete this one."
            )
        return draft

    def placeholder_host(self, vm_name: str) -> Draft:
        site = self.placeholder_site()
        draft = self.ensure("esxi_host", f"{vm_name} host (unplaced)", site=site.id)
        draft.data.setdefault("notes", "")
        if not draft.data["notes"]:
            draft.data["notes"] = (
                f"{PLACEHOLDER_NOTE}: the sources name server {vm_name} but not the ESXi "
                "host it runs on (import RVTools into this design to place it)."
            )
        return draft

    def vm(self, name: str, row: Row | None = None) -> Draft:
        """The VM called ``name``; a new one runs on a placeholder host until a source
        (RVTools) says where it runs."""
        draft = self.find("vm", name)
        if draft is None:
            host = self.placeholder_host(name)
            draft = self.ensure("vm", name, row, host=host.id)
        elif row is not None:
            self.add_source(draft, row)
        return draft

    def site_of_host(self, host_id: str | None) -> str | None:
        host = self.get(host_id)
        return host.get("site") if host else None

    def add_role(self, vm: Draft, role: str) -> None:
        roles = list(vm.get("roles") or [])
        if role not in [str(r) for r in roles]:
            self.set(vm, "roles", [*roles, role])

    def add_member(self, dag: Draft, vm: Draft) -> None:
        members = list(dag.get("members") or [])
        if vm.id not in members:
            dag.data["members"] = [*members, vm.id]

    def put_copy(
        self,
        database: Draft,
        member: Draft,
        preference: int | None,
        lag_days: float | None,
        row: Row | None = None,
    ) -> None:
        """Add or update the copy of ``database`` on ``member``; a new copy with no
        preference given takes the next free one."""
        copies: list[DatabaseCopy] = list(database.get("copies") or [])
        for i, copy in enumerate(copies):
            if copy.member == member.id:
                update: dict[str, Any] = {}
                if preference is not None:
                    update["activation_preference"] = preference
                if lag_days is not None:
                    update["replay_lag_days"] = lag_days
                copies[i] = copy.model_copy(update=update)
                break
        else:
            taken = {c.activation_preference for c in copies}
            pref = preference if preference is not None else (max(taken, default=0) + 1)
            copies.append(
                DatabaseCopy(
                    member=member.id,
                    activation_preference=pref,
                    replay_lag_days=lag_days or 0.0,
                )
            )
        database.data["copies"] = copies
        if row is not None:
            self.add_source(database, row)

    # -- result --------------------------------------------------------------------------
    def _drop_unused_placeholders(self) -> None:
        if not any(d.placeholder for d in self.drafts.values()):
            return
        refs = {d.id: {r.target for r in _refs(d)} for d in self.drafts.values()}
        for kind in ("esxi_host", "site"):
            used = set().union(*(refs[i] for i in self.drafts))
            for draft in list(self.drafts.values()):
                if draft.kind == kind and draft.placeholder and draft.id not in used:
                    del self.drafts[draft.id]

    def build(self) -> Design:
        """The design: existing elements first (in their order), then new ones."""
        self._drop_unused_placeholders()
        elements: list[ElementBase] = []
        for draft in self.drafts.values():
            if draft.sources:
                draft.data["notes"] = _with_sources(str(draft.data.get("notes", "")), draft)
            cls = ELEMENT_CLASSES[draft.kind]
            try:
                element = cls.model_validate({"kind": draft.kind, "id": draft.id, **draft.data})
            except ValidationError as exc:  # every field was validated as it was set
                raise InteropError(
                    f"{cls.label} {draft.name}: {_first_error(exc)} (an import bug; please "
                    "report it with the source files)"
                ) from None
            if draft.original is None:
                self.report.created[draft.kind] = self.report.created.get(draft.kind, 0) + 1
            elif element != draft.original:
                self.report.updated[draft.kind] = self.report.updated.get(draft.kind, 0) + 1
            elements.append(element)
        kept = {e.id for e in elements}
        layout = {k: v for k, v in self.base.layout.items() if k in kept}
        design = self.base.model_copy(update={"elements": elements, "layout": layout})
        errors = structural_errors(design)
        if errors:
            raise InteropError(f"the imported design is not consistent: {errors[0]}")
        return design


def _refs(draft: Draft) -> list[Any]:
    try:
        element = ELEMENT_CLASSES[draft.kind].model_construct(
            kind=draft.kind, id=draft.id, **draft.data
        )
        return list(iter_refs(element))
    except Exception:  # pragma: no cover - model_construct does not validate
        return []


def _ranges(rows: list[int]) -> str:
    rows = sorted(set(rows))
    parts: list[str] = []
    start = prev = rows[0]
    for n in [*rows[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _with_sources(notes: str, draft: Draft) -> str:
    """``notes`` with its ``Source:`` line extended by the rows of this import."""
    lines = notes.splitlines()
    old = [line for line in lines if line.startswith(SOURCE_PREFIX)]
    rest = [line for line in lines if not line.startswith(SOURCE_PREFIX)]
    entries = [e for line in old for e in line[len(SOURCE_PREFIX) :].split("; ") if e]
    for where, rows in draft.sources.items():
        word = "row" if len(set(rows)) == 1 else "rows"
        entry = f"{where} {word} {_ranges(rows)}"
        if entry not in entries:
            entries.append(entry)
    text = "; ".join(entries)
    if len(text) > _MAX_SOURCE_TEXT:
        text = text[: _MAX_SOURCE_TEXT - 1] + "…"
    out = "\n".join([*rest, SOURCE_PREFIX + text]).strip()
    return out[:10_000]
