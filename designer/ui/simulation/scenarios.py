"""Saved scenarios (save, run all as regression checks) and the HTML scenario report."""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QGraphicsScene, QMessageBox, QWidget

from designer.document import SetScenarios
from designer.domain.design import ExpectedOutcome, SavedScenario, ScenarioStep
from designer.domain.words import plural
from designer.persistence.atomic import write_atomic
from designer.simulation import SimulationResult
from designer.simulation.expectations import evaluate, judged_state
from designer.ui import dialogs
from designer.ui.file_ops import start_folder
from designer.ui.simulation.controller import SimulationController
from designer.ui.simulation.overlay import SimulationOverlay
from designer.ui.simulation.results_table import format_duration
from designer.ui.simulation.words import degrade_detail, scenario_name

__all__ = ["ReportViews", "ScenarioActions", "key_moments", "render_report"]


def key_moments(result: SimulationResult) -> list[tuple[float, str]]:
    """The moments a report shows: the failure, the first recovery, the settled end."""
    moments: list[tuple[float, str]] = [(0.0, "Failure")]
    recoveries = [
        e.t
        for e in result.events
        if e.kind in ("db_active", "ha_restart", "vm_restarted", "srm_vm_on")
    ]
    if recoveries:
        moments.append((min(recoveries) + 0.5, "Failover"))
    end = max((e.t for e in result.events), default=0.0) + 1.0
    moments.append((end, "Settled"))
    return moments


@dataclass(frozen=True)
class ReportViews:
    """What a scenario report pictures: the canvas with the simulation overlay, and the
    timeline."""

    scene: QGraphicsScene
    overlay: SimulationOverlay
    #: The timeline's plots as a report shows them (:meth:`TimelinePanel.picture`).
    picture_timeline: Callable[[], QImage]


class ScenarioActions:
    """The scenario bar's Save / Run all / Report buttons.

    ``window`` parents the dialogs; ``status`` shows a message in the status bar.
    """

    def __init__(
        self,
        window: QWidget,
        controller: SimulationController,
        views: ReportViews,
        status: Callable[[str], None],
    ) -> None:
        self.window = window
        self.controller = controller
        self.views = views
        self._status = status
        #: How many steps the scenario set aside while the N-1 overlay is on has (0:
        #: none); the simulation mode gives it the Single points of failure panel's.
        self.steps_set_aside: Callable[[], int] = lambda: 0
        #: The saved scenario last played again from the Saved scenarios menu (its name).
        self._played_saved: str | None = None

    def _nothing_to(self, verb: str) -> None:
        """Nothing played to save or report: the words say why. With the N-1 overlay on,
        the scenario the user played is set aside, not gone: "fail something first"
        read as if their failure had been lost (eyes23)."""
        aside = self.steps_set_aside()
        if aside:
            self._status(
                f"Nothing to {verb} while the N-1 overlay is on: the scenario you played "
                f"({plural(aside, 'step')}) is set aside; Hide N-1 overlay brings it back"
            )
        else:
            self._status(f"Nothing to {verb}: fail something first")

    def save_current(self, name: str | None = None) -> bool:
        """Save the scenario being played, with its final state as the expected outcome."""
        controller = self.controller
        if not controller.steps or controller.result is None:
            self._nothing_to("save")
            return False
        replayed = self._saved_played()
        if name is None:
            # A name offered from its steps (the field started empty), the play held
            # while the dialog is up (it ran on behind it). A saved scenario played
            # again offers its own name: Enter takes the run's outcome as its expected
            # one (eyes24: after a workload change every saved scenario failed, and
            # each took its long name typed again, or a copy "… (2)" beside it).
            taken = {s.name for s in controller.session.design.scenarios}
            offered = (
                replayed.name
                if replayed is not None
                else scenario_name(controller.steps, controller.session.document, taken)
            )
            playing = controller.playing
            controller.pause()
            name, ok = dialogs.ask_text(
                self.window, "Save scenario", "Scenario name:", text=offered
            )
            if playing and controller.active:
                controller.play()
            if not ok:
                return False
        name = name.strip()
        if not name:
            self._status("A scenario needs a name")
            return False
        # The same scenario saved again under its name: its outcome taken anew, judged
        # where it was judged, within the RPO and RTO limits it was given while the run
        # still meets them, and with what its description says of it.
        again = replayed if replayed is not None and replayed.name == name else None
        before = again.expected if again is not None else None
        # What the scenario causes: the state at its horizon (the end of its window),
        # as Run all scenarios, check --scenarios and the review report judge it, with
        # its copies' worst queue (a link degraded below their need: 0 at 0:00, eyes21).
        final, behind = judged_state(controller.result, before)
        expected = ExpectedOutcome(
            mailboxes_available=final.mailboxes_available,
            databases_down=sorted(db.id for db in final.databases if db.state != "active"),
            max_copies_behind_s=math.ceil(behind),
            max_rpo_s=_limit(before.max_rpo_s, final.max_rpo_s) if before else None,
            max_rto_s=_limit(before.max_rto_s, final.max_rto_s) if before else None,
            at_s=before.at_s if before else None,
        )
        scenario = SavedScenario(
            name=name,
            description=again.description if again is not None else "",
            steps=list(controller.steps),
            expected=expected,
        )
        session = controller.session
        # A name the design already has: that scenario replaced in its place, and said
        # (eyes19: it went without a word, moved to the end).
        scenarios = list(session.design.scenarios)
        same = [i for i, s in enumerate(scenarios) if s.name == name]
        if same:
            scenarios[same[0]] = scenario
            scenarios = [s for i, s in enumerate(scenarios) if i not in same[1:]]
        else:
            scenarios.append(scenario)
        # Saving a scenario is the one deliberate edit simulation mode allows.
        session.set_read_only(False)
        try:
            done = session.push(SetScenarios(scenarios, text=f"Save scenario {name}"))
        finally:
            session.set_read_only(controller.active)
        if done:
            self._status(
                f"Scenario {name!r} saved in the design"
                + (", in place of the one of that name (Ctrl+Z brings it back)" if same else "")
            )
        return done

    def _saved_played(self) -> SavedScenario | None:
        """The saved scenario played again from the Saved scenarios menu, while its
        steps are still the ones on the timeline (none once the user changed them)."""
        steps = list(self.controller.steps)
        return next(
            (
                s
                for s in self.controller.session.design.scenarios
                if s.name == self._played_saved and s.steps == steps
            ),
            None,
        )

    def play_saved(self, name: str) -> bool:
        """Put the saved scenario ``name``'s steps on the timeline in place of the ones
        played, and play them from the start (the Timeline, Results and canvas follow)."""
        controller = self.controller
        scenario = next((s for s in controller.session.design.scenarios if s.name == name), None)
        if scenario is None or not controller.active:
            return False
        controller.set_steps(list(scenario.steps), scenario.expected)
        self._played_saved = name
        controller.play()
        count = len(scenario.steps)
        self._status(f"Playing saved scenario {name!r} ({count} step{'' if count == 1 else 's'})")
        return True

    def run_all(self) -> list[tuple[str, list[str]]]:
        """Re-run every saved scenario against its expected outcome; show the verdicts."""
        results: list[tuple[str, list[str]]] = []
        simulator = self.controller.simulator
        for scenario in self.controller.session.design.scenarios:
            # The verdict of check --scenarios (judged at the scenario's horizon).
            results.append((scenario.name, list(evaluate(simulator, scenario).problems)))
        if not results:
            text = "The design has no saved scenarios."
        else:
            lines = [
                f"{'✔' if not problems else '✘'} {name}"
                + ("" if not problems else ": " + "; ".join(problems))
                for name, problems in results
            ]
            failed = sum(1 for _, p in results if p)
            text = f"{len(results) - failed} passed, {failed} failed\n\n" + "\n".join(lines)
            if failed:
                text += (
                    "\n\nTo take a scenario's new outcome as expected (after a deliberate "
                    "change): Saved scenarios, the scenario, then Save scenario… under "
                    "its own name."
                )
        self.last_run = results
        self._status(text.splitlines()[0])
        QMessageBox.information(self.window, "Saved scenarios", text)
        return results

    def _report_name(self) -> str:
        """The report's proposed file name: the scenario's, the saved one played (its
        steps on the timeline) or the words Save scenario… would offer, after the
        design's file ("after-change - Site B Worcester lost.html"); every report was
        "scenario-report.html", two sent to a customer not told apart (eyes22)."""
        controller = self.controller
        steps = list(controller.steps)
        saved = next(
            (s.name for s in controller.session.design.scenarios if s.steps == steps), None
        )
        name = saved or scenario_name(steps, controller.session.document, set())
        path = controller.session.path
        stem = f"{path.stem} - " if path is not None else ""
        # Not a folder nor a drive: "Fig. 12: …" and "A/B" are names, not paths.
        plain = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", f"{stem}{name}")
        return " ".join(plain.split())[:120].strip(" .") + ".html"

    def export_report(self, path: str | None = None) -> Path | None:
        controller = self.controller
        if controller.result is None:
            self._nothing_to("report")
            return None
        if path is None:
            recent = getattr(self.window, "recent", None)
            folder = start_folder(controller.session.path, recent.paths() if recent else [])
            path, _ = QFileDialog.getSaveFileName(
                self.window,
                "Export scenario report",
                str(folder / self._report_name()),
                "HTML (*.html)",
            )
            if not path:
                return None
        target = Path(path)
        text = render_report(self.controller, self.views)
        try:  # the designer's one atomic writer (symlinks, permissions, read-only files)
            write_atomic(target, text.encode("utf-8"))
        except OSError as exc:
            self._status(f"Cannot write {target}: {exc.strerror or exc}")
            return None
        self._status(f"Report written to {target}")
        return target


def _limit(given: float | None, reached: float) -> float | None:
    """A saved scenario's RPO or RTO limit once it is saved again: the one it was given
    while the run stays within it, else what the run reached (none where a database is
    left with no RPO or RTO: not active)."""
    if given is None or reached <= given:
        return given
    return None if math.isinf(reached) else math.ceil(reached)


def _png(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; Qt wants str
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _render_scene(scene: QGraphicsScene, width: int = 1400) -> QImage:
    rect: QRectF = scene.itemsBoundingRect().adjusted(-20, -30, 20, 20)
    height = max(1, int(width * rect.height() / max(rect.width(), 1)))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(scene.backgroundBrush().color())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, width, height), rect, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()
    return image


_STEP_WORDS = {
    "fail": "fail {name}",
    "restore": "restore {name}",
    "guest_os_failure": "guest OS failure of {name}",
    "corrupt": "logical corruption of {name}",
    "degrade": "degrade {name}",
}


def step_words(step: ScenarioStep, name: str) -> str:
    """A scenario step as a report says it: "fail esx-den-01", "administrator: start
    mirror sync on MV-1" (never the simulator's keys, ``start_mirror_sync:mv-1``)."""
    if step.action == "admin":
        action = (step.admin_action or "action").replace("_", " ")
        return f"administrator: {action} on {name}"
    return _STEP_WORDS.get(step.action, step.action.replace("_", " ") + " {name}").format(name=name)


def readable(text: str) -> str:
    """An event's text without the simulator's action names in snake case."""
    return re.sub(r"\b([a-z]+(?:_[a-z]+)+)\b", lambda m: m.group(1).replace("_", " "), text)


def render_report(controller: SimulationController, views: ReportViews) -> str:
    """A self-contained HTML page: the diagram at key moments, the timeline, the results."""
    result = controller.result
    assert result is not None
    design = controller.session.design
    saved_time = controller.time
    names = controller.session.document
    figures = []
    try:
        for t, title in key_moments(result):
            controller.set_time(t)
            views.overlay.settle()
            state = controller.state()
            assert state is not None
            figures.append(
                f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,"
                f"{_png(_render_scene(views.scene))}'><figcaption>T+{format_duration(t)} — "
                f"{html.escape(title)}: {state.mailboxes_available:,} of "
                f"{state.mailboxes_total:,} mailboxes available</figcaption></figure>"
            )
    finally:
        controller.set_time(saved_time)
    timeline = views.picture_timeline()

    def name(element_id: str | None) -> str:
        element = names.get(element_id) if element_id else None
        return element.name if element is not None else (element_id or "—")

    def cells(values: tuple[object, ...], tag: str = "td") -> str:
        return "<tr>" + "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values) + "</tr>"

    before = {db.id: db for db in result.initial.databases}
    steps = "".join(
        f"<li>T+{format_duration(s.at_s)}: "
        f"{html.escape(step_words(s, name(s.target)) + degrade_detail(s, names))}</li>"
        for s in controller.steps
    )
    rows = cells(
        ("Database", "State", "Active on", "RPO", "RTO", "Meets targets", "Why"), "th"
    ) + "".join(
        cells(
            (
                db.name,
                db.state,
                name(db.active_on),
                format_duration(db.rpo_s),
                format_duration(db.rto_s),
                "yes" if db.meets_targets else "no",
                db.why(before.get(db.id)),
            )
        )
        for db in result.final.databases
    )
    events = cells(("Time", "Element", "What happened", "Source"), "th") + "".join(
        cells((f"T+{format_duration(e.t)}", name(e.element), readable(e.text), e.source))
        for e in result.events
    )
    final = result.final
    intent = design.intent
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Scenario report — {html.escape(design.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; border: 1px solid #ccc; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; }}
th {{ background: #f0f0f0; }}
</style></head><body>
<h1>Scenario report: {html.escape(design.name)}</h1>
<p>Targets: RPO {intent.rpo_target_min:g} min, RTO {intent.rto_target_min:g} min.
Mailboxes available at the end: {final.mailboxes_available:,} of {final.mailboxes_total:,}.</p>
<h2>Steps</h2><ol>{steps}</ol>
<h2>The diagram at key moments</h2>{"".join(figures)}
<h2>Timeline</h2><img alt="timeline" src="data:image/png;base64,{_png(timeline)}">
<h2>Results per database</h2>
<table>{rows}</table>
<h2>Events</h2>
<table>{events}</table>
</body></html>
"""
