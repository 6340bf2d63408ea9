"""The copy-layout generator: activation preferences that spread a failure evenly.

Microsoft's calculator distributes a DAG's databases so that "a single member's failure
spreads its active databases evenly" over the surviving members: database *k* of a
site's *N* members is active on member *k mod N*, and its next copy in the same site on
the other members in turn (rotated by *k div N*), so each member's actives have their
second copy on every other member equally often; the copies in the other sites follow
the same rotation, so losing a whole site spreads its databases over the survivors; a
lagged copy, when asked, comes last. :func:`plan_copies` proposes it; the window shows
it as a preview in the Databases panel and applies it as one undoable step, and
``dr-designer plan-copies`` writes it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from designer.capacity.copy_storage import copy_disks
from designer.domain.design import Design
from designer.domain.elements import (
    Backup,
    Dag,
    DatabaseCopy,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualDisk,
    VirtualMachine,
)
from designer.domain.errors import DesignError
from designer.domain.index import DesignIndex

__all__ = ["CopyLayout", "LayoutError", "own_numbers", "plan_copies", "spread"]


class LayoutError(DesignError):
    """The layout cannot be planned (no such DAG, no members, impossible counts)."""


@dataclass
class CopyLayout:
    """A planned layout: each database's copies, the databases it adds, and notes."""

    dag: Dag
    #: Database id → its planned copies (preference order).
    copies: dict[str, list[DatabaseCopy]]
    #: Databases the plan adds (to reach the count asked for), in order.
    new_databases: list[MailboxDatabase] = field(default_factory=list)
    #: Database id → name, existing and new, in order.
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Backup id → its databases with the new ones: the backups that cover every one of
    #: the DAG's existing databases take the new ones in too (else BK001 on each).
    backups: dict[str, list[str]] = field(default_factory=dict)
    #: How a member's failure spreads its active databases ("with 4 members a member's
    #: failure sends at most 50 % …"), or "" when no member has two active databases:
    #: the one wording of the CLI's note (over half) and the window's preview (always).
    spread_note: str = ""
    #: Which backups the new databases join ("the new databases join backup Nightly …"),
    #: or "": the CLI prints it as a note, the window's preview on its first line.
    backup_note: str = ""
    #: Existing database id → (mailboxes, size in GB) when new databases take a share
    #: of the mailboxes it held (see :func:`_share_mailboxes`).
    shares: dict[str, tuple[int, float]] = field(default_factory=dict)
    #: The mailboxes the databases share ("Boston's 4,000 mailboxes, 1,000 each (was
    #: 2,000)"), or "": a CLI note ("the databases share …"), and on the preview's
    #: first line ("2 new databases sharing …").
    share_note: str = ""
    #: The database (and log) disks the copies new to their members get, following
    #: each member's other copies (:func:`~designer.capacity.copy_storage.copy_disks`).
    disks: list[VirtualDisk] = field(default_factory=list)
    #: The disks the copies the plan takes off their members leave there (their
    #: database and log disks: :func:`~designer.capacity.copy_storage.left_behind`),
    #: removed with the plan.
    removed_disks: list[VirtualDisk] = field(default_factory=list)
    #: The database disks of the databases whose size the plan changes (their share of
    #: the mailboxes), with their new sizes: scaled as the new copies' disks are
    #: (:func:`~designer.capacity.copy_storage.resized`).
    resized_disks: list[VirtualDisk] = field(default_factory=list)
    #: What storage the new copies got, which disks go with the copies taken off their
    #: members, and which members had no disk to follow (DAG014), or "": a CLI note,
    #: and a line of the window's preview.
    storage_note: str = ""

    @property
    def cli_notes(self) -> list[str]:
        """The notes ``plan-copies`` prints: the notes, how the databases share the
        mailboxes, the backups joined, then the new copies' storage."""
        share = f"the databases share {self.share_note}" if self.share_note else ""
        return [n for n in (*self.notes, share, self.backup_note, self.storage_note) if n]

    def apply(self, design: Design) -> Design:
        """``design`` with the plan applied (new databases appended, and joining the
        backups that cover the DAG's other databases; the new copies' disks last, the
        disks of the copies taken off their members gone, the shrunk databases' disks
        resized)."""
        elements = []
        gone = {disk.id for disk in self.removed_disks}
        sized = {disk.id: disk for disk in self.resized_disks}
        for element in design.elements:
            if element.id in gone:
                continue
            if element.id in sized:
                element = element.model_copy(update={"size_gb": sized[element.id].size_gb})
            if isinstance(element, MailboxDatabase) and element.id in self.copies:
                update: dict[str, object] = {"copies": self.copies[element.id]}
                if element.id in self.shares:
                    update["mailboxes"], update["size_gb"] = self.shares[element.id]
                element = element.model_copy(update=update)
            elif isinstance(element, Backup) and element.id in self.backups:
                element = element.model_copy(update={"databases": self.backups[element.id]})
            elements.append(element)
        for db in self.new_databases:
            elements.append(db.model_copy(update={"copies": self.copies[db.id]}))
        elements += self.disks
        return design.model_copy(update={"elements": elements})

    def table(self, member_names: Mapping[str, str]) -> list[list[str]]:
        """Rows: database, then one cell per member (preference, ``L`` for lagged)."""
        members = list(self.dag.members)
        rows = [["database", *(member_names.get(m, m) for m in members)]]
        for db_id, name in self.names.items():
            by_member = {c.member: c for c in self.copies.get(db_id, [])}
            cells = []
            for m in members:
                c = by_member.get(m)
                if c is None:
                    cells.append("")
                elif c.replay_lag_days:
                    cells.append(f"{c.activation_preference} (lag {c.replay_lag_days:g}d)")
                else:
                    cells.append(str(c.activation_preference))
            rows.append([name, *cells])
        return rows


def spread(layout: Mapping[str, list[DatabaseCopy]]) -> dict[str, dict[str, int]]:
    """Where each member's active databases go first when it fails: member → next
    member → databases (the next non-lagged copy in preference order)."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for copies in layout.values():
        ordered = sorted(copies, key=lambda c: c.activation_preference)
        if not ordered:
            continue
        active = ordered[0].member
        nxt = next((c.member for c in ordered[1:] if not c.replay_lag_days), None)
        if nxt is not None:
            found[active][nxt] += 1
    return {m: dict(v) for m, v in found.items()}


def _members_by_site(index: DesignIndex, dag: Dag) -> dict[str, list[str]]:
    by_site: dict[str, list[str]] = defaultdict(list)
    for m in dag.members:
        vm = index.typed(m, VirtualMachine)
        host = index.typed(vm.host, EsxiHost) if vm else None
        if host is not None:
            by_site[host.site].append(m)
    return dict(by_site)


def own_numbers(
    design: Design, dag_key: str, *, index: DesignIndex | None = None
) -> tuple[dict[str, int], int, float]:
    """The DAG's own numbers, as its databases have them: each member site's copies of
    a database that are not lagged (the most any database has there; empty when the
    DAG has no database), the lagged copies of a database (the most any has) and their
    replay lag in days (the longest of that database's, else 7); a member site where
    no database has an ordinary copy gets 0. Planned with them, a
    DAG keeps its layout: a lagged DR copy is not turned into an ordinary one (the
    window's *Plan copies…* starts from the same numbers). A DAG whose databases have no
    copy yet has no numbers of its own either: empty, as without databases (its plan
    started at 0 copies in every site, "no site is asked to hold a copy": eyes20)."""
    ix = index or DesignIndex(design)
    found = ix.get(dag_key) or next((d for d in ix.of("dag", Dag) if d.name == dag_key), None)
    if not isinstance(found, Dag):
        raise LayoutError(f"no DAG is called {dag_key!r}")
    by_site = _members_by_site(ix, found)
    site_of = {m: site for site, members in by_site.items() for m in members}
    copies_in: dict[str, int] = {}
    lagged, lag_days = 0, 7.0
    for db in ix.of("mailbox_database", MailboxDatabase):
        if db.dag != found.id:
            continue
        if not copies_in:  # a site where no database has an ordinary copy: none
            copies_in = dict.fromkeys(by_site, 0)
        here: dict[str, int] = {}
        for copy in db.copies:
            site_id = site_of.get(copy.member)
            if not copy.replay_lag_days and site_id is not None:
                here[site_id] = here.get(site_id, 0) + 1
        for site_id, count in here.items():
            copies_in[site_id] = max(copies_in.get(site_id, 0), count)
        lags = [c.replay_lag_days for c in db.copies if c.replay_lag_days]
        if len(lags) > lagged:
            lagged, lag_days = len(lags), max(lags)
    if not lagged and not any(copies_in.values()):
        copies_in = {}
    return copies_in, lagged, lag_days


def _share_mailboxes(
    existing: list[MailboxDatabase],
    new: list[MailboxDatabase],
    site_names: Mapping[str, str],
    notes: list[str],
    *,
    dag_name: str = "the DAG",
    unshared: list[str] | None = None,
) -> tuple[list[MailboxDatabase], dict[str, tuple[int, float]]]:
    """The mailboxes the DAG's databases state for each users' site, spread evenly over
    that site's databases, the new ones included, as Microsoft's calculator spreads a
    fixed mailbox count over the databases (the users do not grow with the databases):
    each database's size follows its mailboxes (its GB per mailbox kept; a new one
    takes its template's). The new databases with their shares, the existing ones
    whose share changes (id → (mailboxes, size in GB)); a note says so in ``notes``.
    Where no database states any mailboxes, the new ones get none, and a note in
    ``unshared`` (else ``notes``) says what the user can do about it.

    Examples
    --------
    >>> olds = [MailboxDatabase(id=f"d{i}", name=f"DB{i}", mailboxes=2000, size_gb=500,
    ...                         user_site="s") for i in (1, 2)]
    >>> news = [o.model_copy(update={"id": f"n{i}", "name": f"DB{i}"}) for i, o in
    ...         zip((3, 4), olds)]
    >>> notes: list[str] = []
    >>> placed, changed = _share_mailboxes(olds, news, {"s": "Boston"}, notes)
    >>> [(d.mailboxes, d.size_gb) for d in placed], changed
    ([(1000, 250.0), (1000, 250.0)], {'d1': (1000, 250.0), 'd2': (1000, 250.0)})
    >>> print(*notes)
    Boston's 4,000 mailboxes, 1,000 each (was 2,000)
    >>> empty = [o.model_copy(update={"mailboxes": 0, "user_site": None}) for o in olds]
    >>> said: list[str] = []
    >>> _ = _share_mailboxes(empty, news, {}, [], dag_name="DAG01", unshared=said)
    >>> import textwrap
    >>> print(textwrap.fill(*said, 80))
    DB3 and DB4 get no mailboxes: no database of DAG01 states how many it holds; to
    share the users' mailboxes among all its databases, first state the mailboxes of
    DAG01's databases (Inspector: Mailboxes), then plan the copies again
    """
    # By users' site; all together when no database of the DAG states one.
    by_site = any(d.user_site for d in existing)

    def key(d: MailboxDatabase) -> str | None:
        return d.user_site if by_site else None

    placed = {d.id: d for d in new}
    changed: dict[str, tuple[int, float]] = {}
    template = existing[-1] if existing else None
    for site in dict.fromkeys(key(d) for d in new):
        olds = [d for d in existing if key(d) == site]
        news = [d for d in new if key(d) == site]
        total = sum(d.mailboxes for d in olds)
        everyone = [*olds, *news]
        where = site_names.get(site, site) if site else "the DAG"
        whose = f"{where}'s" if site else "the DAG's"
        if total == 0:
            for d in news:
                placed[d.id] = d.model_copy(update={"mailboxes": 0})
            # Said as what to do (it read "DB05, DB06 … hold no mailboxes: no database
            # states any for the DAG", run on after "the databases share", and left the
            # user to guess where mailboxes are stated).
            names = [d.name for d in news]
            if len(names) > 3:
                said = f"{', '.join(names[:3])} and {len(names) - 3} more"
            else:
                said = " and ".join([", ".join(names[:-1]), names[-1]] if names[:-1] else names)
            verb = "gets" if len(names) == 1 else "get"
            whom = f"{dag_name} for {where}'s users" if site else dag_name
            (notes if unshared is None else unshared).append(
                f"{said} {verb} no mailboxes: no database of {whom} states how many it "
                "holds; to share the users' mailboxes among all its databases, first "
                f"state the mailboxes of {dag_name}'s databases (Inspector: Mailboxes), "
                "then plan the copies again"
            )
            continue
        base, extra = divmod(total, len(everyone))
        for i, d in enumerate(everyone):
            share = base + (1 if i < extra else 0)
            like = d if d.mailboxes else template
            per = like.size_gb / like.mailboxes if like is not None and like.mailboxes else 0.0
            size = round(per * share, 1) if per else d.size_gb
            if d.id in placed:
                placed[d.id] = d.model_copy(update={"mailboxes": share, "size_gb": size})
            elif (share, size) != (d.mailboxes, d.size_gb):
                changed[d.id] = (share, size)
        each = f"{base:,} each" if not extra else f"{base:,} or {base + 1:,} each"
        had = sorted({d.mailboxes for d in olds})
        before = f"{had[0]:,}" if len(had) == 1 else f"{had[0]:,} to {had[-1]:,}"
        notes.append(f"{whose} {total:,} mailboxes, {each} (was {before})")
    return [placed[d.id] for d in new], changed


def _new_name(dag_name: str, last: str | None, number: int) -> str:
    """The name of the DAG's ``number``-th database: the existing databases' pattern
    when the last of them ends in a number ("DB02" → "DB03", "MBX-DB-7" → "MBX-DB-8"),
    else "<DAG>-DB03".

    Examples
    --------
    >>> _new_name("DAG01", "DB02", 3), _new_name("DAG01", "MBX-DB-7", 8)
    ('DB03', 'MBX-DB-8')
    >>> _new_name("DAG01", None, 1), _new_name("DAG01", "Sales", 2)
    ('DAG01-DB01', 'DAG01-DB02')
    """
    found = re.fullmatch(r"(.*?)(\d+)(\D*)", last or "")
    if found is None:
        return f"{dag_name}-DB{number:02d}"
    prefix, digits, suffix = found.groups()
    return f"{prefix}{number:0{len(digits)}d}{suffix}"


def _last_number(name: str | None) -> int:
    """The number a database's name ends in ("DB11" → 11, "MBX-DB-7a" → 7), else 0."""
    found = re.fullmatch(r".*?(\d+)\D*", name or "")
    return int(found.group(1)) if found else 0


def plan_copies(
    design: Design,
    dag_key: str,
    *,
    databases: int | None = None,
    copies_per_site: Mapping[str, int] | None = None,
    lagged: int = 0,
    lag_days: float = 7.0,
    lag_site: str | None = None,
    index: DesignIndex | None = None,
) -> CopyLayout:
    """Plan the copies of a DAG's databases (its existing ones, then new ones up to
    ``databases``).

    ``copies_per_site`` (site id or name → copies of each database there; default two
    per member site, or one where a site has one member); ``lagged`` extra copies with
    ``lag_days`` of replay lag, in ``lag_site`` (default: a site that holds no active
    database, else the last one).

    Examples
    --------
    >>> from designer.domain.elements import Dag, EsxiHost, Site, VirtualMachine
    >>> els = [Site(id="s", name="A")] + [
    ...     EsxiHost(id=f"h{i}", name=f"h{i}", site="s") for i in range(3)] + [
    ...     VirtualMachine(id=f"m{i}", name=f"M{i}", host=f"h{i}") for i in range(3)] + [
    ...     Dag(id="d", name="DAG", members=["m0", "m1", "m2"])]
    >>> plan = plan_copies(Design(elements=els), "DAG", databases=6)
    >>> spread(plan.copies)["m0"]
    {'m1': 1, 'm2': 1}
    """
    ix = index or DesignIndex(design)
    found = ix.get(dag_key) or next((d for d in ix.of("dag", Dag) if d.name == dag_key), None)
    if not isinstance(found, Dag):
        raise LayoutError(f"no DAG is called {dag_key!r}")
    dag = found
    by_site = _members_by_site(ix, dag)
    if not by_site:
        raise LayoutError(f"DAG {dag.name} has no members placed on a host")
    sites = sorted(by_site, key=lambda s: (-len(by_site[s]), s))
    site_names = {s.id: s.name for s in ix.of("site", Site)}
    wanted: dict[str, int] = {}
    for key, count in (copies_per_site or {}).items():
        site_id = (
            key if key in by_site else next((s for s in by_site if site_names.get(s) == key), None)
        )
        if site_id is None:
            raise LayoutError(f"DAG {dag.name} has no member in site {key!r}")
        if count < 0 or count > len(by_site[site_id]):
            raise LayoutError(
                f"site {site_names.get(site_id, site_id)} has {len(by_site[site_id])} "
                f"members of DAG {dag.name}; it cannot hold {count} copies of a database"
            )
        wanted[site_id] = count
    for site in sites:
        wanted.setdefault(site, min(2, len(by_site[site])))
    existing = sorted(
        (d for d in ix.of("mailbox_database", MailboxDatabase) if d.dag == dag.id),
        key=lambda d: d.name,
    )
    total = max(databases or 0, len(existing))
    if total == 0:
        raise LayoutError(f"DAG {dag.name} has no databases; ask for a number of them")
    if lagged < 0:
        raise LayoutError("lagged copies cannot be negative")
    copies_total = sum(wanted.values()) + lagged
    if copies_total > 16:
        raise LayoutError(f"{copies_total} copies of a database; Exchange allows 16")
    active_sites = [s for s in sites if wanted.get(s, 0) > 0]
    if not active_sites:
        raise LayoutError("no site is asked to hold a copy")
    # Which site each database is active in: its users' site (or its preferred copy's)
    # when that is a member site, else by member count in turn.
    plan_site: list[str] = []
    quota = {s: len(by_site[s]) for s in active_sites}
    turn: list[str] = []
    for s in active_sites:
        turn += [s] * quota[s]
    for k in range(total):
        db = existing[k] if k < len(existing) else None
        home = db.user_site if db is not None else None
        if db is not None and home not in active_sites and db.copies:
            first = min(db.copies, key=lambda c: c.activation_preference).member
            home = next((s for s, ms in by_site.items() if first in ms), None)
        plan_site.append(home if home in active_sites else turn[k % len(turn)])
    copies: dict[str, list[DatabaseCopy]] = {}
    names: dict[str, str] = {}
    new: list[MailboxDatabase] = []
    taken_ids = set(ix.by_id)
    taken_names = {d.name for d in ix.of("mailbox_database", MailboxDatabase)}
    serial: dict[str, int] = defaultdict(int)
    notes: list[str] = []
    lag_home = lag_site
    if lag_home is not None and lag_home not in by_site:
        lag_home = next((s for s in by_site if site_names.get(s) == lag_home), None)
        if lag_home is None:
            raise LayoutError(f"DAG {dag.name} has no member in site {lag_site!r}")
    for k in range(total):
        home = plan_site[k]
        n = serial[home]
        serial[home] += 1
        chosen: list[str] = []
        local = by_site[home]
        size = len(local)
        active = local[n % size]
        chosen.append(active)
        others = [local[(n + j) % size] for j in range(1, size)]
        rotation = (n // size) % len(others) if others else 0
        for i in range(wanted.get(home, 1) - 1):
            chosen.append(others[(rotation + i) % len(others)])
        for site in active_sites:
            if site == home:
                continue
            members = by_site[site]
            for i in range(wanted[site]):
                member = members[(n + i) % len(members)]
                if member not in chosen:
                    chosen.append(member)
        result = [DatabaseCopy(member=m, activation_preference=i + 1) for i, m in enumerate(chosen)]
        if lagged:
            site = lag_home or next(
                (s for s in reversed(sites) if s not in set(plan_site)), sites[-1]
            )
            free = [m for m in by_site[site] if m not in chosen] or [
                m for s in sites for m in by_site[s] if m not in chosen
            ]
            for i in range(min(lagged, len(free))):
                member = free[(n + i) % len(free)]
                if any(c.member == member for c in result):
                    continue
                result.append(
                    DatabaseCopy(
                        member=member,
                        activation_preference=len(result) + 1,
                        replay_lag_days=lag_days,
                    )
                )
            if len(free) < lagged and not notes:
                notes.append(_too_few_for_lagged(dag.name, len(free), lagged))
        if k < len(existing):
            db = existing[k]
            copies[db.id] = result
            names[db.id] = db.name
        else:
            last = existing[-1].name if existing else None
            number = max(k + 1, _last_number(last) + 1 + k - len(existing))
            while True:
                name = _new_name(dag.name, last, number)
                db_id = f"{dag.id}-db{number:02d}"
                if name not in taken_names and db_id not in taken_ids:
                    break
                number += 1
            taken_names.add(name)
            taken_ids.add(db_id)
            template = existing[-1] if existing else None
            db = MailboxDatabase(
                id=db_id,
                name=name,
                dag=dag.id,
                size_gb=template.size_gb if template else 100.0,
                mailboxes=template.mailboxes if template else 0,
                user_site=home,
            )
            new.append(db)
            copies[db_id] = result
            names[db_id] = name
    shares: dict[str, tuple[int, float]] = {}
    shared: list[str] = []
    if new:
        new, shares = _share_mailboxes(
            existing, new, site_names, shared, dag_name=dag.name, unshared=notes
        )
    layout = CopyLayout(dag, copies, new, names, notes, _backups_taking(ix, existing, new))
    layout.shares = shares
    if layout.backups:
        joined = ", ".join(ix.by_id[b].name for b in layout.backups)
        which = "backup {}, which covers" if len(layout.backups) == 1 else "backups {}, which cover"
        layout.backup_note = (
            f"the new databases join {which.format(joined)} the DAG's other databases"
        )
    worst = _worst_share(layout)
    if worst > 0:
        used = len({c.member for held in copies.values() for c in held})
        holding = (
            f"{used} members"
            if used == len(dag.members)
            else f"{used} of its {len(dag.members)} members holding copies"
        )
        layout.spread_note = (
            f"with {holding} a member's failure sends at most {worst * 100:.0f} % of its "
            "active databases to one other member"
        )
    if worst > 0.5:
        layout.notes.append(layout.spread_note)
    over = _over_store_limit(ix, copies)
    if over:
        layout.notes.append(over)
    layout.share_note = "; ".join(shared)
    sized = [
        db.model_copy(update={"size_gb": shares[db.id][1]}) if db.id in shares else db
        for db in existing
    ]
    storage = copy_disks(ix, copies, [*sized, *new])
    layout.disks, layout.removed_disks = storage.disks, storage.removed
    layout.resized_disks, layout.storage_note = storage.resized, storage.note
    return layout


def _backups_taking(
    ix: DesignIndex, existing: list[MailboxDatabase], new: list[MailboxDatabase]
) -> dict[str, list[str]]:
    """Backup id → its databases with ``new`` added, for each backup that lists every
    one of ``existing`` (a backup that covers them by their servers covers the new
    databases on the same members already)."""
    if not new or not existing:
        return {}
    ids = {db.id for db in existing}
    return {
        backup.id: [*backup.databases, *(db.id for db in new)]
        for backup in ix.of("backup", Backup)
        if ids <= set(backup.databases)
    }


def _over_store_limit(ix: DesignIndex, copies: Mapping[str, list[DatabaseCopy]]) -> str | None:
    """The note when the plan puts more databases on a member than its Exchange version
    and edition allow (the catalog's ``exchange_store_limits``, EX004's figures: active
    and passive copies counted, with the other databases it holds), naming how many
    members and the fullest."""
    from designer.catalog import timings

    held: dict[str, int] = defaultdict(int)
    for planned in copies.values():
        for c in planned:
            held[c.member] += 1
    for db in ix.of("mailbox_database", MailboxDatabase):
        if db.id not in copies:
            for c in db.copies:
                if c.member in held:
                    held[c.member] += 1
    table = timings()["exchange_store_limits"]
    found: list[tuple[int, str, int, str, int]] = []
    for member, count in held.items():
        vm = ix.typed(member, VirtualMachine)
        if vm is None:
            continue
        limit = table.get(vm.exchange_version or "", {}).get(vm.exchange_edition)
        if limit is not None and count > limit["databases"]:
            label = f"Exchange {vm.exchange_version} {vm.exchange_edition.capitalize()}"
            found.append((count - limit["databases"], vm.name, count, label, limit["databases"]))
    if not found:
        return None
    found.sort(key=lambda f: (-f[0], f[1]))
    _excess, name, count, label, limit = found[0]
    who = f"{len(found)} members hold" if len(found) > 1 else "1 member holds"
    return (
        f"over Exchange's database limit: {who} more databases than allowed (active and "
        f"passive copies counted, EX004), {name} {count:,} where {label} allows {limit} "
        "per server; ask fewer databases or add members"
    )


def _too_few_for_lagged(dag: str, free: int, lagged: int) -> str:
    """The note when fewer members than the lagged copies asked hold no copy."""
    asked = f"{lagged} lagged {'copy' if lagged == 1 else 'copies'} asked per database"
    if free == 0:
        return (
            f"no lagged copy made ({asked}): every member of {dag} already holds a copy; "
            "add members or ask fewer copies per site"
        )
    members = "1 member holds" if free == 1 else f"{free} members hold"
    return (
        f"{free} lagged {'copy' if free == 1 else 'copies'} made per database ({asked}): "
        f"only {members} no copy in {dag}"
    )


def _worst_share(layout: CopyLayout) -> float:
    worst = 0.0
    for targets in spread(layout.copies).values():
        total = sum(targets.values())
        if total >= 2 and len(targets) >= 1:
            worst = max(worst, max(targets.values()) / total)
    return worst if not math.isnan(worst) else 0.0
