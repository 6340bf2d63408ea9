"""The scenario bar: the steps and their times, the actions offered, and playback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.document import Document
from designer.simulation import Action, StepState
from designer.ui.alt_keys import give_alt_keys, plain
from designer.ui.simulation.controller import SPEEDS, SimulationController
from designer.ui.simulation.results_table import format_duration
from designer.ui.simulation.words import step_label

__all__ = ["NO_MAILBOXES", "ScenarioBar"]

#: Room each side of the clock's and the mailbox count's text, px.
LABEL_MARGIN = 6
#: The mailbox count when no database states its mailboxes (CAP006).
NO_MAILBOXES = "no mailboxes stated"
NO_MAILBOXES_TIP = (
    "No mailbox database states its mailboxes, so none can be counted as available or "
    "lost: enter each database's Mailboxes in the Inspector (info finding CAP006)"
)


class ScenarioBar(QWidget):
    """Two rows under the canvas while simulating."""

    save_requested = Signal()
    run_all_requested = Signal()
    #: A saved scenario chosen to play again (its name).
    play_saved_requested = Signal(str)
    report_requested = Signal()
    #: The design-review report (HTML or PDF), offered by the Report… button's menu.
    review_requested = Signal()

    def __init__(self, controller: SimulationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setObjectName("ScenarioBar")
        # The steps scroll sideways rather than widen the window.
        self.steps_widget = QWidget()
        self.steps_row = QHBoxLayout(self.steps_widget)
        self.steps_row.setContentsMargins(0, 0, 0, 0)
        self.steps_row.setSpacing(4)
        self.steps_scroll = QScrollArea()
        self.steps_scroll.setWidget(self.steps_widget)
        self.steps_scroll.setWidgetResizable(True)
        self.steps_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.steps_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.steps_scroll.setMinimumWidth(120)
        # A chip's height and room for the sideways scroll bar (the scroll area's own hint
        # is ~70 px tall, and made the bar tall).
        self.steps_scroll.setFixedHeight(
            _tool_button("0:00").sizeHint().height()
            + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            + 2
        )
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(4)
        self.action_buttons: dict[str, QPushButton] = {}
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button = _tool_button("Play")
        self.play_button.setIcon(self._play_icon)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_button.setToolTip("Play / pause the timeline (Space)")
        self.play_button.clicked.connect(controller.toggle_play)
        self.back_button = _tool_button("Previous event")
        self.back_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.back_button.setToolTip("Previous event")
        self.back_button.clicked.connect(controller.step_back)
        self.next_button = _tool_button("Next event")
        self.next_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward))
        self.next_button.setToolTip("Next event")
        self.next_button.clicked.connect(controller.step_forward)
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}×", speed)
        self.speed.setCurrentIndex(SPEEDS.index(controller.speed))
        self.speed.setToolTip("Simulated seconds per second")
        self.speed.currentIndexChanged.connect(
            lambda i: controller.set_speed(float(self.speed.itemData(i)))
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 1000)
        self.slider.setMinimumWidth(100)
        self.slider.valueChanged.connect(self._on_slider)
        self.clock = QLabel("T+0:00")
        self.clock.setMinimumWidth(70)
        self.mailboxes = QLabel()
        # The clock and the count read as two fields, apart from the slider and the
        # buttons (the row's 2 px left "T+22:53:17 8,000 / 8,000 mailboxes" run
        # together against Clear at 1,400 px).
        for label in (self.clock, self.mailboxes):
            label.setContentsMargins(LABEL_MARGIN, 0, LABEL_MARGIN, 0)
        clear = _tool_button("Clear")
        clear.setToolTip("Remove every step")
        clear.clicked.connect(controller.clear)
        save = _tool_button("Save scenario…")
        save.clicked.connect(self.save_requested)
        run_all = _tool_button("Run all scenarios")
        run_all.clicked.connect(self.run_all_requested)
        # The saved scenarios, to play one again on the canvas (Run all gives only their
        # verdicts: once cleared, a saved scenario never came back to the timeline).
        saved = self.saved_button = _tool_button("Saved scenarios")
        saved.setObjectName("SavedScenarios")
        saved.setToolTip("Play a scenario saved in the design again, from its start")
        saved.setMenu(QMenu(saved))
        saved.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        saved.menu().aboutToShow.connect(self._list_saved)
        report = self.report_button = _tool_button("Report…")
        report.setToolTip("Export a scenario report as HTML (the arrow: the design review)")
        report.clicked.connect(self.report_requested)
        reports = QMenu(report)
        reports.addAction("Scenario report (HTML)…", self.report_requested.emit)
        reports.addAction("Design review report (HTML or PDF)…", self.review_requested.emit)
        report.setMenu(give_alt_keys(reports))  # S, D
        report.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.hint = QLabel("Click an element to fail it")
        self.hint.setToolTip(
            "Click an element to fail it · Shift-click to fail several at once · click a "
            "failed element to restore it · right-click an array for its storage processors"
            " · from the keyboard: Enter fails or restores the selection (Ctrl+F finds it), "
            "the Menu key or Shift+F10 opens its menu"
        )
        # Two rows, so that the bar fits a 1,024 px window (one row wanted ~1,330 px, and
        # ~1,665 px once two administrator actions showed, and widened the window past a
        # laptop's screen): the scenario (its steps, the hint, the actions offered) above
        # the playback and the buttons.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(2)
        top = QHBoxLayout()
        title = QLabel("<b>Scenario</b>")
        top.addWidget(title)
        self.steps_row.addStretch(1)
        top.addWidget(self.steps_scroll, 1)
        # The hint gives way (its whole text is in the tooltip) rather than widen the bar.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # It stands where the steps will, as high as their row: with no step yet, the
        # empty steps' row took half the bar, a wide gap after "Scenario" (uiq23).
        self.hint.setFixedHeight(self.steps_scroll.maximumHeight())
        top.addWidget(self.hint, 1)
        top.addLayout(self.actions_row)
        layout.addLayout(top)
        playback = QHBoxLayout()
        layout.addLayout(playback)
        for widget in (
            self.back_button,
            self.play_button,
            self.next_button,
            self.speed,
            self.slider,
            self.clock,
            self.mailboxes,
            clear,
            save,
            saved,
            run_all,
            report,
        ):
            playback.addWidget(widget, 1 if widget is self.slider else 0)  # fmt: skip
        self._syncing = False
        #: The state whose mailbox counts the bar shows, and their text.
        self._counted: tuple[StepState, str] | None = None
        controller.result_changed.connect(self.refresh)
        controller.time_changed.connect(self._on_time)
        controller.playing_changed.connect(self._on_playing)
        self.refresh()

    def _list_saved(self) -> None:
        """Fill the Saved scenarios menu with the design's saved scenarios, as it opens."""
        menu = self.saved_button.menu()
        menu.clear()
        scenarios = self.controller.session.design.scenarios
        for scenario in scenarios:
            count = len(scenario.steps)
            label = f"{scenario.name} ({count} step{'' if count == 1 else 's'})"
            action = menu.addAction(plain(label))
            action.setData(scenario.name)
            action.triggered.connect(
                lambda _=False, n=scenario.name: self.play_saved_requested.emit(n)
            )
        if not scenarios:
            menu.addAction("No saved scenarios: Save scenario… keeps the one played").setEnabled(
                False
            )
        give_alt_keys(menu)

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)

    def refresh(self) -> None:
        _clear(self.steps_row)
        self.steps_row.addStretch(1)
        names = self.controller.session.document
        for number, step in enumerate(self.controller.steps):
            chip = _tool_button(f"{format_duration(step.at_s)} {step_label(step, names)}  ✕")
            chip.setToolTip("Remove this step")
            chip.setObjectName(f"step-{number}")
            chip.clicked.connect(lambda _=False, n=number: self.controller.remove_step(n))
            self.steps_row.insertWidget(self.steps_row.count() - 1, chip)
            chip.show()
        self.hint.setVisible(not self.controller.steps)
        self.steps_scroll.setVisible(bool(self.controller.steps))
        # A scenario over at its start (nothing follows the failure) has no time to move
        # through: its playhead stays at 0:00, the horizon.
        self.slider.setEnabled(self.controller.duration > 0)
        self._refresh_actions()
        self._on_time(self.controller.time)

    def _refresh_actions(self) -> None:
        _clear(self.actions_row)
        self.action_buttons = {}
        state = self.controller.state() if self.controller.active else None
        names = self.controller.session.document
        for action in state.actions if state is not None else ():
            button = QPushButton()
            button.setObjectName(f"action-{action.key}")
            button.setToolTip(f"Administrator action: {action.label}")
            button.setMaximumWidth(ACTION_BUTTON_MAX_WIDTH)
            button.setStyleSheet("QPushButton { font-weight: bold; }")
            if action.points:
                # A lagged copy: the administrator picks the recovery point (000 §5.2).
                menu = QMenu(button)
                menu.setObjectName(f"points-{action.key}")
                for label, point in action.points:
                    menu.addAction(plain(label), self._taker(action, point))
                button.setMenu(give_alt_keys(menu))  # L, O (or S), N
                button.setToolTip(
                    f"Administrator action: {action.label} — choose the recovery point"
                )
            else:
                button.clicked.connect(lambda _=False, a=action: self._take(a))
            button.setText(_fitted(short_label(action, names), button))
            self.actions_row.addWidget(button)
            button.show()
            self.action_buttons[action.key] = button

    def _take(self, action: Action, recovery_point_s: float | None = None) -> None:
        self.controller.take_action(action, recovery_point_s=recovery_point_s)

    def _taker(self, action: Action, recovery_point_s: float) -> Callable[[], None]:
        """A menu entry's slot (Qt passes ``checked`` to what accepts it: this does not)."""

        def take() -> None:
            self._take(action, recovery_point_s)

        return take

    def _on_time(self, t: float) -> None:
        self._syncing = True
        try:
            duration = self.controller.duration
            # At the end of a timeline of no length (a scenario over at 0:00).
            share = min(max(t / duration, 0.0), 1.0) if duration > 0 else float(t > 0)
            self.slider.setValue(round(self.slider.maximum() * share))
        finally:
            self._syncing = False
        self.clock.setText(f"T+{format_duration(t)}")
        state = self.controller.state() if self.controller.active else None
        if state is None:
            self.mailboxes.setText("preparing…" if self.controller.active else "")
        else:
            if self._counted is None or self._counted[0] is not state:
                # Two sums over every database (~10 ms at 25,000 elements): once per
                # state, not on every tick of playback that leaves it unchanged (the
                # first state's on the worker that prepared the simulator).
                facts = self.controller.facts(state)
                total = facts.mailboxes_total
                text = f"{facts.mailboxes_available:,} / {total:,} mailboxes"
                if total == 0:
                    # "0 / 0" read as a result; it is a figure the design has not stated.
                    text = NO_MAILBOXES
                self._counted = (state, text)
                # As wide as its widest count ("8,000 / 8,000"): the slider and the
                # buttons stay put as the count falls ("800 / 8,000") and rises.
                widest = text if total == 0 else f"{total:,} / {total:,} mailboxes"
                self.mailboxes.setMinimumWidth(
                    self.mailboxes.fontMetrics().horizontalAdvance(widest) + 2 * LABEL_MARGIN
                )
            self.mailboxes.setText(self._counted[1])
            self.mailboxes.setToolTip(NO_MAILBOXES_TIP if self._counted[1] == NO_MAILBOXES else "")
            offered = {a.key for a in state.actions}
            if offered != set(self.action_buttons):
                self._refresh_actions()

    def _on_slider(self, value: int) -> None:
        if not self._syncing:
            self.controller.pause()
            self.controller.set_time(self.controller.duration * value / 1000)


#: The scenario bar must fit the window: long action labels go to the tooltip.
ACTION_BUTTON_MAX_WIDTH = 240
#: Room a push button's frame and margins take from its text (generous: Fusion's is ~20).
ACTION_BUTTON_PADDING = 32


def short_label(action: Action, names: Document) -> str:
    """The button text: "Switchover: DAG01" (the full label goes to the tooltip)."""
    element = names.get(action.target)
    target = element.name if element is not None else action.target
    verb = action.name.replace("_", " ").capitalize()
    return f"{verb}: {target}"


def _fitted(text: str, button: QPushButton) -> str:
    """``text`` elided at its end to fit an action button's width: a push button clips a
    long text at both ends, so "Run recovery plan: RP-…" and "Test recovery plan: RP-…"
    both read "ecovery plan: RP-Philadelphia-Exch" (the tooltip keeps the whole)."""
    font = QFont(button.font())
    font.setBold(True)
    room = ACTION_BUTTON_MAX_WIDTH - ACTION_BUTTON_PADDING
    if button.menu() is not None:
        room -= ACTION_BUTTON_PADDING // 2  # the menu's arrow
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, room)


def _tool_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    return button


def _clear(layout: QHBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()
