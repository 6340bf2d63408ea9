"""Meta-tests of the rule catalogue: complete, well-formed, documented, covered."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.domain import Design
from designer.rules import RULES, Rule, RuleDefinitionError, check, load_all_rules, rule
from designer.rules.registry import SECTIONS

#: Every code of DOMAIN.md §3, the catalogue the product promises.
DOMAIN_CODES = [
    *(f"DAG{n:03d}" for n in range(1, 12)),
    *(f"SRM{n:03d}" for n in range(1, 11)),
    *(f"MV{n:03d}" for n in range(1, 10)),
    "VS001", "VS002", "VS003", "VS004",
    "NET001", "NET002", "NET003", "NET004", "NET005",
    "BK001", "BK002", "BK003",
    "EX001", "EX002", "EX003",
]  # fmt: skip

HERE = Path(__file__).parent


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names.update(node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))
    return names


@pytest.mark.parametrize("code", DOMAIN_CODES)
def test_every_domain_code_is_implemented(code: str) -> None:
    rules = load_all_rules()
    assert code in rules, f"{code} of DOMAIN.md §3 has no rule"


#: Every registered rule: DOMAIN.md's and those later issues added (issue 14: DAG012,
#: NET006, NET007; issue 17: BK004, EX004, EX005; wave 18: DAG013; wave 21: DAG014;
#: wave 22: VS005, DAG015, DAG016; wave 24: VS006).
ALL_CODES = sorted(set(DOMAIN_CODES) | set(load_all_rules()))


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_rule_has_a_triggering_and_a_passing_fixture(code: str) -> None:
    names = _test_names()
    assert f"test_{code.lower()}_triggers" in names
    assert f"test_{code.lower()}_passes" in names


def test_rules_are_documented_and_well_formed() -> None:
    for code, r in load_all_rules().items():
        assert isinstance(r, Rule)
        assert r.code == code
        for section in SECTIONS:
            assert r.section(section), f"{code} has an empty {section!r} section"
        assert r.source, code
        assert r.name == r.name.lower() and " " not in r.name, r.name


def test_registry_refuses_duplicates_and_undocumented_rules() -> None:
    load_all_rules()
    with pytest.raises(RuleDefinitionError, match="twice"):
        rule(code="VS002", name="x", severity=RULES["VS002"].severity, source="x")(
            RULES["VS002"].check
        )

    def undocumented(ctx):  # type: ignore[no-untyped-def]
        return []

    with pytest.raises(RuleDefinitionError, match="sections"):
        rule(code="ZZ999", name="x", severity=RULES["VS002"].severity, source="x")(undocumented)
    with pytest.raises(RuleDefinitionError, match="not like"):
        rule(code="bad", name="x", severity=RULES["VS002"].severity, source="x")(undocumented)


def test_a_crashing_rule_becomes_an_internal_finding(monkeypatch) -> None:
    from designer.domain import EsxiHost, Site, VirtualMachine

    load_all_rules()

    def explode(ctx):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    broken = Rule("ZZ001", "broken", RULES["VS002"].severity, "test", "ZZ", explode, "")
    monkeypatch.setitem(RULES, "ZZ001", broken)
    design = Design(
        elements=[
            Site(id="s", name="A"),
            EsxiHost(id="h", name="esx", site="s"),
            VirtualMachine(id="v", name="mbx", host="h", mailboxes=9000),
        ]
    )
    result = check(design)
    codes = [f.code for f in result.findings]
    assert "INT001" in codes
    assert "VS002" in codes, "the other rules still ran"
    assert any("ZZ001 failed: RuntimeError: boom" in f.message for f in result.findings)


def test_the_rule_modules_are_listed_as_pkgutil_lists_them(tmp_path: Path) -> None:
    """``load_all_rules`` imports the modules of ``designer.rules.checks`` in the order
    :func:`pkgutil.iter_modules` gives (the rules register in that order: ``rules
    --format json`` lists them so) without importing pkgutil for plain folders: the same
    names for the real package and for folders holding every kind of entry pkgutil tells
    apart; anything else (a zip) goes to pkgutil itself."""
    import pkgutil
    import zipfile

    from designer.rules import checks
    from designer.rules.engine import _folder_modules, _modules_in

    def listed(path: list[str]) -> list[str]:
        return [module.name for module in pkgutil.iter_modules(path)]

    assert _modules_in(checks.__path__) == listed(checks.__path__)
    assert len(_modules_in(checks.__path__)) >= 11
    first, second = tmp_path / "first", tmp_path / "second"
    entries_of = {
        first: [
            "b.py", "a.py", "_private.py", "__init__.py", "c.cpython-311-x86_64-linux-gnu.so",
            "d.abi3.so", "e.pyc", "x.py", "notes.txt", "two.dots.py", "pkg/__init__.py",
            "pkgc/__init__.pyc", "plain/readme.txt", "x/__init__.py", "dotted.dir/__init__.py",
            "__pycache__/a.cpython-311.pyc", "zz.pyw",
        ],
        second: ["a.py", "b2.py", "pkg.py", "sub/__init__.py", "0.py"],
    }  # fmt: skip
    for folder, entries in entries_of.items():
        for entry in entries:
            (folder / entry).parent.mkdir(parents=True, exist_ok=True)
            (folder / entry).write_text("", encoding="utf-8")
    for path in ([str(first)], [str(second)], [str(first), str(second)], [str(second), str(first)]):
        assert _folder_modules(path) == listed(path), path
        assert _modules_in(path) == listed(path), path
    missing = str(tmp_path / "missing")
    assert _folder_modules([missing]) == [] == listed([missing])
    archive = tmp_path / "rules.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("pkg/__init__.py", "")
        zipped.writestr("pkg/one.py", "")
        zipped.writestr("pkg/two.py", "")
    inside = f"{archive}/pkg"
    assert _modules_in([inside]) == listed([inside]) == ["one", "two"]


_DOC_LINES = [
    "What it checks", "Why", "Fix", "Source", "Why not", "Fix  ", " Why", "Source\t",
    "WhyFix", "---", "-", "", "  ", "text", "-----x", "--- ", "What it checks Why",
]  # fmt: skip


@given(st.lists(st.sampled_from(_DOC_LINES), max_size=14), st.sampled_from(["", "\n", "  \n"]))
def test_one_search_finds_the_sections_each_title_s_own_search_finds(
    lines: list[str], end: str
) -> None:
    """A rule's docstring is refused unless each section title stands on a line of its
    own, underlined: one search for all titles finds what a search per title found (the
    registry's rule before it)."""
    from designer.rules.registry import missing_sections

    doc = "\n".join(lines) + end
    by_title = [s for s in SECTIONS if not re.search(rf"^{s}\s*\n-+$", doc, re.M)]
    assert missing_sections(doc) == by_title


def test_every_rule_has_every_section_by_either_search() -> None:
    from designer.rules.registry import missing_sections, missing_written_sections

    for r in load_all_rules().values():
        by_title = [s for s in SECTIONS if not re.search(rf"^{s}\s*\n-+$", r.doc, re.M)]
        assert missing_sections(r.doc) == [] == by_title, r.code
        assert missing_written_sections(r.written_doc) == [], r.code


def _clean_doc_by_lines(doc: str) -> str:
    """The registry's docstring cleaning as it was written first: a loop over the lines."""
    lines = doc.expandtabs().splitlines() or [""]
    indent = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=0)
    return "\n".join([lines[0].strip(), *(line[indent:] for line in lines[1:])]).strip()


_INDENTED_LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "  ", "    ", "\t", "        ", " \t", "\x0c", "\u3000"]),
        st.sampled_from(["", "text", "What it checks", "-----", "  x ", "\u3000y", "\x1c"]),
    ).map("".join),
    max_size=12,
)


@given(_INDENTED_LINES, st.sampled_from(["\n", "\r\n", "\x0b", "\u2028"]), st.text(max_size=30))
def test_a_docstring_is_cleaned_as_line_by_line(lines: list[str], sep: str, noise: str) -> None:
    """The indentation, blank lines (of any whitespace), tabs and line breaks of any
    kind: the same text as the loop over the lines gave."""
    from designer.rules.registry import _clean_doc

    for doc in (sep.join(lines), noise, sep.join([noise, *lines])):
        assert _clean_doc(doc) == _clean_doc_by_lines(doc)


def test_every_rule_s_documentation_is_cleaned_as_line_by_line() -> None:
    from designer.rules.registry import _clean_doc, _docstring

    for r in load_all_rules().values():
        assert _clean_doc(_docstring(r.check)) == _clean_doc_by_lines(_docstring(r.check)) == r.doc
        assert r.written_doc == _docstring(r.check)


def test_a_title_is_found_at_a_line_s_start_after_one_inside_a_line() -> None:
    """Each title is searched for from its own text (not from every line's start): a
    first occurrence inside a line does not end the search."""
    from designer.rules.registry import missing_sections

    doc = "x Why\n---\nWhy  \n---\nSee Fix\n--\nFix\n-\nSource\n--\nWhat it checks\n-----"
    assert missing_sections(doc) == []
    assert missing_sections(doc.replace("\nWhy  ", "\n Why")) == ["Why"]
    assert missing_sections("xWhat it checks\n--\nWhy\n\n--\n") == [
        "What it checks",
        "Fix",
        "Source",
    ]


_WRITTEN_LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "    ", "\t", "        ", "  \t"]),
        st.sampled_from(_DOC_LINES),
    ).map("".join),
    max_size=14,
)


@given(_WRITTEN_LINES, st.sampled_from(["", "\n", "\n    "]))
def test_a_written_docstring_has_every_section_its_cleaned_text_has(
    lines: list[str], end: str
) -> None:
    """A rule is registered from its docstring as written (indented, not cleaned at
    every start): each section the cleaned documentation has is found in it, so no rule
    the cleaned check accepted is refused."""
    from designer.rules.registry import _clean_doc, missing_sections, missing_written_sections

    doc = "\n".join(lines) + end
    assert set(missing_written_sections(doc)) <= set(missing_sections(_clean_doc(doc)))


def _written_by_search(doc: str) -> list[str]:
    """The titles missing from ``doc`` by a search per title with a regular expression."""
    missing = []
    for title in SECTIONS:
        found = False
        for match in re.finditer(rf"(?=({re.escape(title)}\s*\n[ \t]*-+[ \t]*$))", doc, re.M):
            before = doc[doc.rfind("\n", 0, match.start()) + 1 : match.start()]
            found = found or not before.strip(" \t")
        if not found:
            missing.append(title)
    return missing


_ODD_LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "\t", "   ", "\x0c", "\u3000", "x "]),
        st.sampled_from([*_DOC_LINES, "Fix\r", "--\r", "-- -", " - ", "\u2028Why", "Why\x0b"]),
        st.sampled_from(["", " ", "\t", "\r", "\u3000"]),
    ).map("".join),
    max_size=14,
)


@given(_ODD_LINES, st.sampled_from(["", "\n", "\n    ", "\r\n"]))
def test_a_written_docstring_s_sections_are_found_as_a_search_finds_them(
    lines: list[str], end: str
) -> None:
    """The string methods find what one regular expression per title finds, whatever
    the whitespace (carriage returns, form feeds, wide spaces, other line breaks)."""
    from designer.rules.registry import missing_written_sections

    doc = "\n".join(lines) + end
    assert missing_written_sections(doc) == _written_by_search(doc)


def test_a_written_docstring_without_a_section_is_refused() -> None:
    """Indented as a function's docstring is: a title missing, inside a line, or over no
    dashes is missing; each of them alone is found."""
    from designer.rules.registry import missing_written_sections

    doc = (
        "Summary.\n\n    What it checks\n    --------------\n    x\n\n    Why\n    ---\n"
        "    y\n\n    Fix\n    ---\n    z\n\n    Source\n    ------\n    w\n    "
    )
    assert missing_written_sections(doc) == []
    assert missing_written_sections(doc.replace("    Why\n", "    See Why\n")) == ["Why"]
    assert missing_written_sections(doc.replace("    Fix\n    ---", "    Fix\n    x--")) == ["Fix"]
    assert missing_written_sections(doc.replace("Source", "Sources")) == ["Source"]
    assert missing_written_sections("") == list(SECTIONS)


def test_a_rule_s_documentation_is_cleaned_when_first_read() -> None:
    """``doc`` is the cleaned docstring, made on first use and kept."""
    from designer.rules.registry import _clean_doc

    r = load_all_rules()["VS002"]
    assert r.written_doc == r.check.__doc__
    assert r.doc == _clean_doc(r.written_doc)
    assert r.doc is r.doc
    assert r.doc.startswith(r.summary)
