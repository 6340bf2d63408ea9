"""The sample designs (``sample_designs/``), one per reference figure of DOMAIN.md §5.

Each sample must load, round-trip, be exactly what ``sample_designs/build_samples.py``
writes, give every drawable element a layout box inside its container and clear of its
siblings, pass ``dr-designer check`` (deliberate findings are waived in the file with
a reason), and produce the findings recorded in ``tests/snapshots/<sample>.findings.json``.

When a rule lands or changes on purpose, refresh the snapshots with::

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest -q tests/test_sample_designs.py

and review the diff. Saved scenarios carry the outcome their source describes
(``dr-designer check --scenarios``). After editing a builder, regenerate the samples with
``.venv/bin/python sample_designs/build_samples.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from itertools import combinations
from pathlib import Path
from types import ModuleType

import pytest

from designer.domain import Design, DesignIndex, LayoutEntry, structural_errors
from designer.entry import main as cli_main
from designer.persistence import dumps, load, loads
from designer.rules import check
from designer.rules.finding import INTERNAL_ERROR_CODE, STALE_WAIVER_CODE

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "sample_designs"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def _builder() -> ModuleType:
    if str(SAMPLES_DIR) not in sys.path:
        sys.path.insert(0, str(SAMPLES_DIR))
    return importlib.import_module("build_samples")


build_samples = _builder()
NAMES = list(build_samples.SAMPLES)

#: DOMAIN.md §5, in order: every reference figure has its sample.
EXPECTED = [
    "standalone_vm_ha.json",
    "cas_array_edge.json",
    "dag_with_ha.json",
    "srm_dag_recovery.json",
    "stretched_dag_lagged.json",
    "three_site_stretched_dag.json",
    "backup_options.json",
    "disk_placements.json",
    "cx4_srm_mirrorview_s.json",
    "bidirectional_mirroring.json",
    "double_take.json",
    "exchange2007_lcr_ccr_scr.json",
]


@pytest.fixture(scope="module")
def designs() -> dict[str, Design]:
    return {name: load(SAMPLES_DIR / name) for name in NAMES}


def test_one_sample_per_reference_figure() -> None:
    assert NAMES == EXPECTED
    on_disk = sorted(p.name for p in SAMPLES_DIR.glob("*.json"))
    assert on_disk == sorted(EXPECTED)


def test_default_design_is_the_three_site_showcase(designs: dict[str, Design]) -> None:
    assert build_samples.DEFAULT_SAMPLE == "three_site_stretched_dag.json"
    design = designs[build_samples.DEFAULT_SAMPLE]
    kinds = {e.kind for e in design.elements}
    assert {"dag", "cas_array", "load_balancer", "file_share_witness", "wan_link"} <= kinds
    assert len([e for e in design.elements if e.kind == "site"]) == 3


@pytest.mark.parametrize("name", NAMES)
def test_sample_loads_and_is_structurally_valid(name: str, designs: dict[str, Design]) -> None:
    design = designs[name]
    assert structural_errors(design) == []
    assert design.name != "Untitled design"
    # The description says what the figure shows and cites its source document.
    assert re.search(r"\b00[0-4]\b", design.description), design.description


@pytest.mark.parametrize("name", NAMES)
def test_sample_round_trips_identically(name: str, designs: dict[str, Design]) -> None:
    text = (SAMPLES_DIR / name).read_text(encoding="utf-8")
    design = designs[name]
    assert dumps(design) == text
    assert loads(dumps(design)) == design


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_is_what_the_builder_writes(name: str) -> None:
    expected = dumps(build_samples.SAMPLES[name]())
    actual = (SAMPLES_DIR / name).read_text(encoding="utf-8")
    assert actual == expected, f"{name} is stale: run sample_designs/build_samples.py"


# -- layout ---------------------------------------------------------------------------
DRAWABLE = build_samples.DRAWABLE_KINDS


def _parent(design_index: DesignIndex, element: object) -> str | None:
    kind = element.kind  # type: ignore[attr-defined]
    if kind == "vm":
        return element.host  # type: ignore[attr-defined,no-any-return]
    if kind == "lun":
        return element.array  # type: ignore[attr-defined,no-any-return]
    if kind == "esxi_host":
        return element.cluster or element.site  # type: ignore[attr-defined,no-any-return]
    if kind in ("vsphere_cluster", "storage_array", "file_share_witness", "cas_array"):
        return element.site  # type: ignore[attr-defined,no-any-return]
    if kind == "load_balancer":
        return element.site  # type: ignore[attr-defined,no-any-return]
    if kind == "mailbox_database":
        return element.dag  # type: ignore[attr-defined,no-any-return]
    return None


def _inside(inner: LayoutEntry, outer: LayoutEntry) -> bool:
    assert inner.w is not None and inner.h is not None
    assert outer.w is not None and outer.h is not None
    return (
        inner.x >= outer.x
        and inner.y >= outer.y
        and inner.x + inner.w <= outer.x + outer.w
        and inner.y + inner.h <= outer.y + outer.h
    )


def _overlap(a: LayoutEntry, b: LayoutEntry) -> bool:
    assert a.w is not None and a.h is not None and b.w is not None and b.h is not None
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@pytest.mark.parametrize("name", NAMES)
def test_every_drawable_element_has_a_sized_layout_entry(
    name: str, designs: dict[str, Design]
) -> None:
    design = designs[name]
    drawable = [e for e in design.elements if e.kind in DRAWABLE]
    assert drawable
    for element in drawable:
        entry = design.layout.get(element.id)
        assert entry is not None, f"{element.id} has no layout entry"
        assert entry.w and entry.h, f"{element.id} has no size"
    assert set(design.layout) == {e.id for e in drawable}


@pytest.mark.parametrize("name", NAMES)
def test_layout_nests_children_and_keeps_siblings_apart(
    name: str, designs: dict[str, Design]
) -> None:
    design = designs[name]
    index = DesignIndex(design)
    layout = design.layout
    children: dict[str | None, list[str]] = {}
    for element in design.elements:
        if element.kind not in DRAWABLE:
            continue
        parent = _parent(index, element)
        children.setdefault(parent, []).append(element.id)
        if parent is not None:
            assert _inside(layout[element.id], layout[parent]), (
                f"{element.id} is drawn outside its container {parent}"
            )
    for parent, ids in children.items():
        for a, b in combinations(ids, 2):
            assert not _overlap(layout[a], layout[b]), f"{a} and {b} overlap (in {parent})"


#: Width of one label character at the canvas' 11 px label font, rounded up.
CHAR_PX = 6.5


@pytest.mark.parametrize("name", NAMES)
def test_labels_fit_their_boxes(name: str, designs: dict[str, Design]) -> None:
    design = designs[name]
    for element in design.elements:
        entry = design.layout.get(element.id)
        if entry is None or entry.w is None:
            continue
        assert len(element.name) * CHAR_PX <= entry.w - 8, f"{element.name!r} is too wide"


# -- rules ----------------------------------------------------------------------------
def _snapshot(design: Design) -> dict[str, list[list[object]]]:
    result = check(design)

    def rows(findings: list) -> list[list[object]]:  # type: ignore[type-arg]
        return sorted([f.code, list(f.elements)] for f in findings)

    return {
        "active": rows(result.active),
        "waived": rows([f for f in result.findings if f.waived]),
    }


@pytest.mark.parametrize("name", NAMES)
def test_findings_match_the_snapshot(name: str, designs: dict[str, Design]) -> None:
    snapshot = SNAPSHOTS / name.replace(".json", ".findings.json")
    current = _snapshot(designs[name])
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(json.dumps(current, indent=1) + "\n", encoding="utf-8")
    assert snapshot.exists(), f"no snapshot for {name}: run with UPDATE_SNAPSHOTS=1"
    assert json.loads(snapshot.read_text(encoding="utf-8")) == current


@pytest.mark.parametrize("name", NAMES)
def test_no_rule_crashes_and_no_waiver_is_stale(name: str, designs: dict[str, Design]) -> None:
    codes = {f.code for f in check(designs[name]).findings}
    assert INTERNAL_ERROR_CODE not in codes
    assert STALE_WAIVER_CODE not in codes


@pytest.mark.parametrize("name", NAMES)
def test_cli_check_passes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["check", str(SAMPLES_DIR / name)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 errors" in out


@pytest.mark.parametrize("name", NAMES)
def test_saved_scenarios_reach_the_outcome_the_source_describes(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(["check", "--scenarios", str(SAMPLES_DIR / name)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    assert re.search(r"(\d+) of \1 scenarios pass", out), out


def test_every_sample_has_a_scenario_with_an_expected_outcome(
    designs: dict[str, Design],
) -> None:
    for name, design in designs.items():
        assert any(s.expected is not None for s in design.scenarios), name


def test_srm_samples_of_002_assume_its_srm_release(designs: dict[str, Design]) -> None:
    for name in ("cx4_srm_mirrorview_s.json", "bidirectional_mirroring.json"):
        assert designs[name].intent.srm_release == "4.0"
