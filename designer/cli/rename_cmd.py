"""``dr-designer rename FILE --replace OLD NEW``: find and replace in element names.

The window's Edit > Replace in Names… headless (:mod:`designer.document.renaming`):
it lists each name that changes (``site BOS → NYC``) and, with ``-o OUT``, writes the
design renamed (atomically; ``-o -``: the design alone on standard output). A new name
another element of its kind keeps, two elements given one name, or a name left empty is
refused: each on a line of stderr naming the elements, nothing written, exit 2. No name
containing OLD is exit 1, nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys

from designer.cli import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, EXIT_OUTPUT, STDIN
from designer.cli.reading import CliError, read_design
from designer.domain.words import plural
from designer.text import json_printable, printable

__all__ = ["cmd_rename"]


def _kinds(asked: list[str] | None) -> list[str] | None:
    """The kinds of ``--kind`` (a kind as the file spells it, ``esxi_host``, or as the
    window labels it, ``ESXi host``)."""
    if not asked:
        return None
    from designer.domain.kinds import KINDS

    by_word: dict[str, str] = {}
    for kind, info in KINDS.items():
        by_word[kind] = kind
        by_word[info.label.lower()] = kind
        by_word[info.label.lower().replace(" ", "_")] = kind
    found: list[str] = []
    for word in asked:
        found_kind = by_word.get(word.strip().lower())
        if found_kind is None:
            raise CliError(
                f"--kind {printable(word)!r}: no such kind; the kinds are "
                + ", ".join(sorted(KINDS))
            )
        found.append(found_kind)
    return list(dict.fromkeys(found))


def cmd_rename(args: argparse.Namespace) -> int:
    from designer.document import Document, EditError
    from designer.document.renaming import NameQuery, plan_renames
    from designer.domain.kinds import KINDS
    from designer.persistence import dumps, save

    old, new = args.replace
    if not old:
        raise CliError("--replace: the text to find is empty")
    kinds = _kinds(args.kind)
    design = read_design(args.file)
    doc = Document(design)
    query = NameQuery(old, new, match_case=not args.ignore_case, whole_word=args.whole_word)
    plan = plan_renames(doc, query, kinds=kinds)
    if plan.problems:
        for problem in plan.problems:
            print(f"dr-designer: cannot rename: {printable(problem)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not plan.changes:
        where = f" of a {' or '.join(KINDS[k].label for k in kinds)}" if kinds else ""
        print(f"dr-designer: no name{where} contains {printable(old)!r}", file=sys.stderr)
        return EXIT_FINDINGS
    command = plan.command()
    assert command is not None
    try:
        command.redo(doc)
    except EditError as exc:  # what the plan did not foresee: refused, nothing written
        print(f"dr-designer: cannot rename: {printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.output == STDIN:
        sys.stdout.write(dumps(doc.design))
        return EXIT_OK
    if args.format == "json":
        data = {
            "changes": [
                {"id": c.element.id, "kind": c.element.kind, "old": c.old, "new": c.new}
                for c in plan.changes
            ],
            "written": args.output or None,
        }
        sys.stdout.write(json_printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        for change in plan.changes:
            sys.stdout.write(
                f"{change.kind_label} {printable(change.old)} → {printable(change.new)}\n"
            )
        n = len(plan.changes)
        said = (
            f"{plural(n, 'name')} changed, written to {args.output}"
            if args.output
            else f"{plan.summary()} (not written: no -o)"
        )
        sys.stdout.write(printable(said) + "\n")
    if args.output:
        try:
            save(doc.design, args.output)
        except OSError as exc:
            print(
                f"dr-designer: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
            )
            return EXIT_OUTPUT
    return EXIT_OK
