"""Crash recovery as a journal: a base snapshot and one record per change after it.

A window that has unsaved changes keeps, in the recovery folder:

* ``TOKEN.GEN.base.json``: a design file (the design when it was last clean, or when
  the journal was last compacted);
* ``TOKEN.GEN.journal``: one JSON line per change since, each the difference between
  two successive designs (elements removed, inserted at their positions or replaced,
  layout entries set or removed, other fields set). A change costs what it touches,
  so every undo step is recorded, not a full copy every 30 s;
* ``TOKEN.meta.json``: which generation is current, the original file, the process.

``TOKEN`` is one per window, so two windows never overwrite or discard each other's
copy. All disk work happens on one writer thread, in order; the window only computes
the differences (a few milliseconds) and hands them over. A record is one line ending
in a newline: a line cut short by a crash is ignored on replay, and records replay in
sequence until the first gap, so at most the last change is lost. When a write fails
(a full disk), ``on_error`` is told and the next change starts a new generation from
a fresh base rather than continue a broken chain. Each file is written whole to a
temporary name and renamed (no partial file, no temp left behind by a failed write).

A kill -9 loses what the process had not yet *written*, not what the disk had not yet
*flushed*: the writer thread writes and moves on, and the process's one syncer thread
(shared by every window's journal: a writer per window plus one syncer, not two threads
per window) makes the written files durable (fsync, then their folder's) meanwhile.
With the fsyncs in the writer's path, a new base (three files, two fsyncs each: 60 ms
to seconds on a loaded disk) and every record behind an earlier record's fsync were
still unwritten when an edit 50 ms later was followed by a kill: two edits lost, or no
copy at all (the crash test failed 2-4 times in 12 under load).

Replaying works on the raw JSON and validates the result as a design file, so a
recovered design passes exactly the checks of File > Open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from designer.domain.design import Design
from designer.persistence import atomic
from designer.persistence.errors import LoadError
from designer.persistence.file_format import FORMAT, design_from_data, dumps
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

__all__ = [
    "COMPACT_AFTER",
    "DocumentLookup",
    "PendingRecovery",
    "RecoveryJournal",
    "Touched",
    "design_changes",
    "envelope_chunks",
    "pending_recoveries",
    "replay",
    "touched_changes",
]

#: Records after which the journal starts a new generation from a fresh base.
COMPACT_AFTER = 2000
_META = ".meta.json"
_FIELDS = ("name", "description", "intent", "rules", "scenarios")

#: Tokens of the journals of this process that are open (their copies are not pending).
_LIVE_TOKENS: set[str] = set()
_LIVE_LOCK = threading.Lock()


# -- the difference between two designs ---------------------------------------------------
def _json(model: Any) -> Any:
    return model.model_dump(mode="json")


def design_changes(old: Design, new: Design) -> list[list[Any]]:
    """The operations that turn ``old`` into ``new`` (empty when they are equal).

    Elements are compared by identity first (the document shares unchanged elements
    between snapshots), so a change of one element in 25,000 costs a pass over ids.
    """
    ops: list[list[Any]] = []
    if old.elements is not new.elements:
        op = _element_changes(old, new)
        if op is not None:
            ops.append(op)
    if old.layout is not new.layout:
        old_layout, new_layout = old.layout, new.layout
        changed = {
            key: _json(entry)
            for key, entry in new_layout.items()
            if (previous := old_layout.get(key)) is not entry and previous != entry
        }
        removed = [key for key in old_layout if key not in new_layout]
        if changed or removed:
            ops.append(["layout", changed, removed])
    for name in _FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before is not after and before != after:
            value = after if isinstance(after, str) else _dump_field(new, name)
            ops.append(["field", name, value])
    return ops


def _dump_field(design: Design, name: str) -> Any:
    return design.model_dump(mode="json", include={name})[name]


def _element_changes(old: Design, new: Design) -> list[Any] | None:
    old_ids = [e.id for e in old.elements]
    new_ids = [e.id for e in new.elements]
    old_set, new_set = set(old_ids), set(new_ids)
    common_old = [i for i in old_ids if i in new_set]
    common_new = [i for i in new_ids if i in old_set]
    if common_old != common_new:  # reordered: record the whole list
        return ["elements_all", [_json(e) for e in new.elements]]
    removed = [i for i in old_ids if i not in new_set]
    inserted = [[pos, _json(e)] for pos, e in enumerate(new.elements) if e.id not in old_set]
    by_id = {e.id: e for e in old.elements}
    replaced = [
        _json(e)
        for e in new.elements
        if (before := by_id.get(e.id)) is not None and before is not e and before != e
    ]
    if not (removed or inserted or replaced):
        return None
    return ["elements", removed, inserted, replaced]


@dataclass
class Touched:
    """What the document events since the last record say may have changed, so a
    record costs what the edit touched instead of a pass over every element.

    ``note(event)`` reads the events of :mod:`designer.document.events` by their class
    name and fields (this package sits below ``designer.document`` in the layers).
    """

    elements: set[str] = field(default_factory=set)
    layout: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    #: Something no event described precisely: compare everything.
    everything: bool = False

    _SETTINGS: ClassVar[dict[str, tuple[str, ...]]] = {
        "meta": ("name", "description"),
        "intent": ("intent",),
        "rules": ("rules",),
        "scenarios": ("scenarios",),
    }

    def note(self, event: object) -> None:
        kind = type(event).__name__
        if kind in ("ElementsAdded", "ElementsRemoved"):
            ids = getattr(event, "ids", ())
            self.elements.update(ids)
            self.layout.update(ids)
        elif kind == "ElementChanged":
            self.elements.add(getattr(event, "id", ""))
        elif kind == "LayoutChanged":
            self.layout.update(getattr(event, "ids", ()))
        elif kind == "SettingsChanged" and (what := getattr(event, "what", None)) in self._SETTINGS:
            self.fields.update(self._SETTINGS[what])
        else:
            self.everything = True

    def __bool__(self) -> bool:
        return bool(self.everything or self.elements or self.layout or self.fields)


class DocumentLookup(Protocol):
    """The current document: an element by id and its position (O(1) each)."""

    def get(self, element_id: str) -> Any: ...

    def position_of(self, element_id: str) -> int: ...


def touched_changes(
    old: Design,
    old_by_id: dict[str, Any],
    new: Design,
    touched: Touched,
    document: DocumentLookup,
) -> list[list[Any]]:
    """:func:`design_changes` restricted to what ``touched`` names; ``old_by_id`` (the
    elements of ``old`` by id) is brought up to date with ``new``."""
    ops: list[list[Any]] = []
    if touched.elements:
        removed: list[str] = []
        inserted: list[tuple[int, Any]] = []
        replaced: list[Any] = []
        for element_id in sorted(touched.elements):
            before = old_by_id.get(element_id)
            after = document.get(element_id)
            if before is not None and after is None:
                removed.append(element_id)
                del old_by_id[element_id]
            elif before is None and after is not None:
                inserted.append((document.position_of(element_id), after))
                old_by_id[element_id] = after
            elif after is not None and after is not before and after != before:
                replaced.append(_json(after))
                old_by_id[element_id] = after
        if removed or inserted or replaced:
            inserted.sort(key=lambda item: item[0])
            ops.append(["elements", removed, [[p, _json(e)] for p, e in inserted], replaced])
    if touched.layout:
        changed: dict[str, Any] = {}
        gone: list[str] = []
        for key in sorted(touched.layout):
            before_entry, after_entry = old.layout.get(key), new.layout.get(key)
            if after_entry is None:
                if before_entry is not None:
                    gone.append(key)
            elif after_entry is not before_entry and after_entry != before_entry:
                changed[key] = _json(after_entry)
        if changed or gone:
            ops.append(["layout", changed, gone])
    for name in _FIELDS:
        if name in touched.fields:
            before, after = getattr(old, name), getattr(new, name)
            if before is not after and before != after:
                value = after if isinstance(after, str) else _dump_field(new, name)
                ops.append(["field", name, value])
    return ops


def _apply(design: dict[str, Any], ops: list[list[Any]]) -> None:
    """Apply one record's operations to a raw design dict (its JSON)."""
    for op in ops:
        kind = op[0]
        if kind == "elements":
            _, removed, inserted, replaced = op
            gone = set(removed)
            elements = [e for e in design.get("elements", []) if e.get("id") not in gone]
            for pos, element in inserted:  # ascending final positions
                elements.insert(pos, element)
            if replaced:
                by_id = {e["id"]: e for e in replaced}
                elements = [by_id.get(e.get("id"), e) for e in elements]
            design["elements"] = elements
        elif kind == "elements_all":
            design["elements"] = op[1]
        elif kind == "layout":
            _, changed, removed = op
            layout = dict(design.get("layout", {}))
            layout.update(changed)
            for key in removed:
                layout.pop(key, None)
            design["layout"] = layout
        elif kind == "field":
            design[op[1]] = op[2]
        else:
            raise ValueError(f"unknown journal operation {kind!r}")


# -- the base snapshot, serialised a slice at a time ---------------------------------------
#: How much of a base given in parts the writer joins and writes at a time (each join
#: holds the interpreter's lock: the UI thread waits at most that long, ~1 ms).
WRITE_PIECE_CHARS = 1 << 20


def _encoded_in_pieces(parts: list[str]) -> Iterator[bytes]:
    """``parts`` joined and encoded ~:data:`WRITE_PIECE_CHARS` at a time."""
    group: list[str] = []
    size = 0
    for part in parts:
        group.append(part)
        size += len(part)
        if size >= WRITE_PIECE_CHARS:
            yield "".join(group).encode("utf-8")
            group, size = [], 0
    if group:
        yield "".join(group).encode("utf-8")


def envelope_chunks(design: Design) -> Iterator[str]:
    """A design file's text, element by element: many short serialiser calls instead of
    one long one, so the caller can interleave them with other work (the window's
    events) and a 25,000-element base never freezes it. Not canonical (saves are)."""
    head = design.model_dump(mode="json", exclude={"elements", "layout"})
    yield f'{{"format": {json.dumps(FORMAT)}, "schema_version": {CURRENT_SCHEMA_VERSION}, '
    yield '"design": {'
    for key, value in head.items():
        yield f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}, "
    yield '"elements": ['
    for i, element in enumerate(design.elements):
        yield ("," if i else "") + element.model_dump_json()
    yield '], "layout": {'
    for i, (key, entry) in enumerate(design.layout.items()):
        yield ("," if i else "") + json.dumps(key) + ": " + entry.model_dump_json()
    yield "}}}\n"


# -- replay -------------------------------------------------------------------------------
def replay(base: bytes, journal: bytes, *, where: str = "<recovery>") -> tuple[Design, int]:
    """The design of a base snapshot with its journal applied; and the records used.

    A torn last line, a record out of sequence or a record of another generation ends
    the replay there (what came before is kept).
    """
    try:
        envelope = json.loads(base)
    except ValueError as exc:
        raise LoadError(f"the recovery copy's base is damaged: {exc}", where=where) from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("design"), dict):
        raise LoadError("the recovery copy's base is not a design file", where=where)
    design = envelope["design"]
    used = 0
    lines = journal.split(b"\n")
    header: dict[str, Any] | None = None
    for line in lines[:-1]:  # the part after the last newline is a torn write
        try:
            record = json.loads(line)
        except ValueError:
            break
        if header is None:
            header = record
            continue
        if not isinstance(record, dict) or record.get("n") != used + 1:
            break
        try:
            _apply(design, record["ops"])
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            break
        used += 1
    return design_from_data(envelope, where=where), used


# -- pending copies ----------------------------------------------------------------------
@dataclass(frozen=True)
class PendingRecovery:
    """A recovery copy left by a window that is gone (a crash)."""

    folder: Path
    token: str
    generation: int
    original: Path | None
    saved_at: float
    pid: int
    edits: int
    #: SHA-256 of the original file as the window last opened or saved it: a save of
    #: the recovered design notices when another program changed the file since.
    original_digest: str | None = None

    @property
    def base_file(self) -> Path:
        if self.generation == 0:  # a copy of an earlier release: one whole design file
            return self.folder / f"{self.token}.recovery.json"
        return self.folder / f"{self.token}.{self.generation}.base.json"

    @property
    def journal_file(self) -> Path:
        return self.folder / f"{self.token}.{self.generation}.journal"

    @property
    def meta_file(self) -> Path:
        return self.folder / f"{self.token}{_META}"

    def files(self) -> list[Path]:
        return sorted(self.folder.glob(f"{self.token}.*"))

    def load(self) -> Design:
        where = str(self.base_file)
        try:
            base = self.base_file.read_bytes()
        except OSError as exc:
            raise LoadError(f"cannot be read ({exc.strerror or exc})", where=where) from None
        try:
            journal = self.journal_file.read_bytes()
        except FileNotFoundError:
            journal = b""
        except OSError as exc:
            raise LoadError(f"cannot be read ({exc.strerror or exc})", where=where) from None
        return replay(base, journal, where=where)[0]

    def discard(self) -> None:
        for path in self.files():
            path.unlink(missing_ok=True)

    def set_aside(self) -> Path:
        """Keep a copy that cannot be loaded out of the way (never delete work): its
        files get the suffix ``.unrecoverable``; returns the folder."""
        for path in self.files():
            with contextlib.suppress(OSError):
                path.rename(path.with_name(path.name + ".unrecoverable"))
        return self.folder


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def pending_recoveries(folder: Path) -> list[PendingRecovery]:
    """Copies whose window is gone: its process ended, or (this process) it closed."""
    found: list[PendingRecovery] = []
    if not folder.is_dir():
        return found
    with _LIVE_LOCK:
        live = set(_LIVE_TOKENS)
    me = os.getpid()
    for meta_file in folder.glob(f"*{_META}"):
        token = meta_file.name[: -len(_META)]
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            pid = int(meta["pid"])
            generation = int(meta.get("generation", 0))  # 0: an earlier release's copy
            original = Path(meta["original"]) if meta.get("original") else None
            digest = meta.get("original_digest")
            original_digest = digest if isinstance(digest, str) else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if token in live or (pid != me and _alive(pid)):
            continue
        copy = PendingRecovery(folder, token, generation, original, 0.0, pid, 0)
        if not copy.base_file.exists():
            continue
        journal = copy.journal_file
        try:
            saved_at = max(copy.base_file.stat().st_mtime, journal.stat().st_mtime)
            edits = max(journal.read_bytes().count(b"\n") - 1, 0)
        except OSError:
            saved_at, edits = copy.base_file.stat().st_mtime, 0
        found.append(
            PendingRecovery(
                folder, token, generation, original, saved_at, pid, edits, original_digest
            )
        )
    found.sort(key=lambda r: r.saved_at, reverse=True)
    return found


# -- the writer --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Append:
    generation: int
    data: bytes


_NOTHING: Any = object()


class RecoveryJournal:
    """The recovery copy of one window (see the module's docstring).

    ``start(design, original, …)`` begins a generation whose base is ``design``;
    ``record(design)`` appends the changes since the last design recorded;
    ``discard()`` removes the copy (after a save, or when the window closes cleanly).
    ``on_status(message)`` is called on the writer thread when writing starts failing
    (a message) and when it works again (None).
    """

    def __init__(self, folder: Path, on_status: Callable[[str | None], None] | None = None) -> None:
        self.folder = folder
        self.on_status = on_status
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.generation = 0
        self._last: Design | None = None
        #: The elements of ``_last`` by id, kept up to date by touched records.
        self._last_by_id: dict[str, Any] | None = None
        self._records = 0
        #: Set by the writer when a write failed: the next change starts a new base.
        self._rebase = False
        self._queue: queue.Queue[Any] = queue.Queue()
        # Writer-side state.
        self._base_generation = 0
        self._journal_size = 0
        self._failing = False
        #: The generation the writer last began to write, and the newest one a flush of
        #: the syncer refused (set on the syncer's thread): the writer's later successes
        #: in that generation do not take the failure back (the files are still not on
        #: the disk); only a fresh base, written after it, does.
        self._writing_generation = 0
        self._unsynced_generation = 0
        #: The process's syncer, which flushes the files this journal's writer wrote.
        self._syncer = _Syncer.attach()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="recovery-journal", daemon=True)
        self._thread.start()
        with _LIVE_LOCK:
            _LIVE_TOKENS.add(self.token)

    # -- on the window's thread ----------------------------------------------------------
    @property
    def active(self) -> bool:
        """A generation is open (there are unsaved changes being journalled)."""
        return self._last is not None

    @property
    def needs_base(self) -> bool:
        """The next change should start a new generation (a failed write, or a long
        journal to compact)."""
        return self._rebase or self._records >= COMPACT_AFTER

    @property
    def records(self) -> int:
        return self._records

    def start(
        self,
        design: Design,
        original: Path | None,
        *,
        base_text: str | list[str] | None = None,
        base_file: Path | None = None,
        base_digest: str | None = None,
        original_digest: str | None = None,
        elements_by_id: dict[str, Any] | None = None,
    ) -> None:
        """Begin a generation whose base is ``design``: its text is ``base_text`` (from
        :func:`dumps`, or :func:`envelope_chunks`'s parts, joined by the writer), else a
        copy of ``base_file`` when its bytes still have ``base_digest``, else
        ``dumps(design)`` on the writer thread.
        ``original_digest``: what the original file held when last opened or saved.
        ``elements_by_id``: ``design``'s elements by id, if the caller has them (the
        journal takes it over and keeps it current); else the first record maps them
        (a pass over every element)."""
        self.generation += 1
        self._last = design
        self._last_by_id = elements_by_id
        self._records = 0
        self._rebase = False
        generation = self.generation
        self._queue.put(
            lambda: self._write_base(
                generation, design, original, base_text, base_file, base_digest, original_digest
            )
        )

    def record(
        self,
        design: Design,
        touched: Touched | None = None,
        document: DocumentLookup | None = None,
    ) -> bool:
        """Append the changes since the last design recorded; False when there are none.

        With ``touched`` (what the document's events named) and ``document`` (to look
        elements up), only those are compared: an edit of one element of 25,000 costs
        microseconds; without them, every element is compared (a pass over the ids).
        """
        last = self._last
        if last is None:
            raise RuntimeError("record() before start()")
        if design is last:
            return False
        if touched is not None and document is not None and not touched.everything:
            if self._last_by_id is None:
                self._last_by_id = {e.id: e for e in last.elements}
            ops = touched_changes(last, self._last_by_id, design, touched, document)
        else:
            ops = design_changes(last, design)
            self._last_by_id = None
        self._last = design
        if not ops:
            return False
        self._records += 1
        line = json.dumps({"n": self._records, "ops": ops}, ensure_ascii=False) + "\n"
        self._queue.put(_Append(self.generation, line.encode("utf-8")))
        return True

    def discard(self) -> None:
        """Remove this window's copy (all generations) and forget the last design."""
        self._last = None
        self._last_by_id = None
        self._records = 0
        self._queue.put(self._remove_files)

    def wait(self) -> None:
        """Block until every queued write is done (tests, closing)."""
        done = threading.Event()
        self._queue.put(done.set)
        done.wait()

    def close(self) -> None:
        """Stop the writer (the copy stays unless discarded first), once what it wrote
        is flushed to the disk."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        self._syncer.detach()
        with _LIVE_LOCK:
            _LIVE_TOKENS.discard(self.token)

    # -- on the writer thread ------------------------------------------------------------
    def _work(self) -> None:
        held = _NOTHING
        while True:
            job = held if held is not _NOTHING else self._queue.get()
            held = _NOTHING
            if job is None:
                return
            if isinstance(job, _Append):
                batch = [job.data]
                while True:  # the records queued behind it go in the same write
                    try:
                        following = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if isinstance(following, _Append) and following.generation == job.generation:
                        batch.append(following.data)
                    else:
                        held = following
                        break
                generation, data = job.generation, b"".join(batch)

                def run(generation: int = generation, data: bytes = data) -> None:
                    self._append(generation, data)

            else:
                run = job
            try:
                run()
            except Exception as exc:
                self._rebase = True
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                self._status(f"The recovery copy could not be written: {reason}")

    def _write_file(self, path: Path, data: bytes | Iterable[bytes]) -> None:
        """``data`` (or its pieces, in order) as ``path``, whole or not at all (a
        temporary file renamed; removed if the write fails), flushed to the disk later
        by the syncer."""
        tmp = path.with_name(f".{path.name}.drd-{secrets.token_hex(4)}{atomic._TEMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            try:
                for piece in [data] if isinstance(data, bytes) else data:
                    atomic._write_all(fd, piece)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._syncer.put(self, path)

    def _sync_failed(self, reason: str | None) -> None:
        """On the syncer thread: a file of this journal could not be flushed."""
        self._rebase = True  # the next change starts a fresh base
        self._unsynced_generation = self._writing_generation
        self._status(f"The recovery copy could not be written: {reason}")

    def _written(self, generation: int) -> None:
        """A write of ``generation`` succeeded: the failure told is over, unless the
        syncer refused to flush a file of this generation (or a later one) meanwhile."""
        if generation > self._unsynced_generation:
            self._status(None)

    def _status(self, message: str | None) -> None:
        failing = message is not None
        if failing == self._failing:
            return
        self._failing = failing
        if self.on_status is not None:
            self.on_status(message)

    def _files(self, generation: int) -> tuple[Path, Path]:
        stem = f"{self.token}.{generation}"
        return self.folder / f"{stem}.base.json", self.folder / f"{stem}.journal"

    def _write_base(
        self,
        generation: int,
        design: Design,
        original: Path | None,
        base_text: str | list[str] | None,
        base_file: Path | None,
        base_digest: str | None,
        original_digest: str | None,
    ) -> None:
        self._writing_generation = generation
        self.folder.mkdir(parents=True, exist_ok=True)
        base, journal = self._files(generation)
        data: bytes | None = None
        if base_text is None and base_file is not None and base_digest is not None:
            data = _bytes_with_digest(base_file, base_digest)
        written: bytes | Iterable[bytes]
        if data is not None:
            written = data
        elif isinstance(base_text, list):
            written = _encoded_in_pieces(base_text)
        else:
            written = (base_text if base_text is not None else dumps(design)).encode("utf-8")
        with contextlib.suppress(OSError):
            atomic.clean_stale_temps(self.folder)  # left by writes a kill cut short
        try:
            self._write_file(base, written)
            header = {"token": self.token, "generation": generation, "created": time.time()}
            self._write_file(journal, (json.dumps(header) + "\n").encode("utf-8"))
            meta = {
                "pid": os.getpid(),
                "token": self.token,
                "generation": generation,
                "original": str(original) if original else None,
                "original_digest": original_digest,
            }
            self._write_file(self.folder / f"{self.token}{_META}", json.dumps(meta).encode())
        except BaseException:
            # This generation never became current: nothing of it may stay behind.
            for path in (base, journal):
                path.unlink(missing_ok=True)
            raise
        self._journal_size = journal.stat().st_size
        self._base_generation = generation
        self._written(generation)
        for old in range(1, generation):
            for path in self._files(old):
                path.unlink(missing_ok=True)

    def _append(self, generation: int, data: bytes) -> None:
        """Append the lines (flushed to the disk by the syncer); a failed write is cut
        back off the file."""
        if generation != self._base_generation:
            return  # its base was never written (or is superseded): a new one follows
        _, journal = self._files(generation)
        fd = os.open(journal, os.O_WRONLY | os.O_APPEND)
        try:
            try:
                atomic._write_all(fd, data)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self._journal_size)  # no torn record left behind
                self._base_generation = 0  # the chain has a gap: no more appends to it
                raise
            self._journal_size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        self._syncer.put(self, journal)
        self._written(generation)

    def _remove_files(self) -> None:
        self._base_generation = 0
        for path in self.folder.glob(f"{self.token}.*"):
            if not path.name.endswith(".unrecoverable"):
                path.unlink(missing_ok=True)
        self._status(None)  # nothing to keep any more


class _Syncer:
    """The process's one syncer thread: it flushes to the disk the files every journal's
    writer wrote (every one queued so far at once, then their folders: the renames),
    and tells a journal when one of its files could not be flushed.

    Journals attach when made and detach when closed; the thread starts with the first
    and stops (joined) with the last, so no thread of it outlives the windows. Each
    thread has its own queue: a journal made after the last one detached starts a new
    thread, never one that is being told to stop."""

    _lock = threading.Lock()
    _current: ClassVar[_Syncer | None] = None

    def __init__(self) -> None:
        #: (journal, path written), an event to set once all before it is flushed, or
        #: None: stop.
        self._queue: queue.Queue[tuple[RecoveryJournal, Path] | threading.Event | None] = (
            queue.Queue()
        )
        self._users = 0
        self._thread = threading.Thread(target=self._run, name="recovery-sync", daemon=True)

    @classmethod
    def attach(cls) -> _Syncer:
        with cls._lock:
            syncer = cls._current
            if syncer is None:
                syncer = cls._current = _Syncer()
                syncer._thread.start()
            syncer._users += 1
            return syncer

    def put(self, journal: RecoveryJournal, path: Path) -> None:
        self._queue.put((journal, path))

    def detach(self) -> None:
        """Return once every file queued so far is flushed; the last journal to
        detach stops the thread."""
        done = threading.Event()
        self._queue.put(done)
        with self._lock:
            self._users -= 1
            last = self._users == 0
            if last:
                if _Syncer._current is self:
                    _Syncer._current = None
                self._queue.put(None)
        if last:
            self._thread.join()
        else:
            done.wait()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            paths: dict[Path, RecoveryJournal] = {}
            events: list[threading.Event] = []
            stop = False
            for item in batch:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    events.append(item)
                else:
                    paths[item[1]] = item[0]
            try:
                self._flush(paths)
            finally:  # a closing journal never waits for a flush that will not come
                for event in events:
                    event.set()
            if stop:
                return

    @staticmethod
    def _flush(paths: dict[Path, RecoveryJournal]) -> None:
        folders: set[Path] = set()
        for path, journal in paths.items():
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:  # removed meanwhile (saved, discarded): nothing to keep
                continue
            try:
                os.fsync(fd)
            except OSError as exc:
                # Told to its own journal only; a window that cannot be told (being
                # torn down) must not stop the flushing of the others.
                with contextlib.suppress(Exception):
                    journal._sync_failed(exc.strerror)
            finally:
                os.close(fd)
            folders.add(path.parent)
        for folder in folders:
            atomic._fsync_folder(folder)


def _bytes_with_digest(path: Path, digest: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None
