"""A big design file's keys counted by a child process (``designer.bytecheck``), its
answers taken by the load that follows only for the very bytes it loads: the same
design or the same message as a load without it; a child that is late, missing,
failed, or read other bytes changes nothing but who counts; no child is left running
or unreaped (the window's door: tests/ui/test_open_byte_check.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from design_reads import count_guard

from designer import bytecheck
from designer.domain.structure import child_plan
from designer.persistence import (
    LoadError,
    file_format,
    forget_read_ahead,
    load,
    load_with_stamp,
    read_ahead,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


@pytest.fixture(autouse=True)
def every_file_gets_a_child(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Children for the samples' small files too; none left behind by a test."""
    monkeypatch.setattr(bytecheck, "CHILD_FROM_BYTES", 0)
    yield
    forget_read_ahead()
    assert bytecheck._STARTED == []


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "design.json"
    shutil.copyfile(SAMPLES[0], path)
    return path


@pytest.fixture
def counted_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The loader's own counts (the guard's two sides)."""
    return count_guard(monkeypatch)


def _answered() -> bytecheck.ByteCheck:
    """The child started last, told the structure's plan (as the loader tells it), once
    it has said all it will say."""
    (check,) = bytecheck._STARTED
    check.tell(child_plan())
    assert check.ended(60)
    return check


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _with_key_twice(path: Path) -> None:
    """The file with one element's ``notes`` given twice (pydantic-core keeps the last)."""
    text = path.read_text(encoding="utf-8")
    at = text.index('"notes": ')
    path.write_text(text[:at] + '"notes": "first",\n' + text[at:], encoding="utf-8")


def _outcome(path: Path) -> object:
    """What a load without a child makes of ``path``: its design, or its message."""
    try:
        return load(path)
    except LoadError as exc:
        return str(exc)


def _outcome_with_child(path: Path) -> object:
    read_ahead(path)
    _answered()
    try:
        return load_with_stamp(path)[0]
    except LoadError as exc:
        return str(exc)


def test_the_child_says_the_digest_the_colons_and_that_no_key_is_twice(sample: Path) -> None:
    bytecheck.start(sample)
    check = _answered()
    raw = sample.read_bytes()
    assert check.process.returncode == 0
    colons = raw.count(b'":')
    assert check.lines == [f"{_digest(sample)} {colons}", "unique", "whole"]
    said = check.answer(_digest(sample))
    assert said == bytecheck.Answer(True, bytecheck.quoted_colons(raw), True, True)
    assert check.answer("0" * 64) == bytecheck.Answer()  # other bytes: nothing said
    check.close()


@pytest.mark.parametrize(
    ("spoil", "verdict"),
    [
        (_with_key_twice, ["repeated"]),
        (lambda p: p.write_bytes(p.read_bytes()[:-40]), ["unknown"]),  # cut off: not JSON
        (lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes()), ["unique", "whole"]),
        (
            lambda p: p.write_text(p.read_text("utf-8").replace('"notes":', '"notes" :')),
            ["unique", "whole"],
        ),
    ],
    ids=["key twice", "truncated", "byte-order mark", "spaced key"],
)
def test_the_load_with_the_childs_answer_is_the_load_without_it(
    sample: Path, spoil: object, verdict: list[str]
) -> None:
    spoil(sample)  # type: ignore[operator]
    expected = _outcome(sample)
    assert _outcome_with_child(sample) == expected
    bytecheck.start(sample)
    assert _answered().lines[1:] == verdict


def test_the_loader_counts_nothing_once_the_child_has_answered(
    sample: Path, counted_here: list[str]
) -> None:
    expected = load(sample)
    counted_here.clear()
    read_ahead(sample)
    check = _answered()
    design, _ = load_with_stamp(sample)
    assert design == expected
    assert counted_here == []  # neither side of the guard: the child said "unique"
    assert check.ended(10) and check.process.returncode == 0  # reaped after the load


def test_a_spaced_key_the_guard_sends_the_full_way_is_read_fast_with_the_answer(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample.write_text(sample.read_text("utf-8").replace('"name":', '"name" :'), "utf-8")
    expected = load(sample)
    monkeypatch.setattr(file_format, "_full_loads", lambda *a, **k: pytest.fail("full path"))
    assert _outcome_with_child(sample) == expected


def test_the_childs_colons_alone_are_taken_when_it_has_not_said_more(
    sample: Path, counted_here: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = sample.read_bytes()
    first_line = f"{_digest(sample)} {bytecheck.quoted_colons(raw)}"
    # A child that says its first line and then takes its time.
    script = f"import sys, time; print({first_line!r}, flush=True); time.sleep(60)"
    monkeypatch.setattr(bytecheck, "_command", lambda path: [sys.executable, "-c", script])
    expected = load(sample)
    counted_here.clear()
    read_ahead(sample)
    check = bytecheck._STARTED[0]
    deadline = time.monotonic() + 30
    while not check.lines and time.monotonic() < deadline:
        time.sleep(0.01)
    assert load_with_stamp(sample)[0] == expected
    assert counted_here == ["keys"]  # the colons were the child's
    assert check.ended(10)  # ended by the load, and reaped


@pytest.mark.parametrize(
    "command",
    [
        "import time; time.sleep(60)",  # slow: says nothing by the load's time
        "print('garbage', flush=True); raise SystemExit(3)",  # fails
        "print('f' * 64 + ' 12', flush=True); print('unique', flush=True)",  # other bytes
    ],
    ids=["slow", "failed", "other bytes"],
)
def test_without_an_answer_for_its_bytes_the_loader_counts_itself(
    sample: Path, counted_here: list[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    _with_key_twice(sample)  # what the child would not be trusted to see
    expected = _outcome(sample)
    assert "duplicate key 'notes'" in str(expected)
    monkeypatch.setattr(bytecheck, "_command", lambda path: [sys.executable, "-c", command])
    counted_here.clear()
    read_ahead(sample)
    check = bytecheck._STARTED[0]
    if command.startswith("print"):
        _answered()
    began = time.monotonic()
    try:
        load_with_stamp(sample)
    except LoadError as exc:
        assert str(exc) == expected
    else:
        pytest.fail("the duplicate key was not refused")
    assert time.monotonic() - began < 20  # not waited for
    assert counted_here == ["colons", "keys"]
    assert check.ended(10)  # ended by the load, and reaped


def test_a_child_that_cannot_start_changes_nothing(
    sample: Path, counted_here: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = load(sample)
    counted_here.clear()
    monkeypatch.setattr(bytecheck, "_command", lambda path: [str(sample.parent / "no-python")])
    read_ahead(sample)
    assert bytecheck._STARTED == []
    assert load_with_stamp(sample)[0] == expected
    assert counted_here == ["colons", "keys"]
    monkeypatch.setattr(bytecheck, "_command", lambda path: None)  # a frozen application
    read_ahead(sample)
    assert bytecheck._STARTED == []


def test_a_file_changed_after_the_child_read_it_is_counted_by_the_loader(
    sample: Path, counted_here: list[str]
) -> None:
    bytecheck.start(sample)
    _answered()  # "unique", of the file as it was
    _with_key_twice(sample)
    expected = _outcome(sample)
    counted_here.clear()
    read_ahead(sample)  # the same file: the child already started for it is kept
    assert len(bytecheck._STARTED) == 1
    with pytest.raises(LoadError) as refused:
        load_with_stamp(sample)
    assert str(refused.value) == expected
    assert counted_here == ["colons", "keys"]


def test_a_child_no_load_takes_is_ended_and_reaped(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        bytecheck, "_command", lambda path: [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    bytecheck.start(sample)
    (check,) = bytecheck._STARTED
    pid = check.process.pid
    began = time.monotonic()
    forget_read_ahead()
    assert time.monotonic() - began < 10
    assert bytecheck._STARTED == []
    assert check.ended(10)  # reaped: no zombie
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_another_file_ends_the_child_of_the_first(sample: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    shutil.copyfile(SAMPLES[1], other)
    bytecheck.start(sample)
    (first,) = bytecheck._STARTED
    bytecheck.start(other)
    (second,) = bytecheck._STARTED
    assert second is not first and second.path == str(other)
    assert first.ended(10)


def test_small_files_get_no_child(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytecheck, "CHILD_FROM_BYTES", sample.stat().st_size + 1)
    bytecheck.start(sample)
    assert bytecheck._STARTED == []
    bytecheck.start(sample.parent / "missing.json")  # no such file: nothing either
    assert bytecheck._STARTED == []


def test_the_child_runs_on_the_standard_library_alone(sample: Path) -> None:
    """Its script is this module's file, run isolated (no site, no PYTHONPATH)."""
    command = bytecheck._command(str(sample))
    assert command is not None
    assert command[1:3] == ["-I", "-S"] and Path(command[3]) == Path(bytecheck.__file__)
    source = Path(bytecheck.__file__).read_text(encoding="utf-8")
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.strip().startswith(("import ", "from ")) and not line.startswith("    from __")
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's scheduling classes")
def test_the_child_runs_only_on_an_idle_core() -> None:
    """Its scheduling class is the lowest: it never takes the window's share of a busy
    machine (the window's process and it share a scheduling group)."""
    code = (
        "import os, sys\n"
        f"sys.argv = [{str(Path(bytecheck.__file__))!r}, '/no/such/file']\n"
        "source = open(sys.argv[0], encoding='utf-8').read()\n"
        "exec(compile(source.replace('os._exit(code)', "
        "'print(os.sched_getscheduler(0) == os.SCHED_IDLE, code)'), sys.argv[0], 'exec'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert run.stdout.split() == ["True", "1"], run.stdout + run.stderr  # no file: code 1


def test_a_load_not_read_ahead_starts_its_own_child(
    sample: Path, counted_here: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """File > Open's load (no read-ahead): a big file's child is started by the load
    itself; its answer, if there by the validation's end, is taken the same way."""
    with sample.open("ab") as out:  # past the size whose digest is made on a thread
        out.write(b" " * file_format.DIGEST_BESIDE_BYTES)
    expected = load(sample)
    counted_here.clear()
    start = bytecheck.start
    started: list[bytecheck.ByteCheck] = []

    def start_and_wait(path: str) -> None:  # an idle core: the answer is there in time
        start(path)
        started.extend(bytecheck._STARTED)
        bytecheck.tell(child_plan)  # as the load tells it right after
        assert bytecheck._STARTED[0].ended(60)

    monkeypatch.setattr(bytecheck, "start", start_and_wait)
    design, stamp = load_with_stamp(sample)
    assert design == expected and stamp.digest == _digest(sample)
    assert counted_here == []
    (check,) = started
    assert check.lines[1:] == ["unique", "whole"] and bytecheck._STARTED == []
    # A file that cannot be read: the child started for it is ended too.
    monkeypatch.setattr(bytecheck, "start", start)

    def unreadable(path: object, where: str) -> object:
        raise LoadError("permission denied", where=where)

    monkeypatch.setattr(file_format, "_read_design_bytes", unreadable)
    with pytest.raises(LoadError, match="permission denied"):
        load_with_stamp(sample)
    assert bytecheck._STARTED == []


def test_the_child_lets_the_bytes_go_before_it_parses(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At its peak the child holds the text being parsed and the objects made of it,
    not the file's bytes as well (wave 25: 294 → 238 MB at 100k); what it says is the
    same."""
    freed: list[bool] = []

    class Bytes(bytes):
        def __del__(self) -> None:
            freed.append(True)

    monkeypatch.setattr(bytecheck, "_read", lambda path: Bytes(Path(path).read_bytes()))
    freed_at_parse: list[bool] = []
    parse = json.loads

    def loads(text: str | bytes, **options: Any) -> Any:
        freed_at_parse.append(bool(freed))
        return parse(text, **options)

    monkeypatch.setattr(json, "loads", loads)
    plan = child_plan()
    assert plan is not None
    out = io.BytesIO()
    assert bytecheck._child(str(sample), out, io.BytesIO(plan)) == 0
    assert freed_at_parse[0] is True  # the design's parse (then the plan's)
    raw = sample.read_bytes()
    colons = bytecheck.quoted_colons(raw)
    said = out.getvalue().decode("ascii").splitlines()
    assert said == [f"{hashlib.sha256(raw).hexdigest()} {colons}", "unique", "whole"]
