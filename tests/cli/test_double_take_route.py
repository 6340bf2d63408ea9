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

from designer.domain.elements import HostReplication, Site, WanLink
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


@pytest.fixture
def round_by_worcester(tmp_path: Path) -> Path:
    """The three-site stretched DAG with a Double-Take replication from Boston to
    Hartford (BOS-MBX01 → HFD-FS01, 140 Mbit/s at the busiest hour)."""
    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    (repl,) = [e for e in load(ROOT / "sample_designs" / "double_take.json").elements
               if isinstance(e, HostReplication)]  # fmt: skip
    to_hartford = repl.model_copy(
        update={"id": "dt-bos-hfd", "name": "Double-Take BOS-MBX01 → HFD-FS01",
                "source": "vm-bos-mbx01", "target": "vm-hfd-fs01"}
    )  # fmt: skip
    path = tmp_path / "dt-round-by-worcester.drd.json"
    save(design.model_copy(update={"elements": [*design.elements, to_hartford]}), path)
    return path


def _behind(path: Path, capsys: pytest.CaptureFixture[str], *steps: str) -> dict[str, float]:
    assert main(["simulate", str(path), *steps, "--at", "1h", "--format", "json"]) == 0
    databases = json.loads(capsys.readouterr().out)["databases"]
    return {db["name"]: db["copies_behind_s"] for db in databases if db.get("copies_behind_s")}


def test_double_take_round_a_cut_link_loads_the_links_it_takes(
    round_by_worcester: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Boston → Hartford's direct link failed, Double-Take goes round by Worcester (as
    the capacity report routes it) and shares Boston → Worcester with the DAG's log
    shipping (70 Mbit/s): on 150 Mbit/s the two do not fit, Boston's databases' copies
    in Worcester fall behind (it counted on the direct link only: nothing behind)."""
    narrow = ("--degrade", "BOS-WOR dark fiber:bandwidth=150Mbps@0")
    assert _behind(round_by_worcester, capsys, *narrow) == {}  # Double-Take on its own link
    behind = _behind(round_by_worcester, capsys, "--fail", "BOS-HFD MPLS (carrier 1)@0", *narrow)
    assert set(behind) == {"DB01", "DB02"}  # the databases active in Boston
    assert all(0 < s < 3600 for s in behind.values())


@pytest.fixture
def no_direct_link(round_by_worcester: Path, tmp_path: Path) -> Path:
    """As ``round_by_worcester`` without the BOS-HFD link: Double-Take's route from
    Boston to Hartford is by Worcester with every link up (two links)."""
    design = load(round_by_worcester)
    path = tmp_path / "dt-no-direct-link.drd.json"
    kept = [e for e in design.elements if e.id != "wan-bos-hfd"]
    save(design.model_copy(update={"elements": kept}), path)
    return path


def test_the_steady_bound_counts_double_take_over_a_route_of_two_links(
    no_direct_link: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the network whole, the simulator looks at a link direction only when its
    steady bound (the most its streams could need) is over its bandwidth. BOS-WOR at
    150 Mbit/s: the DAG's log shipping (69.9) fits alone, with Double-Take's 139.8 on its
    way to Hartford it does not. The capacity report routes it the same way (normal
    operation: 209.7 Boston → Worcester) and the copies in Worcester fall behind."""
    assert main(["capacity", str(no_direct_link), "--format", "json"]) == 0
    (link,) = [x for x in json.loads(capsys.readouterr().out)["links"] if x["id"] == "wan-bos-wor"]
    assert link["normal"]["a_to_b_mbps"] == pytest.approx(209.7, abs=0.1)  # Double-Take + DAG
    narrow = ("--degrade", "BOS-WOR dark fiber:bandwidth=150Mbps@0")
    behind = _behind(no_direct_link, capsys, *narrow)
    assert set(behind) == {"DB01", "DB02"}  # the databases active in Boston
    # (1 − 150 × 69.9 / 209.7 ÷ 69.9) of an hour: 1 − 150/209.7 ≈ 28.5 % ≈ 17.1 min.
    assert all(s == pytest.approx(3600 * (1 - 150 / 209.72), rel=0.01) for s in behind.values())


def test_capacity_sizes_a_dag_whose_double_take_target_takes_over(
    no_direct_link: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Worcester lost: the DAG keeps 2 of 5 votes (Hartford's witness is beyond
    Worcester now) and Double-Take fails BOS-MBX01 over to HFD-FS01, not a DAG member;
    `capacity --mode all` ended in an internal error (KeyError: 'vm-hfd-fs01')."""
    assert main(["capacity", str(no_direct_link), "--mode", "all", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    modes = {m["mode"] for link in report["links"] for m in link["modes"]}
    assert "loss of site Worcester" in modes
    data = _rpos(no_direct_link, capsys, "--fail", "site-wor")
    assert data  # the simulator: DB01 on HFD-FS01 (Double-Take), the rest waiting


def test_double_take_loses_what_a_partitioned_source_wrote_until_it_dismounted(
    no_direct_link: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Worcester lost: Boston → Hartford has no route left from 0:00 (the way was by
    Worcester) but BOS-MBX01 stays up and writes DB01 until the DAG, 2 of 5 votes,
    dismounts it at 1:00. Double-Take fails it over to HFD-FS01 at 6:00: the data lost
    is the queue at the failure (30 s) plus the cut to the last write (1:00). It took
    the step's time (0:00) as when the source stopped: RPO 0:30."""
    assert main(["simulate", str(no_direct_link), "--fail", "site-wor", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (db01,) = [db for db in out["databases"] if db["name"] == "DB01"]
    assert db01["rpo_s"] == 30.0 + 60.0
    (event,) = [e for e in out["events"] if e["text"].startswith("Double-Take fails BOS-MBX01")]
    assert "from the replication's cut at T+0:00 to its last write at T+1:00" in event["text"]
    # The source failing first (its VM down at the cut) loses only the queue: it wrote
    # nothing after.
    both = ("--fail", "BOS-MBX01@0", "--fail", "site-wor@0", "--format", "json")
    assert main(["simulate", str(no_direct_link), *both]) == 0
    databases = json.loads(capsys.readouterr().out)["databases"]
    (db01,) = [db for db in databases if db["name"] == "DB01"]
    assert db01["active_on"] == "vm-hfd-fs01" and db01["rpo_s"] == 30.0
