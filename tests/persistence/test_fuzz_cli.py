"""The fuzz and fault harness (benchmarks/fuzz_files.py), a seeded fast subset: hostile
files through the command line, kill -9 during saves, outputs under other hash seeds.
The full run (10,000 files, 200 kills of a 25k save, 5 seeds) is the benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks import fuzz_files  # noqa: E402


def test_hostile_files_through_the_command_line_break_no_contract() -> None:
    counts = fuzz_files.run_files(150, seed=20261201)
    assert counts.cases == 150
    assert counts.breaches == [], "\n".join(counts.breaches[:10])
    # The corpus does exercise both outcomes, and every kind of damage.
    assert counts.outcomes["check exit 2"] > 20 and counts.outcomes["check exit 0"] > 10
    assert len(counts.kinds) >= 12


def test_kill_9_during_saves_leaves_old_or_new_content() -> None:
    breaches, outcomes = fuzz_files.run_save_kills(3, "600", seed=7)
    assert breaches == 0, outcomes
    assert sum(v for k, v in outcomes.items() if k.startswith("old or new")) == 3


def test_outputs_are_identical_under_other_hash_seeds() -> None:
    total, differ = fuzz_files.run_determinism(2)
    assert total > 60 and differ == 0


def test_a_file_that_loads_but_loses_part_of_itself_is_a_breach() -> None:
    """What the harness counts as silently dropped: a key or a list item the file states
    that the saved design lacks (files of older versions, migrated, are not compared)."""
    import json

    raw = (ROOT / "sample_designs" / "dag_with_ha.json").read_bytes()
    assert fuzz_files._lost(raw, raw.decode("utf-8")) is None
    fewer = json.loads(raw)
    fewer["design"]["elements"].pop(3)
    assert fuzz_files._lost(raw, json.dumps(fewer)) == "design.elements (71 items, 70 kept)"
    keyless = json.loads(raw)
    del keyless["design"]["scenarios"][0]["steps"][0]["latency_ms"]
    assert fuzz_files._lost(raw, json.dumps(keyless)) == "design.scenarios[0].steps[0].latency_ms"
    # A key written only when set, stated as null and saved without it, is not lost (a
    # WAN link's distance: wave 26); any other value of it is.
    three = (ROOT / "sample_designs" / "three_site_stretched_dag.json").read_bytes()
    unset, saved = json.loads(three), json.loads(three)
    link = next(e for e in unset["design"]["elements"] if e["kind"] == "wan_link")
    link["distance_km"] = None
    kept = next(e for e in saved["design"]["elements"] if e["id"] == link["id"])
    del kept["distance_km"]
    assert fuzz_files._lost(json.dumps(unset).encode(), json.dumps(saved)) is None
    assert fuzz_files._lost(three, json.dumps(saved)).endswith("].distance_km")  # type: ignore[union-attr]
    older = json.loads(raw)
    older["schema_version"] = 6
    assert fuzz_files._lost(json.dumps(older).encode(), json.dumps(fewer)) is None
