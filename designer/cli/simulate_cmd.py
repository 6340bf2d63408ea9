"""``dr-designer simulate`` and ``dr-designer analyze``: the failure simulator headless
(their options: :mod:`designer.cli.parser` with :mod:`designer.cli.timed_options`).

``simulate FILE`` takes a timed sequence of steps, the same steps the designer window
and saved scenarios use, each at ``@TIME`` (seconds, or ``2h``, ``45m``, ``1h30m``;
time 0 when left out)::

    --fail X@7200 --restore X@9000 --corrupt DB@60 --fail-guest VM@300
    --degrade LINK:latency=20ms,bandwidth=10@0 --action NAME[:TARGET][@TIME]
    --recovery-point DB=TIME

An administrator action without a time runs as soon as it is possible (after the steps
before it); ``--recovery-point`` picks the point a lagged copy of DB is recovered to.
The state is reported at ``--at TIME`` (default: once everything has settled);
``--fail-on mailboxes-lost|targets-missed`` exits 1 when the outcome meets it.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Sequence
from typing import Any

from designer.cli.reading import CliError, read_design
from designer.cli.timed_options import FAIL_ON, add_fail_on_option, add_timed_step_options
from designer.domain.design import ScenarioStep
from designer.domain.words import natural_key
from designer.simulation import (
    ADMIN_ACTIONS,
    AnalysisResult,
    SimulationResult,
    Simulator,
    StepState,
    analyze,
)
from designer.text import json_printable, printable, printable_data

__all__ = [
    "FAIL_ON",
    "add_fail_on_option",
    "add_timed_step_options",
    "cmd_analyze",
    "cmd_simulate",
    "format_duration",
    "parse_duration",
    "timed_steps",
]

_EXIT_FAIL_ON = 1


_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "min": 60.0, "s": 1.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|min|m|s)")


def parse_duration(text: str, what: str, *, negative: bool = False) -> float:
    """``"7200"``, ``"2h"``, ``"45m"``, ``"1h30m"``, ``"90s"`` → seconds.

    Examples
    --------
    >>> parse_duration("1h30m", "time"), parse_duration("45m", "time")
    (5400.0, 2700.0)
    """
    raw = text.strip().lower()
    sign = 1.0
    if negative and raw.startswith("-"):
        sign, raw = -1.0, raw[1:].strip()
    value: float | None
    try:
        value = float(raw)
    except ValueError:
        parts = _DURATION.findall(raw)
        joined = "".join(f"{n}{u}" for n, u in parts)
        value = (
            sum(float(n) * _UNITS[u] for n, u in parts)
            if parts and joined == raw.replace(" ", "")
            else None
        )
    if value is None:
        raise CliError(f"{what} must be seconds or a duration like 2h, 45m, 1h30m, not {text!r}")
    if not math.isfinite(value) or value < 0 or value > 1e8:
        raise CliError(f"{what} must be between 0 and 100000000 seconds, not {text}")
    return sign * value


def _split_time(text: str, what: str) -> tuple[str, float | None]:
    """``"X@2h"`` → ``("X", 7200.0)``; ``"X"`` → ``("X", None)``."""
    head, sep, tail = text.rpartition("@")
    if not sep:
        return text, None
    return head, parse_duration(tail, f"time of {what} {head!r}")


def _element(sim: Simulator, key: str) -> str:
    found = sim.resolve(key)
    return found if isinstance(found, str) else found.id


_QUANTITY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z/]*)\s*$")


def _degradation(text: str) -> dict[str, Any]:
    """``"latency=20ms,bandwidth=10Mbps"`` (or ``down=a_to_b`` / ``down=FROM>TO``) → the
    step's fields (a direction still to be resolved against the link)."""
    fields: dict[str, Any] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if name == "down" and sep:
            fields["failed_direction"] = value.strip()
            continue
        match = _QUANTITY.match(value.lower())
        if not sep or match is None:
            raise CliError(f"--degrade expects latency=MS or bandwidth=MBPS, not {part!r}")
        number, unit = float(match.group(1)), match.group(2)
        if name in ("latency", "rtt") and unit in ("", "ms"):
            fields["latency_ms"] = number
        elif name == "bandwidth" and unit in ("", "mbps", "mbit/s", "mbit"):
            if number <= 0:
                raise CliError("--degrade bandwidth must be above 0 Mbit/s")
            fields["bandwidth_mbps"] = number
        elif name == "bandwidth" and unit in ("gbps", "gbit/s"):
            fields["bandwidth_mbps"] = number * 1000.0
        else:
            raise CliError(
                f"--degrade: unknown setting {part!r} (latency=20ms, bandwidth=10Mbps, "
                "down=FROM>TO)"
            )
    return fields


def _direction(sim: Simulator, link_id: str, text: str) -> str:
    """``a_to_b``, ``b_to_a`` or ``FROM>TO`` (sites by id or name) of a link."""
    if text in ("a_to_b", "b_to_a"):
        return text
    start, sep, end = text.partition(">")
    link = sim.prep.links[link_id]
    if sep:
        ends = (_element(sim, start.strip()), _element(sim, end.strip()))
        if ends == (link.site_a, link.site_b):
            return "a_to_b"
        if ends == (link.site_b, link.site_a):
            return "b_to_a"
    raise CliError(
        f"--degrade down={text!r}: expected a_to_b, b_to_a or FROM>TO between the sites "
        f"of {link.name}"
    )


def timed_steps(sim: Simulator, args: argparse.Namespace) -> list[ScenarioStep]:
    """The scenario of the timed options, in time order (command-line order at equal
    times); an action with neither time nor target takes the one action of that name
    the state before it offers."""
    points: dict[str, float] = {}
    for text in getattr(args, "recovery_point", []) or []:
        db, sep, when = text.rpartition("=")
        if not sep or not db:
            raise CliError(f"--recovery-point expects DATABASE=TIME, not {text!r}")
        points[_element(sim, db)] = parse_duration(when, "--recovery-point", negative=True)
    steps: list[tuple[float, int, ScenarioStep]] = []
    last = 0.0
    for order, (kind, text) in enumerate(getattr(args, "timed", []) or []):
        if kind == "action":
            step = _action_step(sim, text, last, [s for _, _, s in sorted(steps)], points)
        elif kind == "degrade":
            spec, at = _split_time(text, "--degrade")
            link, sep, settings = spec.rpartition(":")
            if not sep:
                raise CliError(f"--degrade expects LINK:latency=MS, not {text!r}")
            target = _element(sim, link)
            fields = _degradation(settings)
            if "failed_direction" in fields:
                fields["failed_direction"] = _direction(sim, target, fields["failed_direction"])
            step = ScenarioStep(at_s=at or 0.0, action="degrade", target=target, **fields)
        else:
            spec, at = _split_time(text, f"--{kind.replace('_', '-')}")
            action = {"fail_guest": "guest_os_failure"}.get(kind, kind)
            step = ScenarioStep(at_s=at or 0.0, action=action, target=_element(sim, spec))
        last = max(last, step.at_s)
        steps.append((step.at_s, order, step))
    ordered = [step for _, _, step in sorted(steps, key=lambda item: (item[0], item[1]))]
    # The same failure again right after itself changes nothing: simulate it once (a
    # script may repeat --fail X thousands of times).
    previous: dict[str | None, ScenarioStep] = {}
    kept: list[ScenarioStep] = []
    for step in ordered:
        if step.action == "fail" and previous.get(step.target) == step:
            continue
        previous[step.target] = step
        kept.append(step)
    return kept


def _action_step(
    sim: Simulator,
    text: str,
    last: float,
    before: list[ScenarioStep],
    points: dict[str, float],
) -> ScenarioStep:
    spec, at = _split_time(text, "--action")
    name, _, target = spec.partition(":")
    if name not in ADMIN_ACTIONS:
        raise CliError(f"unknown action {name!r}; known: {', '.join(ADMIN_ACTIONS)}")
    target = _element(sim, target) if target else ""
    if not target:
        # Without a target, take the one action of that name the state offers.
        offered = [a for a in sim.run(before, events=False).final.actions if a.name == name]
        if len(offered) != 1:
            keys = ", ".join(a.key for a in offered) or "none"
            raise CliError(f"action {name} needs a target here (offered: {keys})")
        target = offered[0].target
    return ScenarioStep(
        at_s=last if at is None else at,
        action="admin",
        admin_action=name,
        target=target,
        recovery_point_s=points.get(target) if name == "activate_lagged_copy" else None,
    )


def fail_on_problems(conditions: Sequence[str], sim: Simulator, final: StepState) -> list[str]:
    """Which ``--fail-on`` conditions the final state meets, as messages."""
    met: list[str] = []
    if "mailboxes-lost" in conditions and final.mailboxes_available < sim.base_available:
        lost = sim.base_available - final.mailboxes_available
        met.append(
            f"mailboxes-lost: {lost:,} of {sim.base_available:,} mailboxes are unavailable "
            "at the end"
        )
    if "targets-missed" in conditions:
        missed = [db.name for db in final.databases if not db.meets_targets]
        if missed:
            met.append(
                f"targets-missed: {len(missed)} database{'s' if len(missed) != 1 else ''} "
                f"miss their RPO/RTO target ({', '.join(missed[:5])}"
                + (", …)" if len(missed) > 5 else ")")
            )
    return met


def cmd_simulate(args: argparse.Namespace) -> int:
    design = read_design(args.file)
    sim = Simulator(design)
    at = None if args.at is None else parse_duration(args.at, "--at")
    steps = timed_steps(sim, args)
    result = sim.run(steps)
    if args.format == "json":
        data = _by_name(result.to_json(at))
        data["steps"] = [s.model_dump(mode="json", exclude_none=True) for s in steps]
        sys.stdout.write(json_printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
    else:
        names = {key: el.name for key, el in sim.index.by_id.items()}
        sys.stdout.write(simulation_text(result, at, names))
    final = result.final if at is None else result.state_at(at)
    met = fail_on_problems(getattr(args, "fail_on", []) or [], sim, final)
    for message in met:
        print(f"dr-designer: --fail-on {message}", file=sys.stderr)
    return _EXIT_FAIL_ON if met else 0


def _by_name(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its databases by name in natural order, as the window's Results
    and the review report list them (the simulator keeps the ids' order, which puts a
    plan's new databases first)."""
    data["databases"].sort(key=lambda db: natural_key(db["name"]))
    return data


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
    # Names come from the design file: every string shown is escaped (printable).
    data: dict[str, Any] = printable_data(_by_name(result.to_json(at)))
    names = {key: printable(name) for key, name in (names or {}).items()}
    lines = ["Timeline:"]
    for e in data["events"]:
        source = f"  [{e['source']}]" if e["source"] else ""
        lines.append(f"  {format_duration(e['t']):>8}  {e['text']}{source}")
    lines.append("Databases:")
    for db in data["databases"]:
        on = names.get(db["active_on"], db["active_on"])
        where = f"on {on}" if db["state"] == "active" else f"({db['reason']})"
        targets = "meets targets" if db["meets_targets"] else "misses targets"
        # Passive copies behind (a short link's queue): not data lost until a failover.
        behind = db.get("copies_behind_s")
        queue = f"; copies {format_duration(behind)} behind" if behind else ""
        lines.append(
            f"  {db['name']}: {db['state']} {where}; RPO {format_duration(db['rpo_s'])}, "
            f"RTO {format_duration(db['rto_s'])}; {targets}{queue}"
        )
    for dag in data["dags"]:
        quorum = "quorum" if dag["quorum"] else "NO quorum"
        lines.append(f"DAG {dag['name']}: {quorum} ({dag['votes']} of {dag['voters']} votes)")
    # A site that states no users (a recovery or witness datacenter) has nothing to say
    # here ("0 of 0 users with access"); JSON keeps every site.
    for site in (s for s in data["sites"] if s["users"]):
        via = f" via {', '.join(names.get(v, v) for v in site['via'])}" if site["via"] else ""
        lines.append(
            f"Site {site['name']}: {site['users_with_access']:,} of {site['users']:,} users "
            f"with access{via}"
        )
    mailboxes = data["mailboxes"]
    lines.append(f"Mailboxes: {mailboxes['available']:,} of {mailboxes['total']:,} available")
    if data["actions_available"]:
        lines.append("Actions available:")
        lines.extend(
            f"  {a['key']}  ({a['label']}"
            + (f"; possible from {format_duration(a['since_s'])}" if a["since_s"] else "")
            + ")"
            for a in data["actions_available"]
        )
    return "\n".join(lines) + "\n"


def cmd_analyze(args: argparse.Namespace) -> int:
    design = read_design(args.file)
    if args.max_pairs < 1:
        raise CliError("--max-pairs must be at least 1")
    result = analyze(design, args.depth, max_pairs=args.max_pairs)
    if args.format == "json":
        text = json.dumps(result.to_json(), indent=2, ensure_ascii=False)
        sys.stdout.write(json_printable(text) + "\n")
    else:
        sys.stdout.write(analysis_text(result))
    conditions = getattr(args, "fail_on", []) or []
    met: list[str] = []
    if "mailboxes-lost" in conditions:
        losing = [e for e in result.entries if e.mailboxes_unavailable]
        if losing:
            met.append(
                f"mailboxes-lost: {len(losing)} failure{'s' if len(losing) != 1 else ''} "
                f"leave mailboxes unavailable (worst: {' + '.join(losing[0].names)})"
            )
    if "targets-missed" in conditions:
        missing = [e for e in result.entries if e.databases_missing_targets]
        if missing:
            met.append(
                f"targets-missed: {len(missing)} failure{'s' if len(missing) != 1 else ''} "
                f"leave databases beyond their RPO/RTO target (worst: "
                f"{' + '.join(missing[0].names)})"
            )
    for message in met:
        print(f"dr-designer: --fail-on {message}", file=sys.stderr)
    return _EXIT_FAIL_ON if met else 0


def analysis_text(result: AnalysisResult) -> str:
    kind = "single points of failure" if result.depth == 1 else "harmful failures"
    lines = [
        f"N-{result.depth} analysis: {result.examined:,} scenarios examined, "
        f"{len(result.entries):,} {kind}" + (" (pairs capped)" if result.truncated else "")
    ]
    for rank, entry in enumerate(result.entries, start=1):
        names = printable(
            " + ".join(
                f"{n} ({e})" if n != e else e
                for n, e in zip(entry.names, entry.elements, strict=True)
            )
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
