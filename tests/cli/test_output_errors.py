"""Output errors (issue 15, "Crashes and hangs"): a full disk, a closed standard output
or an encoding that cannot show a character end in one line and exit code 4 (or, for
a reader that stopped reading, quietly with the command's own code), never in a
traceback or in exit 1, which means "the design has errors". Run through the real
process: the streams are the point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate_design
from designer.domain import (
    Design,
    EsxiHost,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    Site,
    VirtualMachine,
)
from designer.persistence import dumps, save

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "stretched_dag_lagged.json"
THREE_SITES = ROOT / "sample_designs" / "three_site_stretched_dag.json"
EXIT_OUTPUT = 4
#: The console script pip installed next to this Python: the user's door.
SCRIPT = Path(sys.executable).parent / "dr-designer"
#: The commands of the report of a closed standard output (check, rules, simulate,
#: capacity, rename), each with what it writes.
COMMANDS = {
    "check": ["check", THREE_SITES],
    "check-json": ["check", THREE_SITES, "--format", "json"],
    "rules": ["rules"],
    "simulate": ["simulate", SAMPLE, "--fail", "site-atl"],
    "capacity": ["capacity", THREE_SITES],
    "rename": ["rename", THREE_SITES, "--replace", "BOS", "NYC"],
    "rename-o-dash": ["rename", THREE_SITES, "--replace", "BOS", "NYC", "-o", "-"],
}


def dr(
    *argv: str | Path, env: dict[str, str] | None = None, stdout=subprocess.PIPE
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "designer", *map(str, argv)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["check"], ["check", "--format", "sarif"], ["simulate"]])
def test_a_full_disk_on_stdout_is_one_line_and_exit_4(command: list[str]) -> None:
    argv = [command[0], SAMPLE, *command[1:]]
    if command[0] == "simulate":
        argv += ["--fail", "site-atl"]
    with open("/dev/full", "w") as full:
        run = dr(*argv, stdout=full)
    err = run.stderr.decode()
    assert run.returncode == EXIT_OUTPUT, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.count("\n") == 1 and "standard output" in err and "No space left" in err


def test_an_ascii_terminal_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    env = {"PYTHONIOENCODING": "ascii"}
    run = dr("simulate", SAMPLE, "--fail", "site-atl", env=env)
    assert run.returncode == 0, run.stderr.decode()
    out = run.stdout.decode("ascii")  # strictly ASCII
    assert "\\u00a7" in out  # the § of a citation, escaped
    run = dr("check", SAMPLE, "--format", "json", env=env)
    data = json.loads(run.stdout.decode("ascii"))  # the escapes are JSON escapes
    assert run.returncode == 0 and data["summary"] == {"error": 0, "warning": 0, "info": 0}
    run = dr("rule", "DAG001", env=env)
    assert run.returncode == 0 and run.stdout.decode("ascii")


@pytest.mark.parametrize("command", [["rules", "--format", "markdown"], ["check", "-"]])
def test_a_reader_that_went_away_ends_the_command_quietly(command: list[str]) -> None:
    """``dr-designer rules | head -1`` once head has exited: no traceback, no
    "Exception ignored", no message (nobody reads it), and the command's own exit code
    (0; 1 for check of a design with error findings), as when the reader reads it all."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written: EPIPE for sure
    design = erroring_design(1).encode() if command[0] == "check" else b""
    try:
        run = subprocess.run(
            [sys.executable, "-m", "designer", *command],
            input=design,
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert run.stderr.decode() == ""
    assert run.returncode == (1 if command[0] == "check" else 0)


def test_export_onto_a_full_disk_is_exit_4(tmp_path: Path, monkeypatch) -> None:
    """An output error of a command that writes a file: one line naming the file."""
    from designer.entry import main
    from designer.persistence import atomic

    real = atomic._write_all

    def full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", full)
    out = tmp_path / "out.svg"
    code = main(["export", str(SAMPLE), "-o", str(out)])
    assert code == EXIT_OUTPUT
    assert not out.exists() and not list(tmp_path.iterdir())  # no temp file left


def script_in_shell(redirect: str, *argv: str | Path) -> subprocess.CompletedProcess:
    """``dr-designer ARGV REDIRECT`` as a shell runs it (``>&-``, ``2>&-``)."""
    return subprocess.run(
        ["/bin/sh", "-c", f'exec "$@" {redirect}', "sh", str(SCRIPT), *map(str, argv)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


# -- a standard stream closed before the start (issue 15, wave 11) -------------------------
@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_stdout_is_one_line_and_exit_4(command: list[str]) -> None:
    """``dr-designer check FILE >&-`` (``sys.stdout`` is None): one line on stderr and
    exit 4, not "internal error (AttributeError …)" and a traceback."""
    run = script_in_shell(">&-", *command)
    assert run.stderr.decode() == "dr-designer: cannot write standard output: it is closed\n"
    assert run.returncode == EXIT_OUTPUT


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_closed_stderr_changes_nothing(command: list[str]) -> None:
    """``2>&-``: the same output and exit code as with standard error open."""
    run = script_in_shell("2>&-", *command)
    usual = script_in_shell("", *command)
    assert usual.returncode == 0 and usual.stdout and usual.stderr == b""
    assert (run.returncode, run.stdout) == (usual.returncode, usual.stdout)


def test_a_closed_stderr_keeps_messages_off_stdout() -> None:
    """An error with ``2>&-`` is exit 2 as usual, and its message goes nowhere, not into
    the output (``print(file=sys.stderr)`` printed to stdout when stderr was None)."""
    usual = script_in_shell("", "rule", "XX999")
    assert (usual.returncode, usual.stdout) == (2, b"") and b"no rule" in usual.stderr
    run = script_in_shell("2>&-", "rule", "XX999")
    assert (run.returncode, run.stdout) == (2, b"")


@pytest.mark.parametrize("command", [COMMANDS["check"], COMMANDS["rules"], ["--help"]])
def test_both_streams_closed_is_exit_4(command: list[str]) -> None:
    run = script_in_shell(">&- 2>&-", *command)
    assert (run.returncode, run.stdout, run.stderr) == (EXIT_OUTPUT, b"", b"")


# -- a reader that stops early (issue 15, wave 11) ------------------------------------------
def erroring_design(vms: int) -> str:
    """A design with one error finding per VM (VS002 raised to an error): ~108 bytes of
    ``check`` output each."""
    elements = [Site(id="s", name="Boston"), EsxiHost(id="h", name="esx01", site="s")]
    elements += [
        VirtualMachine(id=f"vm{i}", name=f"mbx{i:04d}", host="h", mailboxes=9000)
        for i in range(vms)
    ]
    severities = {"VS002": RuleSeverity(level=RuleLevel.ERROR)}
    return dumps(Design(elements=elements, rules=RuleSettings(severities=severities)))


@pytest.fixture(scope="module")
def designs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("early-reader")
    generated = folder / "generated-2k.json"  # as benchmarks/bench_scale.py makes them
    save(generate_design(2000, seed=0), generated)
    findings = folder / "erroring-1000.json"
    findings.write_text(erroring_design(1000), encoding="utf-8")
    return {"generated": generated, "findings": findings}


#: Outputs of several sizes read one line at a time: under 8 KiB (one write at the end
#: unless unbuffered), under the pipe's 64 KiB (the reader may stop before or after the
#: last write: the bug's two outcomes), and over it (the writer meets EPIPE for sure).
EARLY_READERS = {
    "rules-6k": (["rules"], 0),
    "rules-json-14k": (["rules", "--format", "json"], 0),
    "rules-markdown-62k": (["rules", "--format", "markdown"], 0),
    "schema-68k": (["schema"], 0),
    "capacity-json-generated-2k-90k": (["capacity", "generated", "--format", "json"], 0),
    "check-1000-errors-108k": (["check", "findings"], 1),
}


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(("argv", "code"), EARLY_READERS.values(), ids=EARLY_READERS.keys())
def test_a_reader_that_stops_early_gets_the_commands_own_exit_code(
    argv: list[str], code: int, buffered: bool, designs: dict[str, Path]
) -> None:
    """``dr-designer rules | head -1``: 0 or 4 depending on when head exited (the last
    write before or after it). Now the command's own code, whenever the reader stops,
    with no message: its output is the same as a full read's up to where it stopped."""
    argv = [str(designs.get(arg, arg)) for arg in argv]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    full = subprocess.run([str(SCRIPT), *argv], capture_output=True, cwd=ROOT, env=env)
    assert full.returncode == code and full.stderr == b""
    child = subprocess.Popen(
        [str(SCRIPT), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()  # head -1
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=120) == code, err.decode()
    assert err == b""
    assert first and full.stdout.startswith(first)


# -- a standard error that cannot be written (wave 11) --------------------------------------
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("redirect", "argv", "code"),
    [
        ("2>/dev/full", ["check", "missing.json"], 2),  # was 1: the message's OSError
        (">/dev/full 2>/dev/full", ["rules"], EXIT_OUTPUT),  # was 1
        ("2>/dev/full", ["rule", "XX999"], 2),
        ("2>/dev/full", ["rules"], 0),
    ],
)
def test_an_unwritable_stderr_changes_no_exit_code(
    redirect: str, argv: list[str], code: int
) -> None:
    run = script_in_shell(redirect, *argv)
    assert run.returncode == code


def test_a_stderr_whose_reader_went_away_changes_no_exit_code(tmp_path: Path) -> None:
    """``dr-designer check missing.json 2>&1 | true``: exit 2, not 0 (the message's
    BrokenPipeError was taken for a reader of standard output that went away)."""
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run(
            [str(SCRIPT), "check", str(tmp_path / "missing.json")],
            stdout=write,
            stderr=write,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert run.returncode == 2


def test_an_image_export_to_a_reader_gone_is_exit_0() -> None:
    """``dr-designer export FILE -o - --format svg | head -c 1``: the drawing was made,
    the reader chose to stop: 0 and no message, as for the text commands (was 4)."""
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run(
            [str(SCRIPT), "export", str(SAMPLE), "-o", "-", "--format", "svg"],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            timeout=120,
        )
    finally:
        os.close(write)
    assert (run.returncode, run.stderr) == (0, b"")
