"""Relation invariants of single kinds: what must hold between an element and the
elements it names, beyond each reference naming an element of the right kind.

Each invariant is listed in its kind's entry of the kind table
(:mod:`designer.domain.kinds`); the loader's structure check and the Document run
them through :func:`designer.domain.structure.relation_errors`. An invariant yields
``(path, clause)``: the field path concerned (``copies[1].member``) and what is wrong,
said without its subject ("is in site 'bos' but its cluster CL-1 is in 'wor'"), so the
caller can put the element (or "a mirror", for one about to be made) in front.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from designer.domain.elements import Dag, EsxiHost, Lun, MailboxDatabase, Mirror, VsphereCluster

__all__ = [
    "Invariant",
    "Lookup",
    "copies_on_dag_members",
    "host_in_its_clusters_site",
    "mirror_between_two_arrays",
]

#: Finds an element by id (None when there is none).
Lookup = Callable[[str], Any]


@dataclass(frozen=True)
class Invariant:
    """``check(element, get)`` yields (field path, clause) for each break; ``reads``
    names the reference fields whose targets it looks at (when one of those changes,
    the Document checks the element again)."""

    check: Callable[[Any, Lookup], Iterator[tuple[str, str]]]
    reads: tuple[str, ...]
    #: ``holds(elements, get)``: True if no element of ``elements`` (all of the kind)
    #: breaks the invariant, asked of a whole design's elements at once (the loader's
    #: check of a big design); None: ``check`` is asked of each.
    holds: Callable[[Sequence[Any], Lookup], bool] | None = None
    #: ``holds_read(fields, targets, get)``: ``holds`` from what the loader's check has
    #: already read of the elements (all of the kind): each one's fields (its
    #: ``__dict__``) and, per reference field, every id it names, in element order, as
    #: :func:`designer.domain.refs.targets_columns`' readers give them (a plain
    #: reference: one value per element, None where unset) — those of ``targets`` at
    #: least. None: ``held_by`` is asked.
    holds_read: (
        Callable[[Sequence[dict[str, Any]], Mapping[str, Sequence[Any]], Lookup], bool] | None
    ) = None
    #: The reference fields whose targets ``holds_read`` takes.
    targets: tuple[str, ...] = ()

    def __call__(self, element: Any, get: Lookup) -> Iterator[tuple[str, str]]:
        return self.check(element, get)

    def held_by(self, elements: Sequence[Any], get: Lookup) -> bool:
        """True if no element of ``elements`` breaks the invariant."""
        if self.holds is not None:
            return self.holds(elements, get)
        return not any(any(True for _ in self.check(element, get)) for element in elements)


def _host_in_its_clusters_site(host: EsxiHost, get: Lookup) -> Iterator[tuple[str, str]]:
    """A host in a cluster is in the cluster's site."""
    cluster = get(host.cluster) if host.cluster else None
    if isinstance(cluster, VsphereCluster) and cluster.site != host.site:
        yield (
            "cluster",
            f"is in site {host.site!r} but its cluster {cluster.name} is in {cluster.site!r}",
        )


def _mirror_between_two_arrays(mirror: Mirror, get: Lookup) -> Iterator[tuple[str, str]]:
    """A mirror's target LUN is on another array than its source LUN."""
    source, target = get(mirror.source_lun), get(mirror.target_lun)
    if isinstance(source, Lun) and isinstance(target, Lun) and source.array == target.array:
        array = get(source.array)
        where = array.name if array is not None else source.array
        yield (
            "target_lun",
            f"mirrors to a LUN on its own array {where}; a mirror's target is on another array",
        )


def _copies_on_dag_members(db: MailboxDatabase, get: Lookup) -> Iterator[tuple[str, str]]:
    """A database in a DAG has its copies on members of that DAG."""
    dag = get(db.dag) if db.dag else None
    if not isinstance(dag, Dag):
        return
    members = set(dag.members)
    for j, copy in enumerate(db.copies):
        if copy.member not in members:
            member = get(copy.member)
            on = member.name if member is not None else repr(copy.member)
            yield (
                f"copies[{j}].member",
                f"has a copy on {on}, which is not a member of DAG {dag.name}",
            )


def _all_copies_on_dag_members(dbs: Sequence[MailboxDatabase], get: Lookup) -> bool:
    """:func:`_copies_on_dag_members` of every database at once: each DAG's members made
    a set once (not once per database), each database's copies' members read in C."""
    members_of: dict[str | None, frozenset[str] | None] = {}
    for dag_id in set(map(_DAG, dbs)):
        dag = get(dag_id) if dag_id else None
        members_of[dag_id] = frozenset(dag.members) if isinstance(dag, Dag) else None
    for dag_id, copies in zip(map(_DAG, dbs), map(_COPIES, dbs), strict=True):
        members = members_of[dag_id]
        if members is not None and not members.issuperset(map(_MEMBER, copies)):
            return False
    return True


def _all_copies_on_dag_members_read(
    dbs: Sequence[dict[str, Any]], targets: Mapping[str, Sequence[Any]], get: Lookup
) -> bool:
    """:func:`_all_copies_on_dag_members` from the loader's columns (``dbs``: the
    databases' fields; ``targets``: their ``dag`` column and every copy's member,
    database after database): the members are not read from the copies again, and the
    databases are taken a run of one DAG at a time (a design lists a DAG's databases
    together), each run's copies' members tested against the DAG's members at once."""
    dags = targets["dag"]
    members = targets["copies"]
    members_of: dict[str | None, frozenset[str] | None] = {}
    for dag_id in set(dags):
        dag = get(dag_id) if dag_id else None
        members_of[dag_id] = frozenset(dag.members) if isinstance(dag, Dag) else None
    copies = list(map(_COPIES_FIELD, dbs))
    first = 0  # the run's first database
    at = 0  # its first copy's member in ``members``
    for dag_id, run in groupby(dags):
        last = first + len(list(run))
        # its databases' copies (none for an empty list, which the column reader skips)
        end = at + sum(map(len, filter(None, copies[first:last])))
        allowed = members_of[dag_id]
        if allowed is not None and not allowed.issuperset(members[at:end]):
            return False
        first, at = last, end
    return True


_DAG, _COPIES, _MEMBER = attrgetter("dag"), attrgetter("copies"), attrgetter("member")
_COPIES_FIELD = itemgetter("copies")


host_in_its_clusters_site = Invariant(_host_in_its_clusters_site, reads=("cluster",))
mirror_between_two_arrays = Invariant(
    _mirror_between_two_arrays, reads=("source_lun", "target_lun")
)
copies_on_dag_members = Invariant(
    _copies_on_dag_members,
    reads=("dag",),
    holds=_all_copies_on_dag_members,
    holds_read=_all_copies_on_dag_members_read,
    targets=("dag", "copies"),
)
