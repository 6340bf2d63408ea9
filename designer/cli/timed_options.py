"""The options of a timed ``simulate`` scenario and of ``--fail-on``, apart from the
commands: building the parser needs no simulator (``dr-designer check`` stays light)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

TYPE_CHECKING = False  # typing itself is not imported: `--help` starts without it
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "EXIT_CODES",
    "FAIL_ON",
    "SIMULATE_DESCRIPTION",
    "add_fail_on_option",
    "add_timed_step_options",
]

SIMULATE_DESCRIPTION = """\
Run a timed scenario: the same steps as the designer window and saved scenarios, each
at @TIME (seconds, or 2h, 45m, 1h30m; 0 when left out), for example

  --fail wan-1@0 --restore wan-1@1h --fail site-bos@2h --action run_recovery_plan:rp-1
  --corrupt DB01@60 --action activate_lagged_copy:DB01@10m --recovery-point DB01=30s
  --fail-guest MBX01@5m --degrade wan-1:latency=20ms,bandwidth=10Mbps@0

An administrator action without a time runs as soon as it is possible. The state is
reported at --at TIME (default: once everything has settled)."""

EXIT_CODES = """\
exit codes:
  0  done, no --fail-on condition met
  1  a --fail-on condition was met (mailboxes lost, or a database beyond its target)
  2  the design cannot be read, an element is unknown, or an option is wrong
  3  internal error (a bug)
  4  the output cannot be written"""

#: ``--fail-on`` conditions (exit code 1 when met).
FAIL_ON = ("mailboxes-lost", "targets-missed")


class _Timed(argparse.Action):
    """Collect the timed step options in command-line order (``args.timed``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        steps = list(getattr(namespace, "timed", None) or [])
        steps.append((self.dest, str(values)))
        namespace.timed = steps


def add_timed_step_options(p: argparse.ArgumentParser) -> None:
    """The options of a timed scenario on ``simulate``."""
    p.set_defaults(timed=[])
    for option, meta, text in (
        ("--fail", "ELEMENT[@TIME]", "fail an element (id or unique name)"),
        ("--restore", "ELEMENT[@TIME]", "bring a failed or degraded element back"),
        ("--corrupt", "DATABASE[@TIME]", "inject logical corruption into a database"),
        ("--fail-guest", "VM[@TIME]", "fail a VM's guest OS (HA VM monitoring may reset it)"),
        (
            "--degrade",
            "LINK:latency=MS,bandwidth=MBPS,down=FROM>TO[@TIME]",
            "change a WAN link's round trip (20ms) or bandwidth (10Mbps), or fail one "
            "direction of it (down=Boston>Worcester)",
        ),
        (
            "--action",
            "NAME[:TARGET][@TIME]",
            "administrator action (those the state offers; simulate lists them); without a "
            "time it runs as soon as it is possible",
        ),
    ):
        p.add_argument(option, action=_Timed, dest=option[2:].replace("-", "_"), metavar=meta,
                       help=f"{text}; TIME in seconds or 2h, 45m, 1h30m")  # fmt: skip
    p.add_argument(
        "--recovery-point",
        action="append",
        default=[],
        metavar="DATABASE=TIME",
        help="the point a lagged copy is recovered to (may be negative: before time 0)",
    )


def add_fail_on_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--fail-on",
        action="append",
        default=[],
        choices=FAIL_ON,
        help="exit 1 when mailboxes are lost or a database misses its RPO/RTO target",
    )
