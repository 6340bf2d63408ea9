"""The kind table: what it derives from the element classes, and what it refuses."""

from __future__ import annotations

from typing import ClassVar, Literal

import pytest

from designer.domain import ELEMENT_CLASSES, EsxiHost
from designer.domain.elements import ElementBase
from designer.domain.kinds import (
    KINDS,
    KindSpec,
    connectable_kinds,
    connections_between,
    container_kinds,
    register_kind,
)
from designer.domain.words import plural, with_article, word_for


def test_every_element_class_has_exactly_one_entry() -> None:
    assert set(KINDS) == set(ELEMENT_CLASSES)
    assert all(info.cls is ELEMENT_CLASSES[kind] for kind, info in KINDS.items())
    prefixes = [info.spec.prefix for info in KINDS.values()]
    assert len(set(prefixes)) == len(prefixes)


def test_containers_come_from_the_ref_annotations() -> None:
    host = KINDS["esxi_host"]
    assert host.containers == (("cluster", ("vsphere_cluster",)), ("site", ("site",)))
    assert host.needs_container and host.allowed_containers == ("vsphere_cluster", "site")
    assert host.container_of(EsxiHost(id="h", name="h", site="s", cluster="c")) == "c"
    assert host.container_of(EsxiHost(id="h", name="h", site="s")) == "s"
    database, balancer = KINDS["mailbox_database"], KINDS["load_balancer"]
    assert database.allowed_containers == ("dag",) and not database.needs_container
    assert balancer.allowed_containers == ("site",) and not balancer.needs_container
    assert sorted(container_kinds()) == [
        "dag",
        "esxi_host",
        "site",
        "storage_array",
        "vsphere_cluster",
    ]


def test_shapes_and_connections() -> None:
    assert [k for k, i in KINDS.items() if i.is_line] == ["wan_link", "mirror", "host_replication"]
    assert [k for k, i in KINDS.items() if i.shape == "part"] == ["virtual_disk"]
    assert connectable_kinds() == {
        "site",
        "lun",
        "vm",
        "dag",
        "file_share_witness",
        "load_balancer",
        "cas_array",
    }
    made = {(c.a, c.b): (c.kind, c.fields) for c in connections_between("vm", "lun")}
    assert made == {("vm", "lun"): ("virtual_disk", ("vm", "lun"))}
    (witness,) = connections_between("file_share_witness", "dag")
    assert (witness.kind, witness.fields, witness.creates) == (
        "dag",
        ("witness", "alternate_witness"),
        False,
    )
    assert connections_between("site", "lun") == []


def test_the_palette_order_and_titles() -> None:
    titles = [(info.title, info.spec.group) for info in KINDS.values()]
    assert titles[:5] == [
        ("Site", "Infrastructure"),
        ("WAN link", "Infrastructure"),
        ("vSphere cluster", "Infrastructure"),
        ("ESXi host", "Infrastructure"),
        ("Virtual machine", "Infrastructure"),
    ]
    assert [t for t, g in titles if g == "Exchange"] == [
        "DAG",
        "Mailbox database",
        "File share witness",
        "CAS array",
    ]


def test_a_spec_naming_a_field_that_is_no_reference_is_refused() -> None:
    class Odd(ElementBase):
        label: ClassVar[str] = "odd"
        kind: Literal["odd"] = "odd"

    with pytest.raises(TypeError, match="not a reference field"):
        register_kind(Odd, KindSpec(group="X", prefix="odd", stem="Odd", inside=("name",)))
    with pytest.raises(TypeError, match="line kind"):
        register_kind(Odd, KindSpec(group="X", prefix="odd", stem="Odd", shape="line"))
    assert "odd" not in KINDS


def test_words() -> None:
    assert [plural(1, "VM"), plural(2, "VM"), plural(3, "copy")] == ["1 VM", "2 VMs", "3 copies"]
    assert word_for(2, "non-lagged copy") == "non-lagged copies"
    assert [with_article(KINDS[k].label) for k in ("lun", "esxi_host", "srm_site_pair", "vm")] == [
        "a LUN",
        "an ESXi host",
        "an SRM site pair",
        "a VM",
    ]
