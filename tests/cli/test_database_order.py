"""``dr-designer simulate`` and the review report list databases by name, in natural
order, as the window's Results does (wave 17 leftover: after ``plan-copies --databases
4`` of the two-site template, ``simulate --degrade "PRD-DR WAN:bandwidth=100Mbps@0"``
listed DB03, DB04, DB01, DB02, and the report's scenario table too: the simulator keeps
the ids' order, and the plan's new databases' ids sort first)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from designer.document.templates import template
from designer.domain.design import SavedScenario, ScenarioStep
from designer.entry import main
from designer.persistence import load, save

DEGRADE = "PRD-DR WAN:bandwidth=100Mbps@0"
ORDER = ["DB01", "DB02", "DB03", "DB04"]


@pytest.fixture
def planned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    before, out = tmp_path / "two-site.drd.json", tmp_path / "planned.drd.json"
    save(template("two_site_dag"), before)
    args = ["plan-copies", str(before), "--dag", "DAG01", "--databases", "4", "-o", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    # The case: the ids the plan gave its databases sort before the template's.
    design = load(out)
    ids = {e.name: e.id for e in design.elements if e.kind == "mailbox_database"}
    assert sorted(ids, key=ids.__getitem__) != ORDER
    return out


def test_simulate_lists_the_databases_by_name(planned: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["simulate", str(planned), "--degrade", DEGRADE]) == 0
    text = capsys.readouterr().out
    block = text.split("Databases:\n")[1].split("DAG ")[0]
    assert re.findall(r"^  (DB\d+):", block, re.M) == ORDER, text
    assert main(["simulate", str(planned), "--degrade", DEGRADE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [db["name"] for db in data["databases"]] == ORDER


def test_the_report_s_scenario_table_lists_the_databases_by_name(planned: Path) -> None:
    design = load(planned)
    step = ScenarioStep(action="degrade", target="link-prd-dr", bandwidth_mbps=100)
    scenario = SavedScenario(name="Thin WAN", steps=[step])
    with_scenario = planned.with_name("scenario.drd.json")
    save(design.model_copy(update={"scenarios": [scenario]}), with_scenario)
    out = planned.with_name("review.html")
    assert main(["report", str(with_scenario), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    table = page.split("<h3>Thin WAN</h3>")[1].split("<h")[0]
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>\s*(DB\d+)", table)
    assert rows == ORDER, table[:2000]
