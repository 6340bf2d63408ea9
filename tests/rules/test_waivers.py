"""Severity overrides, waivers and stale waivers."""

from __future__ import annotations

from designer.domain import Design, EsxiHost, RuleSettings, Severity, Site, VirtualMachine, Waiver
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


def test_override_changes_severity() -> None:
    result = check(_design(severity_overrides={"VS002": Severity.ERROR}))
    assert [f.severity for f in result.active if f.code == "VS002"] == [Severity.ERROR]
    assert result.has_errors


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
