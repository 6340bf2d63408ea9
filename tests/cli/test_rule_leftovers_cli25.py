"""`dr-designer` on wave 25's rule leftovers (rules25), through the commands a user runs:

- after the calculator import (and its servers' RVTools export imported into it, as
  docs/interop.md says), DAG011 and CAP006 say each problem once (per shared array and
  the members on it; per DAG), with what to do, not once per database (40 each before);
- `check`'s text lists a finding's many elements as a few and a count (DAG014 named all
  40 databases of a server on one line), JSON and SARIF keep them all;
- `analyze --cut-sets` and the GraphML export place a file share witness where its
  server runs, as the rules and the simulator do: a witness stating member site Boston,
  served by a VM in Hartford, no longer fails with Boston in the graph, and the cut set
  {witness, Boston} (the simulator's quorum loss) is listed.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from test_rule_leftovers_cli24 import CALCULATOR, CALCULATOR_SOURCES, _rvtools_workbook

from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _lines(out: str, code: str) -> list[str]:
    return [line for line in out.splitlines() if f" {code}: " in line]


def _imported(capsys: pytest.CaptureFixture[str], folder: Path, rvtools: bool) -> Path:
    """The calculator sample imported (40 databases, 4 servers, no mailbox counts), and
    with ``rvtools`` its servers' RVTools export imported into it: two servers in each of
    Boston and Worcester, their database disks on each site's stand-in array."""
    path = folder / "imported.json"
    sources = [str(CALCULATOR / name) for name in CALCULATOR_SOURCES]
    assert run(capsys, "import", "calculator", *sources, "-o", str(path))[0] == 0
    if rvtools:
        workbook = _rvtools_workbook(folder / "RVTools_export.xlsx")
        code, _ = run(
            capsys, "import", "rvtools", str(workbook), "--into", str(path), "-o", str(path)
        )
        assert code == 0
    return path


def test_check_after_the_imports_says_each_shared_array_once_with_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _imported(capsys, tmp_path, rvtools=True)
    _, out = run(capsys, "check", str(path))
    dag011 = _lines(out, "DAG011")
    # One per stand-in array (Boston's, Worcester's) and the two members on it: 40 before.
    assert len(dag011) == 2, out
    assert (
        "warning DAG011: srv-nn-01 and srv-nn-02 keep their copies of 20 databases "
        "(DAG-nn-DB01, DAG-nn-DB02, DAG-nn-DB05 and 17 more) on storage array Boston storage: "
        "one storage array failure takes 2 copies of each; Boston storage is the stand-in an "
        "import made for site Boston's datastores (vCenter does not know their arrays): put "
        "their LUNs on the arrays they are on; if that is one array, move the database and "
        "log disks of srv-nn-02 to another storage array, one array per copy [storage array "
        "Boston storage, VM srv-nn-01, VM srv-nn-02, mailbox database DAG-nn-DB01 and 19 more "
        "mailbox databases]"
    ) in dag011[0], dag011[0]
    assert "srv-nn-03 and srv-nn-04 keep their copies of 20 databases" in dag011[1]
    # JSON keeps every element: the array, its two members, the twenty databases.
    _, data = run(capsys, "check", str(path), "--format", "json")
    (boston,) = [
        f
        for f in json.loads(data)["findings"]
        if f["code"] == "DAG011" and "Boston" in f["message"]
    ]
    assert len(boston["elements"]) == 23, boston["elements"]
    # What it says, done: Worcester's LUNs put on an array of their own per server.
    design = json.loads(path.read_text(encoding="utf-8"))
    elements = design["design"]["elements"]
    site = next(e["site"] for e in elements if e["name"] == "Worcester storage")
    for n in (3, 4):
        elements.append(
            {"id": f"arr-w{n}", "kind": "storage_array", "name": f"WOR-SAN{n}", "site": site}
        )
    for e in elements:
        if e["kind"] == "lun" and e["name"] in ("RDM naa.6003", "RDM naa.6004"):
            e["array"] = f"arr-w{e['name'][-1]}"
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps(design), encoding="utf-8")
    _, out = run(capsys, "check", str(fixed))
    assert [line for line in _lines(out, "DAG011") if "Worcester" in line] == [], out
    assert len(_lines(out, "DAG011")) == 1, out


def test_check_after_the_calculator_import_says_the_missing_mailboxes_once_per_dag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _imported(capsys, tmp_path, rvtools=False)
    _, out = run(capsys, "check", str(path))
    (cap006,) = _lines(out, "CAP006")  # 40 before, one per database
    assert (
        "info CAP006: 40 mailbox databases (DAG-nn-DB01, DAG-nn-DB02, DAG-nn-DB03 and 37 "
        "more) of DAG DAG-nn state 0 mailboxes: simulation, availability and capacity count "
        "no users on them; enter their Mailboxes in the Inspector (Select its 40 elements, on "
        "this finding's menu in the Problems list, selects them to set together) [mailbox "
        "database DAG-nn-DB01, mailbox "
        "database DAG-nn-DB02, mailbox database DAG-nn-DB03, mailbox database DAG-nn-DB04 "
        "and 36 more mailbox databases]"
    ) in cap006, cap006
    assert out.splitlines()[-1] == "0 errors, 5 warnings, 1 info"  # DAG013, 4 × DAG014, out


def test_check_text_lists_a_server_s_forty_databases_as_a_few_and_a_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _imported(capsys, tmp_path, rvtools=False)
    _, out = run(capsys, "check", str(path))
    dag014 = _lines(out, "DAG014")
    assert len(dag014) == 4
    for line in dag014:
        assert line.endswith(
            "as a VMFS datastore or an RDM [VM srv-nn-0"
            + line.split("[VM srv-nn-0")[1][:1]
            + ", mailbox database DAG-nn-DB01, mailbox database DAG-nn-DB02, mailbox "
            "database DAG-nn-DB03 and 37 more mailbox databases]"
        ), line
        assert len(line) < 900, len(line)  # 2,200 characters before
    # JSON and SARIF: every element, for tools.
    _, data = run(capsys, "check", str(path), "--format", "json")
    dag014_json = [f for f in json.loads(data)["findings"] if f["code"] == "DAG014"]
    assert [len(f["elements"]) for f in dag014_json] == [41] * 4
    _, data = run(capsys, "check", str(path), "--format", "sarif")
    results = json.loads(data)["runs"][0]["results"]
    # (Since wave 26 the member is the result's location, its databases related locations.)
    dag014_sarif = [r for r in results if r["ruleId"] == "DAG014"]
    assert [len(r["locations"]) + len(r["relatedLocations"]) for r in dag014_sarif] == [41] * 4


def _witness_stated_in_boston(folder: Path) -> Path:
    """The three-site sample with its witness stating member site Boston, while its
    server HFD-FS01 (and the server's disk) stay in Hartford."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == "fsw-hfd":
            element["site"] = "site-bos"
    path = folder / "witness-stated-in-boston.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def test_cut_sets_place_the_witness_where_its_server_runs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _witness_stated_in_boston(tmp_path)
    _, out = run(capsys, "check", str(path))
    assert _lines(out, "DAG017"), out  # the stated site is said, by DAG017
    # The simulator: the witness runs in Hartford, Boston's loss does not take it; losing
    # both leaves Worcester's 2 of 5 votes.
    _, sim = run(capsys, "simulate", str(path), "--fail", "fsw-hfd", "--fail", "Boston")
    assert "DAG DAG01 loses quorum: 2 of 5 votes reachable" in sim, sim
    # The cut sets agree: {witness, Boston} is one (the graph put the witness in Boston,
    # its loss "in" Boston's, and the pair was never listed).
    _, out = run(capsys, "analyze", str(path), "--cut-sets")
    assert "  2  HFD-FS01 share + Boston  (8,000 mailboxes affected)" in out, out
    _, data = run(capsys, "analyze", str(path), "--cut-sets", "--format", "json")
    sets = {
        tuple(sorted(cut["elements"]))
        for db in json.loads(data)["databases"]
        for cut in db["cut_sets"]
    }
    assert ("fsw-hfd", "site-bos") in sets


def test_the_graph_export_puts_the_witness_in_its_server_s_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _witness_stated_in_boston(tmp_path)
    out = tmp_path / "design.graphml"
    code, _ = run(capsys, "export", str(path), "-o", str(out))
    assert code == 0
    graph = nx.read_graphml(out, force_multigraph=True)
    edges = {(v, d.get("relation")) for _, v, d in graph.out_edges("fsw-hfd", data=True)}
    assert ("site-hfd", "contained_in") in edges, edges  # where HFD-FS01 runs
    assert ("site-bos", "contained_in") not in edges, edges
    # The stated site is still there, as a reference the graph does not draw.
    assert ("site-bos", "refers_to") in edges, edges
