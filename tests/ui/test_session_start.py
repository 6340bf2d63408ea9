"""A new session's empty design: its findings are known without running the rules."""

from __future__ import annotations

from pathlib import Path

from designer.domain.design import Design
from designer.persistence import load
from designer.rules import check
from designer.rules.engine import CheckResult, load_all_rules
from designer.ui.session import EditorSession

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_sessions_empty_design_has_the_findings_a_check_gives(qtbot) -> None:  # type: ignore[no-untyped-def]
    # The shortcut EditorSession() takes holds only while no rule finds anything in an
    # empty design: a rule that does makes this fail.
    assert load_all_rules()
    assert check(Design()) == CheckResult() and not check(Design()).findings
    session = EditorSession()
    assert session.findings == check(session.design)
    assert session.findings_revision == session.document.revision
    # A design given to it, or put in it later, is checked as before.
    design = load(ROOT / "sample_designs" / "three_site_stretched_dag.json")
    session.replace_design(design, None, checked=True)
    assert session.findings_revision == session.document.revision
    assert session.findings == check(session.design)
    given = EditorSession(design)
    assert given.findings_revision == given.document.revision
    assert given.findings == check(design)
