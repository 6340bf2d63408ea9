"""``dr-designer simulate`` and ``dr-designer analyze``: the failure simulator headless.

``simulate FILE --fail X [--fail Y …] [--action NAME[:TARGET][@SECONDS] …] [--at SECONDS]``
fails the elements together at time 0, then takes the administrator actions in order
(at time 0 unless ``@SECONDS`` says when), and reports the state at ``--at`` seconds
(default: once everything has settled).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from designer.cli.main import CliError
from designer.domain.design import ScenarioStep
from designer.persistence import load
from designer.simulation import (
    ADMIN_ACTIONS,
    AnalysisResult,
    SimulationResult,
    Simulator,
    analyze,
)

__all__ = ["add_parser", "cmd_analyze", "cmd_simulate", "format_duration"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``simulate`` and ``analyze`` on the ``dr-designer`` parser."""
    p = subparsers.add_parser("simulate", help="fail elements and show what happens")
    p.add_argument("file")
    p.add_argument(
        "--fail", action="append", default=[], metavar="ELEMENT", help="id or unique name"
    )
    p.add_argument(
        "--action",
        action="append",
        default=[],
        metavar="NAME[:TARGET][@SECONDS]",
        help=f"administrator action after the failures ({', '.join(ADMIN_ACTIONS)})",
    )
    p.add_argument("--at", metavar="SECONDS", help="report the state at this time")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_simulate)

    p = subparsers.add_parser("analyze", help="rank single points of failure (N-1, N-2)")
    p.add_argument("file")
    p.add_argument("--depth", type=int, choices=(1, 2), default=1)
    p.add_argument("--max-pairs", type=int, default=20_000, help="cap on pairs at depth 2")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_analyze)


def _seconds(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{what} must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value < 0 or value > 1e8:
        raise CliError(f"{what} must be between 0 and 100000000 seconds, not {text}")
    return value


def _action_step(sim: Simulator, text: str, at: float) -> ScenarioStep:
    spec, _, when = text.partition("@")
    if when:
        at = _seconds(when, f"time of action {spec!r}")
    name, _, target = spec.partition(":")
    if name not in ADMIN_ACTIONS:
        raise CliError(f"unknown action {name!r}; known: {', '.join(ADMIN_ACTIONS)}")
    if target:
        element = sim.resolve(target)
        target = element if isinstance(element, str) else element.id
    return ScenarioStep(at_s=at, action="admin", admin_action=name, target=target or None)


def cmd_simulate(args: argparse.Namespace) -> int:
    design = load(args.file)
    sim = Simulator(design)
    at = None if args.at is None else _seconds(args.at, "--at")
    steps: list[ScenarioStep] = []
    for key in args.fail:
        element = sim.resolve(key)
        steps.append(
            ScenarioStep(action="fail", target=element if isinstance(element, str) else element.id)
        )
    last = 0.0
    for text in args.action:
        step = _action_step(sim, text, last)
        if step.target is None:
            # Without a target, take the one action of that name the state offers.
            offered = [
                a for a in sim.run(steps, events=False).final.actions if a.name == step.admin_action
            ]
            if len(offered) != 1:
                keys = ", ".join(a.key for a in offered) or "none"
                raise CliError(f"action {step.admin_action} needs a target here (offered: {keys})")
            step = step.model_copy(update={"target": offered[0].target})
        steps.append(step)
        last = step.at_s
    result = sim.run(steps)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(at), indent=2, ensure_ascii=False) + "\n")
    else:
        names = {key: el.name for key, el in sim.index.by_id.items()}
        sys.stdout.write(simulation_text(result, at, names))
    return 0


def format_duration(seconds: float | None) -> str:
    """``69`` → ``"1:09"``; ``4000`` → ``"1:06:40"``; None → ``"—"``.

    Examples
    --------
    >>> format_duration(182)
    '3:02'
    """
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def simulation_text(
    result: SimulationResult, at: float | None = None, names: dict[str, str] | None = None
) -> str:
    """The result as text: timeline, databases, DAGs, sites, mailboxes, actions."""
    data: dict[str, Any] = result.to_json(at)
    names = names or {}
    lines = ["Timeline:"]
    for e in data["events"]:
        source = f"  [{e['source']}]" if e["source"] else ""
        lines.append(f"  {format_duration(e['t']):>8}  {e['text']}{source}")
    lines.append("Databases:")
    for db in data["databases"]:
        on = names.get(db["active_on"], db["active_on"])
        where = f"on {on}" if db["state"] == "active" else f"({db['reason']})"
        targets = "meets targets" if db["meets_targets"] else "misses targets"
        lines.append(
            f"  {db['name']}: {db['state']} {where}; RPO {format_duration(db['rpo_s'])}, "
            f"RTO {format_duration(db['rto_s'])}; {targets}"
        )
    for dag in data["dags"]:
        quorum = "quorum" if dag["quorum"] else "NO quorum"
        lines.append(f"DAG {dag['name']}: {quorum} ({dag['votes']} of {dag['voters']} votes)")
    for site in data["sites"]:
        via = f" via {', '.join(names.get(v, v) for v in site['via'])}" if site["via"] else ""
        lines.append(
            f"Site {site['name']}: {site['users_with_access']:,} of {site['users']:,} users "
            f"with access{via}"
        )
    mailboxes = data["mailboxes"]
    lines.append(f"Mailboxes: {mailboxes['available']:,} of {mailboxes['total']:,} available")
    if data["actions_available"]:
        lines.append("Actions available:")
        lines.extend(f"  {a['key']}  ({a['label']})" for a in data["actions_available"])
    return "\n".join(lines) + "\n"


def cmd_analyze(args: argparse.Namespace) -> int:
    design = load(args.file)
    if args.max_pairs < 1:
        raise CliError("--max-pairs must be at least 1")
    result = analyze(design, args.depth, max_pairs=args.max_pairs)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(analysis_text(result))
    return 0


def analysis_text(result: AnalysisResult) -> str:
    kind = "single points of failure" if result.depth == 1 else "harmful failures"
    lines = [
        f"N-{result.depth} analysis: {result.examined} scenarios examined, "
        f"{len(result.entries)} {kind}" + (" (pairs capped)" if result.truncated else "")
    ]
    for rank, entry in enumerate(result.entries, start=1):
        names = " + ".join(
            f"{n} ({e})" if n != e else e for n, e in zip(entry.names, entry.elements, strict=True)
        )
        details = [f"{entry.mailboxes_affected:,} mailboxes affected"]
        if entry.users_cut_off:
            details.append(f"{entry.users_cut_off:,} users cut off")
        if entry.databases_data_lost:
            details.append(f"data lost in {len(entry.databases_data_lost)} databases")
        if entry.needs_action:
            details.append("needs an administrator")
        lines.append(f"  {rank}. {names}: {', '.join(details)}")
    return "\n".join(lines) + "\n"
