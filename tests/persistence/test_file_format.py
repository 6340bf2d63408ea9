"""Canonical saving, atomic replace, migrations, and clean errors on bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from designer.domain import Design, EsxiHost, LayoutEntry, Site
from designer.persistence import CURRENT_SCHEMA_VERSION, LoadError, dumps, load, loads, save


def small_design() -> Design:
    return Design(
        name="Small",
        elements=[Site(id="s1", name="Boston"), EsxiHost(id="h1", name="esx01", site="s1")],
        layout={"s1": LayoutEntry(x=10, y=20, w=300, h=200)},
    )


def test_save_then_load_is_identity(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    save(small_design(), path)
    assert load(path) == small_design()


def test_output_is_canonical() -> None:
    text = dumps(small_design())
    assert text.endswith("}\n")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["schema_version"] == CURRENT_SCHEMA_VERSION


def test_save_failure_leaves_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "d.json"
    save(small_design(), path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save(Design(name="Other"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"], "temp file left behind"


def test_version_1_file_is_migrated(tmp_path: Path) -> None:
    old = Path(__file__).parent / "fixtures" / "v1_design.json"
    design = load(old)
    assert design.layout["site-a"].x == 40
    assert design.layout["site-a"].y == 60
    assert {e.id for e in design.elements} == {"site-a", "host-1"}


def test_version_2_file_is_migrated_with_the_new_defaults(tmp_path: Path) -> None:
    old = Path(__file__).parent / "fixtures" / "v2_design.json"
    design = load(old)
    by_id = {e.id: e for e in design.elements}
    assert by_id["dag-1"].dynamic_quorum is False  # the static, conservative model
    assert by_id["lcr-1"].copy_disks == []
    assert by_id["cl-a"].vm_monitoring is True
    assert by_id["mbx-1"].exchange_edition == "enterprise"
    step = design.scenarios[0].steps[0]
    assert step.recovery_point_s is None and step.latency_ms is None
    # saved again, it is a current-version file that loads back equal
    path = tmp_path / "again.json"
    save(design, path)
    assert json.loads(path.read_text())["schema_version"] == CURRENT_SCHEMA_VERSION
    assert load(path) == design


def test_version_6_file_is_migrated_with_no_workload(tmp_path: Path) -> None:
    """Version 7 added the capacity workload; a version-6 file has none of it."""
    old = Path(__file__).parent / "fixtures" / "v6_design.json"
    design = load(old)
    by_id = {e.id: e for e in design.elements}
    assert by_id["site-a"].mailbox_profile is None
    assert by_id["dag-1"].mailbox_profile is None
    assert by_id["db-1"].mailbox_profile is None
    assert by_id["cx-a"].change_rate_gb_per_hour is None
    assert by_id["lun-a"].change_rate_gb_per_hour is None and by_id["lun-a"].free_gb is None
    assert design.capacity.mailbox_profile is None
    assert design.capacity.log_file_mb is None  # the catalog's figure
    assert design.scenarios[0].steps[0].failed_direction is None
    assert by_id["site-a"].change_rate_gb_per_hour == 2.0  # what version 6 had stays
    path = tmp_path / "again.json"
    save(design, path)
    assert json.loads(path.read_text())["schema_version"] == CURRENT_SCHEMA_VERSION == 7
    assert load(path) == design


def test_version_3_severity_overrides_become_rule_severities() -> None:
    old = Path(__file__).parent / "fixtures" / "v3_severity_overrides.json"
    design = load(old)
    rules = design.rules
    assert {code: s.level.value for code, s in rules.severities.items()} == {
        "VS002": "error",
        "DAG001": "info",
    }
    assert rules.waivers[0].reason == "moving soon"
    assert design.layout["site-a"].x == 40
    assert f'"schema_version": {CURRENT_SCHEMA_VERSION}' in dumps(design)
    assert '"severities"' in dumps(design) and "severity_overrides" not in dumps(design)


def test_version_4_layout_gets_empty_waypoints_and_a_line_keeps_its_own(tmp_path: Path) -> None:
    old = Path(__file__).parent / "fixtures" / "v4_design.json"
    design = load(old)
    assert design.layout["site-b"].color == "#3d6fb6"
    assert all(entry.points == () for entry in design.layout.values())
    # A line's waypoints (issue 13) are layout: saved, loaded back, in order.
    points = ((820.0, 20.0), (820.0, 700.0))
    layout = {**design.layout, "link-1": LayoutEntry(points=points)}
    path = tmp_path / "v5.json"
    save(design.model_copy(update={"layout": layout}), path)
    text = path.read_text()
    assert f'"schema_version": {CURRENT_SCHEMA_VERSION}' in text and CURRENT_SCHEMA_VERSION >= 5
    assert load(path).layout["link-1"].points == points


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": [', "truncated"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"format": "visio"}', "format is 'visio'"),
        (b'{"format": "dr-designer", "schema_version": 99, "design": {}}', "newer DR Designer"),
        (
            b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": '
            b'[{"kind": "toaster", "id": "t", "name": "t"}]}}',
            "unknown element kind 'toaster'",
        ),
        (
            b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": '
            b'[{"kind": "site", "id": "s", "name": "s", "users": 1e400}]}}',
            "design.elements[0]",
        ),
        (
            b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": '
            b'[{"kind": "site", "id": "s", "name": "s", "users": NaN}]}}',
            "not a number JSON allows",
        ),
        (
            b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": '
            b'[{"kind": "site", "id": "s", "name": "a"}, '
            b'{"kind": "site", "id": "s", "name": "b"}]}}',
            "duplicate id 's'",
        ),
        (
            b'{"format": "dr-designer", "schema_version": 2, "design": {"elements": '
            b'[{"kind": "esxi_host", "id": "h", "name": "h", "site": "gone"}]}}',
            "design.elements[0].site: ESXi host h (h) refers to 'gone', which does not exist",
        ),
        (b'{"format": "dr-designer", "format": "x"}', "duplicate key 'format'"),
        (b"[" * 100_000, "nested too deeply"),
    ],
)
def test_bad_input_gives_one_clear_message(text: bytes, expected: str) -> None:
    with pytest.raises(LoadError) as caught:
        loads(text, where="bad.json")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("bad.json")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load(tmp_path / "nope.json")
    with pytest.raises(LoadError, match="folder"):
        load(tmp_path)


def test_size_limit_is_enforced(tmp_path: Path, monkeypatch) -> None:
    import designer.persistence.file_format as ff

    monkeypatch.setattr(ff, "MAX_FILE_BYTES", 3 * 1024 * 1024)
    path = tmp_path / "big.json"
    path.write_text(" " * (4 * 1024 * 1024))
    with pytest.raises(LoadError) as caught:
        ff.load(path)
    # The size and the limit in one unit (the old message said "52 MB" of a 50 MiB limit).
    assert "the file is 4.0 MiB; the largest design file DR Designer opens is 3 MiB" in str(
        caught.value
    )
    with pytest.raises(LoadError, match=r"4\.0 MiB"):
        ff.loads(path.read_bytes())


def test_size_limit_is_far_above_what_the_app_saves() -> None:
    """Whatever the app saves, it opens: a 100,000-element design (the largest the
    benchmarks generate, ~54 MB; the old limit of 50 MiB refused it) is measured from a
    1,000-element one of the same shape, with room for ten times as much."""
    import designer.persistence.file_format as ff
    from benchmarks.generate import generate_design

    small = generate_design(1000, seed=0)
    per_element = len(ff.dumps(small).encode()) / len(small.elements)
    assert per_element * 100_000 * 8 < ff.MAX_FILE_BYTES


def test_version_5_file_gets_no_failure_figures(tmp_path: Path) -> None:
    """Version 6 adds the failure figures of availability analysis; a version-5 file
    has none: no kind figures, no element's own (its waypoints stay)."""
    old = Path(__file__).parent / "fixtures" / "v5_design.json"
    design = load(old)
    assert design.reliability.kinds == {}
    assert all(getattr(e, "mtbf_h", None) is None for e in design.elements)
    assert design.rules.severities["VS002"].reason == "lab design"
    assert design.layout["link-1"].points == ((820.0, 20.0), (820.0, 700.0))
    path = tmp_path / "again.json"
    save(design, path)
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == CURRENT_SCHEMA_VERSION == 7
    assert saved["design"]["reliability"] == {"kinds": {}}
    assert load(path) == design


def test_failure_figures_round_trip_and_refuse_nonsense(tmp_path: Path) -> None:
    from designer.domain import KindFigures, ReliabilitySettings, Site
    from designer.persistence import LoadError, loads

    design = Design(
        elements=[Site(id="s", name="S", mtbf_h=87_600.0, mttr_h=72.0)],
        reliability=ReliabilitySettings(
            kinds={"esxi_host": KindFigures(mtbf_h=50_000.0, mttr_h=8.0, source="ops log")}
        ),
    )
    path = tmp_path / "f.json"
    save(design, path)
    assert load(path) == design
    bad = path.read_text().replace('"esxi_host"', '"toaster"')
    with pytest.raises(LoadError) as caught:
        loads(bad.encode(), where="f.json")
    assert "toaster" in str(caught.value) and "reliability" in str(caught.value)
    negative = path.read_text().replace("87600.0", "-5")
    with pytest.raises(LoadError) as caught:
        loads(negative.encode(), where="f.json")
    assert "mtbf_h" in str(caught.value)
