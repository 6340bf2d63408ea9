"""Hostile names and values never reach the terminal raw (issue 15, "Injection").

Every text output (check, check --scenarios, simulate, analyze, load errors on stderr)
shows control, bidi and separator characters of names as escapes; a newline in a name
cannot forge a finding line; an error message quotes at most a few hundred characters
of a value; SARIF stays valid JSON for a file name that is not UTF-8.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from designer.domain import Design, ExpectedOutcome, SavedScenario, ScenarioStep
from designer.entry import main
from designer.persistence import dumps, save

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulation"))
import sim_designs as designs

ROOT = Path(__file__).resolve().parents[2]
#: What a terminal acts on: C0/C1 controls, DEL, bidi controls, line separators.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def forged(file: Path) -> str:
    return f"\n{file}: info FAKE001: all good"


def hostile(design: Design, file: Path) -> Design:
    """Every element renamed to carry ESC, BEL, NUL, a bidi override and a forged line."""
    elements = [
        e.model_copy(update={"name": f"{e.name}\x1b[2J\x07\x00\u202e{forged(file)}"[:200]})
        for e in design.elements
    ]
    scenarios = [
        SavedScenario(
            name=f"host\x1b]0;pwned\x07\n{file}: info FAKE002: all good",
            steps=[ScenarioStep(action="fail", target="s1-h1")],
            expected=ExpectedOutcome(databases_down=["db1"]),
        )
    ]
    return design.model_copy(update={"elements": elements, "scenarios": scenarios})


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    path = tmp_path / "evil.json"
    save(hostile(designs.dag_with_ha(), path), path)
    return path


def assert_safe(text: str, file: Path) -> None:
    assert not UNSAFE.search(text), repr(UNSAFE.search(text))
    for line in text.splitlines():
        assert "FAKE00" not in line.split(":", 2)[1:2], line  # no forged finding line
        assert not line.startswith(f"{file}: info FAKE"), line


def test_check_text_escapes_names_and_cannot_be_forged(evil: Path, capsys) -> None:
    code = main(["check", str(evil)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert_safe(out, evil)
    findings = [line for line in out.splitlines() if line.startswith(f"{evil}: ")]
    assert findings and "\\x1b[2J\\x07\\x00\\u202e\\n" in out
    # One line per finding plus the summary: the newline in a name made no extra line.
    assert len(out.splitlines()) == len(findings) + 1


def test_check_scenarios_escapes_scenario_and_database_names(evil: Path, capsys) -> None:
    main(["check", str(evil), "--scenarios"])
    out = capsys.readouterr().out
    assert_safe(out, evil)
    assert "scenario host\\x1b]0;pwned\\x07\\n" in out


def test_simulate_and_analyze_text_escape_names(evil: Path, capsys) -> None:
    assert main(["simulate", str(evil), "--fail", "s1-h1"]) == 0
    out = capsys.readouterr().out
    assert_safe(out, evil)
    assert "\\x1b[2J" in out
    assert main(["analyze", str(evil)]) == 0
    out = capsys.readouterr().out
    assert_safe(out, evil)
    assert "\\x1b[2J" in out


def test_load_errors_escape_names_and_file_names(tmp_path: Path, capsys) -> None:
    design = designs.dag_with_ha()
    data = json.loads(dumps(hostile(design, tmp_path)))
    vm = next(e for e in data["design"]["elements"] if e["kind"] == "vm")
    vm["host"] = "ghost"  # a dangling reference: the message names the VM
    path = tmp_path / "bad\x1b[31m\u202e.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "ghost" in err and "bad\\x1b[31m\\u202e.json" in err
    assert not UNSAFE.search(err.rstrip("\n")), err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "' + "x" * 100_000 + '"}',
        '{"format": "dr-designer", "schema_version": [' + "1," * 50_000 + "1]}",
        '{"format": "dr-designer", "schema_version": 2, "design": {"elements": [{"kind": "'
        + "k" * 100_000
        + '"}]}}',
        '{"format": "dr-designer", "schema_version": 2, "design": {"name": "n", "x'
        + "y" * 100_000
        + '": 1}}',
    ],
    ids=["format", "schema_version", "kind", "unknown key"],
)
def test_error_messages_quote_at_most_a_few_hundred_characters(
    tmp_path: Path, capsys, text: str
) -> None:
    path = tmp_path / "huge.json"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert len(err) < 800, len(err)
    assert "more characters" in err


def test_sarif_is_valid_json_for_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    raw_name = os.fsencode(tmp_path) + b"/caf\xe9 \x1b.json"
    with open(raw_name, "w", encoding="utf-8") as handle:
        handle.write(dumps(designs.dag_with_ha()))
    run = subprocess.run(
        [sys.executable, "-m", "designer", "check", raw_name, "--format", "sarif"],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert run.returncode in (0, 1), run.stderr
    assert run.stderr == b""  # no "--- Logging error ---" from the log of the command line
    sarif = json.loads(run.stdout.decode("utf-8"))  # strict UTF-8, strict JSON
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"].endswith("caf%E9%20%1B.json")
    run = subprocess.run(
        [sys.executable, "-m", "designer", "check", raw_name],
        capture_output=True,
        cwd=ROOT,
    )
    text = run.stdout.decode("utf-8")
    assert "caf\\xe9 \\x1b.json: " in text


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "json"],
        ["check", "--format", "sarif"],
        ["simulate", "--fail", "s1-h1", "--format", "json"],
        ["analyze", "--format", "json"],
    ],
    ids=["check json", "check sarif", "simulate json", "analyze json"],
)
def test_json_outputs_escape_bidi_and_c1_characters_and_keep_the_names(
    tmp_path: Path, capsys, argv: list[str]
) -> None:
    """json.dumps escapes C0 controls but writes U+202E, U+0085 or U+2028 raw."""
    design = designs.dag_with_ha()
    name = "DB1\u202egnp.exe\u0085\u2028\u2066x"
    elements = [
        e.model_copy(update={"name": name}) if e.id in ("db1", "s1") else e for e in design.elements
    ]
    path = tmp_path / "bidi.json"
    save(design.model_copy(update={"elements": elements}), path)
    main([argv[0], str(path), *argv[1:]])
    out = capsys.readouterr().out
    assert not UNSAFE.search(out), repr(UNSAFE.search(out))
    assert name in json.dumps(json.loads(out), ensure_ascii=False)  # the same name back


def test_the_review_report_keeps_hostile_names_as_text(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    from designer.interop.review import build_review
    from designer.interop.review_html import render_html

    design = designs.dag_with_ha()
    elements = [
        e.model_copy(update={"name": f"{e.name}<script>alert(1)</script><img src=x onerror=y>"})
        for e in design.elements
    ]
    design = design.model_copy(update={"elements": elements, "name": "D<script>x</script>"})
    text = render_html(build_review(design, source="s<b>.json"), b"")

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            self.tags.append(tag)

    parser = Tags()
    parser.feed(text)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize("name", ["out.drawio", "out.graphml", "calc/MailboxDatabases.csv"])
def test_headless_exports_go_through_the_atomic_writer(tmp_path: Path, name: str) -> None:
    """A read-only output is refused (exit 4) and left as it was; a symlink is followed."""
    source = tmp_path / "d.json"
    save(designs.dag_with_ha(), source)
    target = tmp_path / name
    target.parent.mkdir(exist_ok=True)
    target.write_text("keep")
    target.chmod(0o444)
    output = str(target.parent) + "/" if name.startswith("calc/") else str(target)
    run = subprocess.run(
        [sys.executable, "-m", "designer", "export", str(source), "-o", output],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 4 and "read-only" in run.stderr, run.stderr
    assert target.read_text() == "keep"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
