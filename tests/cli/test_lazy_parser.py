"""The command parsers are built only when needed (``dr-designer --help`` builds the top
level, ``dr-designer check`` that command's): every help text, usage error and
completion script stays what the eager parser printed (the snapshot was taken from
``main`` at ad0826b, before the change), and every parse gives the same namespace."""

from __future__ import annotations

import argparse
import contextlib
import gettext
import io
import json
import os
import re
import shutil
import struct
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from designer.cli import parser as parser_module
from designer.cli.parser import HelpFormatter, Parser, build_parser, terminal_columns, wrap_words
from designer.entry import main

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "cli_help.json"
COMMANDS = [
    "analyze",
    "availability",
    "capacity",
    "check",
    "completion",
    "diff",
    "export",
    "gui",
    "import",
    "install-desktop",
    "plan-copies",
    "rename",
    "report",
    "rule",
    "rules",
    "schema",
    "simulate",
]


def _run(args: list[str]) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


def help_texts() -> dict[str, dict[str, Any]]:
    """What the command line prints for its help, its usage errors and its completion
    scripts, 100 columns wide. Regenerate the snapshot (only when a text changes on
    purpose): ``python -c "from tests.cli.test_lazy_parser import write_snapshot;
    write_snapshot()"``."""
    texts = {"--help": _run(["--help"]), "(none) bad": _run(["--bogus"])}
    texts["bad command"] = _run(["nosuch"])
    for name in COMMANDS:
        texts[f"{name} --help"] = _run([name, "--help"])
        texts[f"{name} bad"] = _run([name, "--no-such-option"])
    for shell in ("bash", "zsh", "tcsh"):
        texts[f"completion {shell}"] = _run(["completion", shell])
    return texts


def write_snapshot() -> None:
    os.environ["COLUMNS"] = "100"
    SNAPSHOT.write_text(json.dumps(help_texts(), indent=1, sort_keys=True) + "\n")


def test_every_help_error_and_completion_text_is_the_eager_parsers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    expected = json.loads(SNAPSHOT.read_text())
    assert sorted(build_parser()._subparsers._group_actions[0].choices) == COMMANDS  # type: ignore[union-attr]
    texts = help_texts()
    assert texts.keys() == expected.keys()
    for key, want in expected.items():
        assert texts[key] == want, key
    assert "COMMAND" in texts["--help"]["out"] and "check designs" in texts["--help"]["out"]


def _built(parser: Any) -> list[str]:
    """The commands whose parser exists (read past the lazy lookup)."""
    choices = parser._subparsers._group_actions[0].choices
    return [name for name in choices if dict.__getitem__(choices, name) is not None]


def test_help_builds_no_command_and_a_command_builds_only_itself(capsys: Any) -> None:
    parser = build_parser()
    assert _built(parser) == []
    parser.format_help()
    assert _built(parser) == []
    args = parser.parse_args(["-v", "check", "a.json", "--format", "sarif"])
    assert _built(parser) == ["check"]
    assert (args.command, args.files, args.format, args.verbose) == (
        "check",
        ["a.json"],
        "sarif",
        1,
    )
    with pytest.raises(SystemExit):
        parser.parse_args(["nosuch"])
    assert "invalid choice: 'nosuch'" in capsys.readouterr().err
    assert _built(parser) == ["check"]
    assert len(parser._subparsers._group_actions[0].choices.values()) == len(COMMANDS)  # type: ignore[union-attr]
    assert sorted(_built(parser)) == COMMANDS  # values() builds every one


@pytest.mark.parametrize(
    "argv",
    [
        ["gui"],
        ["gui", "d.json", "-vv"],
        ["check", "a.json", "b.json", "--scenarios"],
        ["--log-file", "x.log", "rules", "--format", "markdown"],
        ["rule", "DAG001"],
        ["schema"],
        ["simulate", "d.json", "--fail", "Boston", "--at", "70", "--fail-on", "mailboxes-lost"],
        ["analyze", "d.json", "--cut-sets", "--order", "2", "--format", "json"],
        ["availability", "d.json", "--years", "0", "--seed", "7"],
        ["capacity", "d.json", "--mode", "all"],
        ["plan-copies", "d.json", "--dag", "DAG01", "--copies", "A=2", "--lagged", "1"],
        ["export", "d.json", "-o", "d.png", "--dpr", "2"],
        ["import", "rvtools", "x.xlsx", "-o", "d.json", "--into", "d.json"],
        ["report", "d.json", "-o", "r.html"],
        ["diff", "a.json", "b.json", "--ignore-layout"],
        ["install-desktop", "--uninstall"],
        ["completion", "zsh"],
    ],
)
def test_a_parse_is_the_same_whether_or_not_every_command_was_built(argv: list[str]) -> None:
    lazy = build_parser()
    eager = build_parser()
    list(eager._subparsers._group_actions[0].choices.values())  # type: ignore[union-attr]
    assert vars(lazy.parse_args(argv)) == vars(eager.parse_args(argv))
    assert _built(lazy) == [argv[0] if argv[0] != "--log-file" else argv[2]]


@pytest.mark.parametrize(
    ("columns", "lines"),
    [
        (None, None),
        ("100", None),
        ("100", "40"),
        ("0", "40"),
        ("abc", None),
        (None, "40"),
        ("-5", "x"),
    ],
)
def test_the_help_width_is_shutils(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, lines: str | None
) -> None:
    for name, value in (("COLUMNS", columns), ("LINES", lines)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert terminal_columns() == shutil.get_terminal_size().columns


@pytest.mark.parametrize("columns", ["30", "64", "200"])
@pytest.mark.parametrize("command", [None, "check", "simulate"])
def test_help_at_any_width_is_argparses_own(
    monkeypatch: pytest.MonkeyPatch, columns: str, command: str | None
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    parser = build_parser()
    if command is not None:
        parser = parser._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    ours = parser.format_help()
    monkeypatch.setattr(Parser, "_get_formatter", argparse.ArgumentParser._get_formatter)
    parser.late_epilog = None  # added to the epilog once, by the first format_help
    assert ours == parser.format_help()
    assert len(ours.splitlines()[0]) <= int(columns) - 2  # the usage wraps at the width


# -- the help's lines wrapped without textwrap ------------------------------------------
_WHITESPACE = re.compile(r"\s+", re.ASCII)  # argparse's, before it wraps a help text


@given(
    st.text(alphabet="ab Z_1-(.,é\xa0\t\n", max_size=80),
    st.integers(min_value=-1, max_value=30),
)
@example("rank single points of failure (N-1, N-2), or list minimal cut sets", 59)
@example("ab-cd ef", 4)
@example("xx ab-cd", 6)
@example("ab cd", 5)
@example("ab cd", 4)
@example("abc", 2)
@example("a--b c", 3)
def test_the_help_lines_are_textwraps(text: str, width: int) -> None:
    """Wherever wrap_words answers, its lines are textwrap's (argparse's own wrap), both
    for argparse's normalised help texts and for anything else."""
    for candidate in (text, _WHITESPACE.sub(" ", text).strip()):
        lines = wrap_words(candidate, width)
        if lines is not None:
            assert lines == textwrap.wrap(candidate, width)


def test_wrap_words_answers_for_plain_words() -> None:
    assert wrap_words("open the designer window (the default command)", 20) == [
        "open the designer",
        "window (the default",
        "command)",
    ]
    assert wrap_words("size N-1 and N-2 modes", 8) == ["size N-1", "and N-2", "modes"]
    assert wrap_words("a design-review report", 10) is None  # textwrap may cut at "-"
    assert wrap_words("a design-review", 40) == ["a design-review"]  # one line: no cut


@pytest.mark.parametrize("columns", ["30", "47", "64", "100", "200"])
def test_every_help_is_the_same_with_argparses_formatter(
    monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    parsers = [build_parser()]
    parsers += parsers[0]._subparsers._group_actions[0].choices.values()  # type: ignore[union-attr]
    assert all(parser.formatter_class is HelpFormatter for parser in parsers)
    ours = [parser.format_help() for parser in parsers]
    for parser in parsers:
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.late_epilog = None  # added to the epilog once, by the first format_help
    assert ours == [parser.format_help() for parser in parsers]


# -- argparse's messages without gettext's lookups when nothing can be found ---------------
def _mo_file(messages: dict[str, str]) -> bytes:
    """A GNU message catalogue (the .mo format gettext reads) of ``messages``."""
    keys = sorted(messages)
    ids = [key.encode() for key in keys]
    strs = [messages[key].encode() for key in keys]
    start = 7 * 4 + 16 * len(keys)
    originals, translations, blob = [], [], b""
    for data in ids:
        originals.append((len(data), start + len(blob)))
        blob += data + b"\0"
    for data in strs:
        translations.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return header + tables + blob


def test_a_translation_of_argparses_messages_is_still_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.mo").write_bytes(
        _mo_file(
            {
                "": "Content-Type: text/plain; charset=UTF-8\n",
                "usage: ": "USAGE: ",
                "show this help message and exit": "HELP ME",
            }
        )
    )
    monkeypatch.setenv("LANGUAGE", "xx")
    monkeypatch.setitem(gettext._localedirs, "messages", str(tmp_path))  # type: ignore[attr-defined]
    assert not parser_module.no_message_catalog()
    out = _run(["--help"])["out"]
    assert out.startswith("USAGE: dr-designer") and "HELP ME" in out
    # Where gettext would find nothing, the same texts without asking it.
    monkeypatch.setitem(gettext._localedirs, "messages", str(tmp_path / "nowhere"))  # type: ignore[attr-defined]
    assert parser_module.no_message_catalog()
    for argv in (["--help"], ["check", "--help"], ["--log-file"], ["check"], ["nosuch"]):
        fast = _run(argv)
        with monkeypatch.context() as asking:
            asking.setattr(parser_module, "no_message_catalog", lambda: False)
            assert _run(argv) == fast
    assert (argparse._, argparse.ngettext) == (gettext.gettext, gettext.ngettext)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("variable", "value"), [("LANGUAGE", "../../tmp/xx"), ("LANG", "/tmp/xx"), ("LC_ALL", "a/b")]
)
def test_a_language_naming_a_path_is_left_to_gettext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setitem(gettext._localedirs, "messages", str(tmp_path / "nowhere"))  # type: ignore[attr-defined]
    assert parser_module.no_message_catalog()
    monkeypatch.setenv(variable, value)
    assert not parser_module.no_message_catalog()


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_the_plural_without_gettext_is_gettexts(count: int) -> None:
    with parser_module.untranslated_messages():
        plural = argparse.ngettext("one %s", "many %s", count)  # type: ignore[attr-defined]
    assert plural == gettext.NullTranslations().ngettext("one %s", "many %s", count)
