"""Run the rule catalogue over a design: overrides, waivers, crash isolation, order."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from designer.catalog import CatalogError
from designer.domain.design import Design, RuleLevel, Severity
from designer.domain.index import DesignIndex
from designer.rules.context import RuleContext
from designer.rules.finding import INTERNAL_ERROR_CODE, STALE_WAIVER_CODE, Finding
from designer.rules.registry import RULES, Rule

__all__ = ["CheckResult", "check", "finish", "load_all_rules", "run_rule"]


def load_all_rules() -> dict[str, Rule]:
    """Import every module of ``designer.rules.checks`` so their rules register."""
    from designer.rules import checks

    for name in _modules_in(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{name}")
    return RULES


_MODULES_IN: dict[tuple[str, ...], list[str]] = {}


def _modules_in(path: Sequence[str]) -> list[str]:
    """The names :func:`pkgutil.iter_modules` gives for the package folders ``path``, in
    its order, listed once per process (``check`` asks for every file it checks, the
    window's live check after every edit). Folders are listed as pkgutil lists them,
    without importing it (~0.3 ms of ``check``'s start); anything else on the path (a
    zip) is left to pkgutil itself."""
    key = tuple(path)
    names = _MODULES_IN.get(key)
    if names is None:
        if all(os.path.isdir(folder) for folder in key):
            names = _folder_modules(key)
        else:
            import pkgutil

            names = [module.name for module in pkgutil.iter_modules(list(key))]
        _MODULES_IN[key] = names
    return list(names)


def _folder_modules(folders: Sequence[str]) -> list[str]:
    """pkgutil's listing of plain folders (``_iter_file_finder_modules``): each folder's
    names sorted, a file's module name as :func:`inspect.getmodulename` gives it, a
    sub-folder only if it holds an ``__init__`` module, no ``__init__`` itself, no name
    with a dot, each name once."""
    from inspect import getmodulename

    names: dict[str, None] = {}
    for folder in folders:
        try:
            filenames = sorted(os.listdir(folder))
        except OSError:
            filenames = []
        for filename in filenames:
            name = getmodulename(filename)
            if name == "__init__" or name in names:
                continue
            if not name:
                inside = os.path.join(folder, filename)
                if "." in filename or not os.path.isdir(inside):
                    continue
                try:
                    contents = os.listdir(inside)
                except OSError:
                    contents = []
                if not any(getmodulename(f) == "__init__" for f in contents):
                    continue
                name = filename
            if "." not in name:
                names[name] = None
    return list(names)


@dataclass
class CheckResult:
    """Findings (waived ones flagged, not dropped) and a summary by severity."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]

    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.active:
            counts[finding.severity.value] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.active)

    def for_element(self, element_id: str) -> list[Finding]:
        return [f for f in self.active if element_id in f.elements]


def check(
    design: Design,
    *,
    index: DesignIndex | None = None,
    codes: Iterable[str] | None = None,
) -> CheckResult:
    """Run the rules (all, or ``codes``) and apply the design's rule severities (a rule
    switched off is not run) and waivers.

    Examples
    --------
    >>> check(Design()).summary()
    {'error': 0, 'warning': 0, 'info': 0}
    """
    rules = load_all_rules()
    context = RuleContext(design, index)
    selected = [rules[c] for c in codes] if codes is not None else list(rules.values())
    raw: list[Finding] = []
    for rule in selected:
        raw.extend(run_rule(context, rule))
    return finish(design, raw, all_rules=codes is None)


def run_rule(context: RuleContext, rule: Rule) -> list[Finding]:
    """One rule's findings on ``context``'s design, its severity as the design's rule
    settings say (none when they switch it off; an internal-error finding when it
    crashes), before waivers."""
    level = context.design.rules.level_of(rule.code)
    if level is RuleLevel.OFF:
        return []
    override = level.severity if level is not None else None
    context.current_code = rule.code
    context.current_severity = rule.severity
    context.current_source = rule.source
    try:
        produced = list(rule.check(context))
    except CatalogError:
        raise  # a broken installation, not a finding about the design
    except Exception as exc:  # a broken rule must not hide the others' findings
        return [
            Finding(
                code=INTERNAL_ERROR_CODE,
                message=f"rule {rule.code} failed: {type(exc).__name__}: {exc}",
                elements=(),
                severity=Severity.ERROR,
                source="internal",
            )
        ]
    if override:
        return [finding.with_(severity=override) for finding in produced]
    return produced


def finish(design: Design, raw: list[Finding], *, all_rules: bool) -> CheckResult:
    """The result of the rules' ``raw`` findings (in rule order): waivers applied, sorted."""
    findings = _apply_waivers(design, raw, all_rules=all_rules)
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings)


def _apply_waivers(design: Design, findings: list[Finding], *, all_rules: bool) -> list[Finding]:
    waivers = design.rules.waivers
    if not waivers:
        return findings
    used = [False] * len(waivers)
    result: list[Finding] = []
    for finding in findings:
        for i, waiver in enumerate(waivers):
            if waiver.code == finding.code and set(waiver.elements) <= set(finding.elements):
                used[i] = True
                finding = finding.with_(waived=True, waiver_reason=waiver.reason)
                break
        result.append(finding)
    if all_rules:
        for waiver, was_used in zip(waivers, used, strict=True):
            if not was_used:
                result.append(
                    Finding(
                        code=STALE_WAIVER_CODE,
                        message=(
                            f"waiver of {waiver.code} on {', '.join(waiver.elements)} "
                            "matches no finding; remove it"
                        ),
                        elements=tuple(e for e in waiver.elements if e in _ids(design)),
                        severity=Severity.WARNING,
                        source="design waivers",
                    )
                )
    return result


def _ids(design: Design) -> set[str]:
    return {e.id for e in design.elements}
