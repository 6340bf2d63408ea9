"""``dr-designer analyze --cut-sets`` and ``dr-designer availability``: output, exit
codes and the messages of bad input, through the console command's function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from designer.domain import KindFigures, ReliabilitySettings
from designer.entry import main
from designer.persistence import save

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulation"))
import sim_designs as designs

FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=50_000.0, mttr_h=48.0, source="site history"),
        "wan_link": KindFigures(mtbf_h=8_000.0, mttr_h=8.0),
        "esxi_host": KindFigures(mtbf_h=40_000.0, mttr_h=8.0),
        "file_share_witness": KindFigures(mtbf_h=15_000.0, mttr_h=8.0),
        "load_balancer": KindFigures(mtbf_h=25_000.0, mttr_h=4.0),
    }
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stretched(tmp_path: Path) -> Path:
    path = tmp_path / "stretched.json"
    save(designs.stretched_dag().model_copy(update={"reliability": FIGURES}), path)
    return path


def test_cut_sets_text_lists_the_issues_example(
    capsys: pytest.CaptureFixture[str], stretched: Path
) -> None:
    code, out, err = run(capsys, "analyze", str(stretched), "--cut-sets", "--order", "2")
    assert code == 0, err
    assert out.startswith("Minimal cut sets up to order 2")
    block = out.split("database DB1 (3,000 mailboxes):")[1].split("\n\n")[0]
    assert "  2  S1 + S3  (4,000 mailboxes affected)" in block
    assert "  2  s1-s2 + S3  (4,000 mailboxes affected)" in block
    assert "  1  " not in block
    assert "users of site S1 (" in out


def test_cut_sets_json_shape(capsys: pytest.CaptureFixture[str], stretched: Path) -> None:
    code, out, _ = run(capsys, "analyze", str(stretched), "--cut-sets", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["order"] == 3 and data["sets_judged"] > 0
    db1 = next(d for d in data["databases"] if d["id"] == "db1")
    orders = [c["order"] for c in db1["cut_sets"]]
    assert orders == sorted(orders) and 1 not in orders
    assert {"order", "elements", "names", "mailboxes_affected"} == set(db1["cut_sets"][0])
    assert {"s1", "s3"} in [set(c["elements"]) for c in db1["cut_sets"]]


def test_cut_sets_fail_on_single_points_of_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "one-site.json"
    save(designs.dag_with_ha(), path)
    code, _, err = run(capsys, "analyze", str(path), "--cut-sets", "--fail-on", "mailboxes-lost")
    assert code == 1
    assert "single point of failure" in err and "DB1" in err
    code, _, err = run(capsys, "analyze", str(path), "--cut-sets", "--fail-on", "targets-missed")
    assert code == 2 and "does not apply to --cut-sets" in err


def test_order_without_cut_sets_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], stretched: Path
) -> None:
    code, _, err = run(capsys, "analyze", str(stretched), "--order", "2")
    assert code == 2 and "--order goes with --cut-sets" in err


def test_availability_text_says_user_supplied_and_what_never_fails(
    capsys: pytest.CaptureFixture[str], stretched: Path
) -> None:
    code, out, err = run(capsys, "availability", str(stretched), "--years", "300", "--workers", "1")
    assert code == 0
    assert "Failure figures: user-supplied (kind; kind: site history)" in out
    assert "Without figures (never fail here): CAS arrays (2)" in out
    assert "no failure figures for CAS arrays (2): taken never to fail" in err
    assert "Monte Carlo: 300 years, seed 0, 1 process," in out
    row = next(line for line in out.splitlines() if "database DB1" in line)
    assert "%" in row and ("agrees" in row or "differs" in row)
    assert "Importance (mailbox-weighted" in out
    assert "s1-casarray (CAS array, no figures)" in out


def test_availability_json_is_seeded(capsys: pytest.CaptureFixture[str], stretched: Path) -> None:
    args = ("availability", str(stretched), "--years", "200", "--seed", "9", "--format", "json")
    code, out, _ = run(capsys, *args, "--workers", "1")
    again = run(capsys, *args, "--workers", "1")[1]
    assert code == 0 and out == again
    data = json.loads(out)
    assert data["figures"]["user_supplied"] is True
    assert data["figures"]["without_figures_never_fail"] == {
        "cas_array": ["s1-casarray", "s2-casarray"]
    }
    db1 = next(d for d in data["databases"] if d["id"] == "db1")
    assert 0 < db1["unavailability"] < 1e-3
    assert db1["downtime_min_per_year"] == pytest.approx(db1["unavailability"] * 525_960)
    assert db1["monte_carlo"]["ci95"][0] <= db1["monte_carlo"]["unavailability"]
    assert data["monte_carlo"]["years"] == 200 and data["monte_carlo"]["seed"] == 9
    assert data["importance"][0]["fussell_vesely"] >= data["importance"][-1]["fussell_vesely"]


def test_availability_without_figures_says_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bare.json"
    save(designs.stretched_dag(), path)
    code, out, err = run(capsys, "availability", str(path))
    assert code == 2 and out == ""
    assert "gives no failure figures" in err and "reliability table" in err
    assert "file share witnesses" in err and "ESXi hosts" in err
    assert len(err.strip().splitlines()) == 1


def test_availability_bad_options(capsys: pytest.CaptureFixture[str], stretched: Path) -> None:
    assert run(capsys, "availability", str(stretched), "--years", "-1")[0] == 2
    assert run(capsys, "availability", str(stretched), "--workers", "0")[0] == 2
    code, _, err = run(capsys, "availability", str(stretched), "--order", "9")
    assert code == 2 and "--order" in err
