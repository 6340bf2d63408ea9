"""Generated designs written for a window to open, and when such a window has settled:
shared by the tests that open them through ``dr-designer gui FILE`` (group edits, the
collector's tidy, edit costs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.generate import generate_design
from designer.persistence import dumps

__all__ = ["generated_file", "settled"]


def generated_file(tmp_path: Path, size: int) -> Path:
    """A generated design of about ``size`` elements (seed 1), written in ``tmp_path``."""
    path = tmp_path / f"generated-{size}.json"
    path.write_text(dumps(generate_design(size, seed=1)), encoding="utf-8")
    return path


def settled(window: Any) -> bool:
    """Whether ``window`` has checked its design's latest revision, prepared its edits
    and routed its lines (nothing held)."""
    session = window.session
    return (
        not session.holding
        and not session.preparing_edits
        and session.findings_revision == session.document.revision
        and not window.view.design_scene.routing_pending
    )
