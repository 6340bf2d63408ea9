"""Design rules: registry, findings, engine. Rules live in ``checks/<family>.py``."""

from __future__ import annotations

from designer.rules.context import RuleContext
from designer.rules.engine import CheckResult, check, load_all_rules
from designer.rules.finding import INTERNAL_ERROR_CODE, STALE_WAIVER_CODE, Finding
from designer.rules.registry import RULES, Rule, RuleDefinitionError, rule

__all__ = [
    "INTERNAL_ERROR_CODE",
    "RULES",
    "STALE_WAIVER_CODE",
    "CheckResult",
    "Finding",
    "Rule",
    "RuleContext",
    "RuleDefinitionError",
    "check",
    "load_all_rules",
    "rule",
]
