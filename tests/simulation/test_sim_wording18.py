"""Wave 18 (fixf18, eyes18's fid #2 and #4): the timeline's words, through the user's door
(``dr-designer simulate``'s console function) on a sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.entry import main
from designer.persistence import load, save

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
DAG_WITH_HA = SAMPLES / "dag_with_ha.json"


def _events(capsys: pytest.CaptureFixture[str], path: Path, kind: str) -> list[str]:
    code = main(["simulate", str(path), "--fail", "site-den", "--format", "json"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    return [e["text"] for e in json.loads(out)["events"] if e["kind"] == kind]


def test_a_lost_site_names_only_what_it_holds(capsys: pytest.CaptureFixture[str]) -> None:
    """ "site Boston is down with 2 hosts, 0 arrays and 1 WAN link" listed a zero count:
    Denver holds 4 hosts, 2 arrays and no WAN link."""
    (text,) = _events(capsys, DAG_WITH_HA, "site_down")
    assert text == "site Denver is down with 4 hosts and 2 arrays"


def test_the_windows_2012_quorum_note_only_where_members_run_2012(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The quorum event's note on Windows 2012's dynamic quorum is for members that run
    it (the sample's run "2012 x64"); on Windows 2008 R2, which has only the static
    model, it is noise: the event says "static quorum"."""
    texts = _events(capsys, DAG_WITH_HA, "quorum_lost") + _events(
        capsys, DAG_WITH_HA, "quorum_kept"
    )
    assert texts and all("Windows 2012 dynamic quorum can outlast failures" in t for t in texts)
    design = load(DAG_WITH_HA)
    older = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"windows_version": "2008 R2 x64"}) if e.kind == "vm" else e
                for e in design.elements
            ]
        }
    )
    path = tmp_path / "dag-2008r2.json"
    save(older, path)
    texts = _events(capsys, path, "quorum_lost") + _events(capsys, path, "quorum_kept")
    assert texts and all("Windows 2012" not in t for t in texts)
    assert all(t.endswith("(static quorum)") for t in texts)
