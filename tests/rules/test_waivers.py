"""Per-design rule severities (another level, or off), waivers and stale waivers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from designer.domain import (
    Design,
    EsxiHost,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    Severity,
    Site,
    VirtualMachine,
    Waiver,
)
from designer.rules import check


def _design(**rules) -> Design:  # type: ignore[no-untyped-def]
    return Design(
        elements=[
            Site(id="s", name="A"),
            EsxiHost(id="h", name="esx", site="s"),
            VirtualMachine(id="v", name="mbx", host="h", mailboxes=9000),
        ],
        rules=RuleSettings(**rules),
    )


def test_a_design_level_changes_a_rules_severity() -> None:
    result = check(_design(severities={"VS002": RuleSeverity(level=RuleLevel.ERROR)}))
    assert [f.severity for f in result.active if f.code == "VS002"] == [Severity.ERROR]
    assert result.has_errors


def test_a_rule_switched_off_reports_nothing_and_says_why() -> None:
    assert [f.code for f in check(_design()).active] == ["VS002"]
    off = RuleSeverity(level=RuleLevel.OFF, reason="lab design, one big server on purpose")
    result = check(_design(severities={"VS002": off}))
    assert result.findings == []
    with pytest.raises(ValidationError, match="needs a written reason"):
        RuleSeverity(level=RuleLevel.OFF)
    settings = RuleSettings().with_level("VS002", RuleLevel.OFF, "why not")
    assert settings.level_of("VS002") is RuleLevel.OFF
    assert settings.with_level("VS002", None).severities == {}


def test_waiver_suppresses_and_keeps_reason() -> None:
    waiver = Waiver(code="VS002", elements=["v"], reason="migration in progress")
    result = check(_design(waivers=[waiver]))
    assert not [f for f in result.active if f.code == "VS002"]
    waived = [f for f in result.findings if f.waived]
    assert waived and waived[0].waiver_reason == "migration in progress"


def test_stale_waiver_is_reported() -> None:
    waiver = Waiver(code="DAG005", elements=["v"], reason="old")
    result = check(_design(waivers=[waiver]))
    stale = [f for f in result.active if f.code == "INT002"]
    assert stale and "DAG005" in stale[0].message
