"""draw.io, GraphML and GEXF exports of every sample design, and the export command."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from designer.domain.refs import iter_refs
from designer.interop.drawio import LAYER_IDS, SimulationMoment, drawio_xml
from designer.interop.geometry import EDGE_KINDS, parent_of
from designer.interop.graph_export import export_graph
from designer.persistence import load
from designer.rules.engine import check

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_graphml_and_gexf_hold_every_element_and_relation(sample, tmp_path):
    design = load(sample)
    export_graph(design, tmp_path / "d.graphml")
    graph = nx.read_graphml(tmp_path / "d.graphml", force_multigraph=True)
    for element in design.elements:
        node = graph.nodes[element.id]
        assert node["kind"] == element.kind and node["name"] == element.name
        for ref in iter_refs(element):
            # Every reference is an edge, one way or the other (a CAS array is
            # "fronted_by" its load balancer in the topology).
            assert graph.has_edge(element.id, ref.target) or graph.has_edge(
                ref.target, element.id
            ), (element.id, ref.path, ref.target)
    export_graph(design, tmp_path / "d.gexf")
    gexf = nx.read_gexf(tmp_path / "d.gexf")
    assert {e.id for e in design.elements} <= set(gexf.nodes)


def _cells(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text)
    out: dict[str, ET.Element] = {}
    for obj in root.iter("object"):
        assert obj.get("id") not in out, f"two cells with id {obj.get('id')}"
        out[obj.get("id", "")] = obj
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_drawio_has_every_element_as_one_cell_in_the_right_container(sample):
    design = load(sample)
    text = drawio_xml(design)
    cells = _cells(text)
    root = ET.fromstring(text)
    layers = {c.get("id") for c in root.iter("mxCell") if c.get("parent") == "drd-root"}
    assert layers == set(LAYER_IDS.values())
    ids = {e.id for e in design.elements}
    for element in design.elements:
        obj = cells[element.id]
        assert obj.get("kind") == element.kind and obj.get("element_id") == element.id
        cell = obj.find("mxCell")
        assert cell is not None
        if element.kind in EDGE_KINDS:
            assert cell.get("edge") == "1"
            ends = {cell.get("source"), cell.get("target")}
            assert ends <= ids and ends == {
                r.target
                for r in iter_refs(element)
                if r.path in ("site_a", "site_b", "source_lun", "target_lun", "source", "target")
            }
        else:
            parent = parent_of(element)
            expected = parent if parent in ids else LAYER_IDS["topology"]
            assert cell.get("parent") == expected, element.id
    # One marker per active finding, with its code, on the findings layer.
    markers = [o for o in cells.values() if o.get("kind") == "finding"]
    active = check(design).active
    assert len(markers) == sum(1 for f in active if any(e in ids for e in f.elements))
    assert all(o.find("mxCell").get("parent") == LAYER_IDS["findings"] for o in markers)
    assert sorted(o.get("code") for o in markers) == sorted(
        f.code for f in active if any(e in ids for e in f.elements)
    )


def test_drawio_simulation_layer_shows_a_scenario_moment():
    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    boston = next(e for e in design.elements if e.name == "Boston")
    scenario = next(s for s in design.scenarios if any(st.target == boston.id for st in s.steps))
    cells = _cells(drawio_xml(design, moment=SimulationMoment(scenario.steps, None, scenario.name)))
    failed = [o for o in cells.values() if o.get("kind") == "simulation_mark"]
    assert any(o.get("element_id") == boston.id and "FAILED" in o.get("label", "") for o in failed)
    title = cells["drd-sim-title"].get("label", "")
    assert scenario.name.split(":")[0] in title and "mailboxes available" in title
    databases = [o for o in cells.values() if o.get("kind") == "simulation_database"]
    assert databases and all(o.get("state") == "active" for o in databases)


def test_drawio_labels_show_names_as_typed():
    design = load(ROOT / "sample_designs" / "standalone_vm_ha.json")
    site = next(e for e in design.elements if e.kind == "site")
    renamed = design.model_copy(
        update={"elements": [e if e.id != site.id else e.model_copy(update={"name": "A<b>&"})
                             for e in design.elements]}
    )  # fmt: skip
    obj = _cells(drawio_xml(renamed))[site.id]
    assert obj.get("label") == "A&lt;b&gt;&amp;"  # html=1 labels: escaped once more
    assert obj.get("name") == "A<b>&"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip


def test_export_command_writes_each_headless_format(tmp_path):
    sample = str(ROOT / "sample_designs" / "dag_with_ha.json")
    for name in ("d.drawio", "d.graphml", "d.gexf"):
        run = _cli("export", sample, "-o", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
        assert (tmp_path / name).stat().st_size > 1000
    run = _cli("export", sample, "-o", str(tmp_path / "calc") + "/")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (tmp_path / "calc").iterdir()) == sorted(
        ["MailboxDatabases.csv", "MailboxDatabaseCopies.csv", "Servers.csv", "CreateDAG.ps1",
         "CreateDatabases.ps1"]
    )  # fmt: skip
    ps = (tmp_path / "calc" / "CreateDatabases.ps1").read_text(encoding="utf-8-sig")
    assert "-ActivationPreference 2" in ps and "-ReplayLagTime" in ps
    run = _cli(
        "export", sample, "-o", str(tmp_path / "s.drawio"), "--scenario", "no such", "--at", "5"
    )
    assert run.returncode == 2 and "no saved scenario 'no such'" in run.stderr
    run = _cli("export", sample, "-o", str(tmp_path / "missing-dir" / "x" / "d.drawio"))
    assert run.returncode == 4 and "cannot write" in run.stderr
    assert "Traceback" not in run.stderr
