"""``dr-designer capacity`` and ``dr-designer plan-copies``: sizing headless.

``capacity FILE`` prints what each WAN link carries (per direction, in normal operation
and in its worst failure mode), each DAG member's and ESXi host's load with the worst
mode named, MirrorView/A RPOs from the link's share and each log LUN's hours to full.
A design that states no capacity workload (no mailbox profile, no array or LUN change
rate: :func:`~designer.workload.states_workload`) is not sized, as in the window's
Capacity dock and the CAP rules: ``capacity`` says so and how to start (exit 0).
``plan-copies FILE --dag NAME`` proposes activation preferences that spread a failure
evenly and, with ``-o``, writes the design with them (it sizes nothing), the new
databases drawn in free rows of their DAG's box as the window's Apply draws them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from designer.cli.parser import EXIT_FINDINGS, EXIT_OK, EXIT_OUTPUT, STDIN
from designer.cli.reading import CliError, read_design
from designer.domain.design import Design
from designer.text import json_printable, printable

if TYPE_CHECKING:
    from designer.capacity import CopyLayout
    from designer.domain.elements import VirtualDisk

__all__ = ["NOT_SIZED", "cmd_capacity", "cmd_plan_copies"]

#: What ``capacity`` says of a design that states no workload (the Capacity dock's
#: words, with the file's fields for who edits it by hand).
NOT_SIZED = (
    "Not sized: this design states no capacity workload. Give a site, DAG or database a "
    "mailbox profile (the window's Inspector, or mailbox_profile in the file), or an "
    "array or LUN a change rate (change_rate_gb_per_hour), to size links and servers for "
    "every failure mode."
)


def cmd_capacity(args: argparse.Namespace) -> int:
    from designer.capacity import capacity
    from designer.workload import states_workload, unsized_site_figures

    design = read_design(args.file)
    if not states_workload(design):
        # Sized, it would report the site change rates' MirrorView/A fallback alone,
        # where the window, the CAP rules and the review report say "not sized".
        sites = unsized_site_figures(design)  # (what the sites' figures are for)
        notes = [NOT_SIZED, sites] if sites else [NOT_SIZED]
        if args.format == "json":
            empty: dict[str, object] = {
                "sized": False,
                **{key: [] for key in ("links", "members", "log_luns", "hosts", "mirrorview_a")},
                "notes": notes,
            }
            sys.stdout.write(json.dumps(empty, indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write("\n".join(notes) + "\n")
        return EXIT_OK
    if args.format == "text":
        design = _printable_names(design)
    report = capacity(design, modes="normal" if args.mode == "normal" else "all")
    all_modes = args.mode == "all"
    if args.format == "json":
        text = json.dumps(report.to_json(all_modes=all_modes), indent=2, ensure_ascii=False)
        sys.stdout.write(json_printable(text) + "\n")
    else:
        sys.stdout.write(report.to_text(all_modes=all_modes))
    over = any(link.over_budget_normal() for link in report.links) or any(
        m.sizing(m.normal, report.figures).over for m in report.members
    )
    return EXIT_FINDINGS if over else EXIT_OK


def _printable_names(design: Design) -> Design:
    """``design`` with its elements' names shown printable (control and bidi characters
    as escapes) for a text report: every line that names an element, a mode or a stream
    takes the name from here."""
    elements = [
        e if printable(e.name) == e.name else e.model_copy(update={"name": printable(e.name)})
        for e in design.elements
    ]
    if all(a is b for a, b in zip(elements, design.elements, strict=True)):
        return design
    return design.model_copy(update={"elements": elements})


def _copies_per_site(values: list[str] | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for value in values or []:
        site, sep, count = value.rpartition("=")
        if not sep or not site or not count.isdigit():
            raise CliError(f"--copies {value!r}: expected SITE=N (a site and a number of copies)")
        found[site] = int(count)
    return found


def _planned(design: Design, layout: CopyLayout) -> Design:
    """``design`` with ``layout`` applied as the window's Apply does it (one command
    for both): the new databases drawn in free rows of their DAG's box, which grows
    round them."""
    from designer.document import Document, EditError
    from designer.document.gestures import plan_copies_command

    doc = Document(design)
    command = plan_copies_command(doc, layout)
    if command is not None:
        try:
            command.redo(doc)
        except EditError as exc:
            raise CliError(f"cannot apply the plan of {layout.dag.name}: {exc}") from exc
    return doc.design


def _disk_json(disk: VirtualDisk, names: dict[str, str], layout: CopyLayout) -> dict[str, object]:
    """A disk the plan adds or removes, as ``plan-copies --format json`` lists it."""
    return {
        "id": disk.id,
        "name": disk.name,
        "member": names.get(disk.vm, disk.vm),
        "database": layout.names.get(disk.database or "", disk.database),
        "purpose": disk.purpose.value,
        "lun": names.get(disk.lun or "", disk.lun),
        "size_gb": disk.size_gb,
    }


def cmd_plan_copies(args: argparse.Namespace) -> int:
    from designer.capacity import plan_copies
    from designer.capacity.layout import own_numbers
    from designer.persistence import dumps, save

    design = read_design(args.file)
    if args.databases is not None and args.databases < 1:
        raise CliError(f"--databases {args.databases}: expected a number of databases ≥ 1")
    # Exchange's ReplayLagTime is at most 14 days (the window's plan offers 0.5–14);
    # written so that NaN fails too.
    if args.lag_days is not None and not 0 < args.lag_days <= 14:
        raise CliError(
            f"--lag-days {args.lag_days:g}: expected a replay lag of more than 0 and at most "
            "14 days (Exchange's limit)"
        )
    # What is not asked is the DAG's own numbers, as the window's Plan copies… starts:
    # a DAG planned as it stands keeps its copies per site and its lagged copies.
    copies_in, lagged, lag_days = own_numbers(design, args.dag)
    asked = _copies_per_site(args.copies)
    layout = plan_copies(
        design,
        args.dag,
        databases=args.databases,
        copies_per_site={**copies_in, **asked},  # a site asked for by name or id wins
        lagged=lagged if args.lagged is None else args.lagged,
        lag_days=lag_days if args.lag_days is None else args.lag_days,
    )
    planned = _planned(design, layout)
    names = {e.id: e.name for e in design.elements}
    if args.output == STDIN:
        sys.stdout.write(dumps(planned))
        return EXIT_OK
    if args.format == "json":
        data = {
            "dag": layout.dag.name,
            "databases": [
                {
                    "id": db_id,
                    "name": name,
                    "new": any(db.id == db_id for db in layout.new_databases),
                    "copies": [
                        {
                            "member": names.get(c.member, c.member),
                            "activation_preference": c.activation_preference,
                            "replay_lag_days": c.replay_lag_days,
                        }
                        for c in layout.copies[db_id]
                    ],
                }
                for db_id, name in layout.names.items()
            ],
            # The disks the copies new to their members get (wave 21): where each lands;
            # and the disks the copies taken off their members leave, removed (wave 22).
            "disks": [_disk_json(disk, names, layout) for disk in layout.disks],
            "removed_disks": [_disk_json(disk, names, layout) for disk in layout.removed_disks],
            # The database disks of the databases the plan shrinks, resized (wave 22).
            "resized_disks": [_disk_json(disk, names, layout) for disk in layout.resized_disks],
            "notes": layout.cli_notes,
        }
        sys.stdout.write(json_printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        rows = [[printable(cell) for cell in row] for row in layout.table(names)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            sys.stdout.write(line.rstrip())  # the last column is not padded
            sys.stdout.write("\n")
        for note in layout.cli_notes:
            sys.stdout.write(f"note: {printable(note)}\n")
    if args.output:
        try:
            save(planned, args.output)
        except OSError as exc:
            print(
                f"dr-designer: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
            )
            return EXIT_OUTPUT
    return EXIT_OK
