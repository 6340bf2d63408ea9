"""The semantic difference of two designs (``dr-designer diff A B``).

Elements are matched by id: added, removed, and changed field by field (a renamed
element is one change, not a removal and an addition). Layout-only changes are counted
on one line. Then what the change *does*: findings added and cleared, single points of
failure (N-1) that appeared, went or changed impact, and saved scenarios whose outcome
changed. Text for a terminal, Markdown for a pull-request comment, JSON for tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from designer.domain.design import Design, ScenarioStep
from designer.domain.field_words import choice_text, field_heading, field_label, unit_of
from designer.domain.refs import iter_refs
from designer.domain.words import natural_key, plural
from designer.rules.engine import check
from designer.simulation import SimulationError, Simulator, analyze

__all__ = ["DesignDiff", "FieldChange", "diff_designs"]


@dataclass(frozen=True)
class FieldChange:
    """A field's change: raw (the JSON's) and in words (the text's and Markdown's)."""

    field: str
    before: Any
    after: Any
    #: The field's heading and values as the Inspector says them ("Bandwidth (Mbit/s)",
    #: "1,000" → "50"; a reference by its element's name); "" for the raw form.
    heading: str = ""
    before_text: str = ""
    after_text: str = ""

    @property
    def said(self) -> tuple[str, str, str]:
        """(heading, before, after) in words, else raw."""
        if self.heading:
            return self.heading, self.before_text, self.after_text
        return self.field, _show(self.before), _show(self.after)


@dataclass
class ElementChange:
    id: str
    kind: str
    name: str
    changes: list[FieldChange]


@dataclass
class DesignDiff:
    added: list[tuple[str, str, str]] = field(default_factory=list)  # (id, kind, name)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    design_changes: list[FieldChange] = field(default_factory=list)
    layout_changed: int = 0
    findings_added: list[dict[str, Any]] = field(default_factory=list)
    findings_cleared: list[dict[str, Any]] = field(default_factory=list)
    n1_added: list[dict[str, Any]] = field(default_factory=list)
    n1_cleared: list[dict[str, Any]] = field(default_factory=list)
    n1_changed: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[dict[str, Any]] = field(default_factory=list)

    @property
    def semantic(self) -> bool:
        """True when anything but layout differs."""
        return bool(
            self.added
            or self.removed
            or self.changed
            or self.design_changes
            or self.findings_added
            or self.findings_cleared
            or self.n1_added
            or self.n1_cleared
            or self.n1_changed
            or self.scenarios
        )

    def differs(self, *, ignore_layout: bool = False) -> bool:
        return self.semantic or (self.layout_changed > 0 and not ignore_layout)

    # -- output --------------------------------------------------------------------------
    def to_json(self) -> str:
        data = {
            "same": not self.differs(),
            "elements": {
                "added": [{"id": i, "kind": k, "name": n} for i, k, n in self.added],
                "removed": [{"id": i, "kind": k, "name": n} for i, k, n in self.removed],
                "changed": [
                    {
                        "id": c.id,
                        "kind": c.kind,
                        "name": c.name,
                        "fields": [
                            {"field": f.field, "before": f.before, "after": f.after}
                            for f in c.changes
                        ],
                    }
                    for c in self.changed
                ],
            },
            "design": [
                {"field": f.field, "before": f.before, "after": f.after}
                for f in self.design_changes
            ],
            "layout_changed": self.layout_changed,
            "findings": {"added": self.findings_added, "cleared": self.findings_cleared},
            "n_minus_1": {
                "added": self.n1_added,
                "cleared": self.n1_cleared,
                "changed": self.n1_changed,
            },
            "scenarios": self.scenarios,
        }
        return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"

    def to_text(self, a: str = "A", b: str = "B") -> str:
        lines: list[str] = []
        if not self.differs():
            return f"{a} and {b}: no differences\n"
        lines.append(f"--- {a}\n+++ {b}")
        for change in self.design_changes:
            _heading, before, after = change.said
            lines.append(f"~ design {change.field}: {before} → {after}")
        for element_id, kind, name in self.added:
            lines.append(f"+ {_label(kind)} {name} ({element_id})")
        for element_id, kind, name in self.removed:
            lines.append(f"- {_label(kind)} {name} ({element_id})")
        for c in self.changed:
            lines.append(f"~ {_label(c.kind)} {c.name} ({c.id})")
            lines += ["    {}: {} → {}".format(*f.said) for f in c.changes]
        if self.layout_changed:
            lines.append(f"layout: {plural(self.layout_changed, 'element')} moved or resized")
        for f in self.findings_added:
            lines.append(f"+ finding {f['severity']} {f['code']}: {f['message']}")
        for f in self.findings_cleared:
            lines.append(f"- finding {f['severity']} {f['code']}: {f['message']}")
        for e in self.n1_added:
            lines.append(
                f"+ N-1: losing {e['names']} affects {e['mailboxes_affected']:,} mailboxes"
            )
        for e in self.n1_cleared:
            lines.append(f"- N-1: losing {e['names']} no longer affects mailboxes")
        for e in self.n1_changed:
            lines.append(
                f"~ N-1: losing {e['names']} affects {e['before']:,} → {e['after']:,} mailboxes"
            )
        for s in self.scenarios:
            lines.append(f"~ scenario {s['name']}: {s['summary']}")
        return "\n".join(lines) + "\n"

    def to_markdown(self, a: str = "A", b: str = "B") -> str:
        if not self.differs():
            return f"**No differences** between `{a}` and `{b}`.\n"
        out = [f"### Design diff: `{a}` → `{b}`", ""]
        counts = (
            f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
        )
        out.append(
            f"**Elements:** {counts}"
            + (f"; layout: {self.layout_changed} moved or resized" if self.layout_changed else "")
        )
        out.append("")
        if self.design_changes:
            out += ["| design | before | after |", "|---|---|---|"]
            out += [
                "| {} | {} | {} |".format(f.field, *map(_md, f.said[1:]))
                for f in self.design_changes
            ]
            out.append("")
        if self.added or self.removed or self.changed:
            out += ["| | element | field | before | after |", "|---|---|---|---|---|"]
            out += [f"| ➕ | {_label(k)} **{_md(n)}** (`{i}`) | | | |" for i, k, n in self.added]
            out += [f"| ➖ | {_label(k)} **{_md(n)}** (`{i}`) | | | |" for i, k, n in self.removed]
            for c in self.changed:
                for j, f in enumerate(c.changes):
                    who = f"{_label(c.kind)} **{_md(c.name)}** (`{c.id}`)" if j == 0 else ""
                    heading, before, after = f.said
                    out.append(
                        f"| {'✏️' if j == 0 else ''} | {who} | {_md(heading)} | {_md(before)} "
                        f"| {_md(after)} |"
                    )
            out.append("")
        if self.findings_added or self.findings_cleared:
            out += ["#### Findings", ""]
            out += [
                f"- 🆕 **{f['code']}** ({f['severity']}): {_md(f['message'])}"
                for f in self.findings_added
            ]
            out += [
                f"- ✅ cleared **{f['code']}** ({f['severity']}): {_md(f['message'])}"
                for f in self.findings_cleared
            ]
            out.append("")
        if self.n1_added or self.n1_cleared or self.n1_changed:
            out += [
                "#### Single points of failure (N-1)",
                "",
                "| failure | before | after |",
                "|---|---|---|",
            ]
            out += [
                f"| {_md(e['names'])} | — | {e['mailboxes_affected']:,} mailboxes |"
                for e in self.n1_added
            ]
            out += [
                f"| {_md(e['names'])} | {e['mailboxes_affected']:,} mailboxes | — |"
                for e in self.n1_cleared
            ]
            out += [
                f"| {_md(e['names'])} | {e['before']:,} mailboxes | {e['after']:,} mailboxes |"
                for e in self.n1_changed
            ]
            out.append("")
        if self.scenarios:
            out += ["#### Saved scenarios", ""]
            out += [f"- **{_md(s['name'])}**: {_md(s['summary'])}" for s in self.scenarios]
            out.append("")
        return "\n".join(out)


def _label(kind: str) -> str:
    from designer.domain.elements import ELEMENT_CLASSES

    cls = ELEMENT_CLASSES.get(kind)
    return cls.label if cls else kind


def _show(value: Any) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, default=str)
        if not isinstance(value, str)
        else repr(value)
    )
    return text if len(text) <= 120 else text[:117] + "…"


def _in_words(
    value: Any,
    name: str,
    names: dict[str, str] | None,
    choice: bool,
    model: type[BaseModel] | None = None,
) -> str:
    """A field's value as the Inspector says it: a reference by its element's name (its
    id when no element has it), a figure with thousands separators (and no ".0"), a
    choice in its words, a yes/no, "—" for none; a text quoted; an object (of type
    ``model`` when known) or a list of them in words too (see :func:`_object_words`)."""
    if value is None or value == []:
        return "—"
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(_in_words(v, name, names, choice) for v in value)
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return ", ".join(_object_words(v, names, model) for v in value)
    if isinstance(value, dict):
        return _object_words(value, names, model)
    if names is not None and isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,g}"
    if isinstance(value, str):
        return choice_text(value) if choice else repr(value)
    return _show(value)


def _object_words(
    value: dict[str, Any], names: dict[str, str] | None, model: type[BaseModel] | None = None
) -> str:
    """An object (a database's copy, a scenario's step, a message profile) in words: the
    element it names (or its name) first, then its other fields as "label value unit",
    leaving out those empty or at a ``model``'s default of none (no lag, no note):

    >>> from designer.domain.elements import DatabaseCopy
    >>> copy = {"member": "vm-1", "activation_preference": 2, "replay_lag_days": 7.0}
    >>> _object_words(copy, {"vm-1": "MBX01"}, DatabaseCopy)
    'MBX01 (activation preference 2, replay lag 7 days)'
    >>> _object_words({"member": "vm-1", "replay_lag_days": 0.0}, {"vm-1": "MBX01"}, DatabaseCopy)
    'MBX01'
    >>> _object_words({"site": {"mtbf_h": 8760.0, "mttr_h": 4.0}}, {})
    'site (MTBF 8,760 h, MTTR 4 h)'
    """
    if model is ScenarioStep and "action" in value:
        return _step_words(value, names)
    fields = model.model_fields if model is not None else {}
    choices = _choice_fields(model) if model is not None else frozenset()
    lead = ""
    said: list[str] = []
    for key, item in value.items():
        info = fields.get(key)
        if item in (None, "", [], {}) or (info is not None and not item and item == info.default):
            continue
        if not lead and isinstance(item, str) and (key == "name" or (names and item in names)):
            lead = names.get(item, item) if names else item
            continue
        label = field_label(key)
        if not label.split()[0].isupper():  # "MTBF", "DAC mode" stay
            label = label[:1].lower() + label[1:]
        inner = _model_in(info.annotation) if info is not None else None
        named = not isinstance(item, str) or bool(names and item in names)
        words = _in_words(item, key, names if named else None, key in choices, inner)
        if isinstance(item, dict):
            words = f"({words})"
        unit = unit_of(key)
        said.append(f"{label} {words}" + (f" {unit}" if unit else ""))
    if not lead:
        return ", ".join(said) or "—"
    return f"{lead} ({', '.join(said)})" if said else lead


def _step_words(value: dict[str, Any], names: dict[str, str] | None) -> str:
    """A scenario's step as the review report says it: "fail Boston at T+0:00",
    "switchover DAG01 at T+5:00", its other fields after it (it read "Boston (action
    Fail)", with no time).

    >>> _step_words({"action": "fail", "target": "site-bos", "at_s": 0.0}, {"site-bos": "Boston"})
    'fail Boston at T+0:00'
    """
    from designer.interop.review import format_duration

    action = value["action"]
    what = value.get("admin_action") or action if action == "admin" else action
    target = value.get("target")
    target = (names or {}).get(target, target) if target else ""
    rest = {k: v for k, v in value.items() if k not in ("action", "admin_action", "target", "at_s")}
    extra = _object_words(rest, names, ScenarioStep)
    return (
        f"{what} {target}".strip()
        + ("" if extra == "—" else f" ({extra})")
        + f" at T+{format_duration(float(value.get('at_s') or 0.0))}"
    )


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field's annotation holds (``list[DatabaseCopy]``,
    ``MailboxProfile | None``), if any."""
    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack += list(get_args(t))
    return None


def _choice_fields(cls: type) -> frozenset[str]:
    """The fields of ``cls`` whose values are choices (a Literal or an Enum)."""
    found = set()
    for name, info in getattr(cls, "model_fields", {}).items():
        stack = [info.annotation]
        while stack:
            t = stack.pop()
            if get_origin(t) is Literal or (isinstance(t, type) and issubclass(t, Enum)):
                found.add(name)
                break
            stack += list(get_args(t))
    return frozenset(found)


def _md(value: Any) -> str:
    text = value if isinstance(value, str) else _show(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _finding_key(f: Any) -> tuple[str, tuple[str, ...], str]:
    return (f.code, tuple(f.elements), f.message)


def _finding_json(f: Any) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "elements": list(f.elements),
    }


#: The design's fields compared elsewhere (elements, layout, scenarios), not as settings.
_NOT_SETTINGS = frozenset({"elements", "layout", "scenarios"})


def diff_designs(a: Design, b: Design, *, analysis: bool = True) -> DesignDiff:
    """What changed from ``a`` to ``b``; ``analysis=False`` skips findings, N-1 and
    scenarios (the element and layout comparison alone)."""
    out = DesignDiff()
    old = {e.id: e for e in a.elements}
    new = {e.id: e for e in b.elements}
    names_a = {e.id: e.name for e in a.elements}
    names_b = {e.id: e.name for e in b.elements}
    out.added = [(e.id, e.kind, e.name) for e in b.elements if e.id not in old]
    out.removed = [(e.id, e.kind, e.name) for e in a.elements if e.id not in new]
    for element in b.elements:
        before = old.get(element.id)
        if before is None or before == element:
            continue
        x, y = before.model_dump(mode="json"), element.model_dump(mode="json")
        refs = {r.path.split("[")[0] for r in (*iter_refs(before), *iter_refs(element))}
        choices = _choice_fields(type(element))
        models = {k: _model_in(info.annotation) for k, info in type(element).model_fields.items()}
        changes = []
        for k in dict.fromkeys([*x, *y]):
            if x.get(k) == y.get(k):
                continue
            words = (names_a, names_b) if k in refs else None
            changes.append(
                FieldChange(
                    k,
                    x.get(k),
                    y.get(k),
                    field_heading(k),
                    _in_words(
                        x.get(k), k, words[0] if words else None, k in choices, models.get(k)
                    ),
                    _in_words(
                        y.get(k), k, words[1] if words else None, k in choices, models.get(k)
                    ),
                )
            )
        out.changed.append(ElementChange(element.id, element.kind, element.name, changes))
    da: dict[str, Any] = a.model_dump(mode="json")
    db: dict[str, Any] = b.model_dump(mode="json")

    # Every design-level setting: the targets, rule settings, and the sizing (capacity)
    # and failure (reliability) figures, which change what capacity and availability say.
    def setting(
        path: str, name: str, before: Any, after: Any, model: type[BaseModel] | None
    ) -> FieldChange:
        # Its path as the heading; the values in words (elements by their names).
        words = (
            _in_words(before, name, names_a, False, model),
            _in_words(after, name, names_b, False, model),
        )
        return FieldChange(path, before, after, path, *words)

    def model_of(owner: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
        info = owner.model_fields.get(name) if owner is not None else None
        return _model_in(info.annotation) if info is not None else None

    for key in (k for k in type(a).model_fields if k not in _NOT_SETTINGS):
        if da[key] != db[key]:
            if isinstance(da[key], dict) and isinstance(db[key], dict):
                for sub in dict.fromkeys([*da[key], *db[key]]):
                    if da[key].get(sub) != db[key].get(sub):
                        settings = model_of(type(a), key)
                        out.design_changes.append(
                            setting(
                                f"{key}.{sub}",
                                sub,
                                da[key].get(sub),
                                db[key].get(sub),
                                model_of(settings, sub),
                            )
                        )
            else:
                out.design_changes.append(
                    setting(key, key, da[key], db[key], model_of(type(a), key))
                )
    sa = {s["name"]: s for s in da["scenarios"]}
    sb = {s["name"]: s for s in db["scenarios"]}
    for name in dict.fromkeys([*sa, *sb]):
        if sa.get(name) != sb.get(name):
            out.design_changes.append(
                setting(
                    f"scenarios[{name}]",
                    "scenario",
                    sa.get(name),
                    sb.get(name),
                    model_of(type(a), "scenarios"),
                )
            )
    common = set(old) & set(new)
    out.layout_changed = sum(
        1
        for k in set(a.layout) | set(b.layout)
        if k in common and a.layout.get(k) != b.layout.get(k)
    )
    if not analysis:
        return out
    fa = {_finding_key(f): f for f in check(a).active}
    fb = {_finding_key(f): f for f in check(b).active}
    out.findings_added = [_finding_json(f) for k, f in fb.items() if k not in fa]
    out.findings_cleared = [_finding_json(f) for k, f in fa.items() if k not in fb]
    sim_a, sim_b = Simulator(a), Simulator(b)
    na = {e.elements: e for e in analyze(sim_a).entries}
    nb = {e.elements: e for e in analyze(sim_b).entries}
    for spof, entry in nb.items():
        if spof not in na:
            out.n1_added.append(
                {
                    "elements": list(spof),
                    "names": ", ".join(entry.names),
                    "mailboxes_affected": entry.mailboxes_affected,
                }
            )
        elif na[spof].mailboxes_affected != entry.mailboxes_affected:
            out.n1_changed.append(
                {
                    "elements": list(spof),
                    "names": ", ".join(entry.names),
                    "before": na[spof].mailboxes_affected,
                    "after": entry.mailboxes_affected,
                }
            )
    for spof, entry in na.items():
        if spof not in nb:
            out.n1_cleared.append(
                {
                    "elements": list(spof),
                    "names": ", ".join(entry.names),
                    "mailboxes_affected": entry.mailboxes_affected,
                }
            )
    scenarios_b = {s.name: s for s in b.scenarios}
    for scenario in a.scenarios:
        other = scenarios_b.get(scenario.name)
        if other is None:
            continue
        was, now = _outcome(sim_a, scenario), _outcome(sim_b, other)
        if was != now:
            parts = [
                f"{_OUTCOME_WORDS.get(k, k)} {_outcome_words(was.get(k))} → "
                f"{_outcome_words(now.get(k))}"
                for k in now
                if was.get(k) != now.get(k)
            ]
            out.scenarios.append(
                {
                    "name": scenario.name,
                    "before": was,
                    "after": now,
                    "summary": "; ".join(parts),
                }
            )
    return out


def _outcome(sim: Simulator, scenario: Any) -> dict[str, Any]:
    from designer.interop.review import expectation_rows
    from designer.simulation.expectations import judged_at, worst_copies_behind

    try:
        result = sim.run(scenario)
    except SimulationError as exc:
        return {"error": str(exc)}
    # Judged where check --scenarios and the review report judge it (its horizon).
    at = judged_at(result, scenario.expected)
    final, behind = result.state_at(at), worst_copies_behind(result, at)
    rows = expectation_rows(scenario.expected, final, sim, behind)
    return {
        "mailboxes available": final.mailboxes_available,
        "databases down": sorted(
            (db.name for db in final.databases if db.state != "active"), key=natural_key
        ),
        "worst RPO s": None if final.max_rpo_s == float("inf") else final.max_rpo_s,
        "worst RTO s": None if final.max_rto_s == float("inf") else final.max_rto_s,
        "copies behind s": behind,
        "meets expected": all(r.ok for r in rows),
    }


#: A scenario outcome's keys as the text and Markdown say them (the JSON keeps the keys).
_OUTCOME_WORDS = {
    "meets expected": "meets its expected outcome",
    "worst RPO s": "worst RPO (s)",
    "worst RTO s": "worst RTO (s)",
    "copies behind s": "copies behind, worst (s)",
}


def _outcome_words(value: Any) -> str:
    """A scenario outcome's value in words: a list of names joined ("none" when empty),
    yes/no, a figure with thousands separators, "—" for none (the text printed Python's
    ``['DB01', 'DB02']`` and ``True``).

    >>> _outcome_words(["DB01", "DB02"]), _outcome_words([]), _outcome_words(True)
    ('DB01, DB02', 'none', 'yes')
    >>> _outcome_words(8000), _outcome_words(69.0), _outcome_words(None)
    ('8,000', '69', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,g}"
    return str(value)
