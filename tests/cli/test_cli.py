"""The headless command line: check, rules, rule, schema; exit codes and formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from designer.domain import Design, EsxiHost, Site, VirtualMachine
from designer.entry import main
from designer.persistence import envelope_schema, save

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def overloaded(tmp_path: Path) -> Path:
    """A design with one VS002 warning (a VM over the users-per-VM guidance)."""
    path = tmp_path / "overloaded.json"
    save(
        Design(
            elements=[
                Site(id="s", name="Boston"),
                EsxiHost(id="h", name="esx01", site="s"),
                VirtualMachine(id="vm1", name="mbx01", host="h", mailboxes=9000),
            ]
        ),
        path,
    )
    return path


def test_check_text_names_elements_and_numbers(overloaded: Path, capsys) -> None:
    code = main(["check", str(overloaded)])
    out = capsys.readouterr().out
    assert "VS002" in out and "9,000" in out and "VM mbx01" in out
    assert code == 0  # a warning only: nothing that fails the check


def test_check_json_shape(overloaded: Path, capsys) -> None:
    main(["check", str(overloaded), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    vs002 = [f for f in data["findings"] if f["code"] == "VS002"]
    assert vs002 and vs002[0]["elements"] == ["vm1"] and vs002[0]["severity"] == "warning"
    assert set(vs002[0]) >= {"code", "severity", "message", "elements", "source"}
    assert data["summary"]["warning"] >= 1


def test_check_sarif_is_2_1_0(overloaded: Path, capsys) -> None:
    main(["check", str(overloaded), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert any(r["ruleId"] == "VS002" for r in run["results"])
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_check_exit_codes(tmp_path: Path, overloaded: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "dr-designer", "schema_version": 2, "design": {"elements": [}')
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and "line 1" in err and "Traceback" not in err
    from designer.domain import RuleLevel, RuleSettings, RuleSeverity

    design = Design(
        elements=[
            Site(id="s", name="Boston"),
            EsxiHost(id="h", name="esx01", site="s"),
            VirtualMachine(id="vm1", name="mbx01", host="h", mailboxes=9000),
        ],
        rules=RuleSettings(severities={"VS002": RuleSeverity(level=RuleLevel.ERROR)}),
    )
    erroring = tmp_path / "erroring.json"
    save(design, erroring)
    assert main(["check", str(erroring)]) == 1
    # The same design with the rule switched off reports nothing.
    off = RuleSeverity(level=RuleLevel.OFF, reason="one archive server")
    save(design.model_copy(update={"rules": RuleSettings(severities={"VS002": off})}), erroring)
    capsys.readouterr()
    assert main(["check", str(erroring), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


def test_rules_lists_catalogue_and_rule_explains(capsys) -> None:
    main(["rules", "--format", "json"])
    rules = json.loads(capsys.readouterr().out)
    assert any(r["code"] == "VS002" for r in rules)
    assert main(["rule", "vs002"]) == 0
    out = capsys.readouterr().out
    assert "Why" in out and "Fix" in out and "Source" in out
    assert main(["rule", "XX999"]) == 2


def test_schema_matches_committed_copy(capsys) -> None:
    main(["schema"])
    text = capsys.readouterr().out
    printed = json.loads(text)
    committed = (ROOT / "docs" / "design-file.schema.json").read_text()
    assert printed == envelope_schema()
    # The text, not only the data: 1e6 and 1_000_000 are equal once parsed, but a
    # bound's int or float is what the validators say in their messages (wave 22: a
    # constraint marker cached by typing can carry another field's spelling).
    assert text == committed, "run `dr-designer schema > docs/design-file.schema.json`"


def test_cli_runs_as_a_module_without_a_display(overloaded: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(overloaded.parent)}
    run = subprocess.run(
        [sys.executable, "-m", "designer", "check", str(overloaded), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["summary"]["warning"] >= 1


def test_rules_page_matches_committed_copy(capsys) -> None:
    main(["rules", "--format", "markdown"])
    page = capsys.readouterr().out
    assert "## DAG001" in page and "## MV001" in page and "**Why**" in page
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == committed, "run `dr-designer rules --format markdown > docs/rules.md`"


def test_check_of_a_file_cut_off_inside_a_name_says_where_and_why(tmp_path: Path, capsys) -> None:
    # A download or copy cut off in the middle of a string: json says "Unterminated string
    # starting at" and left the position to its own message, so ours ended in "at".
    text = (ROOT / "sample_designs" / "three_site_stretched_dag.json").read_text(encoding="utf-8")
    quote = text.index('"name": "') + len('"name": ')  # where the open string starts
    truncated = tmp_path / "cut.json"
    truncated.write_text(text[: quote + len('"Bos')], encoding="utf-8")
    line, column = text.count("\n", 0, quote) + 1, quote - text.rindex("\n", 0, quote)
    assert main(["check", str(truncated)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(
        f"not valid JSON at line {line}, column {column}: "
        "Unterminated string starting here (the file looks truncated)"
    ), err


def test_check_counts_one_warning_in_the_singular(capsys) -> None:
    # The Exchange 2007 sample has one CAP002 warning: "1 warning", not "1 warnings".
    sample = ROOT / "sample_designs" / "exchange2007_lcr_ccr_scr.json"
    assert main(["check", str(sample)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "0 errors, 1 warning, 0 info, 4 waived"


def test_check_of_a_saved_file_says_mv006s_40_ms_maximum(tmp_path: Path, capsys) -> None:
    # The CX4 sample's MirrorView/S link slowed to a 38 ms round trip: every log write
    # waits it (about 40 ms with the local write), over 002's "< 40 ms max" as well.
    sample = (ROOT / "sample_designs" / "cx4_srm_mirrorview_s.json").read_text(encoding="utf-8")
    slow = tmp_path / "slow_link.json"
    slow.write_text(sample.replace('"rtt_ms": 0.9,', '"rtt_ms": 38.0,'), encoding="utf-8")
    assert main(["check", str(slow)]) == 0  # a warning
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "MV006" in x]
    assert "(RTT 38 ms)" in line and "log mirrors at 40 ms" in line
    assert "10 ms average and less than 40 ms at most, which no log write meets" in line
