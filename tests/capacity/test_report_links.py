"""The report's links (``analysis._report``): each link's normal and worst figures and
its figures in every mode equal a straightforward reference computed from the modes'
results as the report always did (every result read for every link, a ``ModeLoad``
made per mode); the per-link list of modes, made when first read
(:class:`~designer.capacity.report.ModeLoads`), behaves as the list it was. On the
samples, generated 1k designs and Hypothesis designs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs

import designer.capacity.analysis as analysis
from designer.capacity import capacity
from designer.capacity.modes import NORMAL
from designer.capacity.report import CapacityReport, ModeLoad, ModeLoads
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    return [
        p
        for p in sorted(SAMPLES.glob("*.json"))
        if states_workload(getattr(load(p), "design", load(p)))
    ]


def _reference(sim: Simulator, results: list, modes: str) -> list[tuple]:
    """(link, normal, worst, every mode) per link, as the report made them before."""
    normal = results[0]
    found = []
    for link_id in sorted(sim.prep.links):
        fig_a = normal.links[(link_id, "a_to_b")]
        fig_b = normal.links[(link_id, "b_to_a")]
        worst = None
        worst_util = max(fig_a.utilisation, fig_b.utilisation)
        history = []
        for result in results[1:]:
            if not result.links:
                continue
            a = result.links[(link_id, "a_to_b")]
            b = result.links[(link_id, "b_to_a")]
            history.append(ModeLoad(result.mode, a, b))
            if result.mode.kind not in ("single", "site") or (a is fig_a and b is fig_b):
                continue
            util = max(a.utilisation, b.utilisation)
            if util > worst_util + 1e-12:
                worst, worst_util = result, util
        if worst is not None:
            worst_load = ModeLoad(
                worst.mode, worst.links[(link_id, "a_to_b")], worst.links[(link_id, "b_to_a")]
            )
        else:
            worst_load = ModeLoad(NORMAL, fig_a, fig_b) if modes == "all" else None
        found.append((link_id, ModeLoad(NORMAL, fig_a, fig_b), worst_load, history))
    return found


def _sized(
    monkeypatch: pytest.MonkeyPatch, design: Design, **kwargs: object
) -> tuple[CapacityReport, list, Simulator]:
    """``capacity(design, **kwargs)`` and the results its report was made from."""
    seen: list = []
    real = analysis._report

    def keep(sim, engine, results, **more):
        seen[:] = results
        return real(sim, engine, results, **more)

    monkeypatch.setattr(analysis, "_report", keep)
    sim = Simulator(design)
    report = capacity(sim, **kwargs)  # type: ignore[arg-type]
    monkeypatch.undo()
    return report, seen, sim


def _check(monkeypatch: pytest.MonkeyPatch, design: Design) -> int:
    modes_seen = 0
    for kwargs in ({"max_combined": None}, {"max_combined": 0}, {"modes": "normal"}):
        report, results, sim = _sized(monkeypatch, design, **kwargs)
        want = _reference(sim, results, report.modes)
        got = [(r.link.id, r.normal, r.worst, r.modes) for r in report.links]
        assert [g[:3] for g in got] == [w[:3] for w in want]
        for (_id, _n, _w, lazy), (_i, _m, _x, history) in zip(got, want, strict=True):
            assert isinstance(lazy, ModeLoads)
            # Read as a list in every way it is read: iterated, counted, indexed, sliced.
            assert lazy == history and list(lazy) == history and len(lazy) == len(history)
            assert list(lazy) == history  # a second reading lists the same
            if history:
                assert lazy[0] == history[0] and lazy[-1] == history[-1]
                assert lazy[1:3] == history[1:3]
                assert all(m.mode.kind != "normal" for m in lazy)
            assert lazy != [*history, history[0]] if history else lazy == []
            modes_seen += len(history)
        if report.links and kwargs.get("max_combined", 1) is None:
            # Every failure mode that has link figures is listed for every link.
            linked = [r.mode for r in results[1:] if r.links]
            assert [m.mode for m in report.links[0].modes] == linked
    return modes_seen


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_links_equal_the_reference_on_the_samples(
    monkeypatch: pytest.MonkeyPatch, path: Path
) -> None:
    design = load(path)
    _check(monkeypatch, getattr(design, "design", design))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(designs())
def test_links_equal_the_reference_on_generated_designs(
    monkeypatch: pytest.MonkeyPatch, design: Design
) -> None:
    assert _check(monkeypatch, design)


@pytest.mark.parametrize("seed", [0, 1])
def test_links_equal_the_reference_on_a_generated_1k_design(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    from benchmarks.generate import generate_design

    assert _check(monkeypatch, generate_design("1k", seed=seed, workload=True)) > 100


def test_a_link_s_modes_read_from_the_report_s_json_and_text() -> None:
    """``--mode all``'s JSON and text list every mode per link from the lazy list."""
    reports = [
        capacity(getattr(d, "design", d), max_combined=None) for d in map(load, _sized_samples())
    ]
    report = max(reports, key=lambda r: len(r.links))
    link = report.links[0]
    listed = report.to_json(all_modes=True)["links"][0]["modes"]
    assert [m["mode_key"] for m in listed] == [m.mode.key for m in link.modes]
    assert len(listed) == len(link.modes) > 0
    text = report.to_text(all_modes=True)
    for m in link.modes:
        assert f"      {m.mode.label}: {m.a_to_b.mbps:.1f} / {m.b_to_a.mbps:.1f}" in text
