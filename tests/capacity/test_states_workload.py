"""Whether a design states a capacity workload: the index's answer (only the kinds that
can state one) is the full scan's, on every sample, a generated design and designs
stating it through each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.domain import Design
from designer.domain.index import DesignIndex
from designer.domain.workload import MailboxProfile
from designer.persistence import load
from designer.workload import states_workload

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_designs").glob("*.json"))


def _designs() -> list[tuple[str, Design]]:
    found: list[tuple[str, Design]] = []
    for path in SAMPLES:
        loaded = load(path)
        found.append((path.stem, getattr(loaded, "design", loaded)))
    found.append(("generated", generate_design(300, seed=0)))
    return found


def _stating(design: Design) -> list[tuple[str, Design]]:
    """``design`` made to state a workload through one element of each kind that can."""
    changes = {
        "site": {"mailbox_profile": MailboxProfile()},
        "dag": {"mailbox_profile": MailboxProfile()},
        "mailbox_database": {"mailbox_profile": MailboxProfile()},
        "storage_array": {"change_rate_gb_per_hour": 5.0},
        "lun": {"change_rate_gb_per_hour": 5.0},
    }
    out = []
    for kind, update in changes.items():
        at = next((i for i, e in enumerate(design.elements) if e.kind == kind), None)
        if at is None:
            continue
        elements = list(design.elements)
        elements[at] = elements[at].model_copy(update=update)
        out.append((kind, design.model_copy(update={"elements": elements})))
    return out


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_index_answers_as_the_full_scan(name: str, design: Design) -> None:
    for label, variant in [("as is", design), *_stating(design)]:
        expected = states_workload(variant)
        assert states_workload(variant, DesignIndex(variant)) is expected, (name, label)
        if label != "as is":
            assert expected, (name, label)
