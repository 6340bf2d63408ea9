"""``dr-designer capacity`` and ``dr-designer plan-copies`` through the console entry:
the JSON shape issue 11 gives, text, modes, exit codes (0, 1, 2, 4), and a planned
design written with -o that loads and spreads a failure evenly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from designer.domain import Design, MailboxDatabase
from designer.entry import main
from designer.persistence import load, save
from designer.rules import check

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "capacity"))
from cap_designs import stretched

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"
SCRIPT = Path(sys.executable).parent / "dr-designer"


def _design(tmp_path: Path, **kwargs) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "design.json"
    save(stretched(**kwargs), path)
    return path


def test_capacity_json_has_the_issues_shape(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _design(tmp_path, databases=4, copies=("bos", "wor"), bandwidth_mbps=50)
    code = main(["capacity", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # BOS-WOR needs 69.9 Mbit/s of its 50 in normal operation
    assert {"links", "members", "log_luns"} <= set(data)
    link = next(link for link in data["links"] if link["name"] == "BOS-WOR")
    assert {"id", "name", "bandwidth_mbps", "normal", "worst"} <= set(link)
    assert link["bandwidth_mbps"] == 50
    assert {"a_to_b_mbps", "b_to_a_mbps", "streams"} <= set(link["normal"])
    assert link["normal"]["a_to_b_mbps"] == pytest.approx(69.905, abs=1e-3)
    assert link["normal"]["streams"][0]["kind"] == "dag_log_shipping"
    assert {"a_to_b_mbps", "b_to_a_mbps", "streams", "mode"} <= set(link["worst"])
    member = next(m for m in data["members"] if m["name"] == "WOR-MBX01")
    assert {"id", "name", "normal", "worst"} <= set(member)
    assert {"active_databases", "active_mailboxes"} <= set(member["normal"])
    # Worcester holds the second copies: idle in normal operation, DB01 and DB03 once
    # BOS-MBX01 (or Boston's array with its copies' logs, or the site) is lost.
    assert member["normal"]["active_databases"] == 0
    assert member["worst"]["active_databases"] == 2
    assert member["worst"]["active_mailboxes"] == 4000
    assert member["worst"]["mode"] == "failure of ESXi host bos-esx1"  # runs BOS-MBX01
    lun = data["log_luns"][0]
    assert {"id", "name", "hours_to_full"} <= set(lun)
    assert lun["hours_to_full"] > 0


def test_capacity_normal_mode_and_all_modes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _design(tmp_path)
    assert main(["capacity", str(path), "--mode", "normal", "--format", "json"]) == 0
    normal = json.loads(capsys.readouterr().out)
    assert all(link["worst"] is None for link in normal["links"])
    assert all(m["worst"] is None for m in normal["members"])
    assert main(["capacity", str(path), "--mode", "all", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    link = next(link for link in every["links"] if link["name"] == "BOS-WOR")
    labels = {m["mode"] for m in link["modes"]}
    assert "loss of site BOS" in labels and "failure of WAN link BOS-WOR" in labels


def test_capacity_text_names_the_worst_modes(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["capacity", str(_design(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "BOS-WOR (BOS ↔ WOR), 1,000 Mbit/s" in out
    assert "worst site loss: 2 / 4,000" in out
    assert "worst site loss plus one: 4 / 8,000" in out
    # The assumed figures in words, as the Capacity dock and the review report name
    # them (wave 20: "assumption: peak_factor", "host_replication_write_factor"...).
    notes = [line for line in out.splitlines() if line.startswith("note: assumption: ")]
    named = [line.removeprefix("note: assumption: ").split(": ", 1)[0] for line in notes]
    assert named == [
        "peak factor",
        "log shipping compression",
        "Double-Take write factor",
        "reseed window",
        "log LUN free share",
        "vCPU megacycles",
    ]


def test_capacity_of_an_unreadable_file_is_exit_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["capacity", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.json" in err
    assert main(["capacity", str(broken), "--mode", "sideways"]) == 2


def test_plan_copies_writes_a_balanced_design(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    design = stretched(databases=6, members_per_site=3, copies=("bos", "bos", "bos"))
    before = tmp_path / "before.json"
    save(design, before)
    assert any(f.code == "CAP005" for f in check(design).active)
    out = tmp_path / "planned.json"
    code = main(
        ["plan-copies", str(before), "--dag", "DAG01", "--copies", "bos=3", "--copies", "wor=0",
         "--databases", "9", "-o", str(out)]
    )  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].split() == [
        "database", "BOS-MBX01", "BOS-MBX02", "BOS-MBX03", "WOR-MBX01", "WOR-MBX02", "WOR-MBX03"
    ]  # fmt: skip
    planned = load(out)
    dbs = [e for e in planned.elements if e.kind == "mailbox_database"]
    assert len(dbs) == 9 and {d.name for d in dbs} >= {"DB07", "DB09"}
    assert not any(f.code == "CAP005" for f in check(planned).active)


def test_plan_copies_json_and_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _design(tmp_path)
    args = ["plan-copies", str(path), "--dag", "DAG01", "--copies", "WOR=1", "--lagged", "1"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dag"] == "DAG01"
    first = data["databases"][0]["copies"]
    assert [c["activation_preference"] for c in first] == list(range(1, len(first) + 1))
    assert first[-1]["replay_lag_days"] == 7.0
    assert main(["plan-copies", str(path), "--dag", "nope"]) == 2
    assert "no DAG is called 'nope'" in capsys.readouterr().err
    assert main(["plan-copies", str(path), "--dag", "DAG01", "--copies", "bos"]) == 2
    assert "SITE=N" in capsys.readouterr().err


def test_plan_copies_output_error_is_exit_4(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _design(tmp_path)
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    code = main(["plan-copies", str(path), "--dag", "DAG01", "-o", str(target / "o.json")])
    assert code == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err and "o.json" in err


def test_the_installed_script_sizes_a_sample() -> None:
    run = subprocess.run(
        [
            str(SCRIPT),
            "capacity",
            str(SAMPLES / "three_site_stretched_dag.json"),
            "--format",
            "json",
        ],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode in (0, 1), run.stderr
    data = json.loads(run.stdout)
    assert data["links"] and data["members"]
    help_run = subprocess.run([str(SCRIPT), "capacity", "--help"], capture_output=True, timeout=60)
    assert b"exit codes" in help_run.stdout and b"over its budget" in help_run.stdout


def test_simulate_fails_one_direction_of_a_link(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """--degrade LINK:down=FROM>TO, with the detour by Hartford lost too: Worcester's
    copies receive nothing from 0; losing Boston at 1 h loses that hour of every
    database. With the detour up their logs take it (the capacity report's routing)."""
    path = _design(tmp_path, databases=2, copies=("bos", "wor"))
    args = ["simulate", str(path), "--degrade", "BOS-WOR:down=BOS>WOR@0", "--fail", "BOS@1h"]
    assert main([*args, "--fail", "BOS-HFD@0", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [db["rpo_s"] for db in data["databases"]] == [3600.0, 3600.0]
    assert any(e["kind"] == "link_direction_failed" for e in data["events"])
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [db["rpo_s"] for db in data["databases"]] == [0.0, 0.0]
    bad = ["simulate", str(path), "--degrade", "BOS-WOR:down=HFD>WOR"]
    assert main(bad) == 2
    assert "expected a_to_b, b_to_a or FROM>TO" in capsys.readouterr().err


def test_hostile_names_are_shown_escaped(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A site, link or server name with terminal controls stays text in every output."""
    design = stretched(databases=2, copies=("bos", "wor"))
    evil = {"bos": "Bos\x1b[2Jton", "wan-bos-wor": "BOS\u202eWOR", "bos-mbx1": "MBX\x9b1"}
    elements = [
        e.model_copy(update={"name": evil[e.id]}) if e.id in evil else e for e in design.elements
    ]
    path = tmp_path / "evil.json"
    save(design.model_copy(update={"elements": elements}), path)
    main(["capacity", str(path), "--mode", "all"])
    text = capsys.readouterr().out
    assert "Bos\\x1b[2Jton" in text and "BOS\\u202eWOR" in text and "MBX\\x9b1" in text
    assert not any(c in text for c in "\x1b\u202e\x9b")
    main(["capacity", str(path), "--format", "json"])
    raw = capsys.readouterr().out
    assert not any(c in raw for c in "\x1b\u202e\x9b")
    names = {link["name"] for link in json.loads(raw)["links"]}
    assert "BOS\u202eWOR" in names, "JSON readers get the name as it is"
    main(["plan-copies", str(path), "--dag", "DAG01"])
    table = capsys.readouterr().out
    assert "MBX\\x9b1" in table and "\x9b" not in table


def test_plan_copies_says_when_no_member_is_left_for_lagged_copies(  # type: ignore[no-untyped-def]
    tmp_path, capsys
) -> None:
    """Every member already holds a copy: the lagged copies asked cannot be made, and
    the note says so in words (it read "only 0 member(s) left for the 9 lagged copies")."""
    path = _design(tmp_path)
    assert main(["plan-copies", str(path), "--dag", "DAG01", "--lagged", "9"]) == 0
    out = capsys.readouterr().out
    assert "note: no lagged copy made (9 lagged copies asked per database): every member" in out
    assert "lag " not in out


@pytest.mark.parametrize("days", ["-3", "0", "nan", "inf", "15"])
def test_plan_copies_refuses_a_replay_lag_exchange_cannot_have(  # type: ignore[no-untyped-def]
    tmp_path, capsys, days
) -> None:
    """``--lag-days`` below or at zero, not a number, or over Exchange's 14 days (the
    window's plan offers 0.5–14): one line naming the option, exit 2. A negative or
    non-finite lag was an internal error (exit 3, a ValidationError traceback in the
    log); 0 made "lagged" copies that were not lagged, 15 a copy DAG rules refuse."""
    path = _design(tmp_path)
    out = tmp_path / "planned.json"
    args = ["plan-copies", str(path), "--dag", "DAG01", "--copies", "WOR=1", "--lagged", "1"]
    assert main([*args, "--lag-days", days, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--lag-days {days}" in err and "14 days" in err
    assert not out.exists()
    assert main([*args, "--lag-days", "14", "-o", str(out)]) == 0
    lags = [c.replay_lag_days for e in load(out).elements for c in getattr(e, "copies", [])]
    assert 14.0 in lags


def test_capacity_of_normal_operation_claims_no_worst_case(capsys) -> None:  # type: ignore[no-untyped-def]
    """``--mode normal`` sizes no failure, so no host line names a worst case (it read
    "worst 0 / 0 — normal operation" for a host that takes 8 databases when its
    neighbour fails); the sizing of every mode still names it, as the JSON does."""
    sample = str(SAMPLES / "exchange2007_lcr_ccr_scr.json")
    assert main(["capacity", sample, "--mode", "normal"]) == 0
    hosts = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  esx-")]
    assert hosts and all("worst" not in line for line in hosts)
    assert "  esx-red-02: normal 8 / 4,000" in hosts
    assert main(["capacity", sample]) == 0
    out = capsys.readouterr().out
    assert "  esx-bel-01: normal 0 / 0; worst 8 / 4,000 — failure of ESXi host esx-red-02" in out


def test_capacity_of_a_design_without_links_says_so(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["capacity", str(SAMPLES / "standalone_vm_ha.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "WAN links: none in this design"
    assert lines[1].startswith("Mailbox servers")


def test_plan_copies_table_has_no_trailing_spaces(capsys) -> None:  # type: ignore[no-untyped-def]
    sample = str(SAMPLES / "stretched_dag_lagged.json")
    assert main(["plan-copies", sample, "--dag", "DAG-ATL"]) == 0
    table = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("note")]
    assert len(table) > 2
    assert all(line == line.rstrip() for line in table)
    assert table[1].split()[0] == "ATL-DB01"  # the columns are still there


def test_capacity_of_a_design_stating_no_workload_says_it_is_not_sized(tmp_path: Path) -> None:
    """A generated design without a workload (no mailbox profile, no array or LUN change
    rate; its sites keep their MirrorView/A change rate): the window's Capacity dock, the
    CAP rules and the review report say it is not sized, and so does the command line
    (it printed every link's streams, "WAN DC01-DC02 normal 65.4 Mbit/s"). With a
    workload, the same generator's design is still sized."""
    from benchmarks.generate import generate_design
    from designer.workload import states_workload

    plain = generate_design(1000, seed=0)
    assert not states_workload(plain)
    assert any(getattr(e, "change_rate_gb_per_hour", 0) for e in plain.elements if e.kind == "site")
    path = tmp_path / "plain.json"
    save(plain, path)
    text = subprocess.run([str(SCRIPT), "capacity", str(path)], capture_output=True, timeout=120)
    assert text.returncode == 0, text.stderr
    out = text.stdout.decode()
    assert out.startswith("Not sized: this design states no capacity workload.")
    assert "mailbox profile" in out and "change rate" in out
    assert "Mbit/s" not in out and "WAN" not in out
    run = subprocess.run(
        [str(SCRIPT), "capacity", str(path), "--mode", "all", "--format", "json"],
        capture_output=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["sized"] is False
    assert data["links"] == data["members"] == data["log_luns"] == []
    assert data["hosts"] == data["mirrorview_a"] == []
    assert data["notes"][0].startswith("Not sized")
    stated = tmp_path / "stated.json"
    save(generate_design(1000, seed=0, workload=True), stated)
    run = subprocess.run(
        [str(SCRIPT), "capacity", str(stated), "--format", "json"], capture_output=True, timeout=120
    )
    sized = json.loads(run.stdout)
    assert "sized" not in sized and sized["links"] and sized["members"]


def test_a_server_over_its_sizing_in_normal_operation_is_marked(tmp_path: Path) -> None:
    """A mailbox server over its vCPUs in normal operation makes `capacity` exit 1, as a
    link over its bandwidth does; the link's normal line said "OVER BUDGET" but the
    server's said "normal 2 / 4,000 (CPU 518 %, memory 41 %)" with no mark (only its
    worst modes were marked), so the text did not say why the command failed."""
    design = load(SAMPLES / "stretched_dag_lagged.json")
    small = [
        e.model_copy(update={"vcpu": 1}) if e.kind == "vm" and e.name == "ATL-MBX01" else e
        for e in design.elements
    ]
    path = tmp_path / "small-vm.json"
    save(design.model_copy(update={"elements": small}), path)
    run = subprocess.run([str(SCRIPT), "capacity", str(path)], capture_output=True, timeout=120)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.decode().splitlines()
    normal = next(line for line in lines if line.startswith("  ATL-MBX01 ("))
    assert normal.startswith("  ATL-MBX01 (1 vCPU, 96 GB): normal 2 / 4,000 (CPU ")
    assert normal.endswith("  OVER SIZING")
    # A server within its sizing is not marked.
    other = next(line for line in lines if line.startswith("  ATL-MBX02 ("))
    assert "OVER" not in other


def test_the_log_lun_clock_of_simulate_agrees_with_the_capacity_report() -> None:
    """Worked example (eyes13): stretched_dag_lagged's ATL-MBX01 DS-LOG holds the logs
    of ATL-DB01 and ATL-DB03 (active there) and of ATL-DB02 and ATL-DB04 (passive
    copies, active on ATL-MBX02); each writes 2,000 mailboxes × 30 logs × 1 MiB a day
    = 2.62144 GB/h. Atlanta → Charlotte failed, no database's Charlotte copy receives
    logs, so no copy truncates: the passive copies on ATL-MBX01 keep theirs as the
    active ones do, 4 × 2.62144 = 10.48576 GB/h into 240 GB (half of 480, assumed
    free): 22.888 h = T+22:53:17 — the capacity report's 22.9 h. Before the fix the
    simulator counted only the active copies' LUNs: 45.8 h (T+45:46:35). Charlotte's
    copies receive no logs and write none: its LUN has no clock."""
    sample = str(SAMPLES / "stretched_dag_lagged.json")
    report = subprocess.run(
        [str(SCRIPT), "capacity", sample, "--format", "json"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert report.returncode in (0, 1), report.stderr
    luns = {lun["name"]: lun for lun in json.loads(report.stdout)["log_luns"]}
    atl = luns["ATL-MBX01 DS-LOG"]
    assert atl["databases"] == ["ATL-DB01", "ATL-DB02", "ATL-DB03", "ATL-DB04"]
    assert atl["log_gb_per_hour"] == pytest.approx(4 * 2.62144, abs=1e-3)
    assert atl["hours_to_full"] == pytest.approx(240 / (4 * 2.62144), abs=0.01)
    run = subprocess.run(
        [str(SCRIPT), "simulate", sample, "--degrade", "ATL-CLT WAN:down=Atlanta>Charlotte"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    fills = [line for line in run.stdout.decode().splitlines() if "fills at" in line]
    assert len(fills) == 2, fills  # ATL-MBX01's and ATL-MBX02's; not Charlotte's
    (mbx01,) = [line for line in fills if "log LUN ATL-MBX01 DS-LOG" in line]
    assert "fills at T+22:53:17" in mbx01
    assert "the logs of ATL-DB01, ATL-DB02, ATL-DB03, ATL-DB04 could not truncate" in mbx01
    hours = 240 / (4 * 2.62144)
    assert round(hours, 1) == round(atl["hours_to_full"], 1) == 22.9
    assert not any("CLT-MBX01" in line for line in fills)


@pytest.mark.slow
def test_a_worst_double_failure_lighter_than_the_worst_single_says_what_was_searched(
    tmp_path: Path,
) -> None:
    """eyes13: on a generated 8k design 630 pairs are ranked and the 64 predicted to
    load some member most are simulated; a member whose heaviest simulated pair is
    lighter than its worst single failure read "worst double failure: 50 / 6,039" under
    "worst single failure: 50 / 6,233", and a reader takes "worst" for the worst. Such a
    line now says it is the heaviest of the pairs simulated; no other line does."""
    from benchmarks.generate import generate_design

    path = tmp_path / "8k.json"
    save(generate_design(8000, seed=0, workload=True), path)
    run = subprocess.run(
        [str(SCRIPT), "capacity", str(path)], capture_output=True, timeout=240, cwd=ROOT
    )
    assert run.returncode in (0, 1), run.stderr
    lines = run.stdout.decode().splitlines()
    marker = "(the heaviest of the 64 pairs simulated, not of every pair: lighter than its "
    marked = 0
    for i, line in enumerate(lines):
        if line.startswith("    worst single failure: "):
            assert marker not in line, line
        if not line.startswith("    worst double failure: "):
            continue
        single = lines[i - 1]  # its worst single failure, then its worst double
        assert single.startswith("    worst single failure: "), single
        mailboxes = [
            int(text.split(" / ")[1].split(" ")[0].replace(",", "")) if " / " in text else 0
            for text in (single, line)
        ]
        if marker in line:
            marked += 1
            assert (marker + "worst single failure)") in line, line
            assert line.endswith(("failure)", "  OVER SIZING")), line
            assert mailboxes[1] < mailboxes[0], (single, line)
        else:
            assert mailboxes[1] >= mailboxes[0], (single, line)
    assert marked >= 1


def test_plan_copies_notes_count_the_members_used_and_exchanges_database_limit() -> None:
    """eyes13: three_site_stretched_dag's DAG01 has 4 members (2 in Boston, 2 in
    Worcester). With --copies Boston=0 the plan uses Worcester's 2, yet the note said
    "with 4 members…". With --databases 1000 each member would hold 1,000 copies
    (4 copies of each database, one per member) where Exchange 2013 Enterprise allows
    100 databases per server, active and passive copies counted (the catalog's
    exchange_store_limits, EX004): it was accepted without a word."""
    sample = str(SAMPLES / "three_site_stretched_dag.json")

    def notes(*args: str) -> list[str]:
        run = subprocess.run(
            [str(SCRIPT), "plan-copies", sample, "--dag", "DAG01", *args],
            capture_output=True,
            timeout=120,
            cwd=ROOT,
        )
        assert run.returncode == 0, run.stderr
        lines = run.stdout.decode().splitlines()
        return [line for line in lines if line.startswith("note: ")]

    boston_none, removed = notes("--copies", "Boston=0")
    assert boston_none.startswith(
        "note: with 2 of its 4 members holding copies a member's failure sends at most "
    )
    # Boston's members hold no copy any more: their 16 database and log disks go (fid22).
    assert removed.startswith("note: the plan removes the 16 disks of the copies it takes off")
    many = notes("--databases", "1000")
    # The new databases join the sample's backup (fixc16), said last.
    # Last, the new copies' disks (wave 21, fid21): 996 new databases × 4 members, a
    # database and a log disk each, following the members' DB01 disks; the shrunk
    # databases' disks resized (wave 22), the log datastores overfilled (996 log disks
    # of 80 GB more), said with the sizes.
    assert many[-1].startswith(
        "note: the new copies get 7,968 disks on their members' datastores, as their other "
        "copies; the databases' new sizes resize their 16 disks ("
    )
    assert (
        "grow the datastores their disks overfill: BOS-MBX01 DS-LOG (80,000 of 480 GB)"
        in (many[-1])
    )
    assert many[-2].startswith("note: the new databases join backup BOS VDP Advanced nightly")
    # Before it, how the databases share the sites' mailboxes (fixd17).
    assert many[-3] == (
        "note: the databases share Boston's 4,000 mailboxes, 8 each (was 2,000); "
        "Worcester's 4,000 mailboxes, 8 each (was 2,000)"
    )
    assert many[-4] == (
        "note: over Exchange's database limit: 4 members hold more databases than allowed "
        "(active and passive copies counted, EX004), BOS-MBX01 1,000 where Exchange 2013 "
        "Enterprise allows 100 per server; ask fewer databases or add members"
    )
    assert many[0].startswith("note: with 4 members a member's failure sends at most")
    # At the limit (100 databases: 100 copies on each member) no such note.
    assert not any("database limit" in n for n in notes("--databases", "100"))


def test_plan_copies_keeps_a_dags_lagged_copies_unless_asked(tmp_path: Path) -> None:
    """eyes15: stretched_dag_lagged's DAG-ATL has two ordinary copies of each database in
    Atlanta and a 7-day lagged copy in Charlotte. ``plan-copies`` with no option planned
    two copies in Atlanta, one ordinary copy in Charlotte and no lagged copy, so
    ``-o`` wrote the design without its lagged DR copies, without a note; the window's
    *Plan copies…* starts from the DAG's own numbers and keeps them. What is not asked
    is now the DAG's own numbers, as in the window; ``--lagged 0`` still drops them."""
    sample = SAMPLES / "stretched_dag_lagged.json"
    out = tmp_path / "planned.json"
    run = subprocess.run(
        [str(SCRIPT), "plan-copies", str(sample), "--dag", "DAG-ATL", "-o", str(out)],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    rows = run.stdout.decode().splitlines()
    assert rows[0].split() == ["database", "ATL-MBX01", "ATL-MBX02", "CLT-MBX01"]
    assert rows[1] == "ATL-DB01  1          2          3 (lag 7d)"

    def copies(design: Design) -> dict[str, list[tuple[str, float]]]:
        return {
            e.name: sorted((c.member, c.replay_lag_days) for c in e.copies)
            for e in design.elements
            if isinstance(e, MailboxDatabase)
        }

    before = copies(load(sample))
    assert all(("vm-clt-mbx01", 7.0) in found for found in before.values())
    assert copies(load(out)) == before  # planned as it stands: the same copies
    dropped = tmp_path / "dropped.json"
    run = subprocess.run(
        [str(SCRIPT), "plan-copies", str(sample), "--dag", "DAG-ATL", "--lagged", "0",
         "-o", str(dropped)],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert all(lag == 0 for found in copies(load(dropped)).values() for _, lag in found)


def test_the_exchange_2007_samples_description_names_every_mode_over_budget() -> None:
    """eyes15: the sample's description (and README) said the 20 Mbit/s BEL-POR line is
    over budget "only" after a site failover to Bellevue; ``capacity --mode all`` puts
    it over budget in five modes: the loss of Redmond, the failure of the active CCR
    node's host (esx-red-02) or of the Redmond SAN (the cluster fails over to Bellevue
    and the SCR logs leave from there), and the failure of either of Redmond's links
    (the logs bound for the other site are routed over that line). The description now
    names them, and no other mode is over budget."""
    sample = SAMPLES / "exchange2007_lcr_ccr_scr.json"
    run = subprocess.run(
        [str(SCRIPT), "capacity", str(sample), "--mode", "all", "--format", "json"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    (line,) = [link for link in json.loads(run.stdout)["links"] if link["id"] == "wan-bel-por"]
    over = {
        m["mode_key"]
        for m in line["modes"]
        if max(m["a_to_b_mbps"], m["b_to_a_mbps"]) > line["bandwidth_mbps"]
    }
    assert over == {"site-red", "esx-red-02", "arr-red-1", "wan-red-bel", "wan-red-por"}
    description = load(sample).description
    assert "only then" in description
    said = {
        "site-red": "Redmond lost",
        "esx-red-02": "host esx-red-02",
        "arr-red-1": "the Redmond SAN",
        "wan-red-bel": "either of Redmond's links down",
        "wan-red-por": "either of Redmond's links down",
    }
    assert all(said[key] in description for key in over)


def test_all_modes_json_gives_every_mode_per_link_and_the_kinds_per_member() -> None:
    """eyes15: docs/capacity.md said ``--mode all`` adds "every mode per link and
    member"; a member's ``modes`` is the list of failure kinds sized, the worst of each
    in ``worst_by_kind`` (a link's ``modes`` is every mode). The docs now say so; this
    pins the shape they describe."""
    sample = SAMPLES / "stretched_dag_lagged.json"
    run = subprocess.run(
        [str(SCRIPT), "capacity", str(sample), "--mode", "all", "--format", "json"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    (link,) = data["links"]
    assert len(link["modes"]) > 4
    assert {"mode", "mode_key", "kind", "a_to_b_mbps", "b_to_a_mbps"} <= set(link["modes"][0])
    member = next(m for m in data["members"] if m["name"] == "ATL-MBX01")
    assert member["modes"] == ["double", "single", "site", "site_plus_one"]
    assert sorted(member["worst_by_kind"]) == member["modes"]
    assert member["worst_by_kind"]["single"]["mode"] == "failure of ESXi host esx-atl-02"
    docs = (ROOT / "docs" / "capacity.md").read_text()
    assert '"modes": ["double", "single", "site", "site_plus_one"]' in docs


def test_plan_copies_names_new_databases_as_the_existing_ones(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # eyes16: File > New's three-site DAG holds DB01 and DB02; four databases asked
    # added "DAG01-DB03" and "DAG01-DB04" beside them.
    from designer.document.templates import template

    before = tmp_path / "before.drd.json"
    save(template("three_site_dag"), before)
    out = tmp_path / "planned.drd.json"
    assert (
        main(["plan-copies", str(before), "--dag", "DAG01", "--databases", "4", "-o", str(out)])
        == 0
    )
    rows = [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:5]]
    assert rows == ["DB01", "DB02", "DB03", "DB04"]
    dbs = {e.id: e.name for e in load(out).elements if e.kind == "mailbox_database"}
    assert sorted(dbs.values()) == ["DB01", "DB02", "DB03", "DB04"]
    assert len(dbs) == 4  # new ids, no clash with db-01, db-02


def test_a_stream_is_named_by_its_kind_once(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The Double-Take sample's replication is named "Double-Take NYC-EXCH01 → PHL-EXCH01":
    its stream read "Double-Take Double-Take NYC-EXCH01 → …" in the text and the JSON.
    A replication whose name does not say its kind is still prefixed with it."""
    sample = SAMPLES / "double_take.json"
    main(["capacity", str(sample)])
    text = capsys.readouterr().out
    assert "Double-Take Double-Take" not in text
    assert "New York→Philadelphia Double-Take NYC-EXCH01 → PHL-EXCH01: 81.56" in text
    main(["capacity", str(sample), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    (stream,) = data["links"][0]["normal"]["a_to_b"]["streams"]
    assert stream["label"] == "Double-Take NYC-EXCH01 → PHL-EXCH01"

    design = load(sample)
    replication = next(e for e in design.elements if e.name.startswith("Double-Take "))
    renamed = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"name": "NYC to PHL"}) if e is replication else e
                for e in design.elements
            ]
        }
    )
    path = tmp_path / "renamed.json"
    save(renamed, path)
    main(["capacity", str(path)])
    assert "New York→Philadelphia Double-Take NYC to PHL: 81.56" in capsys.readouterr().out
