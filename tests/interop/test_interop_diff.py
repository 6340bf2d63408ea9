"""``dr-designer diff``: field-by-field element changes, layout on one line, findings,
N-1 and saved-scenario outcomes; exit 0 same / 1 different / 2 unreadable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from designer.domain.design import LayoutEntry
from designer.domain.reliability import KindFigures, ReliabilitySettings
from designer.domain.workload import MailboxProfile
from designer.interop.diff import diff_designs
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=300,
    )  # fmt: skip


def _replace(design, element_id, **changes):  # type: ignore[no-untyped-def]
    elements = [e.model_copy(update=changes) if e.id == element_id else e for e in design.elements]
    return design.model_copy(update={"elements": elements})


def test_the_same_design_is_no_difference_and_exits_0():
    run = _cli("diff", str(SAMPLE), str(SAMPLE))
    assert run.returncode == 0, run.stderr
    assert "no differences" in run.stdout


def test_a_moved_witness_shows_the_field_the_finding_the_spof_and_the_scenario(tmp_path):
    a = load(SAMPLE)
    # Move the DAG's witness into Boston, a member site, with its server (and the server's
    # disk): DAG002 (its intent is manual), and losing Boston now takes quorum with it.
    # (The simulator places a witness where its server runs, as DAG015 and DAG017 do:
    # wave 24, fid24. Its stated site alone moved nothing but the drawing.)
    b = _replace(a, "fsw-hfd", site="site-bos")
    b = _replace(b, "vm-hfd-fs01", host="esx-bos-04")
    b = _replace(b, "vm-hfd-fs01-os", lun="lun-bos-1-os")
    result = diff_designs(a, b)
    assert {c.id: [(f.field, f.before, f.after) for f in c.changes] for c in result.changed} == {
        "fsw-hfd": [("site", "site-hfd", "site-bos")],
        "vm-hfd-fs01": [("host", "esx-hfd-01", "esx-bos-04")],
        "vm-hfd-fs01-os": [("lun", "lun-hfd-os", "lun-bos-1-os")],
    }
    (witness_finding,) = [f for f in result.findings_added if f["code"] in ("DAG001", "DAG002")]
    assert any("Boston" in e["names"] for e in result.n1_added + result.n1_changed)
    changed = {s["name"] for s in result.scenarios}
    assert "Fig. 12: automatic site failover" in changed
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert run.returncode == 1
    assert "~ file share witness HFD-FS01 share (fsw-hfd)" in run.stdout
    # The field and its values in the Inspector's words: the sites by name (eyes17: it
    # printed "site: 'site-hfd' → 'site-bos'"); the JSON keeps the raw form.
    assert "    Site: Hartford → Boston" in run.stdout
    code, severity = witness_finding["code"], witness_finding["severity"]
    assert f"+ finding {severity} {code}" in run.stdout
    assert "~ scenario Fig. 12: automatic site failover" in run.stdout
    md = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "markdown")
    assert md.returncode == 1
    assert (
        "| ✏️ | file share witness **HFD-FS01 share** (`fsw-hfd`) | Site | Hartford "
        "| Boston |" in md.stdout
    )
    assert "#### Findings" in md.stdout and f"**{code}**" in md.stdout
    js = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "json")
    data = json.loads(js.stdout)
    assert data["same"] is False
    (witness,) = [c for c in data["elements"]["changed"] if c["id"] == "fsw-hfd"]
    assert witness["fields"][0] == {
        "field": "site",
        "before": "site-hfd",
        "after": "site-bos",
    }


def test_added_and_removed_elements_and_design_settings(tmp_path):
    a = load(SAMPLE)
    site = next(e for e in a.elements if e.id == "site-hfd")
    spare = site.model_copy(update={"id": "site-new", "name": "Spare"})
    b = a.model_copy(
        update={
            "elements": [*a.elements, spare],
            "intent": a.intent.model_copy(update={"rto_target_min": 15.0}),
        }
    )
    result = diff_designs(b, a, analysis=False)
    assert result.removed == [("site-new", "site", "Spare")]
    assert [(f.field, f.before, f.after) for f in result.design_changes] == [
        ("intent.rto_target_min", 15.0, a.intent.rto_target_min)
    ]


def test_the_sizing_and_failure_figures_are_design_changes(tmp_path):
    # A design-wide mailbox profile makes capacity size the design, and failure figures
    # make availability compute: both are edits a reviewer must see (eyes16 found a
    # stated profile shown as no design change).
    a = load(SAMPLE)
    profile = MailboxProfile(messages_per_day=200.0)
    figures = ReliabilitySettings(kinds={"site": KindFigures(mtbf_h=8760.0, mttr_h=4.0)})
    b = a.model_copy(
        update={
            "capacity": a.capacity.model_copy(update={"mailbox_profile": profile}),
            "reliability": figures,
        }
    )
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "json")
    assert run.returncode == 1, run.stderr
    fields = {f["field"]: f for f in json.loads(run.stdout)["design"]}
    assert (
        fields["capacity.mailbox_profile"]["before"]
        == a.capacity.model_dump(mode="json")["mailbox_profile"]
    )
    assert fields["capacity.mailbox_profile"]["after"]["messages_per_day"] == 200.0
    assert fields["reliability.kinds"]["after"]["site"]["mtbf_h"] == 8760.0
    text = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert "~ design capacity.mailbox_profile: " in text.stdout


def test_layout_only_changes_are_one_line_and_can_be_ignored(tmp_path):
    a = load(SAMPLE)
    layout = {k: LayoutEntry(x=v.x + 10, y=v.y, w=v.w, h=v.h) for k, v in a.layout.items()}
    b = a.model_copy(update={"layout": layout})
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert f"layout: {len(layout)} elements moved or resized" in lines  # (not "element(s)")
    assert len(lines) == 3  # the two file names and the layout line
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--ignore-layout")
    assert run.returncode == 0


def test_an_unreadable_design_exits_2_naming_it(tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    run = _cli("diff", str(SAMPLE), str(tmp_path / "bad.json"))
    assert run.returncode == 2
    assert "bad.json" in run.stderr and "Traceback" not in run.stderr


def test_git_external_diff_driver_arguments(tmp_path):
    a = load(SAMPLE)
    b = _replace(a, "vm-bos-mbx01", memory_gb=128.0)
    save(a, tmp_path / "old.json")
    save(b, tmp_path / "new.json")
    run = _cli(
        "diff", "--git-external", "designs/x.json", str(tmp_path / "old.json"), "abc", "100644",
        str(tmp_path / "new.json"), "def", "100644",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr  # git stops on a non-zero external diff
    assert "--- a/designs/x.json" in run.stdout
    assert "    Memory (GB): 96 → 128" in run.stdout


def test_git_diff_uses_the_driver_from_the_docs(tmp_path):
    """The recipe of docs/interop.md, run in a real repository."""
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@e")  # fmt: skip
    exe = f"{sys.executable} -m designer"

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    git("init", "-q")
    git("config", "diff.drdesign.command", f"{exe} diff --git-external")
    (tmp_path / ".gitattributes").write_text("*.json diff=drdesign\n")
    a = load(SAMPLE)
    save(a, tmp_path / "design.json")
    git("add", ".")
    git("commit", "-qm", "a")
    save(_replace(a, "vm-bos-mbx01", vcpu=16), tmp_path / "design.json")
    env["PYTHONPATH"] = str(ROOT)
    run = git("diff")
    assert run.returncode == 0, run.stderr
    assert "~ VM BOS-MBX01 (vm-bos-mbx01)" in run.stdout and "    vCPU: 12 → 16" in run.stdout


def test_lists_of_objects_read_in_words_like_the_other_fields(tmp_path):
    # A database's copies printed as raw JSON ('[{"member": "vm-den-mbx01", …'), cut at
    # 120 characters, where every other field reads as the Inspector says it (wave 18).
    from designer.domain.elements import MailboxDatabase

    a = load(ROOT / "sample_designs" / "dag_with_ha.json")
    db = next(e for e in a.elements if isinstance(e, MailboxDatabase) and len(e.copies) == 3)
    first, second, _third = db.copies
    copies = [
        first.model_copy(update={"activation_preference": 2}),
        second.model_copy(update={"activation_preference": 1, "replay_lag_days": 7.0}),
    ]
    b = _replace(a, db.id, copies=copies)
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    names = {e.id: e.name for e in a.elements}
    one, two, three = (names[c.member] for c in db.copies)
    before = (
        f"{one} (activation preference 1), {two} (activation preference 2), "
        f"{three} (activation preference 3)"
    )
    after = f"{one} (activation preference 2), {two} (activation preference 1, replay lag 7 days)"
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--no-analysis")
    assert run.returncode == 1, run.stderr
    assert f"    Copies: {before} → {after}" in run.stdout.splitlines()
    assert "{" not in run.stdout and "member" not in run.stdout
    md = _cli(
        "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--no-analysis",
        "--format", "markdown",
    )  # fmt: skip
    assert f"| Copies | {before} | {after} |" in md.stdout
    js = _cli(
        "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--no-analysis",
        "--format", "json",
    )  # fmt: skip
    (field,) = json.loads(js.stdout)["elements"]["changed"][0]["fields"]
    assert field["before"] == [c.model_dump(mode="json") for c in db.copies]  # raw


def test_design_settings_and_scenarios_read_in_words(tmp_path):
    a = load(SAMPLE)
    b = a.model_copy(
        update={
            "reliability": ReliabilitySettings(
                kinds={"site": KindFigures(mtbf_h=8760.0, mttr_h=4.0)}
            ),
            "scenarios": a.scenarios[1:],
        }
    )
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--no-analysis")
    assert run.returncode == 1, run.stderr
    assert "~ design reliability.kinds: — → site (MTBF 8,760 h, MTTR 4 h)" in run.stdout
    gone = a.scenarios[0]
    (line,) = [
        x for x in run.stdout.splitlines() if x.startswith(f"~ design scenarios[{gone.name}]")
    ]
    assert line.startswith(f"~ design scenarios[{gone.name}]: {gone.name} (description ")
    assert line.endswith(" → —") and "{" not in line


def test_a_scenario_outcome_reads_in_words(tmp_path):
    """Two more databases planned into the three-site sample: the saved scenario "Witness
    site lost, then Boston" now has six databases down where it expects four. `diff`
    printed Python's ``['DB01', 'DB02', …]`` and ``meets expected True → False``
    (eyes19); it reads as the rest of its output does, the JSON keeping the values."""
    planned = tmp_path / "planned.json"
    plan = _cli(
        "plan-copies", str(SAMPLE), "--dag", "DAG01", "--databases", "6", "-o", str(planned)
    )
    assert plan.returncode == 0, plan.stderr
    run = _cli("diff", str(SAMPLE), str(planned))
    assert run.returncode == 1, run.stderr
    (line,) = [x for x in run.stdout.splitlines() if x.startswith("~ scenario Witness site")]
    assert line == (
        "~ scenario Witness site lost, then Boston: databases down DB01, DB02, DB03, DB04 → "
        "DB01, DB02, DB03, DB04, DB05, DB06; meets its expected outcome yes → no"
    )
    md = _cli("diff", str(SAMPLE), str(planned), "--format", "markdown")
    assert "meets its expected outcome yes → no" in md.stdout and "True" not in md.stdout
    data = json.loads(_cli("diff", str(SAMPLE), str(planned), "--format", "json").stdout)
    (scenario,) = [s for s in data["scenarios"] if s["name"].startswith("Witness site")]
    assert scenario["before"]["meets expected"] is True
    assert scenario["after"]["databases down"][-2:] == ["DB05", "DB06"]


def test_a_new_scenarios_steps_read_as_the_report_says_them(tmp_path):
    """A scenario saved in the window ("Boston lost": the link cut to 500 Mbit/s, then
    Boston failed a minute later) read "steps Boston (action Fail)" in `diff`, with no
    time; now each step as the review report writes it (eyes19)."""
    from designer.domain.design import SavedScenario, ScenarioStep

    a = load(SAMPLE)
    steps = [
        ScenarioStep(action="degrade", target="wan-bos-wor", bandwidth_mbps=500),
        ScenarioStep(action="fail", target="site-bos", at_s=60),
    ]
    b = a.model_copy(
        update={"scenarios": [*a.scenarios, SavedScenario(name="Boston lost", steps=steps)]}
    )
    save(a, tmp_path / "a.json")
    save(b, tmp_path / "b.json")
    run = _cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--no-analysis")
    assert run.returncode == 1, run.stderr
    (line,) = [x for x in run.stdout.splitlines() if "scenarios[Boston lost]" in x]
    assert line == (
        "~ design scenarios[Boston lost]: — → Boston lost (steps degrade BOS-WOR dark fiber "
        "(bandwidth 500 Mbit/s) at T+0:00, fail Boston at T+1:00)"
    )
