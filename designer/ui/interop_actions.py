"""File > Import… and the interop entries of File > Export (issue 12): import merged
into the open design as one undoable step; draw.io, GraphML, GEXF, calculator CSVs with
PowerShell scripts; the design-review report (HTML or PDF)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from designer.domain.errors import DesignError
from designer.interop.sources import SOURCES
from designer.ui.export_menu import EXPORT_GROUPS, REVIEW_KEY, dialog_title
from designer.ui.file_ops import start_folder, suggested_path
from designer.ui.session import EditorSession

if TYPE_CHECKING:
    from designer.interop.drawio import SimulationMoment
    from designer.ui.review import ReviewJob

__all__ = ["InteropActions"]

_IMPORTS = (
    ("calculator", "Role Requirements &Calculator CSVs…", "Calculator CSVs (*.csv);;All files (*)"),
    ("exchange", "Exchange &PowerShell Export-Csv…", "CSV files (*.csv);;All files (*)"),
    ("rvtools", "&RVTools Export…", "RVTools exports (*.xlsx *.csv);;All files (*)"),
)

#: File > Export's data for other tools: (key, entry, what the status bar says of it).
_EXPORTS = (
    (
        "drawio",
        "d&raw.io Diagram…",
        "The drawing for draw.io (diagrams.net), in layers: topology, findings, the "
        "simulation moment",
    ),
    ("graphml", "&GraphML Graph…", "The topology as a GraphML graph (yEd, Gephi, networkx)"),
    ("gexf", "G&EXF Graph…", "The topology as a GEXF graph with its layout (Gephi)"),
    (
        "calculator",
        "&Calculator CSVs and PowerShell Scripts…",
        "Into a folder: the Role Requirements Calculator's CSVs and the PowerShell "
        "scripts that create the databases and their copies",
    ),
)


class InteropActions:
    """Adds the menu entries to ``window`` and carries them out on ``session``;
    ``show_all`` fits the canvas to the design after an import."""

    def __init__(
        self,
        window: QMainWindow,
        session: EditorSession,
        show_all: Callable[[], object],
        file_menu: QMenu,
        export_menu: QMenu,
    ) -> None:
        self.window = window
        self.session = session
        self._show_all = show_all
        #: The review report being written, if any (:meth:`review_dialog`).
        self.review_job: ReviewJob | None = None
        #: The last "report written" message offering to open it (see offer_to_open).
        self.written_box: QMessageBox | None = None
        self.import_menu = QMenu("&Import", window)
        self.import_actions: dict[str, QAction] = {}
        for kind, text, pattern in _IMPORTS:
            action = self.import_menu.addAction(text)
            action.setStatusTip(f"Import {SOURCES[kind]} into this design")
            action.triggered.connect(lambda *_, k=kind, p=pattern: self.import_dialog(k, p))
            self.import_actions[kind] = action
        anchor = next((a for a in file_menu.actions() if a.menu() is export_menu), None)
        file_menu.insertMenu(anchor, self.import_menu) if anchor else file_menu.addMenu(
            self.import_menu
        )
        # File > Export's report and data groups (the pictures come first: the window's).
        self.review_action = QAction("&Design Review Report…", window)
        self.review_action.setShortcut(QKeySequence(REVIEW_KEY))
        self.review_action.setStatusTip(
            "Summary, diagram, findings, N-1/N-2, scenarios and RPO/RTO matrix as HTML or PDF"
        )
        self.review_action.triggered.connect(lambda *_: self.review_dialog())
        window.addAction(self.review_action)  # its key works wherever the focus is
        export_menu.addSection(EXPORT_GROUPS[1])
        export_menu.addAction(self.review_action)
        export_menu.addSection(EXPORT_GROUPS[2])
        self.export_actions: dict[str, QAction] = {}
        for key, text, tip in _EXPORTS:
            action = export_menu.addAction(text)
            action.setStatusTip(tip)
            action.triggered.connect(lambda *_, k=key: self.export_dialog(k))
            self.export_actions[key] = action
        # Also in the File menu itself, where it has always been (Alt+F, D).
        file_menu.insertAction(anchor, self.review_action) if anchor else file_menu.addAction(
            self.review_action
        )

    # -- import --------------------------------------------------------------------------
    def import_dialog(self, kind: str, pattern: str = "All files (*)") -> bool:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, f"Import {SOURCES[kind]}", self._folder(), pattern
        )
        return bool(paths) and self.import_files(kind, [Path(p) for p in paths])

    def import_files(self, kind: str, paths: list[Path]) -> bool:
        """Merge ``paths`` into the open design as one undoable step."""
        # The readers when first used, not before the window's first frame (~6 ms).
        from designer.interop.command import ApplyImport
        from designer.interop.importing import import_sources

        session = self.session
        before = session.design
        try:
            result = import_sources(kind, paths, into=before)
        except DesignError as exc:
            QMessageBox.critical(self.window, "Import", f"Nothing was imported.\n\n{exc}")
            return False
        command = ApplyImport(before, result.design, f"Import {', '.join(p.name for p in paths)}")
        if command.empty:
            session.status_message.emit("The import changed nothing")
            return False
        if not session.push(command):
            return False
        session.set_selection([e.id for e in command.added])
        self._show_all()
        report = result.report
        session.status_message.emit(report.summary())
        if report.issues or report.notes:
            QMessageBox.information(self.window, "Import report", report.to_text(limit=40))
        return True

    # -- export --------------------------------------------------------------------------
    def _folder(self) -> str:
        """Where the dialogs start: the design's folder, else the last one used."""
        recent = getattr(self.window, "recent", None)
        return str(start_folder(self.session.path, recent.paths() if recent else []))

    def _base(self, suffix: str) -> str:
        recent = getattr(self.window, "recent", None)
        paths = recent.paths() if recent else []
        return str(suggested_path(self.session.path, self.session.design.name, paths, suffix))

    def export_dialog(self, key: str) -> Path | None:
        from designer.interop.exporting import export_design

        if key == "calculator":
            folder = QFileDialog.getExistingDirectory(
                self.window, dialog_title(self.export_actions[key].text()), self._folder()
            )
            if not folder:
                return None
            target = Path(folder)
            output = str(target) + "/"
        else:
            names = {"drawio": "draw.io (*.drawio)", "graphml": "GraphML (*.graphml)",
                     "gexf": "GEXF (*.gexf)"}  # fmt: skip
            # The title in the menu's words ("Export as drawio" named no program: eyes23).
            title = dialog_title(self.export_actions[key].text())
            path, _ = QFileDialog.getSaveFileName(
                self.window, title, self._base(f".{key}"), names[key]
            )
            if not path:
                return None
            target = Path(path)
            if target.suffix.casefold() != f".{key}":
                target = target.with_name(target.name + f".{key}")
            output = str(target)
        try:
            export_design(self.session.design, output, moment=self._moment())
        except (DesignError, OSError) as exc:
            QMessageBox.critical(self.window, "Export", str(exc))
            return None
        self.session.status_message.emit(f"Exported to {target}")
        return target

    def _moment(self) -> SimulationMoment | None:
        """The simulation moment on screen, for draw.io's simulation layer."""
        simulation = getattr(self.window, "simulation", None)
        controller = getattr(simulation, "controller", None)
        if controller is None or not getattr(controller, "steps", None):
            return None
        # draw.io's writer (with xml.etree, ~7 ms) only when an export asks for it: not
        # before a window's first frame.
        from designer.interop.drawio import SimulationMoment

        return SimulationMoment(tuple(controller.steps), float(controller.time), "Simulation")

    # -- review report -------------------------------------------------------------------
    def review_dialog(self, path: str | None = None) -> ReviewJob | None:
        """Ask where, then write the review report: the design handed over in slices to
        a process of its own, which works out the content (N-2 and the matrix take tens
        of seconds on a large design) and draws it, behind a progress dialog with Cancel.
        Returns the running job (``None`` if the user chose no file); its
        ``finished``/``failed``/``cancelled`` say how it ended."""
        from designer.ui.review import ReviewJob

        if self.review_job is not None and self.review_job.is_running():
            # Ctrl+R again before the progress dialog shows (it waits 400 ms) and blocks
            # the window: one report at a time.
            self.session.status_message.emit("A design review report is being written")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.window, dialog_title(self.review_action.text()),
                self._base("-review.html"), "HTML (*.html);;PDF (*.pdf)",
            )  # fmt: skip
            if not path:
                return None
        session = self.session
        try:
            job = ReviewJob(
                self.window, session.design, path,
                source=session.path.name if session.path else "",
            )  # fmt: skip
        except DesignError as exc:
            QMessageBox.critical(self.window, "Design review report", str(exc))
            return None
        session.status_message.emit("Writing the design review report…")

        def written(out: Path) -> None:
            session.status_message.emit(f"Review report written to {out}")
            self.offer_to_open(out)

        def failed(message: str) -> None:
            session.status_message.emit("The design review report was not written")
            QMessageBox.critical(self.window, "Design review report", message)

        job.finished.connect(written)
        job.failed.connect(failed)
        job.cancelled.connect(lambda: session.status_message.emit("Design review report cancelled"))
        for ended in (job.finished, job.failed, job.cancelled):
            ended.connect(lambda *_: self._review_ended(job))
        self.review_job = job
        job.start()
        return job

    def offer_to_open(self, out: Path) -> QMessageBox:
        """A written report offered to open (eyes19 #13: only the status bar said it
        was written): a message with Open (the system's viewer) and Close, not modal
        (the window stays usable, and it waits for nobody)."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Design review report",
            f"Review report written to {out}",
            QMessageBox.StandardButton.Close,
            self.window,
        )
        opener = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(opener)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: object) -> None:
            if button is opener:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(out)))

        box.buttonClicked.connect(clicked)
        box.show()
        self.written_box = box
        return box

    def _review_ended(self, job: ReviewJob) -> None:
        if self.review_job is job:
            self.review_job = None
        job.deleteLater()
