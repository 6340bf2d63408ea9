"""20,000 ``--fail`` options cost what they say (issue 15: 15 s, quadratic in argparse,
which scans every option string again for each option it consumes)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from designer.cli.argv import split_repeated
from designer.entry import main
from designer.simulation.engine import Simulator

SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "stretched_dag_lagged.json"


@pytest.fixture
def parsed_lengths(monkeypatch):
    """How many strings each argparse parse is handed (its cost grows with their square)."""
    lengths: list[int] = []
    real = argparse.ArgumentParser.parse_args

    def recording(self, args=None, namespace=None):
        lengths.append(len(args or []))
        return real(self, args, namespace)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", recording)
    return lengths


@pytest.fixture
def steps_run(monkeypatch):
    count = {"steps": 0}
    real = Simulator._step

    def counting(self, run, step, number):
        count["steps"] += 1
        return real(self, run, step, number)

    monkeypatch.setattr(Simulator, "_step", counting)
    return count


def test_twenty_thousand_fail_options_bypass_argparses_quadratic_scan(
    capsys, parsed_lengths, steps_run
) -> None:
    argv = ["simulate", str(SAMPLE), "--format", "json"]
    argv += ["--fail", "site-atl", "--fail=site-clt"] * 10_000
    assert main(argv) == 0
    many = capsys.readouterr().out
    assert max(parsed_lengths) <= 4  # the 40,000 strings never reach argparse
    assert steps_run["steps"] == 2  # each element failed once
    assert (
        main(
            [
                "simulate",
                str(SAMPLE),
                "--format",
                "json",
                "--fail",
                "site-atl",
                "--fail",
                "site-clt",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == many


def test_repeated_options_keep_their_order_and_the_rest_its_meaning() -> None:
    rest, taken = split_repeated(
        ["simulate", "d.json", "--fail", "a", "--at", "5", "--restore=a@1h", "--action",
         "x@3", "--fail-on", "mailboxes-lost", "--", "--fail"]
    )  # fmt: skip
    assert rest == [
        "simulate",
        "d.json",
        "--at",
        "5",
        "--fail-on",
        "mailboxes-lost",
        "--",
        "--fail",
    ]
    assert taken == [("fail", "a"), ("restore", "a@1h"), ("action", "x@3")]


def test_a_failure_repeated_after_a_restore_still_counts(capsys) -> None:
    """Only a failure identical to the step before it for that element is dropped."""
    argv = ["simulate", str(SAMPLE), "--format", "json"]
    assert (
        main([*argv, "--fail", "site-atl@0", "--restore", "site-atl@0", "--fail", "site-atl@0"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [s["action"] for s in data["steps"]] == ["fail", "restore", "fail"]


def test_a_command_without_the_option_still_refuses_it(capsys) -> None:
    assert main(["check", str(SAMPLE), "--fail", "site-atl"]) == 2
    assert "unrecognized arguments: --fail site-atl" in capsys.readouterr().err
