"""The live check after an edit re-runs only the rules the edit can affect (issue 10).

Proof that it finds what the full check finds: random edit sequences (add from the
palette, paste, remove with dependents, move, rename, a field set to another element's
value, rule settings, undo, redo) on every sample and on a generated 1k design; after
each step the incremental findings equal ``designer.rules.check`` of the same design,
order included. A rule whose declaration misses a kind it reads makes that comparison
fail, and the declarations cover what each rule is seen to read on the samples.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.document import (
    AddElements,
    Document,
    EditError,
    MoveElements,
    RemoveElements,
    SetProperty,
    UndoStack,
    copy_payload,
    paste_elements,
)
from designer.document.clipboard import ClipboardError
from designer.document.commands import SetRuleSettings
from designer.document.events import change_of
from designer.document.factory import new_element, palette
from designer.domain import Design, LayoutEntry, RuleLevel, RuleSettings, Waiver
from designer.domain.errors import DesignError
from designer.persistence import load
from designer.rules import RULES, CheckResult, check, load_all_rules
from designer.rules.incremental import NOTHING, LiveCheck

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from _reads import rule_reads

from benchmarks.generate import generate_design

EXAMPLES = int(os.environ.get("INCREMENTAL_CHECK_EXAMPLES", "60"))
SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_designs").glob("*.json"))
DESIGNS = [*(p.stem for p in SAMPLES), "generated-1k"]


@cache
def _design(name: str) -> Design:
    if name == "generated-1k":
        return generate_design(1000, seed=0)
    return load(next(p for p in SAMPLES if p.stem == name))


def _command(kind: str, rnd: Random, doc: Document) -> Any:
    design = doc.design
    ids = [e.id for e in design.elements]
    if kind == "add":
        entry = rnd.choice(palette())
        containers = [e.id for e in design.elements if e.kind in entry.allowed_containers]
        element = new_element(entry.kind, design, rnd.choice(containers) if containers else None)
        return AddElements([element], {element.id: LayoutEntry(x=rnd.uniform(0, 900), y=0)})
    if kind == "paste":
        chosen = rnd.sample(ids, min(len(ids), rnd.randint(1, 3)))
        return AddElements(*paste_elements(design, copy_payload(design, chosen)))
    if kind == "remove":
        return RemoveElements(rnd.sample(ids, min(len(ids), rnd.randint(1, 2))))
    if kind == "move":
        target = rnd.choice(ids)
        return MoveElements({target: LayoutEntry(x=rnd.uniform(-900, 900), y=0)})
    if kind == "rename":
        # Names that are parts of other names, or another kind's name: a message that
        # holds a name is found by the old name's text.
        target = doc.get(rnd.choice(ids))
        assert target is not None
        other = rnd.choice(design.elements)
        name = rnd.choice(
            [f"renamed-{rnd.randint(0, 99)}", other.name, f"{other.name}-2", target.name[:-1]]
        )
        return SetProperty(target.id, "name", name or "n")
    if kind == "field":
        # Another element of the same kind's value: a valid, meaningful change (a VM
        # onto another host, a copy layout, a mirror's mode …) more often than not.
        element = doc.get(rnd.choice(ids))
        assert element is not None
        peers = [e for e in design.elements if e.kind == element.kind and e.id != element.id]
        fields = [f for f in type(element).model_fields if f not in ("id", "kind", "name")]
        if not peers or not fields:
            return None
        field = rnd.choice(fields)
        return SetProperty(element.id, field, getattr(rnd.choice(peers), field))
    if kind == "rules":
        codes = sorted(RULES)
        levels = {rnd.choice(codes): rnd.choice(list(RuleLevel))}
        finding = next(iter(check(design).findings), None)
        waivers = (
            [Waiver(code=finding.code, elements=list(finding.elements), reason="accepted")]
            if finding is not None and rnd.random() < 0.5
            else []
        )
        return SetRuleSettings(RuleSettings(levels=levels, waivers=waivers))
    raise AssertionError(kind)


KINDS_OF_STEP = ["add", "paste", "remove", "move", "rename", "field", "field", "field",
                 "rules", "undo", "undo", "redo"]  # fmt: skip


def _run(name: str, steps: list[tuple[str, int]]) -> list[tuple[str, CheckResult, CheckResult]]:
    """Apply ``steps`` to the design ``name``, the live check following the document's
    events; (step, incremental findings, full check) after each step that changed it."""
    doc = Document(_design(name))
    stack = UndoStack(doc)
    live = LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    live.check(doc.design, revision=doc.revision)
    results = []
    for kind, seed in steps:
        revision = doc.revision
        try:
            if kind == "undo":
                stack.undo()
            elif kind == "redo":
                stack.redo()
            else:
                command = _command(kind, Random(seed), doc)
                if command is None:
                    continue
                stack.push(command)
        except (EditError, ClipboardError, DesignError, ValueError):
            continue
        if doc.revision == revision:
            continue
        # Half the time through the document's index (the session's synchronous check),
        # half building its own (the worker's).
        index = doc.index if seed % 2 else None
        incremental = live.check(doc.design, revision=doc.revision, index=index)
        results.append((kind, incremental, check(doc.design)))
    return results


def _differences(results: list[tuple[str, CheckResult, CheckResult]]) -> list[str]:
    return [
        f"after {kind}: {incremental.findings} != {full.findings}"
        for kind, incremental, full in results
        if incremental.findings != full.findings
        or [f.waiver_reason for f in incremental.findings]
        != [f.waiver_reason for f in full.findings]
    ]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    name=st.sampled_from(DESIGNS),
    steps=st.lists(
        st.tuples(st.sampled_from(KINDS_OF_STEP), st.integers(0, 2**32)), min_size=1, max_size=10
    ),
)
def test_incremental_findings_equal_the_full_check_after_random_edits(
    name: str, steps: list[tuple[str, int]]
) -> None:
    results = _run(name, steps)
    assert _differences(results) == []


def test_edits_run_only_the_rules_they_can_affect() -> None:
    """A move runs no rule; a rename, the rules that read everything and those whose
    messages held the old name; another change of a VM, the rules that read or follow
    VMs; adding a VM skips the rules that only follow VMs."""
    doc = Document(_design("dag_with_ha"))
    live = LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    first = live.check(doc.design, revision=doc.revision)
    assert live.last_run is None  # the first check runs every rule
    rules = load_all_rules()
    everything = [c for c, r in rules.items() if r.reads is None]
    vms = [e for e in doc.design.elements if e.kind == "vm"]
    named = next(v for v in vms if any(v.name in f.message for f in first.findings))
    unnamed = next(v for v in vms if not any(v.name in f.message for f in first.findings))
    MoveElements({named.id: LayoutEntry(x=1, y=2)}).redo(doc)
    live.check(doc.design, revision=doc.revision)
    assert live.last_run == []
    SetProperty(unnamed.id, "name", "renamed").redo(doc)
    live.check(doc.design, revision=doc.revision)
    assert live.last_run == everything
    SetProperty(named.id, "name", "renamed-too").redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    saying = {f.code for f in first.findings if named.name in f.message}
    assert saying and live.last_run == [c for c in rules if c in saying or c in everything]
    SetProperty(named.id, "mailboxes", named.mailboxes + 1).redo(doc)
    live.check(doc.design, revision=doc.revision)
    reading = [c for c, r in rules.items() if r.reads is None or "vm" in r.reads | r.follows]
    assert live.last_run == reading
    assert "BK001" not in reading and "DAG003" in reading
    host = next(e for e in doc.design.elements if e.kind == "esxi_host")
    AddElements([new_element("vm", doc.design, host.id)]).redo(doc)
    live.check(doc.design, revision=doc.revision)
    assert live.last_run == [c for c, r in rules.items() if r.reads is None or "vm" in r.reads]
    assert "NET003" in reading and "NET003" not in live.last_run  # it follows VMs only


def test_a_change_it_was_not_told_about_runs_everything() -> None:
    design = _design("three_site_stretched_dag")
    live = LiveCheck()
    live.check(design, revision=1)
    live.note(2, None)  # settings, a new design
    assert live.check(design, revision=2).findings == check(design).findings
    assert live.last_run is None
    live.note(3, NOTHING)
    live.check(design, revision=3)
    assert live.last_run == []
    # An older design than the last one checked: checked whole, nothing kept from it.
    assert live.check(Design(), revision=1).findings == []
    assert live.check(design, revision=3).findings == check(design).findings
    assert live.last_run == []


@contextmanager
def _declared(code: str, **changes: Any) -> Iterator[None]:
    rules = load_all_rules()
    original = rules[code]
    rules[code] = dataclasses.replace(original, **changes)
    try:
        yield
    finally:
        rules[code] = original


@pytest.mark.parametrize(
    ("code", "kind", "name", "kinds"),
    [
        # EX002 (Hub Transport unprotected) without the VMs whose roles and hosts it reads
        ("EX002", "vm", "disk_placements", ["field"]),
        # VS001 (a cluster cannot absorb a host failure) without the VMs it sums
        ("VS001", "vm", "srm_dag_recovery", ["add", "remove", "field"]),
    ],
)
def test_a_rule_missing_a_kind_it_reads_fails_the_equivalence(
    code: str, kind: str, name: str, kinds: list[str]
) -> None:
    rule = load_all_rules()[code]
    assert rule.reads is not None and kind in rule.reads
    steps = [(kinds[i % len(kinds)], i) for i in range(30)]
    assert _differences(_run(name, steps)) == []
    with _declared(code, reads=rule.reads - {kind}):
        assert _differences(_run(name, steps)) != []


def _uncovered(design: Design) -> dict[str, tuple[list[str], list[str]]]:
    """The kinds each rule is seen to read (go through, follow) but does not declare."""
    rules = load_all_rules()
    missing = {}
    for code, (reads, follows) in rule_reads(design).items():
        declared = rules[code].reads
        if declared is None:
            continue
        unread = sorted(reads - declared)
        unfollowed = sorted(follows - declared - rules[code].follows)
        if unread or unfollowed:
            missing[code] = (unread, unfollowed)
    return missing


@pytest.mark.parametrize("name", DESIGNS)
def test_the_declarations_cover_what_each_rule_is_seen_to_read(name: str) -> None:
    """Each rule run alone on an index that notes every kind it goes through and every
    kind it reaches by id (``tests/rules/_reads.py``); reading the element list itself
    (``ALL``) is declared only as everything."""
    assert _uncovered(_design(name)) == {}


def test_the_reading_index_sees_a_missing_declaration() -> None:
    rule = load_all_rules()["DAG003"]
    assert rule.reads is not None
    with _declared("DAG003", reads=rule.reads - {"mailbox_database"}):
        assert _uncovered(_design("three_site_stretched_dag")) == {
            "DAG003": (["mailbox_database"], [])
        }
    net003 = load_all_rules()["NET003"]
    with _declared("NET003", follows=net003.follows - {"vm"}):
        assert _uncovered(_design("cas_array_edge"))["NET003"] == ([], ["vm"])
