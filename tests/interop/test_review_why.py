"""The review report's scenario tables say why each database stands as it does, as the
window's Results do (wave 18, fid18: the report had no Why column). Through the
``dr-designer report`` door, on the Exchange 2007 sample with a saved scenario whose
copies fall behind (RED-POR WAN lost: the SCR logs go round by the 20 Mbit/s backup
line), then the CCR node lost an hour later."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from designer.domain.design import SavedScenario, ScenarioStep
from designer.entry import main
from designer.persistence import load, save

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "exchange2007_lcr_ccr_scr.json"
STEPS = [
    ScenarioStep(action="fail", target="wan-red-por", at_s=0.0),
    ScenarioStep(action="fail", target="vm-red-ccr-n1", at_s=3600.0),
]


def _cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c))
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
    ]


def test_the_scenario_table_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = load(SAMPLE)
    scenario = SavedScenario(name="Link, then CCR node", steps=STEPS)
    path = tmp_path / "e2007.drd.json"
    save(design.model_copy(update={"scenarios": [scenario]}), path)
    out = tmp_path / "review.html"
    assert main(["report", str(path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    section = page.split('id="scenarios"', 1)[1].split('id="matrix"', 1)[0]
    table = section.split("<th>database</th>", 1)[1].split("</table>", 1)[0]
    rows = [_cells(r) for r in table.split("<tr>")[1:]]
    header = _cells("<th>database</th>" + table.split("<tr>", 1)[0])
    assert header[-1] == "why"
    why = {r[0]: r[-1] for r in rows if r}
    assert len(why) == 10
    # The simulator's reasons (as `simulate` gives them) and the copies' queue, as the
    # window's Results word them; the LCR databases nothing touched.
    # At the state the verdict judges: the scenario's horizon, its copies' queue an hour
    # after the failover (wave 21, fixo21: the last step's state, 25.7 min, before).
    assert "Databases at T+2:00:00 (the end of the scenario" in section
    capsys.readouterr()
    args = [a for s in STEPS for a in ("--fail", f"{s.target}@{s.at_s:g}")]
    assert main(["simulate", str(SAMPLE), *args, "--at", "2h", "--format", "json"]) == 0
    reasons = {db["name"]: db["reason"] for db in json.loads(capsys.readouterr().out)["databases"]}
    for n in range(1, 9):
        name = f"RED-CCR-SG{n}-DB"
        assert why[name] == f"{reasons[name]}; copies behind 51.3 min", why[name]
        assert reasons[name] == f"mailbox database {name} fails over to cluster node RED-CCR-N2"
    assert why["RED-LCR-SG1-DB"] == why["RED-LCR-SG2-DB"] == "not affected"
