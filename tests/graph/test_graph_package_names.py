"""``designer.graph`` gives every name it lists; the failure-domain queries' are
imported when first asked for, so ``check`` (which reads the topology and the site
network only) does not import them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import designer.graph

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def test_every_listed_name_is_there_and_the_failure_queries_are_the_modules() -> None:
    from designer.graph import failure

    for name in designer.graph.__all__:
        value = getattr(designer.graph, name)
        if name in ("dependency_closure", "failure_domain", "failure_group"):
            assert value is getattr(failure, name)
    try:
        designer.graph.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name was given")


def test_check_does_not_import_the_failure_queries(tmp_path: Path) -> None:
    code = (
        "import contextlib, io, sys; from designer.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['check', sys.argv[1]])\n"
        "before = 'designer.graph.failure' in sys.modules\n"
        "from designer.graph import failure_domain\n"
        "print(code, 'designer.graph.network' in sys.modules, before,\n"
        "      'designer.graph.failure' in sys.modules, failure_domain.__name__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        timeout=120,
    )
    assert run.stdout.split() == ["0", "True", "False", "True", "failure_domain"], run.stderr
