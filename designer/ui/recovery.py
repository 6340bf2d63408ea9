"""The window's crash-recovery copy: one journal record per change, at the next idle
moment, written off the UI thread (:mod:`designer.persistence.journal`).

:class:`RecoveryKeeper` watches the editing session. After every change it schedules
a zero-delay timer (several changes in one turn of the event loop make one record);
the timer computes the difference from the last design recorded and hands it to the
journal's writer thread. The journal's base is the design as it was when last clean:
a copy of the file it was opened from or saved to when that file still holds exactly
those bytes, else the design serialised — a slice at a time between events for a big
design, so the window never freezes. Undoing back to the clean state, saving, opening
or closing the window removes the copy. A failed write (a full disk) is reported by
``status_changed`` (the window shows it) and the next change starts a fresh base.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from designer.domain.design import Design
from designer.persistence import FileStamp, dumps
from designer.persistence.journal import RecoveryJournal, Touched, envelope_chunks
from designer.ui import lifetime, slices
from designer.ui.session import SYNC_CHECK_LIMIT, EditorSession

__all__ = ["RecoveryKeeper"]

#: Serialisation time per slice of a big base, at most: a job of the window's idle slices
#: (:mod:`designer.ui.slices`), within their one budget per turn.
SLICE_S = 0.008

#: A record compares and writes out every element the changes since the last one touched,
#: in one turn (a site's deletion at 100k touches 14,592: ~64 ms comparing and dumping them,
#: ~28 ms for the line's JSON). Above this many, in a design too big to write out at once
#: (``SYNC_CHECK_LIMIT``), a fresh base is written instead, in slices of ``SLICE_S``: more
#: work in all (every element), none of it a long turn (wave 27).
RECORD_AT_ONCE_UP_TO = 1000


class RecoveryKeeper(QObject):
    """Keeps the recovery journal of one window's session up to date."""

    #: A message when the recovery copy cannot be written, None when it works again.
    status_changed = Signal(object)
    _status_from_writer = Signal(object)

    def __init__(self, session: EditorSession, folder: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.folder = folder
        self.journal = RecoveryJournal(folder, on_status=self._status_from_writer.emit)
        self._status_from_writer.connect(self.status_changed.emit)
        self.problem: str | None = None
        self.status_changed.connect(self._remember)
        self._clean_design: Design = session.design
        self._clean_file: Path | None = None
        self._clean_digest: str | None = None
        #: What the session's file held when last opened or saved (for a later save).
        self._original_digest: str | None = None
        #: The clean design's elements by id, taken before its first edit (so that the
        #: journal's first record need not map every element): see :meth:`mark_clean`.
        self._clean_by_id: dict[str, Any] | None = None
        self._base_job: (
            tuple[Design, Path | None, Iterator[str], list[str], dict[str, Any] | None] | None
        ) = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)  # the next idle moment
        self._flush_timer.timeout.connect(self.flush)
        #: What the document's events named since the last record.
        self._touched = Touched()
        session.document_edited.connect(self._on_document_edited)
        session.file_state_changed.connect(self._schedule)
        # A big edit in steps is recorded once done (not a record per step).
        session.busy_changed.connect(self._schedule)
        session.busy_changed.connect(self._resume_base)
        self._closed = False

    def _remember(self, message: object) -> None:
        self.problem = message if isinstance(message, str) else None

    # -- what the window tells it ----------------------------------------------------------
    def mark_clean(self, path: Path | None = None, stamp: FileStamp | None = None) -> None:
        """The session's design is what ``path`` holds (opened, saved) or a new design:
        no copy is needed until the next change."""
        design = self.session.design
        # The same design clean again (saved twice, Save As): its map stays (a new copy
        # and the old one's release cost ~6 ms of the save's last turn at 100k).
        kept = self._clean_by_id if design is self._clean_design else None
        self._clean_design = design
        self._clean_file = path if stamp is not None else None
        self._clean_digest = stamp.digest if stamp is not None else None
        self._original_digest = self._clean_digest
        self._clean_by_id = kept
        self.discard()
        if kept is not None:
            return
        # A copy of the index's map, before any edit: after a big design's first frame
        # (opened), else in a turn of its own (saved: not in the save's last turn).
        if self.session.holding:
            self.session.after_first_frame(self._note_clean_elements)
        else:
            lifetime.soon(self, self._note_clean_elements)

    def _note_clean_elements(self) -> None:
        if self.session.design is self._clean_design and self._clean_by_id is None:
            self._clean_by_id = self.session.document.elements_by_id()

    def _elements_of(self, design: Design) -> dict[str, Any] | None:
        """``design``'s elements by id, for the journal to own (None: it maps them)."""
        if design is self.session.design:
            return self.session.document.elements_by_id()
        if design is self._clean_design and self._clean_by_id is not None:
            return dict(self._clean_by_id)
        return None

    def adopt(self, design: Design, original_digest: str | None = None) -> None:
        """The session now holds a recovered design, dirty: write its base at once (the
        copy it came from may then be removed). ``original_digest``: what the original
        file held when the crashed window last opened or saved it."""
        self.discard()
        self._clean_design = design
        self._clean_file = None
        self._original_digest = original_digest
        self.journal.start(
            design,
            self.session.path,
            base_text=dumps(design),
            original_digest=original_digest,
            elements_by_id=self._elements_of(design),
        )
        self.journal.wait()

    def discard(self) -> None:
        """Remove the copy (and any base being prepared)."""
        self._touched = Touched()
        self._base_job = None
        slices.shared().cancel(self._base_key)
        self.journal.discard()

    def close(self) -> None:
        """The window closes cleanly: remove the copy and stop the writer."""
        if self._closed:
            return
        self._closed = True
        self._flush_timer.stop()
        self.discard()
        self.journal.close()

    def abandon(self) -> None:
        """Stop writing and leave the copy as it is: what a crash leaves behind (tests;
        the next start of the designer offers it)."""
        if self._closed:
            return
        self.wait()
        self._closed = True
        self._flush_timer.stop()
        self.journal.close()

    def wait(self) -> None:
        """Finish what is scheduled, slices included, and the disk writes (tests)."""
        if self._flush_timer.isActive():
            self._flush_timer.stop()
            self.flush()
        while self._base_job is not None:
            self._step_base(budget_s=1.0)
        self.journal.wait()

    # -- scheduling ------------------------------------------------------------------------
    def _on_document_edited(self, events: tuple[object, ...]) -> None:
        note = self._touched.note
        for event in events:
            note(event)
        self._schedule()

    def _schedule(self, *_: object) -> None:
        if not self._closed and shiboken6.isValid(self) and not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Record the changes since the last record (normally at the next idle moment)."""
        if self._closed or self.session.busy:
            return
        if not self.session.dirty:
            if self.journal.active or self._base_job is not None:
                self.discard()  # back to the saved state: nothing to recover
            return
        if self._base_job is not None:
            return  # the base being prepared is followed by a record of everything since
        journal = self.journal
        if self._too_many_for_a_record() or (journal.active and journal.needs_base):
            self._start_base(self.session.design, from_file=False)
        elif not journal.active:
            self._start_base(self._clean_design, from_file=True)
        if journal.active and self._base_job is None:
            self._record()

    def _too_many_for_a_record(self) -> bool:
        return (
            len(self._touched.elements) > RECORD_AT_ONCE_UP_TO
            and len(self.session.design.elements) > SYNC_CHECK_LIMIT
        )

    def _record(self) -> None:
        touched, self._touched = self._touched, Touched()
        self.journal.record(self.session.design, touched, self.session.document)

    def _start_base(self, design: Design, *, from_file: bool) -> None:
        """Begin a generation whose base is ``design`` (the clean design, or the current
        one for a fresh base); the changes since ``design`` are recorded after it."""
        original = self.session.path
        if design is self.session.design:
            self._touched = Touched()  # the base is the design as it is now
        by_id = self._elements_of(design)
        if from_file and self._clean_file is not None and self._clean_digest is not None:
            # The writer copies the file (checking it still holds those bytes).
            self.journal.start(
                design,
                original,
                base_file=self._clean_file,
                base_digest=self._clean_digest,
                original_digest=self._original_digest,
                elements_by_id=by_id,
            )
        elif len(design.elements) <= SYNC_CHECK_LIMIT:
            self.journal.start(
                design,
                original,
                base_text=dumps(design),
                original_digest=self._original_digest,
                elements_by_id=by_id,
            )
        else:
            self._base_job = (design, original, envelope_chunks(design), [], by_id)
            self._slice_base()

    # -- a big base, in slices -------------------------------------------------------------
    # The window's idle slices write it, within their one budget per turn: on a zero-delay
    # timer of its own with a budget of its own (8 ms; 2-14 ms of CPU under load), its
    # slices came on top of theirs and of the canvas's repaint in the same turns (after
    # Replace in Names of 2,253 names at 100k, with the renamed boxes' repaints and the
    # Overview's picture). None runs while a big edit runs in steps (it came on top of a
    # step's turn): resumed once it is done (its record waits for that anyway).
    @property
    def _base_key(self) -> tuple[int, str]:
        return (id(self), "recovery base")

    def _slice_base(self) -> None:
        if self._base_job is not None and not self.session.busy:
            slices.shared().start(self._base_key, self, self._base_slice)

    def _base_slice(self, deadline: float) -> bool:
        """A slice of the base being written (a job of :mod:`designer.ui.slices`);
        whether done (or waiting for the big edit running to be done)."""
        if self._base_job is None or self.session.busy:
            return True
        self._step_base(deadline=min(deadline, time.perf_counter() + SLICE_S))
        return self._base_job is None

    def _resume_base(self, busy: bool) -> None:
        if not busy and shiboken6.isValid(self):
            self._slice_base()

    def _step_base(self, budget_s: float = SLICE_S, *, deadline: float | None = None) -> None:
        """Serialise the base being written for ``budget_s`` (or until ``deadline``);
        handed to the writer once whole."""
        job = self._base_job
        if job is None:
            return
        design, original, chunks, parts, by_id = job
        if deadline is None:
            deadline = time.perf_counter() + budget_s
        for n, chunk in enumerate(chunks):
            parts.append(chunk)
            if n % 64 == 63 and time.perf_counter() > deadline:
                return
        self._base_job = None
        slices.shared().cancel(self._base_key)
        self.journal.start(
            design,
            original,
            # Joined and written out by the writer, a part at a time (joined here, the
            # 57 MB of a 100k base took 30-100 ms of this turn).
            base_text=parts,
            original_digest=self._original_digest,
            elements_by_id=by_id,
        )
        if self.session.dirty:
            if self._too_many_for_a_record():
                # A big edit made meanwhile (an undo of 1,400 elements at 100k): a fresh
                # base once the session is idle, not one record of all of it now.
                self._schedule()
            else:
                self._record()  # every change made meanwhile
