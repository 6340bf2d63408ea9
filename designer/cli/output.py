"""Formatting of check results: text, JSON and SARIF 2.1.0, for one or several files."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from designer.domain.design import Design, Severity
from designer.domain.index import DesignIndex
from designer.domain.words import plural, word_for
from designer.rules.engine import CheckResult
from designer.rules.registry import RULES
from designer.text import json_printable, printable

if TYPE_CHECKING:
    from designer.simulation.expectations import ScenarioOutcome

__all__ = [
    "SCENARIO_RULE",
    "FileResult",
    "artifact_uri",
    "findings_json",
    "findings_sarif",
    "findings_text",
    "rules_page_uri",
]

#: How check names standard input in its output.
STDIN_NAME = "<stdin>"


class FileResult:
    """One checked file: its name as given, its design, its findings and (``check
    --scenarios`` in JSON or SARIF) its saved scenarios' verdicts.

    A plain class with slots, its attributes final (mypy): not a frozen dataclass,
    ~0.5 M instructions of every ``check`` (issue 10); never compared or printed."""

    __slots__ = ("design", "file", "result", "scenarios")

    def __init__(
        self,
        file: str,
        design: Design,
        result: CheckResult,
        scenarios: list[ScenarioOutcome] | None = None,
    ) -> None:
        self.file: Final = file
        self.design: Final = design
        self.result: Final = result
        self.scenarios: Final = scenarios


def _counts(counts: dict[str, int], waived: int) -> str:
    tail = f", {waived} waived" if waived else ""
    errors, warnings = counts["error"], counts["warning"]
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}, {counts['info']} info{tail}"
    )


#: A finding's elements are listed in full up to this many; past it, the first
#: ``_SHOWN`` and the rest counted by kind. DAG014 on a server just imported from the
#: calculator listed its 40 databases on one line (wave 25); JSON and SARIF keep them all.
_LISTED = 6
_SHOWN = 4


def _element_names(index: DesignIndex, elements: tuple[str, ...]) -> str:
    """``VM srv-nn-01, mailbox database DB01, …``; a long list shortened: ``VM
    srv-nn-01, mailbox database DB01, mailbox database DB02, mailbox database DB03 and
    37 more mailbox databases`` (of several kinds: ``and 12 more: 10 VMs, 2 LUNs``)."""
    named = [
        (el.label, f"{el.label} {el.name}") if (el := index.get(e)) else ("element", e)
        for e in elements
    ]
    if len(named) <= _LISTED:
        return ", ".join(text for _, text in named)
    rest = Counter(label for label, _ in named[_SHOWN:])
    shown = ", ".join(text for _, text in named[:_SHOWN])
    count = len(named) - _SHOWN
    if len(rest) == 1:
        return f"{shown} and {count} more {word_for(count, next(iter(rest)))}"
    kinds = ", ".join(plural(n, label) for label, n in rest.items())
    return f"{shown} and {count} more: {kinds}"


def findings_text(results: list[FileResult]) -> str:
    """One line per finding (``FILE: severity CODE: message [elements]``), then the
    counts; with several files, the counts per file and in total."""
    lines: list[str] = []
    totals = {s.value: 0 for s in Severity}
    waived_total = 0
    for item in results:
        index = DesignIndex(item.design)
        shown = printable(item.file)
        for finding in item.result.active:
            names = _element_names(index, finding.elements)
            where = f" [{names}]" if names else ""
            # Names, messages and file names escaped (printable): a name can neither
            # drive the terminal nor forge a finding line.
            text = printable(f"{finding.message}{where}")
            lines.append(f"{shown}: {finding.severity.value} {finding.code}: {text}")
        waived = len(item.result.findings) - len(item.result.active)
        counts = item.result.summary()
        if len(results) > 1:
            lines.append(f"{shown}: {_counts(counts, waived)}")
        for key, value in counts.items():
            totals[key] += value
        waived_total += waived
    prefix = f"{len(results)} files: " if len(results) > 1 else ""
    lines.append(prefix + _counts(totals, waived_total))
    return "\n".join(lines) + "\n"


def _file_json(item: FileResult) -> dict[str, Any]:
    result = item.result
    data: dict[str, Any] = {
        "file": item.file,
        "findings": [f.to_json() for f in result.active],
        "waived": [{**f.to_json(), "reason": f.waiver_reason} for f in result.findings if f.waived],
        "summary": result.summary(),
    }
    if item.scenarios is not None:  # check --scenarios: the verdicts in the document
        data["scenarios"] = [o.to_json() for o in item.scenarios]
        data["scenario_summary"] = {
            "passed": sum(o.passed for o in item.scenarios),
            "failed": sum(not o.passed for o in item.scenarios),
        }
    return data


def findings_json(results: list[FileResult]) -> str:
    """One file: ``{file, findings, waived, summary}`` (with ``--scenarios`` also
    ``scenarios`` and ``scenario_summary``). Several: ``{files: [that per file],
    summary}`` with the summary added up."""
    if len(results) == 1:
        data: dict[str, Any] = _file_json(results[0])
    else:
        totals = {s.value: 0 for s in Severity}
        for item in results:
            for key, value in item.result.summary().items():
                totals[key] += value
        data = {"files": [_file_json(item) for item in results], "summary": totals}
    return json_printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

#: The SARIF rule of saved-scenario verdicts (``check --scenarios --format sarif``).
SCENARIO_RULE = "SCENARIO"


def _scenario_results(item: FileResult, index: int) -> list[Any]:
    results = []
    for outcome in item.scenarios or []:
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
        location = _location(item.file, ())
        location["logicalLocations"] = [{"name": outcome.name, "kind": "scenario"}]
        results.append(
            {
                "ruleId": SCENARIO_RULE,
                "ruleIndex": index,
                "kind": "pass" if outcome.passed else "fail",
                "level": "none" if outcome.passed else "error",
                "message": {"text": text},
                "locations": [location],
                "properties": {
                    key: data[key]
                    for key in ("expected", "actual", "diverged_at_step", "diverged_at_s", "error")
                },
            }
        )
    return results


def artifact_uri(file: str) -> str:
    """``file`` as a SARIF artifact URI: a relative path stays relative (code-scanning
    views resolve it against the repository), an absolute one becomes ``file://``;
    both percent-encoded (a space is ``%20``), from the name's bytes: a name that is not
    UTF-8 (``os.fsdecode`` surrogates) or holds control characters still gives valid
    JSON and a valid URI.

    Examples
    --------
    >>> artifact_uri("designs/caf\\udce9 v2.json")
    'designs/caf%E9%20v2.json'
    """
    path = PurePath(file)
    if path.is_absolute():
        return Path(file).as_uri()
    return quote(os.fsencode(path.as_posix()), safe="/")


def rules_page_uri() -> str | None:
    """``file://`` URI of the rule catalogue page installed with the program
    (``docs/rules.md``, the same page as in the repository), or None without it."""
    from importlib.resources import files

    try:
        page = files("designer.docs") / "rules.md"
    except ModuleNotFoundError:
        return None
    return page.as_uri() if isinstance(page, Path) and page.is_file() else None


def _location(file: str, elements: tuple[str, ...]) -> dict[str, Any]:
    artifact: dict[str, Any] = (
        {"description": {"text": "standard input"}}
        if file == STDIN_NAME
        else {"uri": artifact_uri(file)}
    )
    return {
        "physicalLocation": {"artifactLocation": artifact},
        "logicalLocations": [{"name": e, "kind": "element"} for e in elements],
    }


def _element_location(file: str, index: DesignIndex, element_id: str) -> dict[str, Any]:
    """The design file and one element in it (a logical location: its name, its id as
    the fully qualified name, its kind), with a message naming it for a viewer's list
    of related locations."""
    location = _location(file, ())
    element = index.get(element_id)
    if element is None:  # gone from the design (a stale waiver's element)
        location["logicalLocations"] = [{"name": element_id, "kind": "element"}]
        location["message"] = {"text": element_id}
        return location
    location["logicalLocations"] = [
        {"name": element.name, "fullyQualifiedName": element_id, "kind": element.kind}
    ]
    location["message"] = {"text": f"{element.label} {element.name}"}
    return location


def _finding_locations(
    file: str, index: DesignIndex, elements: tuple[str, ...]
) -> dict[str, list[dict[str, Any]]]:
    """A finding's ``locations`` and ``relatedLocations`` as SARIF 2.1.0 means them
    (§3.27.12, §3.27.22): the place of the problem is one location, its first element
    (the one the Problems list shows: the DAG014 member, the DAG011 array, BK001's first
    database); each other element a related location with an ``id``. A location's
    several logical locations would be one place by several names, not a finding's 41
    elements (wave 26)."""
    if not elements:
        return {"locations": [_location(file, ())]}
    first = _element_location(file, index, elements[0])
    del first["message"]  # the result's message says it
    found: dict[str, list[dict[str, Any]]] = {"locations": [first]}
    related = []
    for n, element_id in enumerate(dict.fromkeys(elements[1:]), 1):
        if element_id == elements[0]:
            continue
        location = _element_location(file, index, element_id)
        related.append({"id": n, **location})
    if related:
        found["relatedLocations"] = related
    return found


def findings_sarif(results: list[FileResult]) -> str:
    """SARIF 2.1.0: one run of dr-designer over the files, each rule with its help and
    a link to its section of the rule catalogue page."""
    from designer import version

    page = rules_page_uri()
    codes = sorted({f.code for item in results for f in item.result.findings})
    rules: list[dict[str, Any]] = []
    for code in codes:
        meta = RULES.get(code)
        entry: dict[str, Any] = {"id": code}
        if meta:
            entry.update(
                name=meta.name,
                shortDescription={"text": meta.summary},
                fullDescription={"text": meta.section("Why")},
                help={
                    "text": f"Fix: {meta.section('Fix')} Source: {meta.section('Source')}",
                    # Code-scanning views show this beside a result: the whole rule doc.
                    "markdown": "\n\n".join(
                        f"**{title}**: {meta.section(title)}"
                        for title in ("What it checks", "Why", "Fix", "Source")
                    ),
                },
                defaultConfiguration={"level": _SARIF_LEVEL[meta.severity]},
            )
            if page:
                entry["helpUri"] = f"{page}#{code.lower()}"
        rules.append(entry)
    sarif_results = []
    for item in results:
        index = DesignIndex(item.design)
        for finding in item.result.findings:
            entry = {
                "ruleId": finding.code,
                "ruleIndex": codes.index(finding.code),
                "level": _SARIF_LEVEL[finding.severity],
                "message": {"text": finding.message},
                **_finding_locations(item.file, index, finding.elements),
            }
            if finding.waived:
                entry["suppressions"] = [
                    {"kind": "inSource", "justification": finding.waiver_reason}
                ]
            sarif_results.append(entry)
    if any(item.scenarios is not None for item in results):
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
        for item in results:
            sarif_results.extend(_scenario_results(item, len(rules) - 1))
    driver: dict[str, Any] = {"name": "dr-designer", "version": version(), "rules": rules}
    if page:
        driver["informationUri"] = page
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": sarif_results}],
    }
    return json_printable(json.dumps(sarif, indent=2, ensure_ascii=False)) + "\n"
