"""``check FILE…`` is read without the parser (designer/cli/argv.py ``quick_check``):
what it gives is exactly what the parser gives for the same command line, it gives
nothing for any other, and ``check`` of a design then imports no argparse."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.cli.argv import quick_check
from designer.cli.parser import build_parser, untranslated_messages
from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"

#: Pieces of command lines: commands, files, standard input, options of check and of
#: other commands, values, the end of options, and names that only look like options.
PIECES = [
    "check",
    "rules",
    "gui",
    "a.json",
    "designs/b c.json",
    "-",
    "",
    "--",
    "-v",
    "-vv",
    "--verbose",
    "--log-file",
    "--log-file=x.log",
    "--format",
    "--format=json",
    "json",
    "sarif",
    "--scenarios",
    "--fail",
    "--fail=Boston",
    "--help",
    "-h",
    "--version",
    "-x",
    "-1",
    "=x",
    "@args",
    "check.json",
]


def _parsed(arguments: list[str]) -> dict[str, object] | None:
    """The parser's namespace for ``arguments``, None when it refuses them."""
    quiet = contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO())
    with untranslated_messages(), quiet[0], quiet[1]:
        try:
            return vars(build_parser().parse_args(arguments))
        except SystemExit:
            return None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=6)
    | st.lists(st.sampled_from(PIECES), max_size=5).map(lambda rest: ["check", *rest])
)
def test_a_quick_parse_is_the_parsers(arguments: list[str]) -> None:
    quick = quick_check(arguments)
    if quick is not None:
        assert vars(quick) == _parsed(arguments)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(max_size=12).filter(lambda t: not t.startswith("-")) | st.just("-"),
        min_size=1,
        max_size=5,
    )
)
def test_check_of_any_file_names_is_read_quickly_and_as_the_parser_reads_it(
    files: list[str],
) -> None:
    quick = quick_check(["check", *files])
    assert quick is not None and vars(quick) == _parsed(["check", *files])
    assert quick.files == files


def test_options_and_other_commands_go_to_the_parser() -> None:
    for arguments in (
        [],
        ["check"],
        ["rules"],
        ["check", "a.json", "--format", "json"],
        ["check", "a.json", "-v"],
        ["check", "--", "a.json"],
        ["check", "a.json", "--scenarios"],
        ["-v", "check", "a.json"],
        ["check", "-x"],
        ["gui", "a.json"],
        ["a.json"],
    ):
        assert quick_check(arguments) is None, arguments


def test_check_of_a_design_imports_no_argparse(tmp_path: Path) -> None:
    code = (
        "import sys; from designer.entry import main; code = main(['check', sys.argv[1]]); "
        "print(code, sorted(m for m in ('argparse', 'gettext', 'designer.cli.parser') "
        "if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
    )
    assert run.stdout.splitlines()[-1] == "0 []", run.stderr
    assert run.stdout.splitlines()[0] == "0 errors, 0 warnings, 0 info"


def test_the_quick_and_the_parsed_check_print_the_same(tmp_path: Path) -> None:
    """The same findings, exit code and errors whether the parser read the command line
    or not (``-v`` sends it to the parser; the log's detail is not on stderr for a
    good file)."""
    missing = str(tmp_path / "missing.json")
    for files in ([str(SAMPLE)], [str(SAMPLE), missing], [missing]):
        outputs = []
        for extra in ([], ["--format", "text"]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["check", *files, *extra])
            outputs.append((code, out.getvalue(), err.getvalue()))
        assert outputs[0] == outputs[1]
