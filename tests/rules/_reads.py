"""What each rule really reads of a design: its index and design, watched while it runs.

Each rule runs alone on a :class:`ReadingIndex`, a :class:`DesignIndex` that notes the
kinds the rule goes through (``of``, ``group`` and the named groups, ``by_kind``:
"reads") apart from the kinds of the elements it reaches by id (``get``, ``typed``,
``by_id``, ``site_of``: "follows"), and a design that notes whether its element list or
layout is read (then the rule reads everything). The
helpers' caches (``dag_facts``, ``exchange_facts`` …) are keyed by the index, so a rule
that uses them builds them again on its own index and their reads count as its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from designer.domain.design import Design
from designer.domain.elements import ElementBase
from designer.domain.index import DesignIndex, _site_fields
from designer.rules import RuleContext, load_all_rules
from designer.rules.engine import run_rule

#: A rule read the whole design (its element list, its layout, position or names).
ALL = "*"


class _Noting(Mapping[str, Any]):
    """A read-only view of a mapping that notes what is read through it."""

    def __init__(self, inner: Mapping[str, Any], index: ReadingIndex, by_kind: bool) -> None:
        self._inner = inner
        self._index = index
        self._by_kind = by_kind  # the key is a kind (by_kind) or an id (by_id)

    def _seen(self, key: object) -> None:
        if self._by_kind:
            self._index.reads.add(str(key))
        else:
            self._index.follow(str(key))

    def __getitem__(self, key: str) -> Any:
        self._seen(key)
        return self._inner[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._seen(key)
        return self._inner.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._seen(key)
        return key in self._inner

    def __iter__(self) -> Iterator[str]:
        self._index.reads.add(ALL)
        return iter(self._inner)

    def __len__(self) -> int:
        self._index.reads.add(ALL)
        return len(self._inner)


class ReadingIndex(DesignIndex):
    """A DesignIndex that notes the kinds gone through (:attr:`reads`) and the kinds of
    the elements reached by id (:attr:`follows`)."""

    def __init__(self, design: Design) -> None:
        super().__init__(design)
        self.reads: set[str] = set()
        self.follows: set[str] = set()

    def follow(self, element_id: str | None) -> None:
        """An element looked up by id: its kind is followed; an id that names no
        element (an element added later would answer) counts as reading everything."""
        if not element_id:
            return
        element = self._live.by_id.get(element_id)
        if element is None:
            self.reads.add(ALL)
        else:
            self.follows.add(element.kind)

    @property
    def by_id(self) -> Mapping[str, ElementBase]:
        return _Noting(super().by_id, self, by_kind=False)

    @property
    def by_kind(self) -> Mapping[str, list[ElementBase]]:
        return _Noting(super().by_kind, self, by_kind=True)

    def get(self, element_id: str | None) -> ElementBase | None:
        self.follow(element_id)
        return super().get(element_id)

    def typed(self, element_id: str | None, cls: Any) -> Any:
        self.follow(element_id)
        return super().typed(element_id, cls)

    def of(self, kind: str, cls: Any) -> Any:
        self.reads.add(kind)
        return super().of(kind, cls)

    def named(self, kind: str, name: str) -> str | None:
        self.reads.add(kind)
        return super().named(kind, name)

    def position_of(self, element_id: str) -> int:
        self.reads.add(ALL)
        return super().position_of(element_id)

    def resolve(self, key: str) -> ElementBase:
        self.reads.add(ALL)
        return super().resolve(key)

    def referrer_ids(self, element_id: str) -> list[str]:
        self.reads.add(ALL)
        return super().referrer_ids(element_id)

    def referrers_of(self, element_id: str) -> list[tuple[ElementBase, str]]:
        self.reads.add(ALL)
        return super().referrers_of(element_id)

    def group(self, kind: str, field: str) -> Mapping[str, list[ElementBase]]:
        self.reads.add(kind)
        return super().group(kind, field)

    def _named_group(self, kind: str, field: str) -> Mapping[str, list[Any]]:
        self.reads.add(kind)
        return self._live.group(kind, field)

    vms_on_host = property(lambda self: self._named_group("vm", "host"))  # type: ignore[assignment]
    hosts_in_cluster = property(lambda self: self._named_group("esxi_host", "cluster"))  # type: ignore[assignment]
    disks_of_vm = property(lambda self: self._named_group("virtual_disk", "vm"))  # type: ignore[assignment]
    disks_on_lun = property(lambda self: self._named_group("virtual_disk", "lun"))  # type: ignore[assignment]
    luns_of_array = property(lambda self: self._named_group("lun", "array"))  # type: ignore[assignment]
    mirrors_from_lun = property(lambda self: self._named_group("mirror", "source_lun"))  # type: ignore[assignment]
    mirrors_to_lun = property(lambda self: self._named_group("mirror", "target_lun"))  # type: ignore[assignment]
    databases_of_dag = property(  # type: ignore[assignment]
        lambda self: self._named_group("mailbox_database", "dag")
    )

    @property
    def consistency_group_of_mirror(self) -> Mapping[str, str]:
        self.reads.add("consistency_group")
        return super().consistency_group_of_mirror

    def site_of(self, element_id: str | None) -> str | None:
        # Every element on the way to the site is followed (a VM's host, its site …).
        self.follow(element_id)
        current = self._live.by_id.get(element_id) if element_id else None
        while current is not None:
            self.follows.add(current.kind)
            if current.kind == "site":
                break
            following = None
            for name, _direct in _site_fields(current.kind):
                value = getattr(current, name)
                if value:
                    following = self._live.by_id.get(value)
                    break
            current = following
        return super().site_of(element_id)

    def array_of_lun(self, lun_id: str | None) -> Any:
        self.follow(lun_id)
        self.follows.add("storage_array")
        return super().array_of_lun(lun_id)


class _ReadingDesign:
    """A design that notes a read of its elements or layout (everything)."""

    def __init__(self, design: Design, reads: set[str]) -> None:
        self._design = design
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        if name in ("elements", "layout"):
            self._reads.add(ALL)
        return getattr(self._design, name)


def rule_reads(design: Design) -> dict[str, tuple[set[str], set[str]]]:
    """(reads, follows) of each rule checking ``design`` (``ALL`` among the reads: it
    read everything)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for code, rule in load_all_rules().items():
        index = ReadingIndex(design)
        context = RuleContext(design, index)
        context.design = _ReadingDesign(design, index.reads)  # type: ignore[assignment]
        run_rule(context, rule)
        found[code] = (index.reads, index.follows - index.reads)
    return found
