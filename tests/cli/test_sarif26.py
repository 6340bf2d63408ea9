"""`dr-designer check --format sarif` (wave 26, rules26): valid against the SARIF 2.1.0
schema (tests/cli/data), and a finding about many elements is one result whose
location is its first element and whose other elements are related locations, each
named (SARIF §3.27.12, §3.27.22), not one location of 41 logical locations; a database
waived out of a gathered finding is a suppressed result of its own."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from test_rule_leftovers_cli24 import CALCULATOR, CALCULATOR_SOURCES

from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def _sarif(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    main(["check", "--format", "sarif", *argv])
    data = json.loads(capsys.readouterr().out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(data)
    return data


def _imported(capsys: pytest.CaptureFixture[str], folder: Path) -> Path:
    path = folder / "imported.json"
    sources = [str(CALCULATOR / name) for name in CALCULATOR_SOURCES]
    assert main(["import", "calculator", *sources, "-o", str(path)]) == 0
    capsys.readouterr()
    return path


def test_sarif_of_every_sample_and_an_import_is_valid_and_one_place_per_location(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    files = [
        str(_imported(capsys, tmp_path)),
        *map(str, sorted((ROOT / "sample_designs").glob("*.json"))),
    ]
    data = _sarif(capsys, "--scenarios", *files)
    results = data["runs"][0]["results"]
    assert results
    for result in results:
        assert len(result["locations"]) == 1
        # One logical location: the place, not every element it names.
        assert len(result["locations"][0].get("logicalLocations", [])) <= 1, result
        ids = [r["id"] for r in result.get("relatedLocations", [])]
        assert len(ids) == len(set(ids))


def test_a_gathered_finding_is_one_result_with_its_elements_as_related_locations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _imported(capsys, tmp_path)
    results = _sarif(capsys, str(path))["runs"][0]["results"]
    (cap006,) = [r for r in results if r["ruleId"] == "CAP006"]
    (where,) = cap006["locations"][0]["logicalLocations"]
    assert where == {
        "name": "DAG-nn-DB01",
        "fullyQualifiedName": "db-1",
        "kind": "mailbox_database",
    }
    related = cap006["relatedLocations"]
    assert len(related) == 39 and [r["id"] for r in related] == list(range(1, 40))
    assert related[0]["message"] == {"text": "mailbox database DAG-nn-DB02"}
    assert related[0]["logicalLocations"] == [
        {"name": "DAG-nn-DB02", "fullyQualifiedName": "db-2", "kind": "mailbox_database"}
    ]
    assert related[0]["physicalLocation"] == cap006["locations"][0]["physicalLocation"]

    # One database waived out of it (as the Problems list's Waive one of its … writes
    # it): a suppressed result of its own, the gathered one without it.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["design"]["rules"] = {
        "waivers": [{"code": "CAP006", "elements": ["db-7"], "reason": "journaling database"}]
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    results = _sarif(capsys, str(path))["runs"][0]["results"]
    cap006 = [r for r in results if r["ruleId"] == "CAP006"]
    assert len(cap006) == 2
    (open_,) = [r for r in cap006 if "suppressions" not in r]
    (waived,) = [r for r in cap006 if "suppressions" in r]
    assert waived["suppressions"] == [{"kind": "inSource", "justification": "journaling database"}]
    assert waived["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "db-7"
    assert "relatedLocations" not in waived
    named = [r["logicalLocations"][0]["fullyQualifiedName"] for r in open_["relatedLocations"]]
    assert "db-7" not in named and len(named) == 38
