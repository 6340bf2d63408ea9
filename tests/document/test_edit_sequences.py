"""Random edit sequences through the document commands (issue 15).

Each example applies a random sequence of commands (add from the palette, paste,
remove with dependents, move, nudge, rename with hostile text, set fields to random
values, intent, scenarios) interleaved with undo and redo, and checks:

* undoing everything restores the starting design, byte for byte;
* save -> load -> save of the result is identical;
* the recovery journal of the sequence (one record per step) replays to the result,
  both as the window writes it (only what the document's events named is compared)
  and with every element compared.

CI runs ``EDIT_SEQUENCE_EXAMPLES`` examples (default 60, seeded by hypothesis's
database-free derandomised run); ``benchmarks/fuzz_files.py`` runs 1,000.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from designer.document import (
    AddElements,
    Document,
    EditError,
    MoveElements,
    RemoveElements,
    SetProperty,
    UndoStack,
    copy_payload,
    paste_elements,
)
from designer.document.clipboard import ClipboardError
from designer.document.commands import SetIntent, SetScenarios
from designer.document.factory import new_element, palette
from designer.domain import (
    DesignIntent,
    ExpectedOutcome,
    LayoutEntry,
    SavedScenario,
    ScenarioStep,
)
from designer.domain.errors import DesignError
from designer.persistence import dumps, loads
from designer.persistence.journal import Touched, design_changes, replay, touched_changes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulation"))
import sim_designs as designs

EXAMPLES = int(os.environ.get("EDIT_SEQUENCE_EXAMPLES", "60"))
START = designs.stretched_dag()
HOSTILE_TEXT = st.sampled_from(
    ["mbx\x1b[2J", "a\nb: info FAKE", "<img src=x>", "\u202egnp.exe", "Zürich", "x" * 200, "ok"]
)


def _ids(doc: Document) -> list[str]:
    return [e.id for e in doc.design.elements]


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, Any]]:
    n = draw(st.integers(1, 14))
    return [
        (
            draw(
                st.sampled_from(
                    [
                        "add",
                        "paste",
                        "remove",
                        "move",
                        "nudge",
                        "rename",
                        "field",
                        "intent",
                        "scenarios",
                        "undo",
                        "undo",
                        "redo",
                    ]
                )
            ),
            draw(st.randoms(use_true_random=False)),
        )
        for _ in range(n)
    ]


def _command(kind: str, rnd: Any, doc: Document) -> Any:
    design = doc.design
    ids = _ids(doc)
    if kind == "add":
        entry = rnd.choice(palette())
        allowed = entry.allowed_containers
        containers = [e.id for e in design.elements if e.kind in allowed]
        container = rnd.choice(containers) if containers else None
        element = new_element(entry.kind, design, container)
        layout = {element.id: LayoutEntry(x=rnd.uniform(-500, 500), y=rnd.uniform(-500, 500))}
        return AddElements([element], layout)
    if kind == "paste":
        chosen = rnd.sample(ids, min(len(ids), rnd.randint(1, 4)))
        elements, layout = paste_elements(design, copy_payload(design, chosen))
        return AddElements(elements, layout)
    if kind == "remove":
        return RemoveElements(rnd.sample(ids, min(len(ids), rnd.randint(1, 3))))
    if kind in ("move", "nudge"):
        chosen = rnd.sample(ids, min(len(ids), rnd.randint(1, 3)))
        return MoveElements(
            {i: LayoutEntry(x=rnd.uniform(-1e4, 1e4), y=rnd.uniform(-1e4, 1e4)) for i in chosen},
            mergeable=kind == "nudge",
        )
    if kind == "rename":
        target = rnd.choice(ids)
        name = rnd.choice(["mbx\x1b[2J", "a\nb", "<img src=x>", "\u202egnp", "Zürich", "n"])
        return SetProperty(target, "name", f"{name}{rnd.randint(0, 99)}")
    if kind == "field":
        element = doc.get(rnd.choice(ids))
        assert element is not None
        fields = [f for f in type(element).model_fields if f not in ("id", "kind", "name")]
        if not fields:
            return None
        value = rnd.choice([0, 1, -1, 2.5, 1e12, 1e400, "x", None, True, [], "s1"])
        return SetProperty(element.id, rnd.choice(fields), value)
    if kind == "intent":
        return SetIntent(
            DesignIntent(rpo_target_min=rnd.uniform(0, 1e3), rto_target_min=rnd.randint(0, 999))
        )
    if kind == "scenarios":
        target = rnd.choice(ids)
        return SetScenarios(
            [
                SavedScenario(
                    name=f"s{rnd.randint(0, 9)}\x07",
                    steps=[ScenarioStep(action="fail", target=target, at_s=rnd.uniform(0, 99))],
                    expected=ExpectedOutcome(max_rpo_s=rnd.uniform(0, 1e6)),
                )
            ]
        )
    raise AssertionError(kind)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(sequence=steps())
def test_random_edit_sequences_undo_save_and_journal_exactly(
    sequence: list[tuple[str, Any]],
) -> None:
    doc = Document(START)
    stack = UndoStack(doc)
    start_text = dumps(doc.design)
    journal_base = start_text.encode("utf-8")
    header = b'{"token": "t", "generation": 1}\n'
    records: list[bytes] = [header]  # every element compared
    touched_records: list[bytes] = [header]  # what the events named (as the window does)
    touched = Touched()
    doc.subscribe(touched.note)
    last_by_id = {e.id: e for e in doc.design.elements}
    last = doc.design
    for kind, rnd in sequence:
        try:
            if kind == "undo":
                stack.undo()
            elif kind == "redo":
                stack.redo()
            else:
                command = _command(kind, rnd, doc)
                if command is None:
                    continue
                stack.push(command)
        except (EditError, ClipboardError, DesignError, ValueError):
            assert dumps(doc.design) == dumps(last)  # a refused edit changes nothing
            event(f"{kind}: refused")
            continue
        event(f"{kind}: done")
        ops = design_changes(last, doc.design)
        if ops:
            line = json.dumps({"n": len(records), "ops": ops}, ensure_ascii=False) + "\n"
            records.append(line.encode("utf-8"))
        assert not touched.everything
        ops = touched_changes(last, last_by_id, doc.design, touched, doc)
        touched.elements.clear()
        touched.layout.clear()
        touched.fields.clear()
        if ops:
            line = json.dumps({"n": len(touched_records), "ops": ops}, ensure_ascii=False)
            touched_records.append(line.encode("utf-8") + b"\n")
        last = doc.design
    end = doc.design
    # The journal of the steps replays to the design as it is now.
    recovered, used = replay(journal_base, b"".join(records))
    assert used == len(records) - 1
    assert dumps(recovered) == dumps(end)
    recovered, used = replay(journal_base, b"".join(touched_records))
    assert used == len(touched_records) - 1
    assert dumps(recovered) == dumps(end)
    # Save -> load -> save is identical.
    text = dumps(end)
    assert dumps(loads(text.encode("utf-8"))) == text
    # Undo everything: the start, byte for byte.
    while stack.can_undo:
        stack.undo()
    assert dumps(doc.design) == start_text
    assert doc.design == START
