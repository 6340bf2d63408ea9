"""The live check re-runs the per-DAG rules for the DAGs an edit touched (issue 10).

After an edit of DAGs and databases only (a DAG's field, a database's size, copies or
DAG, a database added or removed, a rename), :class:`LiveCheck` re-runs the rules of
:attr:`designer.rules.Rule.per_dag` for the DAGs edited alone and keeps their findings
about the other DAGs. Proof that it finds what the full check finds: random sequences of
such edits, mixed with others (a VM's field, undo, redo, a check through the document's
index) on designs with several DAGs and databases outside any DAG; after each step the
findings equal ``designer.rules.check``'s, order included, and the per-DAG re-run did
happen.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from random import Random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.document import (
    AddElements,
    Document,
    EditError,
    RemoveElements,
    SetProperty,
    UndoStack,
)
from designer.document.events import change_of
from designer.document.factory import new_element
from designer.domain import Design
from designer.domain.errors import DesignError
from designer.persistence import load
from designer.rules import check, load_all_rules
from designer.rules.incremental import LiveCheck

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.generate import generate_design

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = ["generated-8k", "generated-4k", "double_take", "three_site_stretched_dag"]
STEPS = ["dag field", "db field", "db field", "db field", "rename", "add db", "remove db",
         "remove dag", "vm field", "shared copies", "shared members", "member field",
         "witness server", "undo", "redo"]  # fmt: skip


@cache
def _design(name: str) -> Design:
    if name.startswith("generated-"):
        size = int(name.removeprefix("generated-").removesuffix("k")) * 1000
        return generate_design(size, seed=1)
    return load(ROOT / "sample_designs" / f"{name}.json")


def _of(doc: Document, kind: str) -> list:
    return [e for e in doc.design.elements if e.kind == kind]


def _step(kind: str, rnd: Random, doc: Document, stack: UndoStack) -> None:
    if kind == "undo":
        stack.undo()
        return
    if kind == "redo":
        stack.redo()
        return
    dags, dbs = _of(doc, "dag"), _of(doc, "mailbox_database")
    if kind in ("dag field", "db field", "vm field"):
        pool = {"dag field": dags, "db field": dbs, "vm field": _of(doc, "vm")}[kind]
        if len(pool) < 2:
            return
        element, peer = rnd.sample(pool, 2)
        fields = [f for f in type(element).model_fields if f not in ("id", "kind", "name")]
        field = rnd.choice(fields)
        stack.push(SetProperty(element.id, field, getattr(peer, field)))
    elif kind == "shared copies":
        # A database outside any DAG with copies on a DAG's members (allowed): findings
        # of one DAG must not depend on it.
        alone = [d for d in dbs if not d.dag]
        held = [d for d in dbs if d.dag and d.copies]
        if alone and held:
            stack.push(SetProperty(rnd.choice(alone).id, "copies", rnd.choice(held).copies))
    elif kind == "shared members" and len(dags) >= 2:
        # A VM in two DAGs (allowed, DAG rules say what is wrong with it).
        dag, other = rnd.sample(dags, 2)
        stack.push(SetProperty(dag.id, "members", [*dag.members, *other.members[:1]]))
    elif kind == "member field":
        # A DAG member's field (its host: another site, cluster; its version, roles).
        members = [doc.get(m) for d in dags for m in d.members]
        vms = _of(doc, "vm")
        if members and len(vms) > 1:
            vm = rnd.choice(members)
            peer = rnd.choice([v for v in vms if v.id != vm.id])
            field = rnd.choice(["host", "host", "exchange_version", "roles", "vcpu"])
            stack.push(SetProperty(vm.id, field, getattr(peer, field)))
    elif kind == "witness server":
        # The VM a file share witness runs on moved to another host (another site).
        servers = [doc.get(w.vm) for w in _of(doc, "file_share_witness") if w.vm]
        hosts = _of(doc, "esxi_host")
        if servers and hosts:
            stack.push(SetProperty(rnd.choice(servers).id, "host", rnd.choice(hosts).id))
    elif kind == "rename":
        element = rnd.choice(dags + dbs)
        stack.push(
            SetProperty(element.id, "name", f"{rnd.choice(dags + dbs).name}-{rnd.randint(0, 9)}")
        )
    elif kind == "add db":
        dag = rnd.choice([*dags, None])
        element = new_element("mailbox_database", doc.design, dag.id if dag else None)
        stack.push(AddElements([element]))
    elif kind == "remove db" and dbs:
        stack.push(RemoveElements([rnd.choice(dbs).id]))
    elif kind == "remove dag" and dags:
        stack.push(RemoveElements([rnd.choice(dags).id]))


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    name=st.sampled_from(DESIGNS),
    steps=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(0, 2**32)), min_size=1, max_size=8
    ),
)
def test_per_dag_findings_equal_the_full_check_after_random_dag_edits(
    name: str, steps: list[tuple[str, int]]
) -> None:
    doc = Document(_design(name))
    stack = UndoStack(doc)
    live = LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    live.check(doc.design, revision=doc.revision)
    for kind, seed in steps:
        revision = doc.revision
        try:
            _step(kind, Random(seed), doc, stack)
        except (EditError, DesignError, ValueError):
            continue
        if doc.revision == revision:
            continue
        # Mostly the worker's way (its own lookups, followed edit by edit), now and then
        # the session's synchronous check through the document's index.
        index = doc.index if seed % 5 == 0 else None
        incremental = live.check(doc.design, revision=doc.revision, index=index)
        full = check(doc.design)
        assert incremental.findings == full.findings, f"after {kind}"


def _live(doc: Document) -> LiveCheck:
    live = LiveCheck()
    doc.subscribe(lambda event: live.note(doc.revision, change_of(event, doc.get)))
    live.check(doc.design, revision=doc.revision)
    return live


@pytest.mark.parametrize("field", ["dac_mode", "failover_intent", "anti_affinity"])
def test_a_dag_field_re_runs_the_per_dag_rules_for_that_dag_alone(field: str) -> None:
    doc = Document(_design("generated-8k"))
    live = _live(doc)
    dag, other = _of(doc, "dag")[:2]
    value = getattr(other, field)
    if value == getattr(dag, field):
        value = not value if isinstance(value, bool) else next(v for v in type(value) if v != value)
    SetProperty(dag.id, field, value).redo(doc)
    result = live.check(doc.design, revision=doc.revision)
    assert live.last_per_dag == {dag.id}
    assert result.findings == check(doc.design).findings
    per_dag = [c for c, r in load_all_rules().items() if r.per_dag]
    assert set(per_dag) & set(live.last_run or ())


def test_a_database_moved_to_another_dag_re_runs_both_a_members_edit_its_dag() -> None:
    doc = Document(_design("generated-8k"))
    live = _live(doc)
    first, second = _of(doc, "dag")[:2]
    db = next(d for d in _of(doc, "mailbox_database") if d.dag == first.id)
    SetProperty(db.id, "copies", []).redo(doc)  # copies are on its DAG's members only
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag == {first.id}
    SetProperty(db.id, "dag", second.id).redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag == {first.id, second.id}
    member = doc.get(second.members[0])
    SetProperty(member.id, "vcpu", member.vcpu + 1).redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag == {second.id}  # a member's DAG
    link = _of(doc, "wan_link")[0]
    SetProperty(link.id, "bandwidth_mbps", 10.0).redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag is None  # a link is no DAG's own: every rule whole
    SetProperty(db.id, "size_gb", db.size_gb * 3).redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag == {second.id}


def test_a_check_through_the_documents_index_makes_the_next_one_whole() -> None:
    """The worker's own lookups stay on the design they last checked while a check goes
    through the document's index: the next worker check re-runs the rules whole."""
    doc = Document(_design("generated-4k"))
    live = _live(doc)
    dag = _of(doc, "dag")[0]
    SetProperty(dag.id, "dac_mode", not dag.dac_mode).redo(doc)
    live.check(doc.design, revision=doc.revision, index=doc.index)
    SetProperty(dag.id, "dac_mode", dag.dac_mode).redo(doc)
    assert live.check(doc.design, revision=doc.revision).findings == check(doc.design).findings
    assert live.last_per_dag is None
