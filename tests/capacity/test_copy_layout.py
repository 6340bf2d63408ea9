"""The copy-layout generator: the calculator's even spread, lagged copies, new
databases, and refusals that say why."""

from __future__ import annotations

import pytest
from cap_designs import stretched
from hypothesis import given
from hypothesis import strategies as st

from designer.capacity import LayoutError, plan_copies, spread
from designer.domain import structural_errors


@given(st.integers(2, 8), st.integers(1, 6))
def test_one_members_failure_spreads_its_databases_evenly(members: int, rounds: int) -> None:
    """N members in one site, N×(N−1)×rounds databases with every copy in the site: each
    member's actives have their next copy on each other member equally often."""
    design = stretched(databases=1, members_per_site=members, copies=("bos",))
    n = members * (members - 1) * rounds
    plan = plan_copies(design, "DAG01", databases=n, copies_per_site={"bos": 2, "wor": 0})
    by_member = spread(plan.copies)
    assert len(by_member) == members
    for targets in by_member.values():
        assert len(targets) == members - 1
        assert max(targets.values()) - min(targets.values()) <= 1
    assert structural_errors(plan.apply(design)) == []


def test_stretched_layout_keeps_a_copy_per_site_and_the_preferences_unique() -> None:
    design = stretched(databases=4)
    plan = plan_copies(design, "DAG01", databases=8)
    assert len(plan.new_databases) == 4
    assert [d.name for d in plan.new_databases] == [
        "DB05", "DB06", "DB07", "DB08"
    ]  # fmt: skip
    for copies in plan.copies.values():
        prefs = [c.activation_preference for c in copies]
        assert prefs == list(range(1, len(copies) + 1))
        sites = {c.member.split("-")[0] for c in copies}
        assert sites == {"bos", "wor"}
        assert len({c.member for c in copies}) == len(copies)
    applied = plan.apply(design)
    assert structural_errors(applied) == []
    # Whole-site loss: Boston's databases spread over both Worcester members.
    actives_in_bos = [c for c in plan.copies.values() if c[0].member.startswith("bos")]
    first_wor = {next(x.member for x in c if x.member.startswith("wor")) for c in actives_in_bos}
    assert first_wor == {"wor-mbx1", "wor-mbx2"}


def test_lagged_copies_come_last_with_their_lag() -> None:
    design = stretched(databases=2, members_per_site=3)
    plan = plan_copies(design, "DAG01", lagged=1, lag_days=10, lag_site="WOR")
    for copies in plan.copies.values():
        assert copies[-1].replay_lag_days == 10
        assert copies[-1].member.startswith("wor")
        assert all(c.replay_lag_days == 0 for c in copies[:-1])


def test_refusals_name_the_problem() -> None:
    design = stretched()
    with pytest.raises(LayoutError, match="no DAG is called 'DAG99'"):
        plan_copies(design, "DAG99")
    with pytest.raises(LayoutError, match="cannot hold 3 copies"):
        plan_copies(design, "DAG01", copies_per_site={"BOS": 3})
    with pytest.raises(LayoutError, match="no member in site 'Paris'"):
        plan_copies(design, "DAG01", copies_per_site={"Paris": 1})
    with pytest.raises(LayoutError, match="Exchange allows 16"):
        plan_copies(design, "DAG01", lagged=13)
