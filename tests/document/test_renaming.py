"""Find and replace in names (wave 25, ``replace25``), headless: what
:func:`plan_renames` changes and refuses, and its edit as one undo step."""

from __future__ import annotations

from pathlib import Path

from designer.document import Document, ElementChanged, UndoStack
from designer.document.renaming import MAX_NAME, NameQuery, plan_renames
from designer.domain import Design, EsxiHost, Site, VirtualMachine, structural_errors
from designer.persistence import load

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _doc() -> Document:
    return Document(
        Design(
            elements=[
                Site(id="s1", name="BOS"),
                Site(id="s2", name="Boston DR"),
                EsxiHost(id="h1", name="esx-BOS-01", site="s1"),
                EsxiHost(id="h2", name="esx-BOS-02", site="s1"),
                EsxiHost(id="h3", name="esx-bos-03", site="s1"),
                VirtualMachine(id="v1", name="BOS-MBX01", host="h1"),
                VirtualMachine(id="v2", name="BOSMBX02", host="h2"),
            ]
        )
    )


def _pairs(plan) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(c.old, c.new) for c in plan.changes]


def test_match_case_whole_word_and_any_case() -> None:
    doc = _doc()
    assert _pairs(plan_renames(doc, NameQuery("BOS", "NYC"))) == [
        ("BOS", "NYC"),
        ("esx-BOS-01", "esx-NYC-01"),
        ("esx-BOS-02", "esx-NYC-02"),
        ("BOS-MBX01", "NYC-MBX01"),
        ("BOSMBX02", "NYCMBX02"),
    ]
    whole = plan_renames(doc, NameQuery("BOS", "NYC", whole_word=True))
    assert "BOSMBX02" not in [old for old, _ in _pairs(whole)]
    assert ("esx-BOS-01", "esx-NYC-01") in _pairs(whole)
    any_case = plan_renames(doc, NameQuery("bos", "nyc", match_case=False))
    assert ("Boston DR", "nycton DR") in _pairs(any_case)
    assert ("esx-bos-03", "esx-nyc-03") in _pairs(any_case)
    # The replacement is plain text: no group references, no escapes.
    assert _pairs(plan_renames(doc, NameQuery("MBX", r"\1$0")))[0] == ("BOS-MBX01", r"BOS-\1$001")


def test_scope_is_a_kind_or_the_selection() -> None:
    doc = _doc()
    assert _pairs(plan_renames(doc, NameQuery("BOS", "NYC"), kinds=["site"])) == [("BOS", "NYC")]
    assert _pairs(plan_renames(doc, NameQuery("BOS", "NYC"), ids=["v1", "h2", "nope"])) == [
        ("esx-BOS-02", "esx-NYC-02"),  # in design order, whatever the selection's order
        ("BOS-MBX01", "NYC-MBX01"),
    ]


def test_a_name_another_element_keeps_is_refused_naming_both() -> None:
    doc = _doc()
    plan = plan_renames(doc, NameQuery("bos-03", "BOS-01", match_case=False))
    assert not plan.ok and plan.command() is None
    assert plan.problems == (
        "ESXi host esx-bos-03 → esx-BOS-01: ESXi host esx-BOS-01 already has that name",
    )
    assert plan.blocked == ("h3",)
    # Another kind may have the name: names are unique per kind only.
    assert plan_renames(doc, NameQuery("esx-BOS-01", "BOS"), kinds=["esxi_host"]).ok


def test_two_elements_given_one_name_empty_and_too_long_are_refused() -> None:
    doc = _doc()
    clash = plan_renames(doc, NameQuery("-01", "-02"), kinds=["esxi_host"])
    assert clash.problems == (
        "ESXi host esx-BOS-01 → esx-BOS-02: ESXi host esx-BOS-02 already has that name",
    )
    plan = plan_renames(
        Document(Design(elements=[Site(id="a", name="A1"), Site(id="b", name="A2")])),
        NameQuery("1", "2"),
    )
    assert plan.problems == ("site A1 → A2: site A2 already has that name",)
    twice = plan_renames(
        Document(Design(elements=[Site(id="a", name="x-A"), Site(id="b", name="y-A")])),
        NameQuery("x-", "y-"),
    )
    assert twice.problems == ("site x-A → y-A: site y-A already has that name",)
    given_twice = plan_renames(
        Document(Design(elements=[Site(id="a", name="A-1"), Site(id="b", name="A_1")])),
        NameQuery("A", "B", whole_word=True),
    )
    assert given_twice.ok  # A_1 is one word: untouched
    assert _pairs(given_twice) == [("A-1", "B-1")]
    shared = plan_renames(
        Document(Design(elements=[Site(id="a", name="A-1"), Site(id="b", name="a-1")])),
        NameQuery("a", "B", match_case=False),
    )
    assert shared.problems == (
        "site a-1 → B-1: site A-1 would be given that name too (two sites cannot share a name)",
    )
    assert shared.blocked == ("b",)
    empty = plan_renames(doc, NameQuery("BOS", ""), kinds=["site"])
    assert empty.problems == ("site BOS → (nothing): a name cannot be empty",)
    assert plan_renames(doc, NameQuery("BOS", "N" * MAX_NAME), kinds=["site"]).ok
    longer = plan_renames(doc, NameQuery("DR", "N" * MAX_NAME), kinds=["site"])
    assert longer.problems == (
        f"site Boston DR: its new name would have {MAX_NAME + 7} characters; a name has at "
        f"most {MAX_NAME}",
    )
    control = plan_renames(doc, NameQuery("BOS", "N\nY"))
    assert control.changes == () and not control.ok
    assert control.summary().startswith("Nothing can be replaced: the replacement holds")


def test_names_swapped_by_one_replacement_are_not_a_clash() -> None:
    """Elements renamed together give up their names together (the Document checks
    them as one change): A→B while B→C is fine."""
    doc = Document(
        Design(elements=[Site(id="a", name="x"), Site(id="b", name="xx"), Site(id="c", name="q")])
    )
    plan = plan_renames(doc, NameQuery("x", "xx"))
    # x → xx (xx is being renamed away, to xxxx) and xx → xxxx
    assert plan.ok and _pairs(plan) == [("x", "xx"), ("xx", "xxxx")]
    stack = UndoStack(doc)
    command = plan.command()
    assert command is not None
    stack.push(command)
    assert [e.name for e in doc.design.elements] == ["xx", "xxxx", "q"]


def test_the_edit_is_one_undo_step_that_changes_only_the_names_that_change() -> None:
    doc = _doc()
    before = doc.design
    events: list[object] = []
    doc.subscribe(events.append)
    stack = UndoStack(doc)
    plan = plan_renames(doc, NameQuery("BOS", "NYC"))
    command = plan.command()
    assert command is not None and command.text == 'Replace "BOS" with "NYC" in 5 names'
    stack.push(command)
    assert [e.name for e in doc.design.elements] == [
        "NYC",
        "Boston DR",
        "esx-NYC-01",
        "esx-NYC-02",
        "esx-bos-03",
        "NYC-MBX01",
        "NYCMBX02",
    ]
    # One event per element renamed, each the name alone: the canvas and the live check
    # see five renames, not a new design.
    assert len(events) == 5 and all(
        isinstance(e, ElementChanged) and e.field == "name" for e in events
    )
    assert structural_errors(doc.design) == []
    stack.undo()
    assert doc.design.elements == before.elements
    stack.redo()
    assert doc.get("v1").name == "NYC-MBX01"  # type: ignore[union-attr]


def test_a_sample_renamed_for_a_customer_keeps_every_reference() -> None:
    design = load(SAMPLES / "three_site_stretched_dag.json")
    doc = Document(design)
    plan = plan_renames(doc, NameQuery("BOS", "NYC"))
    assert plan.ok and len(plan.changes) == 44
    command = plan.command()
    assert command is not None
    UndoStack(doc).push(command)
    renamed = doc.design
    assert structural_errors(renamed) == []
    assert [e.id for e in renamed.elements] == [e.id for e in design.elements]
    assert renamed.layout == design.layout
    assert not any("BOS" in e.name for e in renamed.elements)
