"""`dr-designer check` (and `simulate`, `import`) on wave 24's rule leftovers (rules24):

- DAG001/DAG002 judge the file share witness where its server runs (as DAG015/DAG017
  since rules23), and say it once: DAG017 alone names the stated site;
- DAG015 follows the witnesses' system disks to their arrays' sites;
- DAG014 after an import: one finding per server, not per copy, saying to import the
  servers' RVTools export (and none once it is imported);
- the rules and the simulator say the same site facts in the same words: the quorum
  clause of DAG001 is the simulator's quorum event for that site's failure, DAG015's
  "a datacenter switchover cannot use it" its witness_down event.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
CALCULATOR = ROOT / "tests" / "interop" / "data" / "calculator"
CALCULATOR_SOURCES = (
    "ServersV7.6.csv",
    "MailboxDatabasesV7.6.csv",
    "MailboxDatabaseCopiesV7.6.csv",
)


def _rvtools_workbook(path: Path) -> Path:
    """The RVTools-shaped workbook of the calculator sample's servers that the interop
    tests (and docs/interop.md's screenshot) import: tests/interop's, loaded by path (this
    folder's tests do not have tests/interop on their import path)."""
    spec = importlib.util.spec_from_file_location(
        "_rvtools_source", ROOT / "tests" / "interop" / "test_interop_imports.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Path(module.rvtools_workbook(path))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _variant(tmp_path: Path, name: str, **changes: dict[str, Any]) -> Path:
    """The three-site sample as a user edits it: ``changes`` maps an element id to the
    fields set on it (the file written as `dr-designer` writes files)."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        element.update(changes.get(element["id"], {}))
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _lines(out: str, code: str) -> list[str]:
    return [line for line in out.splitlines() if f" {code}: " in line]


def test_check_judges_the_witness_where_its_server_runs_in_the_simulator_s_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # HFD-FS01 (the witness's server) moved onto a Boston host; the witness still states
    # Hartford. DAG001 said "in site Hartford runs on ESXi host esx-bos-04 in member site
    # Boston: losing that site takes the witness too" (DAG017's point, twice).
    path = _variant(tmp_path, "witness-on-boston", **{"vm-hfd-fs01": {"host": "esx-bos-04"}})
    code, out = run(capsys, "check", str(path))
    assert code == 1, out
    (dag001,) = _lines(out, "DAG001")
    assert (
        "error DAG001: DAG DAG01 fails over automatically but its witness HFD-FS01 share "
        "is in member site Boston (where its server HFD-FS01 runs: DAG017), not in a "
        "third site; when site Boston fails, DAG DAG01 loses quorum: 2 of 5 votes reachable; "
        "its databases dismount [DAG DAG01, file share witness HFD-FS01 share, site "
        "Boston]"
    ) in dag001, out
    assert "Hartford" not in dag001  # the stated site: DAG017's alone
    (dag017,) = _lines(out, "DAG017")
    assert "states site Hartford, but its server HFD-FS01 runs on host esx-bos-04" in dag017
    # The simulator, failing the site the finding names, says the same clause.
    clause = re.search(r"DAG DAG01 loses quorum: [^;]+; its databases dismount", dag001)
    assert clause is not None
    code, sim = run(capsys, "simulate", str(path), "--fail", "Boston")
    assert code == 0
    assert f"1:00  {clause.group(0)} (static quorum model" in sim, sim


def test_check_takes_a_stated_member_site_for_what_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The witness states Boston, but its server still runs on Hartford's host: a third
    # site. DAG001 called it an error ("in member site Boston"); now DAG017 alone speaks.
    path = _variant(tmp_path, "stated-boston", **{"fsw-hfd": {"site": "site-bos"}})
    code, out = run(capsys, "check", str(path), "--format", "json")
    assert code == 0, out  # a warning only
    found = json.loads(out)["findings"]
    assert [f["code"] for f in found] == ["DAG017"], found
    assert found[0]["message"].startswith(
        "file share witness HFD-FS01 share states site Boston, but its server "
        "HFD-FS01 runs on host esx-hfd-01 in site Hartford: the canvas draws it in Boston, "
        "while it goes down with Hartford, where the simulator counts its vote and the "
        "quorum rules judge it"
    )
    # Manual intent: DAG002 judged the stated site too.
    manual = _variant(
        tmp_path,
        "stated-boston-manual",
        **{"fsw-hfd": {"site": "site-bos"}, "dag-01": {"failover_intent": "manual"}},
    )
    code, out = run(capsys, "check", str(manual), "--format", "json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["DAG017"]


def test_check_follows_the_witnesses_system_disks_as_the_simulator_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The alternate witness's server WOR-FS01 runs in Worcester but boots from Hartford's
    # array, where the witness runs: losing Hartford takes both.
    path = _variant(
        tmp_path, "alternate-boots-in-hartford", **{"vm-wor-fs01-os": {"lun": "lun-hfd-os"}}
    )
    code, out = run(capsys, "check", str(path))
    assert code == 0, out  # a warning
    (dag015,) = _lines(out, "DAG015")
    assert (
        "warning DAG015: DAG DAG01 alternate witness WOR-FS01 alt. witness keeps its system "
        "disk on storage array HFD-SAN1 in site Hartford, and its witness HFD-FS01 share "
        "is in site Hartford: when site Hartford fails, it is down too: a datacenter "
        "switchover cannot use it; put the alternate witness on a server in the member site "
        "the DAG would switch over to, booting from that site's storage ["
    ) in dag015, out
    code, sim = run(capsys, "simulate", str(path), "--fail", "Hartford")
    assert (
        "file share witness WOR-FS01 alt. witness is down; it is the alternate witness of "
        "DAG DAG01 (no vote): a datacenter switchover cannot use it" in sim
    ), sim
    # The witness booting from Worcester's array: DAG001 (it fails with a member site)
    # and DAG015 (with the alternate witness there), each saying it once.
    path = _variant(
        tmp_path, "witness-boots-in-worcester", **{"vm-hfd-fs01-os": {"lun": "lun-wor-1-os"}}
    )
    code, out = run(capsys, "check", str(path))
    assert code == 1, out
    (dag001,) = _lines(out, "DAG001")
    assert (
        "DAG DAG01 witness HFD-FS01 share in site Hartford keeps its system disk on "
        "storage array WOR-SAN1 in member site Worcester; when site Worcester fails, the "
        "witness is down too and DAG DAG01 loses quorum: 2 of 5 votes reachable; its "
        "databases dismount"
    ) in dag001, out
    (dag015,) = _lines(out, "DAG015")
    assert "its witness HFD-FS01 share keeps its system disk on storage array WOR-SAN1" in dag015
    code, sim = run(capsys, "simulate", str(path), "--fail", "Worcester")
    assert "DAG DAG01 loses quorum: 2 of 5 votes reachable; its databases dismount" in sim, sim
    assert "(its alternate witness WOR-FS01 alt. witness is down too)" in sim, sim


def test_check_of_a_calculator_import_names_each_server_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "imported.json"
    sources = [str(CALCULATOR / name) for name in CALCULATOR_SOURCES]
    code, _ = run(capsys, "import", "calculator", *sources, "-o", str(path))
    assert code == 0
    code, out = run(capsys, "check", str(path))
    assert code == 0, out
    dag014 = _lines(out, "DAG014")
    assert len(dag014) == 4, out  # 40 databases, 4 copies each: 160 findings before
    assert (
        "warning DAG014: srv-nn-01 keeps its copies of 40 databases (DAG-nn-DB01, "
        "DAG-nn-DB02, DAG-nn-DB03 and 37 more) on no disk (srv-nn-01 has no database or log "
        "disk on any LUN): no storage failure reaches them; import its vCenter's RVTools "
        "export into this design (File > Import > RVTools Export…) to bring its host and "
        "disks, or give srv-nn-01 a virtual disk for them (purpose database) on a LUN of a "
        "storage array, as a VMFS datastore or an RDM [VM srv-nn-01, mailbox database "
        "DAG-nn-DB01, "
    ) in dag014[0], dag014[0]
    # What it says to do, done: RVTools' disks for those servers leave no DAG014.
    workbook = _rvtools_workbook(tmp_path / "RVTools_export.xlsx")
    code, _ = run(capsys, "import", "rvtools", str(workbook), "--into", str(path), "-o", str(path))
    assert code == 0
    code, out = run(capsys, "check", str(path), "--format", "json")
    assert "DAG014" not in {f["code"] for f in json.loads(out)["findings"]}
    # Now placed in Boston and Worcester, two and two, with no witness: DAG013's clause
    # is the simulator's quorum event when Boston fails, word for word.
    code, out = run(capsys, "check", str(path))
    (dag013,) = _lines(out, "DAG013")
    assert (
        "DAG DAG-nn has 4 members and no file share witness: when site Boston fails (2 of "
        "its 4 members), DAG DAG-nn loses quorum: 2 of 4 votes reachable; its databases "
        "dismount; give it a file share witness"
    ) in dag013, out
    code, sim = run(capsys, "simulate", str(path), "--fail", "Boston")
    assert (
        "1:00  DAG DAG-nn loses quorum: 2 of 4 votes reachable; its databases dismount (" in sim
    ), sim


def test_check_after_plan_copies_tells_a_member_on_raw_luns_what_to_give_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # WOR-MBX02 keeps its databases on raw LUNs (RDMs): plan-copies gives its new copies
    # no disk ("a raw LUN maps one disk"), and DAG014 said "give it a database disk on its
    # datastore", once per copy: it has no datastore for them.
    raw = {f"vm-wor-mbx02-db-db0{n}-edb": {"placement": "rdm_physical"} for n in range(1, 5)}
    path = _variant(tmp_path, "raw", **raw)
    planned = tmp_path / "planned.json"
    code, out = run(
        capsys, "plan-copies", str(path), "--dag", "DAG01", "--databases", "6", "-o", str(planned)
    )
    assert code == 0, out
    code, out = run(capsys, "check", str(planned))
    (dag014,) = _lines(out, "DAG014")
    assert (
        "warning DAG014: WOR-MBX02 keeps its copies of 2 databases (DB05, DB06) on no disk (no "
        "database or log disk on a LUN naming them, nor an unnamed one): no storage failure "
        "reaches them; give WOR-MBX02 a database disk for each on a LUN of its own, as an RDM "
        "like its other database disks (a raw LUN maps one disk)"
    ) in dag014, out
