"""The ``dr-designer`` command line: every command, option, help text and example.

Only :mod:`argparse` is imported here (and, when ``simulate``'s or ``analyze``'s parser
is built, :mod:`designer.cli.timed_options`, the simulator's options, argparse only
too), so ``dr-designer --help`` (and the parse that starts every command) costs no more
than the interpreter's start. Each command's
implementation is imported when it runs (see :mod:`designer.entry`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from designer.cli import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_OUTPUT,
    GUI_COMMANDS,
    STDIN,
    UsageError,
)

TYPE_CHECKING = False  # typing itself is not imported: `--help` starts without it
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CODES",
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "GUI_COMMANDS",
    "STDIN",
    "UsageError",
    "build_parser",
]

EXIT_CODES = """\
exit codes:
  0  success (check: no error findings)
  1  the design has error findings (check), or a saved scenario failed (--scenarios)
  2  the input cannot be used: unreadable or invalid design file, unknown element or
     rule, bad option; one line on stderr names what and where
  3  internal error (a bug or a broken installation): one line on stderr with the log file
  4  the output cannot be written (full disk, read-only target, closed stdout)
"""

AVAILABILITY_EXIT_CODES = """\
exit codes:
  0  done
  2  the design cannot be read, gives no failure figures at all, or an option is wrong
  3  internal error (a bug)
  4  the output cannot be written"""

_DESCRIPTION = """\
Design, check and simulate the disaster-recovery topology of Microsoft Exchange on
VMware. Without a command, opens the designer window on a bundled sample design
(`dr-designer FILE` opens FILE in it).
Everything except `gui`, `report` and `export` to PNG/SVG/PDF runs headless (no display,
no Qt loaded).
"""

_EXAMPLES = """\
examples:
  dr-designer gui design.json              open a design in the designer window
  dr-designer check *.json --format sarif  check designs for a CI code-scanning view
  dr-designer simulate design.json --fail Boston
  dr-designer export design.json -o design.png
  dr-designer capacity design.json          size links and servers for every failure mode
  dr-designer completion bash > ~/.local/share/bash-completion/completions/dr-designer
"""


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` without importing :mod:`shutil`: $COLUMNS,
    else the width of the terminal on standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    try:
        lines = int(os.environ["LINES"])
    except (KeyError, ValueError):
        lines = 0
    if columns <= 0 or lines <= 0:  # shutil asks the terminal then, even for the lines
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        if columns <= 0:
            columns = size.columns or 80
    return columns


def no_message_catalog() -> bool:
    """Whether gettext can find no translation of argparse's messages in this process:
    the folder it would look in (``gettext``'s for the current domain) does not exist,
    and no language it would try (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``)
    nor the domain names a path outside it. Every lookup would then give the message
    itself; asking gettext costs ~1 ms of ``dr-designer --help`` (it imports
    :mod:`locale` to normalise the language names) and finds nothing."""
    import gettext

    domain = gettext.textdomain()
    localedir = getattr(gettext, "_localedirs", {}).get(domain)
    if localedir is None:
        localedir = getattr(gettext, "_default_localedir", None)
    if os.name != "posix" or not isinstance(localedir, str) or not localedir:
        return False
    names = [domain, *(os.environ.get(name, "") for name in _LANGUAGE_VARIABLES)]
    if any("/" in name for name in names):
        return False
    return not os.path.exists(localedir)


_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _message(message: str) -> str:
    return message


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


class _Untranslated:
    """:func:`untranslated_messages`' context manager. Within it, argparse's messages
    skip gettext when it could find no translation (:func:`no_message_catalog`): the
    same texts, ~1 ms sooner. argparse calls the ``gettext``/``ngettext`` it imported;
    they are put back on leaving."""

    def __enter__(self) -> None:
        import gettext

        self._saved: tuple[Any, Any] | None = None
        found = (getattr(argparse, "_", None), getattr(argparse, "ngettext", None))
        if found == (gettext.gettext, gettext.ngettext) and no_message_catalog():
            self._saved = found
            argparse._ = _message  # type: ignore[attr-defined]
            argparse.ngettext = _plural  # type: ignore[attr-defined]

    def __exit__(self, *_exc: object) -> None:
        if self._saved is not None:
            argparse._, argparse.ngettext = self._saved  # type: ignore[attr-defined]


def untranslated_messages() -> _Untranslated:
    """``with untranslated_messages(): ...`` (see :class:`_Untranslated`)."""
    return _Untranslated()


def _letter_like(char: str) -> bool:
    """Whether ``char`` may be one of :mod:`textwrap`'s letters (``[^\\d\\W]``) around a
    hyphen; any non-ASCII character counts as one (the cautious side)."""
    return not char.isascii() or char.isalpha() or char == "_"


def wrap_words(text: str, width: int) -> list[str] | None:
    """``textwrap.wrap(text, width)`` without importing :mod:`textwrap` (~0.6 ms of
    ``dr-designer --help``, its regular expressions), for what argparse wraps: ``text``
    of words between single spaces. None when textwrap would cut other than at the
    spaces (a hyphen between two letters, a ``--`` dash, a word wider than ``width``)
    or ``text`` is not of that form: the caller asks textwrap then."""
    if width <= 0 or text != text.strip(" ") or "  " in text:
        return None
    if not text.replace(" ", "").isprintable():  # a tab, a newline, a no-break space…
        return None
    if len(text) <= width:  # one line, wherever textwrap could cut
        return [text] if text else []
    if "--" in text:
        return None
    for at, char in enumerate(text):
        if (
            char == "-"
            and 0 < at < len(text) - 1
            and _letter_like(text[at - 1])
            and _letter_like(text[at + 1])
        ):
            return None
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if len(word) > width:
            return None  # textwrap breaks it
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's RawDescriptionHelpFormatter, which wraps each option's help without
    importing :mod:`textwrap` when it can (:func:`wrap_words`): the same lines."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        lines = wrap_words(self._whitespace_matcher.sub(" ", text).strip(), width)
        if lines is None:
            return super()._split_lines(text, width)
        return lines


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose ``late_epilog`` is computed only when help is printed
    (e.g. the simulator's list of administrator actions, which costs an import)."""

    def __init__(
        self, *args: Any, late_epilog: Callable[[], str] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.late_epilog = late_epilog

    def _get_formatter(self) -> argparse.HelpFormatter:
        # The width argparse would take, without importing shutil for it (with bz2 and
        # lzma: ~3 ms of --help's ~45 ms).
        formatter: argparse.HelpFormatter = self.formatter_class(
            prog=self.prog,
            width=terminal_columns() - 2,  # type: ignore[call-arg]
        )
        return formatter

    def format_help(self) -> str:
        if self.late_epilog is not None:
            extra, self.late_epilog = self.late_epilog(), None
            self.epilog = f"{extra}\n{self.epilog or ''}"
        return super().format_help()


class _LazyParsers(dict[str, Parser]):
    """Command name -> its parser, built the first time it is read (``[name]``, ``get``,
    ``values``, ``items``): argparse, shtab and our own walks all read it so."""

    def __init__(self) -> None:
        super().__init__()
        self._builds: dict[str, Callable[[], Parser]] = {}

    def defer(self, name: str, build: Callable[[], Parser]) -> None:
        self._builds[name] = build
        super().__setitem__(name, None)  # type: ignore[assignment]  # the key, for `in`

    def __getitem__(self, name: str) -> Parser:
        parser = super().__getitem__(name)
        if parser is None:
            parser = self._builds.pop(name)()
            super().__setitem__(name, parser)
        return parser

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 (self.get: itself)

    def values(self) -> list[Parser]:  # type: ignore[override]
        return [self[name] for name in self]

    def items(self) -> list[tuple[str, Parser]]:  # type: ignore[override]
        return [(name, self[name]) for name in self]


if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[Parser]
else:  # not subscriptable at run time
    _SubParsers = argparse._SubParsersAction


class Commands(_SubParsers):
    """The subcommands: each one's line of the top-level help is there from the start,
    its parser is built only when needed, so ``dr-designer --help`` and every command's
    parse build one or two parsers, not seventeen (~20 ms of a ~45 ms start)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy = _LazyParsers()
        self._name_parser_map = self.choices = self._lazy

    def add_lazy(self, name: str, summary: str, build: Callable[[], Parser]) -> None:
        """As ``add_parser(name, help=summary, ...)``, with the parser made by ``build``
        (through :meth:`make_parser`) when first needed."""
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), summary))
        self._lazy.defer(name, build)

    def make_parser(self, name: str, **kwargs: Any) -> Parser:
        """The parser of command ``name``, made as ``add_parser`` makes it."""
        kwargs.setdefault("prog", f"{self._prog_prefix} {name}")
        parser: Parser = self._parser_class(**kwargs)
        return parser


class _Version(argparse.Action):
    """``--version``: read from the package metadata only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        from designer import version

        print(f"dr-designer {version()}")
        parser.exit()


def _common_options(suppress: bool) -> Parser:
    """-v/--verbose and --log-file, accepted before and after the command."""
    default: Any = argparse.SUPPRESS if suppress else None
    common = Parser(add_help=False)
    group = common.add_argument_group("diagnostics")
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS if suppress else 0,
        help="more detail on stderr (-vv: debug); the log file always has the detail",
    )
    group.add_argument(
        "--log-file",
        metavar="PATH",
        default=default,
        help="write the log here instead of the platform's log folder",
    )
    return common


def _epilog(examples: str, exit_codes: str = EXIT_CODES) -> str:
    return f"examples:\n{examples}\n\n{exit_codes}"


def _command(
    sub: Commands,
    name: str,
    summary: str,
    description: str | Callable[[], str],
    examples: str,
    common: Callable[[], Parser],
    exit_codes: str | Callable[[], str] = EXIT_CODES,
    *,
    arguments: Callable[[Parser], None] | None = None,
    **kwargs: Any,
) -> None:
    """Register the command ``name``: its line in the top-level help now, its parser
    (``arguments`` adds its own) when it is first needed. ``description`` and
    ``exit_codes`` may be functions giving the text then (the simulator's, from
    :mod:`designer.cli.timed_options`, which ``--help`` need not import)."""

    def build() -> Parser:
        parser = sub.make_parser(
            name,
            description=description if isinstance(description, str) else description(),
            epilog=_epilog(examples, exit_codes if isinstance(exit_codes, str) else exit_codes()),
            parents=[common()],
            **kwargs,
        )
        parser.set_defaults(command=name)
        if arguments is not None:
            arguments(parser)
        return parser

    sub.add_lazy(name, summary, build)


def _simulate_description() -> str:
    from designer.cli.timed_options import SIMULATE_DESCRIPTION

    return (
        SIMULATE_DESCRIPTION
        + "\n\nIt prints the timeline, each database's state with its RPO and RTO, DAG "
        "quorum, client access per site and the mailboxes available. Elements are named "
        "by id or unique name."
    )


def _simulation_exit_codes() -> str:
    from designer.cli.timed_options import EXIT_CODES as SIMULATION_EXIT_CODES

    return SIMULATION_EXIT_CODES


def _admin_actions() -> str:
    from designer.simulation import ADMIN_ACTIONS

    return "administrator actions (--action NAME):\n" + "".join(
        f"  {name}\n" for name in ADMIN_ACTIONS
    )


IMPORT_KINDS = {
    "calculator": "Exchange Role Requirements Calculator CSVs (MailboxDatabases.csv, "
    "MailboxDatabaseCopies.csv, Servers.csv)",
    "exchange": "Export-Csv of Get-DatabaseAvailabilityGroup -Status, Get-MailboxDatabase, "
    "Get-MailboxDatabaseCopyStatus",
    "rvtools": "an RVTools export (xlsx, or its RVTools_tab*.csv files)",
}

_PLAN_EXIT_CODES = """\
exit codes:
  0  planned (and written with -o)
  2  the input cannot be used: unreadable or invalid design file, no such DAG, more
     copies in a site than it has members, bad option; one line on stderr names it
  3  internal error (a bug or a broken installation): one line on stderr with the log file
  4  the output cannot be written (full disk, read-only target, closed stdout)
"""

_RENAME_EXIT_CODES = """\
exit codes:
  0  renamed (and written with -o)
  1  no name (of the kinds asked) contains OLD; nothing written
  2  the input cannot be used: unreadable or invalid design file, unknown kind, or a new
     name taken by another element of its kind, given to two, empty or too long (a line
     on stderr for each, naming the elements); nothing written
  3  internal error (a bug or a broken installation): one line on stderr with the log file
  4  the output cannot be written (full disk, read-only target, closed stdout)
"""

_INTEROP_EXIT_CODES = """\
exit codes:
  0  done{same}{one}
  2  an input cannot be read, or a usage error (one line on stderr naming it)
  3  internal error (a bug): one line on stderr with the log file
  4  the output cannot be written
"""


def _import_arguments(p: Parser) -> None:
    p.add_argument(
        "kind", choices=sorted(IMPORT_KINDS), metavar="KIND", help=" | ".join(IMPORT_KINDS)
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="the files to read")
    p.add_argument("-o", "--output", required=True, help="the design file to write")
    p.add_argument(
        "--into", metavar="DESIGN", help="a design to merge into (update, not duplicate)"
    )
    p.add_argument(
        "--report", metavar="FILE", help="also write every unmapped row to FILE (.json, .csv, text)"
    )


def _report_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file")
    p.add_argument("-o", "--output", required=True, help="review.html or review.pdf")


def _diff_arguments(p: Parser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="A B (git passes 7 arguments)")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--ignore-layout", action="store_true", help="layout-only changes do not count")
    p.add_argument(
        "--no-analysis", action="store_true", help="compare elements only (no findings, N-1)"
    )
    p.add_argument(
        "--git-external",
        action="store_true",
        help="called by git as its external diff (7 arguments); always exits 0",
    )


def _gui_arguments(p: Parser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE", help="the design file to open")


def _check_arguments(p: Parser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="design files (- for stdin)")
    p.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default), json, or SARIF 2.1.0 for code-scanning views",
    )
    p.add_argument(
        "--scenarios", action="store_true", help="also re-run the design's saved scenarios"
    )


def _rules_arguments(p: Parser) -> None:
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")


def _rule_arguments(p: Parser) -> None:
    p.add_argument("code", metavar="CODE", help="a rule code, e.g. MV001")


def _simulate_arguments(p: Parser) -> None:
    from designer.cli.timed_options import add_fail_on_option, add_timed_step_options

    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    add_timed_step_options(p)
    p.add_argument("--at", metavar="TIME", help="report the state at this time")
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_fail_on_option(p)


def _analyze_arguments(p: Parser) -> None:
    from designer.cli.timed_options import add_fail_on_option

    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument("--depth", type=int, choices=(1, 2), default=1)
    p.add_argument("--max-pairs", type=int, default=20_000, help="cap on pairs at depth 2")
    p.add_argument(
        "--cut-sets", action="store_true", help="list minimal cut sets instead of N-1/N-2"
    )
    p.add_argument(
        "--order",
        type=int,
        choices=(1, 2, 3, 4),
        default=None,
        metavar="K",
        help="with --cut-sets: the largest cut sets listed (1-4, default 3)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    add_fail_on_option(p)


def _availability_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument(
        "--years",
        type=int,
        default=10_000,
        metavar="N",
        help="years of Monte Carlo (default 10,000; 0: cut sets only)",
    )
    p.add_argument("--seed", type=int, default=0, metavar="S", help="Monte Carlo seed")
    p.add_argument(
        "--order",
        type=int,
        choices=(1, 2, 3, 4),
        default=3,
        metavar="K",
        help="the largest cut sets counted (1-4, default 3)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="Monte Carlo processes (default: one per core)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _capacity_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument("--mode", choices=("normal", "worst", "all"), default="worst")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _plan_copies_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument("--dag", required=True, metavar="NAME", help="the DAG (id or name)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the planned design here")
    p.add_argument(
        "--databases", type=int, metavar="N", help="plan N databases (adds the missing ones)"
    )
    p.add_argument(
        "--copies",
        action="append",
        metavar="SITE=N",
        help="copies of each database in SITE (default: as the DAG's databases have "
        "them, else two per member site)",
    )
    p.add_argument(
        "--lagged",
        type=int,
        metavar="N",
        help="lagged copies of each database (default: as the DAG's databases have them)",
    )
    p.add_argument(
        "--lag-days", type=float, metavar="D", help="their replay lag (default: the DAG's, else 7)"
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _rename_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument(
        "--replace",
        nargs=2,
        required=True,
        metavar=("OLD", "NEW"),
        help="the text to find in names and the text to put in its place (NEW may be '')",
    )
    p.add_argument(
        "--kind",
        action="append",
        metavar="K",
        help="only elements of this kind (site, vm, esxi_host… or its label); repeatable",
    )
    p.add_argument(
        "--ignore-case", action="store_true", help="find OLD in any case (BOS finds bos, Bos)"
    )
    p.add_argument(
        "--whole-word",
        action="store_true",
        help="only OLD standing as a word of its own (DC1 in DC1-Cluster, not in DC10)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write the renamed design here")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _export_arguments(p: Parser) -> None:
    p.add_argument("file", metavar="FILE", help="the design file (- for stdin)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="OUT.png, OUT.svg, OUT.pdf or -; OUT.drawio, OUT.graphml, OUT.gexf or DIR/",
    )
    p.add_argument("--format", choices=("png", "svg", "pdf"), help="the format (needed with -o -)")
    p.add_argument(
        "--scale", type=float, default=1.0, help="size factor (1 = one pixel per scene unit)"
    )
    p.add_argument(
        "--dpr", type=float, default=1.0, help="device pixel ratio of a PNG (2 for high-DPI)"
    )
    p.add_argument(
        "--scenario", metavar="NAME", help="draw.io: the saved scenario of the simulation layer"
    )
    p.add_argument(
        "--at",
        type=float,
        metavar="SECONDS",
        help="draw.io: the moment the simulation layer shows (default: the settled end)",
    )


def _install_desktop_arguments(p: Parser) -> None:
    p.add_argument("--prefix", metavar="DIR", help="the data folder to install into")
    p.add_argument("--uninstall", action="store_true", help="remove what was installed")


def _completion_arguments(p: Parser) -> None:
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"))


def _interop_commands(sub: Commands, common: Callable[[], Parser]) -> None:
    """import, report and diff (issue 12; docs/interop.md)."""
    _command(
        sub,
        "import",
        "make a design from calculator CSVs, Exchange PowerShell exports or RVTools",
        "Read the sources into a new design (or merge them by name into --into), lay it "
        "out by site and save it. Rows that cannot be mapped are listed (file, row, "
        "column, why), never dropped silently; each element notes the rows it came from.\n\n"
        "kinds:\n" + "\n".join(f"  {k:<11} {what}" for k, what in IMPORT_KINDS.items()),
        "  dr-designer import calculator MailboxDatabases.csv MailboxDatabaseCopies.csv "
        "-o design.json\n"
        "  dr-designer import rvtools RVTools_export_all.xlsx --into design.json -o design.json",
        common,
        exit_codes=_INTEROP_EXIT_CODES.format(same="", one=""),
        formatter_class=HelpFormatter,
        arguments=_import_arguments,
    )

    _command(
        sub,
        "report",
        "write the design-review report (HTML or PDF)",
        "Summary, diagram, inventory, copy layout, findings with waivers, N-1 and N-2 "
        "tables, every saved scenario (expected vs actual, timeline) and the RPO/RTO "
        "matrix. HTML is self-contained; PDF is written with Qt (no browser, no display).",
        "  dr-designer report design.json -o review.html\n"
        "  dr-designer report design.json -o review.pdf",
        common,
        exit_codes=_INTEROP_EXIT_CODES.format(same="", one=""),
        arguments=_report_arguments,
    )

    _command(
        sub,
        "diff",
        "what changed between two designs",
        "Elements added, removed and changed field by field (matched by id), layout-only "
        "changes on one line, findings added and cleared, N-1 changes and saved scenarios "
        "whose outcome changed. As git's diff driver:\n"
        "  git config diff.drdesign.command 'dr-designer diff --git-external'\n"
        "  echo '*.json diff=drdesign' >> .gitattributes",
        "  dr-designer diff old.json new.json\n"
        "  dr-designer diff old.json new.json --format markdown > comment.md",
        common,
        exit_codes=_INTEROP_EXIT_CODES.format(
            same=" (the designs are the same)", one="\n  1  the designs differ"
        ),
        formatter_class=HelpFormatter,
        arguments=_diff_arguments,
    )


def build_parser() -> Parser:
    """The whole command line: the top level now, each command's parser when it is
    first needed (parsing its arguments, its help, or a walk of every command)."""
    shared: list[Parser] = []

    def common() -> Parser:  # the options every command accepts, built once
        if not shared:
            shared.append(_common_options(suppress=True))
        return shared[0]

    parser = Parser(
        prog="dr-designer",
        description=_DESCRIPTION,
        epilog=f"{_EXAMPLES}\n{EXIT_CODES}\n`dr-designer COMMAND --help` describes each command.",
        parents=[_common_options(suppress=False)],
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    sub: Commands = parser.add_subparsers(  # type: ignore[assignment]
        dest="command", metavar="COMMAND", parser_class=Parser, action=Commands
    )

    _command(
        sub,
        "gui",
        "open the designer window (the default command)",
        "Open the designer window on FILE, or on a bundled sample design. After a crash, "
        "the window first offers the unsaved changes back.",
        "  dr-designer gui\n  dr-designer gui design.json",
        common,
        arguments=_gui_arguments,
    )

    _command(
        sub,
        "check",
        "check designs against the rule catalogue",
        "Check one or more design files against the rule catalogue and print the "
        "findings (waived ones are counted, not listed). FILE may be - for standard input.",
        "  dr-designer check design.json\n"
        "  dr-designer check designs/*.json --format sarif > results.sarif\n"
        "  cat design.json | dr-designer check - --format json\n"
        "  dr-designer check design.json --scenarios",
        common,
        arguments=_check_arguments,
    )

    _command(
        sub,
        "rules",
        "list the rule catalogue",
        "List every rule: code, severity, name and what it checks.",
        "  dr-designer rules\n  dr-designer rules --format markdown > docs/rules.md",
        common,
        arguments=_rules_arguments,
    )

    _command(
        sub,
        "rule",
        "explain one rule",
        "Explain one rule: what it checks, why, how to fix a finding, and its source.",
        "  dr-designer rule DAG001",
        common,
        arguments=_rule_arguments,
    )

    _command(
        sub,
        "schema",
        "print the JSON Schema of design files",
        'Print the JSON Schema of design files. A design file may name it in a "$schema" '
        "key so that editors validate it.",
        "  dr-designer schema > design-file.schema.json",
        common,
    )

    _command(
        sub,
        "simulate",
        "fail elements at given times and show what happens",
        _simulate_description,
        "  dr-designer simulate design.json --fail Boston\n"
        "  dr-designer simulate design.json --fail esx-01 --fail esx-02@30 --at 70\n"
        "  dr-designer simulate design.json --fail Boston --fail HFD "
        "--action switchover:DAG01@5m\n"
        "  dr-designer simulate design.json --fail Boston --fail-on mailboxes-lost",
        common,
        late_epilog=_admin_actions,
        exit_codes=_simulation_exit_codes,
        arguments=_simulate_arguments,
    )

    _command(
        sub,
        "analyze",
        "rank single points of failure (N-1, N-2), or list minimal cut sets",
        "Fail each infrastructure element alone (--depth 1) or in pairs (--depth 2) and "
        "rank them by the mailboxes their loss cuts off. With --cut-sets, list instead "
        "each mailbox database's and each site's users' minimal cut sets up to --order "
        "elements: the smallest sets of sites, WAN links, hosts, arrays, storage "
        "processors, load balancers, witnesses and CAS arrays whose joint failure leaves "
        "it without service with no administrator action, as the simulator judges "
        "(quorum, witness and activation count); ranked by order, then mailboxes "
        "affected. With --cut-sets, --fail-on mailboxes-lost is met by a cut set of "
        "order 1 (a single point of failure).",
        "  dr-designer analyze design.json\n"
        "  dr-designer analyze design.json --depth 2\n"
        "  dr-designer analyze design.json --fail-on mailboxes-lost\n"
        "  dr-designer analyze design.json --cut-sets --order 2 --format json",
        common,
        exit_codes=_simulation_exit_codes,
        arguments=_analyze_arguments,
    )

    _command(
        sub,
        "availability",
        "availability in nines, downtime per year and the elements that matter most",
        "From each element's mean time between failures and to repair (MTBF, MTTR: the "
        "design's own figures per kind or per element; no source publishes any, so "
        "every output says they are user-supplied; elements without figures never fail "
        "and are listed): each mailbox database's and each site's users' availability, "
        "nines and expected minutes of downtime a year, (a) from the minimal cut sets "
        "up to --order elements (rare-event approximation) and (b) from a seeded Monte "
        "Carlo of --years years of failures and repairs through the simulator, with its "
        "95 % interval; and each element's Birnbaum and Fussell-Vesely importance. "
        "Settled states: failover transients are not counted and no administrator acts. "
        "The same --seed gives the same figures whatever the number of --workers.",
        "  dr-designer availability design.json\n"
        "  dr-designer availability design.json --years 100000 --seed 7 --format json\n"
        "  dr-designer availability design.json --years 0      # cut sets only",
        common,
        exit_codes=AVAILABILITY_EXIT_CODES,
        arguments=_availability_arguments,
    )

    _command(
        sub,
        "capacity",
        "size WAN links, DAG members and log LUNs for every failure mode",
        "What each WAN link carries per direction (DAG log shipping, reseeds, MirrorView/S "
        "and /A, Double-Take) in normal operation and in its worst single failure or site "
        "loss; each DAG member's and ESXi host's active databases and mailboxes in normal "
        "operation and its worst single, double, site and site-plus-one failure, against "
        "its vCPUs and memory; MirrorView/A RPOs from the link's share; the hours until "
        "each log LUN fills while logs cannot truncate. Figures come from the design's "
        "workload (mailbox profiles, change rates) and the catalog's published tables; "
        "assumptions are listed. --mode normal sizes normal operation only; worst (the "
        "default) adds the worst mode; all lists every failure mode.",
        "  dr-designer capacity design.json\n"
        "  dr-designer capacity design.json --mode all --format json",
        common,
        exit_codes=EXIT_CODES.replace(
            "1  the design has error findings (check), or a saved scenario failed (--scenarios)",
            "1  a link or a DAG member is over its budget in normal operation",
        ),
        arguments=_capacity_arguments,
    )

    _command(
        sub,
        "plan-copies",
        "plan a DAG's activation preferences so a failure spreads evenly",
        "Propose the copies of a DAG's databases the way Microsoft's calculator "
        "distributes them: each member's active databases have their next copy on the "
        "other members in turn, so one member's failure spreads its databases evenly; "
        "copies in the other sites follow the same rotation. Prints the layout; with -o "
        "writes the design with it (OUT may be - for standard output).",
        "  dr-designer plan-copies design.json --dag DAG01\n"
        "  dr-designer plan-copies design.json --dag DAG01 --databases 12 --lagged 1 "
        "-o planned.json",
        common,
        exit_codes=_PLAN_EXIT_CODES,
        arguments=_plan_copies_arguments,
    )

    _command(
        sub,
        "rename",
        "find and replace text in element names (a design renamed for a customer)",
        "Replace OLD by NEW in the name of every element (or of the --kind asked), as the "
        "window's Edit > Replace in Names… does: plain text, case-sensitive unless "
        "--ignore-case. Prints each name that changes; with -o writes the renamed design "
        "(OUT may be - for standard output). A new name that another element of its kind "
        "keeps, that two elements would share, or that is empty or over 200 characters is "
        "refused, naming the elements, and nothing is written.",
        "  dr-designer rename sample.json --replace BOS NYC -o customer.json\n"
        "  dr-designer rename design.json --replace DC1 DC9 --whole-word --kind site\n"
        "  dr-designer rename design.json --replace 'Contoso ' '' --format json",
        common,
        exit_codes=_RENAME_EXIT_CODES,
        arguments=_rename_arguments,
    )

    _command(
        sub,
        "export",
        "render a design to PNG, SVG or PDF, or export it to draw.io, GraphML, GEXF or "
        "calculator CSVs",
        "Render the whole drawing of a design, with its findings markers, to an image or "
        "a PDF (no display needed; the format comes from OUT's name or --format); or, "
        "headless, export it as draw.io (layers: topology, findings, a simulation moment), "
        "GraphML, GEXF, or into a folder DIR/ as calculator CSVs with PowerShell scripts.",
        "  dr-designer export design.json -o design.png --dpr 2\n"
        "  dr-designer export design.json -o - --format svg > design.svg\n"
        "  dr-designer export design.json -o review.drawio --scenario 'Site lost' --at 70\n"
        "  dr-designer export design.json -o deploy/",
        common,
        arguments=_export_arguments,
    )

    _interop_commands(sub, common)

    _command(
        sub,
        "install-desktop",
        "add DR Designer to the desktop's application menu",
        "Install the .desktop entry, the icon and the design-file MIME type (so a file "
        "manager opens design files with DR Designer) under PREFIX, by default the "
        "user's data folder ($XDG_DATA_HOME, ~/.local/share). --uninstall removes them.",
        "  dr-designer install-desktop\n  dr-designer install-desktop --prefix /usr/local/share",
        common,
        arguments=_install_desktop_arguments,
    )

    _command(
        sub,
        "completion",
        "print a shell completion script",
        "Print a tab-completion script for bash, zsh or tcsh.",
        "  dr-designer completion bash > ~/.local/share/bash-completion/completions/dr-designer\n"
        "  dr-designer completion zsh > ~/.zfunc/_dr-designer",
        common,
        arguments=_completion_arguments,
    )

    return parser
