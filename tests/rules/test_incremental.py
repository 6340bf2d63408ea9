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
from designer.document.events import ElementsRemoved, change_of
from designer.document.factory import new_element, palette
from designer.domain import Design, LayoutEntry, RuleLevel, RuleSettings, Severity, Waiver
from designer.domain.elements import VirtualMachine
from designer.domain.enums import VmRole
from designer.domain.errors import DesignError
from designer.domain.facets import is_exchange
from designer.domain.index import LOOKUPS, DesignIndex, LiveIndex
from designer.persistence import load
from designer.rules import RULES, CheckResult, check, load_all_rules
from designer.rules.incremental import NOTHING, LiveCheck
from designer.rules.registry import EVERYTHING, RuleDefinitionError, rule

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
    if kind == "remove vm":
        # A VM and its disks: Exchange servers and others, data and system disks.
        vms = [e.id for e in design.elements if e.kind == "vm"]
        return RemoveElements([rnd.choice(vms)]) if vms else None
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


KINDS_OF_STEP = ["add", "paste", "remove", "remove vm", "move", "rename", "field", "field",
                 "field", "rules", "undo", "undo", "redo"]  # fmt: skip


def _apply(kind: str, seed: int, doc: Document, stack: UndoStack) -> bool:
    """Apply one step of a random edit sequence; False when there was nothing to do or
    the edit was refused (a refused edit is part of the sequences, not a failure)."""
    try:
        if kind == "undo":
            stack.undo()
        elif kind == "redo":
            stack.redo()
        else:
            command = _command(kind, Random(seed), doc)
            if command is None:
                return False
            stack.push(command)
    except (EditError, ClipboardError, DesignError, ValueError):
        return False
    return True


def _edit_steps(max_size: int) -> st.SearchStrategy[list[tuple[str, int]]]:
    """Random edit sequences: (kind of step, seed) pairs."""
    return st.lists(
        st.tuples(st.sampled_from(KINDS_OF_STEP), st.integers(0, 2**32)),
        min_size=1,
        max_size=max_size,
    )


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
        if not _apply(kind, seed, doc, stack) or doc.revision == revision:
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
    steps=_edit_steps(10),
)
def test_incremental_findings_equal_the_full_check_after_random_edits(
    name: str, steps: list[tuple[str, int]]
) -> None:
    results = _run(name, steps)
    assert _differences(results) == []


def test_edits_run_only_the_rules_they_can_affect() -> None:
    """A move runs no rule; a rename, the rules that read everything and those whose
    messages held the old name; another change of a VM, the rules that read or follow
    VMs; adding a VM skips the rules that only follow VMs or read only Exchange
    servers."""
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
    # A new VM from the palette runs no Exchange: the rules that read only Exchange
    # servers (``narrow``) skip it too.
    assert live.last_run == [
        c for c, r in rules.items() if r.reads is None or ("vm" in r.reads and "vm" not in r.narrow)
    ]
    assert "NET003" in reading and "NET003" not in live.last_run  # it follows VMs only
    assert "EX004" in reading and "EX004" not in live.last_run  # it reads Exchange servers


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


def _answers(index: DesignIndex, groups: list[tuple[str, str]]) -> dict[str, Any]:
    """What an index says of its design: elements per kind in order, reverse relations,
    sites, positions, names."""
    ids = [e.id for e in index.design.elements]
    return {
        "kinds": {k: [e.id for e in v] for k, v in index.by_kind.items() if v},
        "groups": {g: {t: [e.id for e in m] for t, m in index.group(*g).items()} for g in groups},
        "sites": [index.site_of(i) for i in ids],
        "positions": [index.position_of(i) for i in ids],
        "names": [index.named(e.kind, e.name) for e in index.design.elements],
    }


def _followed(name: str, steps: list[tuple[str, int]]) -> list[str]:
    """Apply ``steps``; after each, an index that followed the design from its previous
    check (:meth:`LiveIndex.follow`, the live check's worker) against a new one."""
    load_all_rules()  # the "rules" step picks a rule
    doc = Document(_design(name))
    stack = UndoStack(doc)
    groups = [*LOOKUPS.values(), ("consistency_group", "mirrors")]
    live = LiveIndex(doc.design)
    _answers(DesignIndex.of_live(live), groups)  # every lookup built, as after a check
    wrong = []
    for kind, seed in steps:
        if not _apply(kind, seed, doc, stack):
            continue
        if not live.follow(doc.design):
            live = LiveIndex(doc.design)
        followed = _answers(DesignIndex.of_live(live), groups)
        if followed != _answers(DesignIndex(doc.design), groups):
            wrong.append(kind)
    return wrong


@settings(
    max_examples=max(EXAMPLES // 3, 5),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    name=st.sampled_from(DESIGNS),
    steps=_edit_steps(8),
)
def test_an_index_that_follows_the_edits_answers_as_a_new_one(
    name: str, steps: list[tuple[str, int]]
) -> None:
    assert _followed(name, steps) == []


def test_an_index_that_misses_what_changed_answers_wrongly(monkeypatch: Any) -> None:
    """The equivalence above catches a ``follow`` that skips the removed elements."""
    steps = [("remove vm", i) for i in range(5)]
    assert _followed("generated-1k", steps) == []
    apply = LiveIndex.apply

    def forgetful(self: LiveIndex, design: Design, **changes: Any) -> None:
        apply(self, design, **{**changes, "removed": ()})

    monkeypatch.setattr(LiveIndex, "apply", forgetful)
    # Wrong after the first removal (then its leftovers make it start afresh).
    assert _followed("generated-1k", steps)[:1] == ["remove vm"]


def test_a_rule_narrowed_to_a_facet_it_does_not_keep_to_fails_the_equivalence() -> None:
    """VS001 sums the memory of every VM on a cluster's hosts: narrowed to the Exchange
    servers, adding a big VM without Exchange (then deleting it) leaves its findings
    stale."""

    def run() -> list[str]:
        doc = Document(generate_design(1000, seed=0))
        stack = UndoStack(doc)
        live = LiveCheck()
        doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
        live.check(doc.design, revision=doc.revision)
        host = next(e for e in doc.design.elements if e.kind == "esxi_host")
        big = new_element("vm", doc.design, host.id).model_copy(update={"memory_gb": 4096.0})
        assert not is_exchange(big)
        results = []
        for action in (lambda: stack.push(AddElements([big])), stack.undo, stack.redo):
            action()
            full = check(doc.design)
            assert any(f.code == "VS001" for f in full.findings) == (doc.get(big.id) is not None)
            results.append(("add", live.check(doc.design, revision=doc.revision), full))
        stack.push(RemoveElements([big.id]))
        found = live.check(doc.design, revision=doc.revision)
        results.append(("remove vm", found, check(doc.design)))
        return _differences(results)

    assert run() == []
    with _declared("VS001", narrow={"vm": "exchange"}):
        # Stale after the add and its redo (the undo and the delete come back to no
        # finding, which the stale result says too).
        assert len(run()) == 2


def test_deleting_a_vm_without_exchange_skips_the_rules_narrowed_to_exchange() -> None:
    """A domain controller and its system disk are outside the facets EX004, DAG011 …
    keep to: deleting it (and undoing that) does not re-run them; deleting a Mailbox
    server does. The findings equal the full check's throughout."""
    doc = Document(generate_design(1000, seed=0))
    stack = UndoStack(doc)
    live = LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    live.check(doc.design, revision=doc.revision)
    # The rules narrowed on VMs (VS002 narrows only disks: it reads every VM's figure).
    narrowed = {
        c
        for c, r in load_all_rules().items()
        if r.narrow and ("vm" in r.narrow or (r.reads is not None and "vm" not in r.reads))
    }
    assert {"EX002", "EX004", "EX006", "DAG011", "BK001", "BK003"} <= narrowed
    vms = [e for e in doc.design.elements if isinstance(e, VirtualMachine)]
    dc = next(v for v in vms if VmRole.DOMAIN_CONTROLLER in v.roles and not is_exchange(v))
    mailbox = next(v for v in vms if VmRole.MAILBOX in v.roles)
    for vm, runs_them in ((dc, False), (mailbox, True)):
        disks = [e for e in doc.design.elements if getattr(e, "vm", None) == vm.id]
        assert disks and all(e.kind == "virtual_disk" for e in disks)
        for action in (lambda v=vm: stack.push(RemoveElements([v.id])), stack.undo):
            action()
            found = live.check(doc.design, revision=doc.revision).findings
            assert found == check(doc.design).findings
            assert live.last_run is not None and "VS001" in live.last_run  # it reads all VMs
            assert narrowed.isdisjoint(live.last_run) is not runs_them


def test_the_facets_of_what_an_edit_adds_or_removes() -> None:
    doc = Document(generate_design(1000, seed=0))
    seen: list[Any] = []
    doc.subscribe(lambda event: seen.append(change_of(event, doc.get)))
    vms = [e for e in doc.design.elements if isinstance(e, VirtualMachine)]
    dc = next(v for v in vms if not is_exchange(v))
    mailbox = next(v for v in vms if VmRole.MAILBOX in v.roles)
    RemoveElements([dc.id]).redo(doc)  # with its system disk
    assert seen[-1] == (frozenset({"vm", "virtual_disk"}), frozenset(), frozenset())
    RemoveElements([mailbox.id]).redo(doc)  # with its data disks
    assert seen[-1][0] == {"vm", "vm.exchange", "virtual_disk", "virtual_disk.data"}
    # Facets not known: every facet of the kinds removed.
    assert change_of(ElementsRemoved(("x",), kinds=("vm",)), doc.get) == (
        frozenset({"vm", "vm.exchange"}),
        frozenset(),
        frozenset(),
    )
    host = next(e for e in doc.design.elements if e.kind == "esxi_host")
    AddElements([new_element("vm", doc.design, host.id)]).redo(doc)
    assert seen[-1] == (frozenset({"vm"}), frozenset(), frozenset())


def test_a_rule_cannot_narrow_to_an_unknown_or_unread_facet() -> None:
    def check_nothing(ctx: Any) -> Iterator[Any]:
        """Nothing.

        What it checks
        --------------
        x

        Why
        ---
        x

        Fix
        ---
        x

        Source
        ------
        x
        """
        yield from ()

    for reads, narrow in (
        (("vm",), {"vm": "nothing"}),
        (("virtual_disk",), {"vm": "exchange"}),
        (EVERYTHING, {"vm": "exchange"}),
    ):
        with pytest.raises(RuleDefinitionError, match="facets"):
            rule(
                code="ZZ999",
                name="z",
                severity=Severity.INFO,
                source="x",
                reads=reads,
                narrow=narrow,
            )(check_nothing)
    assert "ZZ999" not in RULES


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
