"""Double-Take replication is cut when no route is left, the route the capacity report
gives it (``designer.workload.route``), not when its direct link is (wave 17 leftover:
the DAG and SCR copy queues took the route; Double-Take's cut check still looked at the
direct link only). Through ``dr-designer simulate``: the Double-Take sample with a third
site, Boston, linked to both ends; New York → Philadelphia stops on the direct link, the
replication goes round by Boston, and the source failing an hour later loses only the
queue at the failure (30 s, 003), not the hour too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.domain.elements import Site, WanLink
from designer.entry import main
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def three_sites(tmp_path: Path) -> Path:
    design = load(ROOT / "sample_designs" / "double_take.json")
    (link,) = [e for e in design.elements if isinstance(e, WanLink)]
    (nyc,) = [e for e in design.elements if isinstance(e, Site) and e.id == "site-nyc"]
    boston = nyc.model_copy(update={"id": "site-bos", "name": "Boston"})
    round_by = [
        link.model_copy(update={"id": f"wan-{a}-{b}", "name": name, "site_a": f"site-{a}",
                                "site_b": f"site-{b}", "failure_domain": f"carrier-{a}-{b}"})
        for a, b, name in (("nyc", "bos", "NYC-BOS WAN"), ("bos", "phl", "BOS-PHL WAN"))
    ]  # fmt: skip
    path = tmp_path / "dt-three-sites.drd.json"
    save(design.model_copy(update={"elements": [*design.elements, boston, *round_by]}), path)
    return path


def _rpos(path: Path, capsys: pytest.CaptureFixture[str], *steps: str) -> set[float]:
    assert main(["simulate", str(path), *steps, "--format", "json"]) == 0
    return {db["rpo_s"] for db in json.loads(capsys.readouterr().out)["databases"]}


def test_double_take_goes_round_a_cut_direct_link(three_sites: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    lost = ("--fail", "NYC-EXCH01@1h")
    assert _rpos(three_sites, capsys, *lost) == {30.0}  # the queue at the failure (003)
    cut = ("--degrade", "NYC-PHL WAN:down=New York>Philadelphia@0")
    assert _rpos(three_sites, capsys, *cut, *lost) == {30.0}
    # With no way round either (Boston → Philadelphia stopped too), the hour is lost.
    round_cut = ("--degrade", "BOS-PHL WAN:down=Boston>Philadelphia@0")
    assert _rpos(three_sites, capsys, *cut, *round_cut, *lost) == {30.0 + 3600.0}
