"""``dag_impacts``' members judged at C speed (wave 18): the members down, restarted or
reset picked by ``filter``, each member's site looked at only when a site can rule one
out (a site down, a VM relocated, a quorum without some member's site), the members
read once per design; a DAG left in normal operation's very state not compared.

``test_pair_search``'s reference (every touched VM and lost copy looked at, every
member judged) is the proof on the samples, generated and Hypothesis designs. (Mutants
that never look at the sites, or miss a DAG whose quorum state changed, pass it on the
samples: a site's loss also downs its VMs, and a changed quorum comes with a touched
member there; the conditions stay for the designs where they do not.) Here: the
members' table read once per design is the DAGs' members.
"""

from __future__ import annotations

from test_pair_search import _sized_samples

from designer.capacity.search import _dag_members
from designer.persistence import load
from designer.simulation import Simulator


def test_the_members_are_read_once_per_design() -> None:
    for path in _sized_samples():
        design = load(path)
        sim = Simulator(getattr(design, "design", design))
        first = _dag_members(sim.prep)
        assert first is _dag_members(sim.prep)
        assert set(first) == set(sim.prep.dags)
        for dag_id, dag in sim.prep.dags.items():
            members, member_set, sites = first[dag_id]
            assert members == tuple(dag.members) and member_set == set(dag.members)
            assert sites == {sim.prep.vm_site.get(m) for m in dag.members}
