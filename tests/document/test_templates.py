"""File > New's templates are valid designs that check clean, or whose findings say what
is left to decide (a two-site DAG's witness lives in a member site: DAG002)."""

from __future__ import annotations

import pytest

from designer.document.templates import TEMPLATES, template
from designer.domain import structural_errors
from designer.persistence import dumps, loads
from designer.rules import check

EXPLAINED = {"two_site_dag": {"DAG002"}, "three_site_dag": set(), "srm_mirrorview": set()}


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_template_is_valid_laid_out_and_checks_as_explained(key: str) -> None:
    design = template(key)
    assert structural_errors(design) == []
    assert loads(dumps(design)) == design  # saves and loads back
    boxes = [e for e in design.elements if e.kind not in ("wan_link", "mirror", "virtual_disk")]
    assert all(e.id in design.layout for e in boxes), "every box has its place"
    found = {f.code for f in check(design).active}
    assert found == EXPLAINED[key]
    assert design.name == TEMPLATES[key].title
