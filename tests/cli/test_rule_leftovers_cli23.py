"""`dr-designer check` on wave 23's rule leftovers (rules23):

- the alternate witness's server moved onto the witness's site's host: DAG015 follows the
  VM (it read only the alternate witness's stated site) and the new DAG017 says the
  stated site is not where the server runs;
- a design just imported from Exchange's exports: the placeholder site "Unplaced
  (import)" is not asked for domain controllers (NET005) nor Hub Transport servers
  (EX002), and DAG014 tells a server with no storage what to give it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.entry import main
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
EXCHANGE = ROOT / "tests" / "interop" / "data" / "exchange"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _alternate_on_hartford(tmp_path: Path) -> Path:
    """The sample with WOR-FS01 (the alternate witness's server) moved onto Hartford's
    host, beside the witness's server HFD-FS01; the alternate witness still states
    Worcester."""
    design = load(SAMPLE)
    elements = [
        e.model_copy(update={"host": "esx-hfd-01"}) if e.id == "vm-wor-fs01" else e
        for e in design.elements
    ]
    path = tmp_path / "alternate-on-hartford.json"
    save(design.model_copy(update={"elements": elements}), path)
    return path


def test_check_follows_the_alternate_witness_server_into_the_witness_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run(capsys, "check", str(SAMPLE), "--format", "json")
    assert code == 0
    assert not {f["code"] for f in json.loads(out)["findings"]} & {"DAG015", "DAG017"}
    path = _alternate_on_hartford(tmp_path)
    code, out = run(capsys, "check", str(path))
    assert code == 0, out  # two warnings
    assert (
        f"{path}: warning DAG015: DAG DAG01 alternate witness WOR-FS01 alt. witness is in "
        "site Hartford with its witness HFD-FS01 share: when site Hartford fails, it "
        "is down too: a datacenter switchover cannot use it; put the alternate witness on a "
        "server in the member site the DAG would switch over to" in out
    ), out
    assert (
        f"{path}: warning DAG017: file share witness WOR-FS01 alt. witness states site "
        "Worcester, but its server WOR-FS01 runs on host esx-hfd-01 in site Hartford: the "
        "canvas draws it in Worcester, while it goes down with Hartford, where the simulator "
        "counts its vote and the quorum rules judge it; set its site to Hartford, or move "
        "WOR-FS01 to a host in Worcester"
    ) in out, out
    code, out = run(capsys, "check", str(path), "--format", "json")
    found = {f["code"]: f for f in json.loads(out)["findings"]}
    assert found["DAG015"]["elements"] == ["dag-01", "fsw-wor", "fsw-hfd"]
    assert found["DAG017"]["severity"] == "warning"
    assert found["DAG017"]["elements"] == ["fsw-wor", "vm-wor-fs01", "site-hfd"]
    # `dr-designer rule DAG017` explains it.
    code, out = run(capsys, "rule", "DAG017")
    assert code == 0 and "witness-site-differs-from-its-server" in out


def imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A design imported from Exchange's exports through `dr-designer import`."""
    path = tmp_path / "imported.json"
    sources = [
        EXCHANGE / "Get-DatabaseAvailabilityGroup.csv",
        EXCHANGE / "Get-MailboxDatabase.csv",
        EXCHANGE / "Get-MailboxDatabaseCopyStatus.csv",
    ]
    code, _ = run(capsys, "import", "exchange", *map(str, sources), "-o", str(path))
    assert code == 0
    return path


def test_check_of_a_fresh_import_asks_nothing_of_the_placeholder_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = imported(capsys, tmp_path)
    code, out = run(capsys, "check", str(path), "--format", "json")
    assert code == 0  # warnings and info only
    findings = json.loads(out)["findings"]
    codes = [f["code"] for f in findings]
    assert "NET005" not in codes and "EX002" not in codes, codes
    assert "Unplaced (import)" not in out
    # Its servers have no disk at all: DAG014 says what to give them, once per server
    # (wave 24, rules24: it was once per copy), the RVTools import first.
    code, out = run(capsys, "check", str(path))
    assert (
        "warning DAG014: BOS-MBX01 keeps its copies of 2 databases (DB01, DB02) on no disk "
        "(BOS-MBX01 has no database or log disk on any LUN): no storage failure reaches "
        "them; import its vCenter's RVTools export into this design (File > Import > "
        "RVTools Export…) to bring its host and disks, or give BOS-MBX01 a virtual disk for "
        "them (purpose database) on a LUN of a storage array, as a VMFS datastore or an RDM "
        "[VM BOS-MBX01, mailbox database DB01, mailbox database DB02]"
    ) in out, out
    assert out.count("DAG014") == 4, out
    assert "give it a database disk on its datastore" not in out
    # Once the placeholder's notes are edited (the user made it a real site), it is one.
    design = load(path)
    elements = [
        e.model_copy(update={"notes": "Our Boston room"}) if e.kind == "site" else e
        for e in design.elements
    ]
    save(design.model_copy(update={"elements": elements}), path)
    code, out = run(capsys, "check", str(path), "--format", "json")
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert code == 0 and "NET005" in codes and "EX002" in codes  # warnings
