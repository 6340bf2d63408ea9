"""Formatting of check results: text, JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from designer.domain.design import Design, Severity
from designer.domain.index import DesignIndex
from designer.rules.engine import CheckResult
from designer.rules.registry import RULES

if TYPE_CHECKING:
    from designer.simulation.expectations import ScenarioOutcome

__all__ = ["findings_json", "findings_sarif", "findings_text"]


def findings_text(design: Design, result: CheckResult, *, file: str) -> str:
    index = DesignIndex(design)
    lines: list[str] = []
    for finding in result.active:
        names = ", ".join(
            f"{el.label} {el.name}" if (el := index.get(e)) else e for e in finding.elements
        )
        where = f" [{names}]" if names else ""
        lines.append(f"{file}: {finding.severity.value} {finding.code}: {finding.message}{where}")
    waived = len(result.findings) - len(result.active)
    counts = result.summary()
    tail = f", {waived} waived" if waived else ""
    lines.append(
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info{tail}"
    )
    return "\n".join(lines) + "\n"


def findings_json(result: CheckResult, scenarios: list[ScenarioOutcome] | None = None) -> str:
    """The findings as JSON; with ``check --scenarios``, each saved scenario's verdict."""
    data: dict[str, Any] = {
        "findings": [f.to_json() for f in result.active],
        "waived": [{**f.to_json(), "reason": f.waiver_reason} for f in result.findings if f.waived],
        "summary": result.summary(),
    }
    if scenarios is not None:
        data["scenarios"] = [o.to_json() for o in scenarios]
        data["scenario_summary"] = {
            "passed": sum(o.passed for o in scenarios),
            "failed": sum(not o.passed for o in scenarios),
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


#: The SARIF rule of saved-scenario verdicts (``check --scenarios --format sarif``).
SCENARIO_RULE = "SCENARIO"


def _scenario_results(scenarios: list[ScenarioOutcome], file: str, index: int) -> list[Any]:
    results = []
    for outcome in scenarios:
        where = (
            f" (diverged at step {outcome.diverged_at_step}, {outcome.diverged_at_s:g} s)"
            if outcome.diverged_at_step is not None and outcome.diverged_at_s is not None
            else ""
        )
        text = (
            f"scenario {outcome.name}: pass"
            if outcome.passed
            else f"scenario {outcome.name}: {'; '.join(outcome.problems)}{where}"
        )
        data = outcome.to_json()
        results.append(
            {
                "ruleId": SCENARIO_RULE,
                "ruleIndex": index,
                "kind": "pass" if outcome.passed else "fail",
                "level": "none" if outcome.passed else "error",
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": file}},
                        "logicalLocations": [{"name": outcome.name, "kind": "scenario"}],
                    }
                ],
                "properties": {
                    key: data[key]
                    for key in ("expected", "actual", "diverged_at_step", "diverged_at_s", "error")
                },
            }
        )
    return results


def findings_sarif(
    result: CheckResult, *, file: str, scenarios: list[ScenarioOutcome] | None = None
) -> str:
    codes = sorted({f.code for f in result.findings})
    rules: list[dict[str, Any]] = []
    for code in codes:
        meta = RULES.get(code)
        entry: dict[str, Any] = {"id": code}
        if meta:
            entry.update(
                name=meta.name,
                shortDescription={"text": meta.summary},
                fullDescription={"text": meta.section("Why")},
                help={"text": f"Fix: {meta.section('Fix')} Source: {meta.section('Source')}"},
                defaultConfiguration={"level": _SARIF_LEVEL[meta.severity]},
            )
        rules.append(entry)
    results = []
    for finding in result.findings:
        item: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {"artifactLocation": {"uri": file}},
                    "logicalLocations": [{"name": e, "kind": "element"} for e in finding.elements],
                }
            ],
        }
        if finding.waived:
            item["suppressions"] = [{"kind": "inSource", "justification": finding.waiver_reason}]
        results.append(item)
    if scenarios is not None:
        rules.append(
            {
                "id": SCENARIO_RULE,
                "name": "saved-scenario-outcome",
                "shortDescription": {
                    "text": "A saved what-if scenario reaches the outcome it expects"
                },
                "defaultConfiguration": {"level": "error"},
            }
        )
        results.extend(_scenario_results(scenarios, file, len(rules) - 1))
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dr-designer",
                        "informationUri": "https://example.invalid/dr-designer",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
