"""The rules and the simulator name the same link for a mirror between two sites
joined by links in parallel (wave 18, ``fidd18``): MV006 took the first link in the
design's order (``mirror_ends``), the simulator the lowest id (``mirror_link``), so
``check`` warned of one link's round trip while ``simulate`` fractured the mirrors when
the other stopped. One function, ``designer.workload.mirror_link_id``, for both: of
parallel links the lowest id, as the capacity report's route takes. Through
``dr-designer check`` and ``dr-designer simulate``: the CX4/MirrorView/S sample, its
mirrors not pinned to a link, plus a slow (38 ms) link Philadelphia–Wilmington listed
after the sample's but with an id that sorts first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.domain.elements import Mirror, WanLink
from designer.entry import main
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def parallel_links(tmp_path: Path) -> Path:
    design = load(ROOT / "sample_designs" / "cx4_srm_mirrorview_s.json")
    (link,) = [e for e in design.elements if isinstance(e, WanLink)]
    slow = link.model_copy(
        update={"id": "wan-0-phl-wil", "name": "PHL-WIL slow link", "rtt_ms": 38.0,
                "failure_domain": "carrier-slow"}
    )  # fmt: skip
    unpinned = [
        e.model_copy(update={"wan_link": None}) if isinstance(e, Mirror) else e
        for e in design.elements
    ]
    path = tmp_path / "parallel-links.drd.json"
    save(design.model_copy(update={"elements": [*unpinned, slow]}), path)
    return path


def _fractured(path: Path, capsys: pytest.CaptureFixture[str], link: str) -> set[str]:
    step = f"{link}:down=Philadelphia>Wilmington@0"
    assert main(["simulate", str(path), "--degrade", step, "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    return {e["element"] for e in events if e["kind"] == "mirror_fractured"}


def test_check_and_simulate_name_the_same_of_two_parallel_links(
    parallel_links: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", str(parallel_links), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    (mv006,) = [f for f in findings if f["code"] == "MV006"]
    assert mv006["elements"][0] == "wan-0-phl-wil"  # the slow link's round trip
    assert len(mv006["elements"]) == 1 + 12  # the 12 log mirrors
    # The simulator's mirrors cross that link too: its direction stopping fractures
    # them, the sample's link stopping does not (their sites stay joined).
    assert len(_fractured(parallel_links, capsys, "PHL-WIL slow link")) == 27
    assert _fractured(parallel_links, capsys, "PHL-WIL MirrorView link") == set()
