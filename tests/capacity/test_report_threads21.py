"""A shared report read by several threads at once (wave 21, ``fixp21``).

The sizing of a design is shared (``designer.capacity.shared``): the Capacity dock reads
it on the window's thread (its log LUN table, Copy/Save JSON), the live rule check on its
worker (CAP004: the log LUNs) and the review report on its own thread. Its log LUNs, ESXi
hosts and normal operation's streams per link are made when first read; two threads
reading one of them at once both made it (each reader then held its own copy), or one
failed on ``assert build is not None`` (the other had just let go of its inputs). Now the
first reader makes it and the others wait for that and read the same objects.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from cap_designs import stretched

from designer.capacity import analysis, capacity
from designer.capacity import engine as engine_module
from designer.capacity.once import Once
from designer.capacity.report import CapacityReport, Deferred
from designer.simulation import Simulator

READERS = 4


def _slow(calls: list[str], name: str, build: Callable[..., Any]) -> Callable[..., Any]:
    """``build`` counted, taking long enough that every reader started meanwhile
    arrives while the first one is still making the part."""

    def made(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        time.sleep(0.2)
        return build(*args, **kwargs)

    return made


def _at_once(read: Callable[[], object]) -> list[object]:
    """``read()`` by :data:`READERS` threads let go together (a barrier)."""
    start = threading.Barrier(READERS)
    found: list[object] = []
    failed: list[BaseException] = []

    def reader() -> None:
        start.wait()
        try:
            found.append(read())
        except BaseException as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not failed, failed
    assert len(found) == READERS
    return found


@pytest.fixture
def sized(monkeypatch: pytest.MonkeyPatch) -> tuple[CapacityReport, list[str]]:
    calls: list[str] = []
    monkeypatch.setattr(
        analysis, "log_lun_reports", _slow(calls, "log LUNs", analysis.log_lun_reports)
    )
    monkeypatch.setattr(analysis, "host_reports", _slow(calls, "hosts", analysis.host_reports))
    monkeypatch.setattr(
        engine_module, "normal_streams", _slow(calls, "streams", engine_module.normal_streams)
    )
    report = capacity(Simulator(stretched()))
    assert calls == []  # none made by the sizing itself
    return report, calls


#: Each part made when first read, read whole (every link's streams are normal
#: operation's, the one mapping).
READS: dict[str, Callable[[CapacityReport], list[object]]] = {
    "log LUNs": lambda report: list(report.log_luns),
    "hosts": lambda report: list(report.hosts),
    "streams": lambda report: list(report.links[0].loads.values()),
}


@pytest.mark.parametrize("part", list(READS))
def test_a_part_is_made_once_for_readers_at_once(
    sized: tuple[CapacityReport, list[str]], part: str
) -> None:
    report, calls = sized
    found = _at_once(lambda: READS[part](report))
    assert calls == [part]
    first = found[0]
    assert isinstance(first, list) and first
    for items in found:  # the same objects, not equal copies
        assert isinstance(items, list)
        assert all(a is b for a, b in zip(items, first, strict=True))


def test_the_json_written_by_readers_at_once_is_the_report_s(
    sized: tuple[CapacityReport, list[str]],
) -> None:
    """The Capacity dock's Save JSON on the window's thread while the review report
    and the rules read the same report: each writes what one reader alone writes."""
    report, calls = sized
    alone = json.dumps(capacity(Simulator(stretched())).to_json(), indent=2)
    calls.clear()
    found = _at_once(lambda: json.dumps(report.to_json(), indent=2))
    assert sorted(calls) == ["hosts", "log LUNs", "streams"]
    assert all(text == alone for text in found)


def test_a_part_whose_making_failed_is_made_again_when_next_read() -> None:
    tries: list[int] = []

    def build() -> list[int]:
        tries.append(1)
        if len(tries) == 1:
            raise OSError("first try")
        return [1, 2]

    part = Deferred(build)
    with pytest.raises(OSError):
        len(part)
    assert part == [1, 2] and len(tries) == 2
    assert list(part) == [1, 2] and len(tries) == 2  # kept


def test_a_made_part_lets_its_inputs_go() -> None:
    part: Once[list[int]] = Deferred(lambda: [3])
    assert part._build is not None
    assert part == [3]
    assert part._build is None
