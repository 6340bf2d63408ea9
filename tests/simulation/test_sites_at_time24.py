"""The sites' users with access at a time (wave 24, fid24): what
``SimulationResult.state_at`` gives (the step's sums moved by the databases that stand
otherwise then) is the sum over the databases it shows, at every change of a few
scenarios on the samples, and the step's own sites once settled."""

from __future__ import annotations

import pytest

from designer.bundled import sample
from designer.domain import ScenarioStep
from designer.persistence.file_format import load
from designer.simulation import Simulator
from designer.simulation.results import StepState

SCENARIOS = {
    "three_site_stretched_dag": [
        [("site-wor", 0.0), ("esx-bos-02", 0.0)],
        [("site-wor", 0.0), ("site-hfd", 0.0)],
        [("esx-bos-01", 0.0), ("wan-bos-wor", 30.0), ("site-bos", 7200.0)],
    ],
    "dag_with_ha": [
        [("esx-den-02", 0.0), ("esx-den-01", 7200.0), ("vm-den-mbx04", 7200.0)],
        [("esx-den-01", 0.0), ("vm-den-mbx02", 7200.0)],
    ],
}


def _summed(state: StepState, design_users: dict[str, int]) -> dict[str, int]:
    """Per site with databases: its users times the share of its mailboxes available."""
    total: dict[str, int] = {}
    available: dict[str, int] = {}
    for db in state.databases:
        if db.user_site is None:
            continue
        total[db.user_site] = total.get(db.user_site, 0) + db.mailboxes
        if db.available:
            available[db.user_site] = available.get(db.user_site, 0) + db.mailboxes
    return {s: design_users[s] * available.get(s, 0) // n for s, n in total.items() if n}


@pytest.mark.parametrize(
    ("name", "steps"), [(n, s) for n, scenarios in SCENARIOS.items() for s in scenarios]
)
def test_the_sites_at_a_time_are_the_sum_of_its_databases(
    name: str, steps: list[tuple[str, float]]
) -> None:
    design = load(sample(name))
    result = Simulator(design).run(
        [ScenarioStep(action="fail", target=target, at_s=at) for target, at in steps]
    )
    users = {site.id: site.users for site in result.final.sites}
    seen_other = False
    for t in result.change_times():
        for at in (t, t + 0.5):
            state = result.state_at(at)
            shown = {s.id: s.users_with_access for s in state.sites}
            for site_id, with_access in _summed(state, users).items():
                assert shown[site_id] == with_access, (at, site_id, state.sites)
            for site in state.sites:
                vias = {
                    db.via for db in state.databases if db.available and db.user_site == site.id
                }
                if any(db.user_site == site.id for db in state.databases):
                    assert set(site.via) == vias - {None}, (at, site)
            step = max((s for s in result.steps if s.t <= at), key=lambda s: s.t)
            seen_other = seen_other or state.sites != step.sites
    assert seen_other or name == "dag_with_ha", "no time at which the sites differ"
