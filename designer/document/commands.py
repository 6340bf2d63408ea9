"""Undoable edits. Plain Python: ``redo``/``undo`` call only Document methods.

The UI puts them on a QUndoStack through a thin adapter; the core tests drive them
with :class:`UndoStack`, no QApplication needed. One gesture is one command: a drag is
one :class:`MoveElements`, repeated edits of one field merge (:meth:`Command.merge_with`).
"""

from __future__ import annotations

import bisect
from collections.abc import Generator, Iterable, Iterator, Sequence
from enum import IntEnum
from operator import itemgetter
from typing import Any

from designer.document.document import Document, EditError, fields_of
from designer.document.steps import Pace, Progress, referrers_first_in_steps, targets_first
from designer.domain.design import DesignIntent, LayoutEntry, RuleSettings, SavedScenario
from designer.domain.elements import DatabaseCopy, ElementBase, MailboxDatabase
from designer.domain.field_words import field_phrase
from designer.domain.refs import drop_refs, needs_any, ref_ids
from designer.domain.reliability import ReliabilitySettings
from designer.domain.words import plural, word_for
from designer.domain.workload import CapacitySettings

__all__ = [
    "AddElements",
    "ChangeElements",
    "Command",
    "MacroCommand",
    "Merge",
    "MoveElements",
    "NameNew",
    "RemoveElements",
    "RenameElements",
    "SetCapacity",
    "SetDesignMeta",
    "SetIntent",
    "SetProperty",
    "SetReference",
    "SetReliability",
    "SetRuleSettings",
    "SetScenarios",
    "UndoStack",
    "describe_removal",
    "plan_removal",
]


class Merge(IntEnum):
    """Merge ids: consecutive commands with the same id may merge (one per mergeable
    command class; Qt's ``QUndoCommand.id``)."""

    NONE = -1
    MOVE = 1
    PROPERTY = 2
    DESIGN_META = 3
    #: An element added, then named straight away (typed over it on the canvas).
    ADD = 4


class Command:
    """Base of the undoable edits."""

    text = "Edit"
    #: Something the user should be told after the edit (the status bar shows it).
    status_note = ""
    #: Commands with the same merge id (not NONE) may merge (see merge_with).
    merge_id: int = Merge.NONE

    def redo(self, doc: Document) -> None:
        raise NotImplementedError

    def undo(self, doc: Document) -> None:
        raise NotImplementedError

    #: Whether :meth:`plan` works out ahead what :meth:`redo_steps` will do (reading the
    #: document only: the session runs it on a worker for a big design).
    plans_ahead = False

    def plan(self, doc: Document) -> None:
        """Work out ahead, reading ``doc`` only, what the next :meth:`redo_steps` on the
        same revision of ``doc`` will do (see :attr:`plans_ahead`)."""

    def planning_text(self, doc: Document) -> str:
        """What the status bar says while :meth:`plan` runs."""
        return f"Working out {self.text}…"

    def redo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        """:meth:`redo` in steps, each one valid Document edit, yielding between them
        (:mod:`designer.document.steps`); a command that is never big: one step."""
        self.redo(doc)
        yield from ()

    def undo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        """:meth:`undo` in steps (see :meth:`redo_steps`)."""
        self.undo(doc)
        yield from ()

    def progress_text(self, progress: Progress, *, undoing: bool) -> str:
        """What the status bar says while the steps run, in domain words."""
        doing = f"Undoing {self.text}" if undoing else self.text
        return f"{doing}: {progress.done:,} of {progress.total:,} elements…"

    def merge_with(self, other: Command) -> bool:
        return False


class AddElements(Command):
    """Add elements (a palette drop, a paste, a duplicate) with their layout.

    A :class:`NameNew` of the one element it added, pushed right after, merges into it:
    drop, type the name, Enter is one undo step."""

    merge_id = Merge.ADD

    def __init__(
        self,
        elements: Sequence[ElementBase],
        layout: dict[str, LayoutEntry] | None = None,
        text: str | None = None,
    ) -> None:
        self.elements = list(elements)
        self.layout = dict(layout or {})
        if text:
            self.text = text
        elif len(self.elements) == 1:
            self.text = f"Add {self.elements[0].describe()}"
        else:
            self.text = f"Add {plural(len(self.elements), 'element')}"

    def redo(self, doc: Document) -> None:
        start = len(doc.design.elements)
        doc.insert_elements(
            [(start + i, e) for i, e in enumerate(self.elements)], layout=self.layout
        )

    def undo(self, doc: Document) -> None:
        doc.remove_elements(e.id for e in self.elements)

    def redo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        """Paced (a paste of hundreds of elements in the window): the elements added a
        part at a time, each after the pasted elements it refers to, each at its place
        among those already added (the design ends as :meth:`redo` makes it)."""
        total = len(self.elements)
        if not pace.paced(total):
            self.redo(doc)
            return
        start = len(doc.design.elements)
        place = {e.id: n for n, e in enumerate(self.elements)}
        order, together = targets_first(self.elements)
        added: list[int] = []  # the places added so far, ascending
        others = {k: v for k, v in self.layout.items() if k not in place}
        done = 0
        for part in _parts_with_tail(order, together, pace):
            places = sorted(place[i] for i in part)
            for n in places:
                bisect.insort(added, n)
            items = [(start + bisect.bisect_left(added, n), self.elements[n]) for n in places]
            layout = {i: self.layout[i] for i in part if i in self.layout}
            if others:
                layout.update(others)  # (entries of elements already there: the first part)
                others = {}
            doc.insert_elements(items, layout=layout)
            done += len(part)
            yield Progress(done, total)

    def undo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        """Paced: the elements removed a part at a time, referrers first."""
        total = len(self.elements)
        if not pace.paced(total):
            self.undo(doc)
            return
        order, together = targets_first(self.elements)
        done = 0
        for part in _parts_with_tail(order[::-1], 0, pace) if not together else [order]:
            doc.remove_elements(part)
            done += len(part)
            yield Progress(done, total)

    def progress_text(self, progress: Progress, *, undoing: bool) -> str:
        doing = "Taking back" if undoing else "Adding"
        what = plural(progress.total, "element")
        return f"{doing} {what}: {progress.done:,} of {progress.total:,}…"

    def merge_with(self, other: Command) -> bool:
        if not isinstance(other, NameNew) or len(self.elements) != 1:
            return False
        element = self.elements[0]
        if other.element_id != element.id:
            return False
        self.elements = [element.model_copy(update={"name": other.value})]
        self.text = f"Add {self.elements[0].describe()}"
        return True


def plan_removal(doc: Document, ids: Iterable[str]) -> tuple[set[str], dict[str, ElementBase]]:
    """What removing ``ids`` takes with it, and how the survivors are edited.

    An element that needs a removed one (a host in a removed site, a disk of a removed
    VM) goes too; an element that merely lists it (a DAG listing a member) loses it.
    """
    doomed = set(ids)
    queue = list(doomed)
    index = doc.index
    referring = index.referring  # (no need of design order: not sorted per target)
    get = index.by_id.get
    # Whether a referrer goes can change only when one of its targets is doomed, and
    # then only by that target (a required reference to it): each pair is looked at
    # once, without dumping the referrer (a site at 100k: ~30,000 pairs; each survivor
    # was dumped and fixed again for every one of its targets doomed, 1.1 s). The
    # survivors are fixed once, for the final doomed set.
    survivors: set[str] = set()
    while queue:
        target = queue.pop()
        one = (target,)
        for referrer_id in referring(target):
            if referrer_id in doomed:
                continue
            referrer = get(referrer_id)
            if referrer is not None and needs_any(referrer, one):
                doomed.add(referrer_id)
                queue.append(referrer_id)
            else:
                survivors.add(referrer_id)
    # Edited in design order (each element's edit made once, from its fields as they
    # are: ``drop_refs`` dumps nothing, and pydantic takes the unchanged nested models
    # as they are).
    survivors -= doomed
    edits: dict[str, ElementBase] = {}
    for referrer_id in index.in_design_order(survivors):
        referrer = get(referrer_id)
        assert referrer is not None
        data = drop_refs(referrer, doomed)
        assert data is not None
        if isinstance(referrer, MailboxDatabase) and data["copies"] is not referrer.copies:
            data["copies"] = preferences_closed_up(referrer.copies, data["copies"])
        edits[referrer_id] = type(referrer).model_validate(data)
    return doomed, edits


def preferences_closed_up(
    copies: Sequence[DatabaseCopy], kept: list[DatabaseCopy]
) -> list[DatabaseCopy | dict[str, Any]]:
    """``kept`` (the ``copies`` left when some go with their servers) with their
    activation preferences closed up as Exchange does: a database's preferences are
    its copies' positions in one ordered list (Active Directory's, the authority:
    unique 1…n), and removing a copy (Remove-MailboxDatabaseCopy, which a server must
    have run for each of its copies before it leaves the DAG) takes its position out,
    so each copy after it moves up one. A copy moves up by the number of removed copies
    ranked before it; the order of those left is kept (ties in a design that had them
    stay ties). A copy that moves is given as its data, validated with its database
    (``model_copy`` of 4,000 copies of a site at 100k: 0.2 s).

    Examples
    --------
    >>> c = [DatabaseCopy(member=m, activation_preference=p) for m, p in
    ...     [("a", 1), ("b", 2), ("c", 3), ("d", 4)]]
    >>> def ranks(kept):
    ...     return [(x.member, x.activation_preference) for x in
    ...         map(DatabaseCopy.model_validate, preferences_closed_up(c, kept))]
    >>> ranks([c[2], c[3]]), ranks([c[0], c[2]]), ranks([c[0], c[1]])
    ([('c', 1), ('d', 2)], [('a', 1), ('c', 2)], [('a', 1), ('b', 2)])
    """
    kept_ids = {id(copy) for copy in kept}
    gone = sorted(c.activation_preference for c in copies if id(c) not in kept_ids)
    if not gone:
        return list(kept)
    closed: list[DatabaseCopy | dict[str, Any]] = []
    for copy in kept:
        pref = copy.activation_preference
        moved = pref - bisect.bisect_left(gone, pref)
        if moved == pref or moved < 1:
            closed.append(copy)
        else:
            fields = copy.__dict__
            data = {name: fields[name] for name in copy.model_fields_set}
            data["activation_preference"] = moved
            closed.append(data)
    return closed


def describe_removal(
    doc: Document,
    ids: Iterable[str],
    *,
    plan: tuple[set[str], dict[str, ElementBase]] | None = None,
) -> tuple[str, str]:
    """(undo text, full sentence) of what removing ``ids`` does: what goes with them,
    by kind, and which elements lose a reference to them, by field. ``plan``: what
    :func:`plan_removal` made of ``ids``, when already known.

    Examples
    --------
    >>> from designer.domain import Dag, Design, EsxiHost, Site, VirtualMachine
    >>> doc = Document(Design(elements=[
    ...     Site(id="s", name="Denver"), EsxiHost(id="h", name="esx01", site="s"),
    ...     VirtualMachine(id="v", name="MBX01", host="h"),
    ...     Dag(id="d", name="DAG-DEN", members=["v"])]))
    >>> describe_removal(doc, ["h"])[1]
    'Remove ESXi host esx01 with 1 VM (MBX01); DAG DAG-DEN loses MBX01 from its members'
    """
    wanted = list(dict.fromkeys(ids))
    doomed, edits = plan if plan is not None else plan_removal(doc, wanted)
    # In a fixed order (``doomed`` is a set): by kind, most first, then by name.
    get = doc.get
    extra = [get(i) for i in sorted(doomed) if i not in wanted]
    by_kind: dict[str, list[ElementBase]] = {}
    for element in extra:
        if element is not None:
            by_kind.setdefault(element.label, []).append(element)
    first = doc.get(wanted[0]) if len(wanted) == 1 else None
    what = first.describe() if first is not None else plural(len(wanted), "element")
    goes = []
    kinds = sorted(by_kind.items(), key=lambda item: (-len(item[1]), item[0]))
    for label, elements in kinds[:SAID_KINDS]:
        elements.sort(key=lambda e: e.name)
        listed = ", ".join(e.name for e in elements[:3]) + (", …" if len(elements) > 3 else "")
        goes.append(f"{_counted(len(elements), label)} ({listed})")
    if len(kinds) > SAID_KINDS:
        rest = kinds[SAID_KINDS:]
        others = sum(len(elements) for _label, elements in rest)
        goes.append(f"{_counted(others, 'element')} of {_counted(len(rest), 'other kind')}")
    changed: dict[tuple[str, str, str], list[str]] = {}
    moved_up: list[str] = []  # databases whose copies left move up in preference
    for referrer_id, new in sorted(edits.items()):
        old = get(referrer_id)
        if old is None:
            continue
        if isinstance(old, MailboxDatabase) and _ranks_closed_up(old, new):
            moved_up.append(old.name)
        was, now = old.__dict__, new.__dict__
        changed_fields = [  # "its VMs", "its DAG": as the Inspector names them (eyes29)
            field_phrase(name) for name in fields_of(type(old)) if was[name] != now[name]
        ]
        lost = list(
            dict.fromkeys(
                e.name for target in ref_ids(old) if target in doomed and (e := get(target))
            )
        )
        if len(lost) > 3:  # a DAG losing a site's 8 members: how many, and the first
            lost = [f"{len(lost):,} ({', '.join(lost[:3])}, …)"]
        key = (old.label, " and ".join(changed_fields) or "references", ", ".join(lost) or "it")
        changed.setdefault(key, []).append(old.name)
    losses = []
    groups = sorted(changed.items())
    for (label, fields, lost_names), names in groups[:SAID_LOSSES]:
        lose, whose = ("loses", "its") if len(names) == 1 else ("lose", "their")
        losses.append(f"{_who(label, names)} {lose} {lost_names} from {whose} {fields}")
    if moved_up:
        renumber = "renumbers its" if len(moved_up) == 1 else "renumber their"
        losses.append(
            f"{_who('mailbox database', moved_up)} {renumber} remaining copies' activation "
            "preferences 1…n, as Exchange does"
        )
    if len(groups) > SAID_LOSSES:
        others = sum(len(names) for _key, names in groups[SAID_LOSSES:])
        losses.append(f"{_counted(others, 'more element')} lose references to them")
    sentence = f"Remove {what}"
    if goes:
        sentence += " with " + " and ".join(goes)
    if losses:
        sentence += "; " + "; ".join(losses)
    short = f"Remove {what}"
    if extra:
        short += f" and {_counted(len(extra), 'dependent')}"
    if edits:
        short += f" (changes {_counted(len(edits), 'other')})"
    return short, sentence


def _who(label: str, names: list[str]) -> str:
    """ "DAG DAG01", or "4 backups (DAG01 backup 1, DAG01 backup 2, DAG01 backup 3, …)":
    the first three names in order."""
    names.sort()
    if len(names) == 1:
        return f"{label} {names[0]}"
    more = ", …" if len(names) > 3 else ""
    return f"{_counted(len(names), label)} ({', '.join(names[:3])}{more})"


def _ranks_closed_up(old: MailboxDatabase, new: ElementBase) -> bool:
    """Whether a copy ``old`` keeps in ``new`` has another activation preference."""
    was = {c.member: c.activation_preference for c in old.copies}
    copies: list[DatabaseCopy] = getattr(new, "copies", [])
    return any(was.get(c.member) != c.activation_preference for c in copies)


#: At most this many kinds of what goes with a removal are named (then "N elements of M
#: other kinds"), and this many sorts of reference lost (then "N more elements lose
#: references to them"): a site deleted at 10k was a 10,000-character status line, 32
#: loss clauses, each DAG naming all 8 of its lost members (eyes28).
SAID_KINDS = 6
SAID_LOSSES = 4


def _counted(n: int, word: str) -> str:
    """``plural`` with thousands separated: "1,692 virtual disks"."""
    return f"{n:,} {word_for(n, word)}"


#: Elements in the first step of a removal's survivors (and of its undo's): a DAG given
#: back its members is checked with its databases (~400) and its lines drawn again, and
#: the undo gives the DAGs back first: its first 32 survivors at 100k (a site's 15 DAGs,
#: its consistency groups, backups) took 53-63 ms of one turn (wave 30).
SURVIVORS_FIRST_STEP = 8


class RemoveElements(Command):
    """Remove elements, with what depends on them, in one step; undo restores order.
    Its text says what goes with them and what loses a reference to them.

    Paced (:meth:`redo_steps`, a big removal in the window), the survivors that lose a
    reference are edited first, a part at a time, then the doomed elements are removed
    referrers first; its undo puts them back targets first, then gives the survivors
    their references back. Unpaced, one edit of each sort, as of old."""

    def __init__(self, ids: Iterable[str], text: str | None = None) -> None:
        self.ids = list(dict.fromkeys(ids))
        self._named = bool(text)
        self.text = text or f"Remove {plural(len(self.ids), 'element')}"
        #: What each removal edit removed (position, element, layout), in their order.
        self._parts: list[list[tuple[int, ElementBase, LayoutEntry | None]]] = []
        self._edited: list[ElementBase] = []
        self._what = plural(len(self.ids), "element")
        #: What :meth:`plan` worked out: (revision, doomed, edits, words, what).
        self._planned: (
            tuple[
                int,
                set[str],
                dict[str, ElementBase],
                tuple[str, str] | None,
                str | None,
            ]
            | None
        ) = None

    def redo(self, doc: Document) -> None:
        for _ in self.redo_steps(doc, Pace()):
            pass

    def undo(self, doc: Document) -> None:
        for _ in self.undo_steps(doc, Pace()):
            pass

    plans_ahead = True

    def plan(self, doc: Document) -> None:
        """What the removal takes and edits, and its words (the plan of a site at 100k:
        ~0.35 s), for the next :meth:`redo_steps` on this revision of ``doc``."""
        self._planned = None
        doomed, edits = plan_removal(doc, self.ids)
        words = None
        if len(doomed) > len(self.ids) or edits:
            words = describe_removal(doc, self.ids, plan=(doomed, edits))
        one = doc.get(self.ids[0]) if len(self.ids) == 1 else None
        what = one.describe() if one is not None else None
        self._planned = (doc.revision, doomed, edits, words, what)

    def planning_text(self, doc: Document) -> str:
        one = doc.get(self.ids[0]) if len(self.ids) == 1 else None
        what = one.describe() if one is not None else self._what
        return f"Working out what removing {what} takes with it…"

    def redo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        planned, self._planned = self._planned, None
        if planned is None or planned[0] != doc.revision:
            self.plan(doc)
            planned, self._planned = self._planned, None
        assert planned is not None
        _revision, doomed, edits, words, what = planned
        if words is not None:
            # Say what goes with it: the undo history and the status bar show this text.
            short, sentence = words
            if not self._named:
                self.text = short
            self.status_note = f"{sentence}. Undo brings them back"
        elif not self._named and what is not None:
            self.text = f"Remove {what}"  # as Edit > Undo and the History say
        if what is not None:
            self._what = what
        self._parts = []
        self._edited = []
        total = len(doomed) + len(edits)
        if not pace.paced(total):
            self._edited = doc.replace_elements(list(edits.values())) if edits else []
            self._parts = [doc.remove_elements(doomed)]
            return
        done = 0
        editing = Progress(0, total, "survivors", SURVIVORS_FIRST_STEP)
        yield editing  # the plan: a turn of its own
        # The survivors referrers first (a database loses its copies on the site's VMs
        # before its DAG loses them from its members: the other way round, the database
        # would have a copy on a server that is no member), in parts.
        order, together = yield from _ordered(doc, set(edits), editing)
        for olds in _replaced_in_parts(doc, [edits[i] for i in order], together, pace):
            self._edited.extend(olds)
            done += len(olds)
            yield Progress(done, total, "survivors")
        # Nothing outside ``doomed`` refers to them now; inside, referrers go first.
        removing = Progress(done, total, "removal")
        yield removing  # (the phase announced: its steps sized afresh)
        order, together = yield from _ordered(doc, doomed, removing)
        yield removing  # (the order's end, its sort, in a step of its own)
        for ids in pace.parts(order[: len(order) - together]):
            self._parts.append(doc.remove_elements(ids))
            done += len(ids)
            yield Progress(done, total, "removal")
        if together:
            self._parts.append(doc.remove_elements(order[-together:]))
            yield Progress(total, total, "removal")

    def undo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        parts, edited = self._parts, self._edited
        total = sum(len(part) for part in parts) + len(edited)
        paced = pace.paced(total)
        done = 0
        # Targets before the elements that refer to them, in insertions of this pace's
        # size, not the removal's: a part of 300 disks cost 15 ms to remove and 90 ms
        # to put back at 100k (wave 28).
        for items, layout in _restored_in_parts(parts, pace if paced else Pace()):
            doc.insert_elements(items, layout=layout)
            done += len(items)
            if paced:
                yield Progress(done, total, "restore")
        if not paced:
            if edited:
                doc.replace_elements(edited)
            return
        # Targets first: the reverse of their removal's order.
        yield Progress(done, total, "survivors", SURVIVORS_FIRST_STEP)  # (the phase announced)
        for olds in _replaced_in_parts(doc, edited[::-1], 0, pace):
            done += len(olds)
            yield Progress(done, total, "survivors")

    def progress_text(self, progress: Progress, *, undoing: bool) -> str:
        doing = "Restoring" if undoing else "Removing"
        return f"{doing} {self._what}: {progress.done:,} of {progress.total:,} elements…"


def _ordered(
    doc: Document, ids: set[str], progress: Progress
) -> Generator[Progress, None, tuple[list[str], int]]:
    """:func:`~designer.document.steps.referrers_first` of ``ids``, yielding
    ``progress`` now and then (~50 ms for a site's 10,500 elements at 100k: every 250
    elements, ~2.5 ms; every 1,000, the first part took 23 ms, 78 ms of a turn beside
    load)."""
    steps = referrers_first_in_steps(doc, ids, every=250)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: tuple[list[str], int] = done.value
            return result
        yield progress


def _parts_with_tail(order: list[str], together: int, pace: Pace) -> Iterator[list[str]]:
    """``order`` in parts of the pace's size, the last ``together`` in one."""
    yield from pace.parts(order[: len(order) - together])
    if together:
        yield order[len(order) - together :]


def _restored_in_parts(
    parts: list[list[tuple[int, ElementBase, LayoutEntry | None]]], pace: Pace
) -> Iterator[tuple[list[tuple[int, ElementBase]], dict[str, LayoutEntry]]]:
    """What a removal's edits removed (each a list of position, element, layout; in
    the removal's order), to insert back in insertions of the pace's size, the last
    removal's first: a removal part cut into several (its elements whose targets among
    them are back first; those in a cycle of references together), or several joined
    into one, each element at its position among those back so far. The design ends
    as the removal's parts inserted back one by one leave it. Unpaced: one insertion a
    removal part.

    Examples
    --------
    >>> from designer.domain import EsxiHost, VirtualMachine
    >>> host, vm = EsxiHost(id="h", name="esx01", site="s"), VirtualMachine(id="v",
    ...     name="MBX01", host="h")
    >>> parts = [[(5, vm, None), (6, VirtualMachine(id="w", name="MBX02", host="h"), None)],
    ...     [(3, host, None)]]
    >>> [[(i, e.id) for i, e in items] for items, _ in _restored_in_parts(parts, Pace(size=2))]
    [[(3, 'h'), (5, 'v')], [(6, 'w')]]
    """
    if pace.size is None:
        for part in reversed(parts):
            yield [(i, e) for i, e, _ in part], _layout_of(part)
        return
    chunk: list[tuple[int, ElementBase]] = []  # positions in the design as it will be
    layout: dict[str, LayoutEntry] = {}
    for part in reversed(parts):
        of = {e.id: (position, e, entry) for position, e, entry in part}
        order, together = targets_first([e for _, e, _ in part])
        waiting = sorted(of[i][0] for i in order)  # the positions not back yet
        start, end = 0, len(order) - together
        while start < len(order):
            room = max(1, pace.size or len(order)) - len(chunk)
            if room <= 0:
                yield chunk, layout
                chunk, layout = [], {}
                continue
            stop = len(order) if start >= end else min(end, start + room)
            piece = sorted((of[i] for i in order[start:stop]), key=lambda item: item[0])
            start = stop
            back = {position for position, _, _ in piece}
            waiting = [position for position in waiting if position not in back]
            # A position counts the elements of ``part`` before it: less those not back.
            places = [p - bisect.bisect_left(waiting, p) for p, _, _ in piece]
            chunk = sorted(
                [*_moved_up(chunk, places), *zip(places, (e for _, e, _ in piece), strict=True)],
                key=_FIRST,
            )
            layout.update(_layout_of(piece))
    if chunk:
        yield chunk, layout


_FIRST = itemgetter(0)


def _moved_up(
    items: list[tuple[int, ElementBase]], places: list[int]
) -> Iterator[tuple[int, ElementBase]]:
    """``items`` (positions ascending) at their positions once elements are inserted at
    ``places`` (ascending, positions in the list after the insertion)."""
    j = 0
    for position, element in items:
        while j < len(places) and places[j] <= position + j:
            j += 1
        yield position + j, element


def _layout_of(
    part: list[tuple[int, ElementBase, LayoutEntry | None]],
) -> dict[str, LayoutEntry]:
    return {e.id: entry for _, e, entry in part if entry is not None}


def _replaced_in_parts(
    doc: Document, news: list[ElementBase], together: int, pace: Pace
) -> Iterator[list[ElementBase]]:
    """Replace elements by ``news`` a part at a time, in their order (the last
    ``together`` in one part); yields each part's old versions. A part refused (a
    relation between two of them that no order of parts keeps: a safety net) is made
    again with all that is left, as one edit, checked as the whole once was."""
    start = 0
    limit = len(news) - together
    while start < len(news):
        end = len(news) if start >= limit else min(limit, start + max(1, pace.size or len(news)))
        try:
            olds = doc.replace_elements(news[start:end])
        except EditError:
            if end == len(news):
                raise
            end = len(news)
            olds = doc.replace_elements(news[start:end])
        start = end
        yield olds


class MoveElements(Command):
    """Change layout entries (a drag, arrow keys, align, auto-layout): one step."""

    merge_id = Merge.MOVE

    def __init__(
        self,
        new: dict[str, LayoutEntry],
        old: dict[str, LayoutEntry | None] | None = None,
        text: str | None = None,
        *,
        mergeable: bool = False,
    ) -> None:
        self.new = dict(new)
        self.old = dict(old) if old is not None else None
        self.text = text or f"Move {plural(len(self.new), 'element')}"
        self.mergeable = mergeable

    def redo(self, doc: Document) -> None:
        previous = doc.set_layout(dict(self.new))
        if self.old is None:
            self.old = previous

    def undo(self, doc: Document) -> None:
        assert self.old is not None
        doc.set_layout(dict(self.old))

    def merge_with(self, other: Command) -> bool:
        """Arrow-key nudges of the same selection merge into one step."""
        if (
            isinstance(other, MoveElements)
            and self.mergeable
            and other.mergeable
            and set(other.new) == set(self.new)
        ):
            self.new = dict(other.new)
            return True
        return False


class SetProperty(Command):
    """Set one field of one element; consecutive edits of the same field merge."""

    merge_id = Merge.PROPERTY

    def __init__(self, element_id: str, field: str, value: Any, text: str | None = None) -> None:
        self.element_id = element_id
        self.field = field
        self.value = value
        self.text = text or f"Set {field.replace('_', ' ')}"
        self._old: ElementBase | None = None

    def redo(self, doc: Document) -> None:
        old = doc.set_property(self.element_id, self.field, self.value)
        if self._old is None:
            self._old = old

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.replace_element(self._old)

    def merge_with(self, other: Command) -> bool:
        if (
            isinstance(other, SetProperty)
            and other.element_id == self.element_id
            and other.field == self.field
        ):
            self.value = other.value
            return True
        return False


class Rename(SetProperty):
    """Rename an element (the canvas's name field, F2). Renames of one element in a row
    merge into one step, which says where it began and where it ended ("Rename
    BOS-Cluster (copy) to REC-Cluster", then to REC-Cluster-1: "… to REC-Cluster-1")."""

    def __init__(self, element_id: str, old: str, name: str) -> None:
        super().__init__(element_id, "name", name, f"Rename {old} to {name}")
        self.old_name = old

    def merge_with(self, other: Command) -> bool:
        if not super().merge_with(other):
            return False
        self.text = f"Rename {self.old_name} to {self.value}"
        return True


class NameNew(SetProperty):
    """Name an element just added (typed over it on the canvas): merges into its
    :class:`AddElements`, so adding and naming is one undo step."""

    merge_id = Merge.ADD

    def __init__(self, element_id: str, name: str) -> None:
        super().__init__(element_id, "name", name, f"Name {name}")

    def merge_with(self, other: Command) -> bool:
        return False


class SetReference(SetProperty):
    """Set a reference by one gesture (a connection drawn on the canvas, or chosen from
    *Connect To*): its own undo step. Two VMs joined to a DAG one after the other are
    two steps, not one that says it added the first."""

    merge_id = Merge.NONE


class ChangeElements(Command):
    """Replace several elements at once, checked together: a cluster moved to another
    site with its hosts (changing them one by one would break an invariant half-way)."""

    def __init__(self, news: Sequence[ElementBase], text: str = "Change elements") -> None:
        self.news = list(news)
        self.text = text
        self._old: list[ElementBase] = []

    def redo(self, doc: Document) -> None:
        self._old = doc.replace_elements(list(self.news))

    def undo(self, doc: Document) -> None:
        doc.replace_elements(list(self._old))


class RenameElements(ChangeElements):
    """New names for many elements (Edit > Replace in Names), one undo step.

    Unpaced, one :class:`ChangeElements` edit, checked together. Paced (a big renaming in
    the window: 2,253 names at 100k), a part of the names at a time, unless a new name
    is the old name of another element renamed with it (a swap, which only a single
    edit can make: half-way two elements would share a name).

    Whether it swaps is worked out once (2,253 names at 100k: 3-5 ms of the first
    step's turn, at every undo and redo), or given by its maker (``swaps``, a
    :class:`~designer.document.renaming.RenamePlan` knows from its changes): a swap is
    a new name that is another renamed element's old name, the same pairs whichever way
    the edit goes."""

    def __init__(
        self,
        news: Sequence[ElementBase],
        text: str = "Change elements",
        *,
        swaps: bool | None = None,
    ) -> None:
        super().__init__(news, text)
        self._swapping = swaps

    def redo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        total = len(self.news)
        if not pace.paced(total) or self._swaps_in(doc, self.news):
            self.redo(doc)
            return
        self._old = []
        done = 0
        for part in pace.parts(self.news):
            self._old.extend(doc.replace_elements(part))
            done += len(part)
            yield Progress(done, total)

    def undo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        total = len(self._old)
        if not pace.paced(total) or self._swaps_in(doc, self._old):
            self.undo(doc)
            return
        done = 0
        for part in pace.parts(list(self._old)):
            doc.replace_elements(part)
            done += len(part)
            yield Progress(done, total)

    def _swaps_in(self, doc: Document, giving: Sequence[ElementBase]) -> bool:
        if self._swapping is None:
            self._swapping = self._swaps(doc, giving)
        return self._swapping

    @staticmethod
    def _swaps(doc: Document, giving: Sequence[ElementBase]) -> bool:
        """Whether a name in ``giving`` is, now, another of its elements' name."""
        held = {(e.kind, e.name): e.id for g in giving if (e := doc.get(g.id)) is not None}
        return any(held.get((g.kind, g.name), g.id) != g.id for g in giving)

    def progress_text(self, progress: Progress, *, undoing: bool) -> str:
        doing = f"Undoing {self.text}" if undoing else self.text
        return f"{doing}: {progress.done:,} of {progress.total:,} names…"


class SetDesignMeta(Command):
    """Rename the design or change its description; repeated edits of one merge."""

    merge_id = Merge.DESIGN_META

    def __init__(self, *, name: str | None = None, description: str | None = None) -> None:
        self.name = name
        self.description = description
        self.text = "Rename design" if name is not None else "Change design description"
        self._old: tuple[str, str] | None = None

    def redo(self, doc: Document) -> None:
        old = doc.set_meta(name=self.name, description=self.description)
        if self._old is None:
            self._old = old

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_meta(name=self._old[0], description=self._old[1])

    def merge_with(self, other: Command) -> bool:
        if (
            isinstance(other, SetDesignMeta)
            and (other.name is None) == (self.name is None)
            and (other.description is None) == (self.description is None)
        ):
            self.name, self.description = other.name, other.description
            return True
        return False


class SetRuleSettings(Command):
    """Change severity overrides or waivers (e.g. "Waive…" in the Problems panel)."""

    def __init__(self, settings: RuleSettings, text: str = "Change rule settings") -> None:
        self.settings = settings
        self.text = text
        self._old: RuleSettings | None = None

    def redo(self, doc: Document) -> None:
        self._old = doc.set_rule_settings(self.settings)

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_rule_settings(self._old)


class SetReliability(Command):
    """Change the design's failure figures per kind (the Availability panel)."""

    def __init__(self, settings: ReliabilitySettings, text: str = "Change failure figures") -> None:
        self.settings = settings
        self.text = text
        self._old: ReliabilitySettings | None = None

    def redo(self, doc: Document) -> None:
        self._old = doc.set_reliability(self.settings)

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_reliability(self._old)


class SetIntent(Command):
    def __init__(self, intent: DesignIntent, text: str = "Change design targets") -> None:
        self.intent = intent
        self.text = text
        self._old: DesignIntent | None = None

    def redo(self, doc: Document) -> None:
        self._old = doc.set_intent(self.intent)

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_intent(self._old)


class SetCapacity(Command):
    """Change the design's sizing figures (its default mailbox profile, peak factor…)."""

    def __init__(self, settings: CapacitySettings, text: str = "Change capacity settings") -> None:
        self.settings = settings
        self.text = text
        self._old: CapacitySettings | None = None

    def redo(self, doc: Document) -> None:
        self._old = doc.set_capacity(self.settings)

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_capacity(self._old)


class SetScenarios(Command):
    def __init__(self, scenarios: list[SavedScenario], text: str = "Change scenarios") -> None:
        self.scenarios = list(scenarios)
        self.text = text
        self._old: list[SavedScenario] | None = None

    def redo(self, doc: Document) -> None:
        self._old = doc.set_scenarios(self.scenarios)

    def undo(self, doc: Document) -> None:
        assert self._old is not None
        doc.set_scenarios(self._old)


class MacroCommand(Command):
    """Several commands as one undo step; a failure part-way rolls back what ran.

    It merges as its first command does (an add that made room round it still takes
    the name typed right after it)."""

    def __init__(self, text: str, commands: Sequence[Command]) -> None:
        self.text = text
        self.commands = list(commands)
        if self.commands and isinstance(self.commands[0], AddElements):
            self.merge_id = Merge.ADD

    def merge_with(self, other: Command) -> bool:
        first = self.commands[0] if self.commands else None
        if isinstance(first, AddElements) and first.merge_with(other):
            self.text = first.text
            return True
        return False

    def redo(self, doc: Document) -> None:
        done: list[Command] = []
        try:
            for command in self.commands:
                command.redo(doc)
                done.append(command)
        except Exception:
            for command in reversed(done):
                command.undo(doc)
            raise

    def undo(self, doc: Document) -> None:
        for command in reversed(self.commands):
            command.undo(doc)

    def redo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        """Each command's steps in turn (a big paste: its elements added in steps, then
        the room made round them)."""
        for command in self.commands:
            yield from command.redo_steps(doc, pace)

    def undo_steps(self, doc: Document, pace: Pace) -> Iterator[Progress]:
        for command in reversed(self.commands):
            yield from command.undo_steps(doc, pace)

    def progress_text(self, progress: Progress, *, undoing: bool) -> str:
        first = self.commands[0] if self.commands else None
        if first is None:
            return super().progress_text(progress, undoing=undoing)
        return first.progress_text(progress, undoing=undoing)


class UndoStack:
    """A plain undo stack with the QUndoStack semantics the UI relies on."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.commands: list[Command] = []
        self.index = 0

    def push(self, command: Command) -> None:
        """Run ``command``; an :class:`EditError` leaves stack and document unchanged."""
        command.redo(self.doc)
        del self.commands[self.index :]
        if (
            self.commands
            and command.merge_id != Merge.NONE
            and self.commands[-1].merge_id == command.merge_id
            and self.commands[-1].merge_with(command)
        ):
            return
        self.commands.append(command)
        self.index += 1

    def undo(self) -> None:
        if self.index == 0:
            raise EditError("nothing to undo")
        self.index -= 1
        self.commands[self.index].undo(self.doc)

    def redo(self) -> None:
        if self.index == len(self.commands):
            raise EditError("nothing to redo")
        self.commands[self.index].redo(self.doc)
        self.index += 1

    @property
    def can_undo(self) -> bool:
        return self.index > 0
