"""``dr-designer``: the command line. Runs headless; only ``gui`` and ``export`` load Qt.

Exit codes: 0 fine, 1 the design has error findings, 2 the input cannot be used.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from designer.domain.design import Design
from designer.domain.errors import DesignError
from designer.persistence import LoadError, envelope_schema, load
from designer.rules.engine import check, load_all_rules

__all__ = ["CliError", "main"]

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A usage problem reported as one line on stderr with exit code 2."""


def _load(path: str) -> Design:
    return load(path)


# -- commands ---------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    from designer.cli.output import findings_json, findings_sarif, findings_text

    design = _load(args.file)
    result = check(design)
    if args.format == "json":
        sys.stdout.write(findings_json(result))
    elif args.format == "sarif":
        sys.stdout.write(findings_sarif(result, file=args.file))
    else:
        sys.stdout.write(findings_text(design, result, file=args.file))
    code = EXIT_FINDINGS if result.has_errors else EXIT_OK
    scenarios_hook = getattr(args, "scenarios", False)
    if scenarios_hook:
        runner: Callable[[Design, argparse.Namespace], int] = importlib.import_module(
            "designer.cli.scenarios"
        ).run_saved_scenarios
        code = max(code, runner(design, args))
    return code


def cmd_rules(args: argparse.Namespace) -> int:
    rules = load_all_rules()
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "family": r.family,
                "summary": r.summary,
                "source": r.source,
            }
            for r in rules.values()
        ]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        for r in sorted(rules.values(), key=lambda r: r.code):
            sys.stdout.write(f"{r.code}  {r.severity.value:<7}  {r.name}: {r.summary}\n")
    return EXIT_OK


def cmd_rule(args: argparse.Namespace) -> int:
    rules = load_all_rules()
    code = args.code.upper()
    if code not in rules:
        raise CliError(f"no rule {args.code!r}; `dr-designer rules` lists them")
    r = rules[code]
    sys.stdout.write(f"{r.code} {r.name} ({r.severity.value})\n\n{r.doc}\n")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(envelope_schema(), indent=2, sort_keys=True) + "\n")
    return EXIT_OK


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """A command implemented in another module (the simulator, or Qt for gui/export)."""

    def run(args: argparse.Namespace) -> int:
        command: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(module), function
        )
        return command(args)

    return run


# -- parser -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dr-designer",
        description="Design, check and simulate Exchange disaster recovery on VMware.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="check a design against the rule catalogue")
    p.add_argument("file")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument(
        "--scenarios", action="store_true", help="also re-run the design's saved scenarios"
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("rules", help="list the rule catalogue")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("rule", help="explain one rule")
    p.add_argument("code")
    p.set_defaults(func=cmd_rule)

    p = sub.add_parser("schema", help="print the JSON Schema of design files")
    p.set_defaults(func=cmd_schema)

    for extra in _EXTRA_COMMANDS:
        extra(sub)

    p = sub.add_parser("gui", help="open the designer window (the default)")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=_lazy("designer.ui.app", "run_gui"))
    return parser


#: Hooks that add subcommands (simulate, analyze, export); each takes the subparsers.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _register_optional_commands() -> None:
    for module in ("designer.cli.simulate_cmd", "designer.cli.export_cmd"):
        try:
            hook = importlib.import_module(module).add_parser
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        if hook not in _EXTRA_COMMANDS:
            _EXTRA_COMMANDS.append(hook)


def main(argv: Sequence[str] | None = None) -> int:
    _register_optional_commands()
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        args = parser.parse_args(["gui"])
    try:
        return int(args.func(args))
    except LoadError as exc:
        print(f"dr-designer: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (CliError, DesignError) as exc:
        print(f"dr-designer: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _path(value: str) -> Path:
    return Path(value)


if __name__ == "__main__":
    raise SystemExit(main())
