"""Meta-tests of the rule catalogue: complete, well-formed, documented, covered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
#: NET006, NET007; issue 17: BK004, EX004, EX005).
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
