"""A box's second line says its enum values in the Inspector's words ("Witness only",
"OS · VMDK on VMFS", "Client Access"), not the file's ("witness_only", "os · vmdk_vmfs")."""

from __future__ import annotations

from pathlib import Path

from designer.domain.elements import StorageArray, VirtualDisk
from designer.domain.enums import ArrayModel, DiskPlacement, DiskPurpose, Protocol
from designer.ui.canvas.items.node import subtitle_of

SAMPLES = Path(__file__).parents[2] / "sample_designs"


def test_boxes_opened_from_a_file_say_their_values_in_words(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "three_site_stretched_dag.json")
    nodes = window.view.design_scene.nodes
    assert nodes["site-hfd"].subtitle.startswith("Witness only")
    assert nodes["site-bos"].subtitle.startswith("Production")
    assert nodes["vm-bos-cas01"].subtitle.startswith("Client Access")
    raw = ("witness_only", "vmdk_vmfs", "client_access", "hub_transport", "mailbox", "os ·")
    for node in nodes.values():
        assert not any(word in node.subtitle for word in raw), (node.element_id, node.subtitle)


def test_an_arrays_protocol_reads_as_the_inspector_says_it() -> None:
    array = StorageArray(
        id="a", name="a", site="s", model=ArrayModel.CX4_240, protocol=Protocol.ISCSI
    )
    assert subtitle_of(array) == "CX4-240 · iSCSI"
    # Fibre Channel is abbreviated as architects write it: the box is narrow.
    fc = array.model_copy(update={"protocol": Protocol.FC, "model": ArrayModel.GENERIC})
    assert subtitle_of(fc) == "Generic · FC"
    disk = VirtualDisk(
        id="d", name="d", vm="v", lun="l", purpose=DiskPurpose.OS, placement=DiskPlacement.VMDK_VMFS
    )
    assert subtitle_of(disk) == "OS · VMDK on VMFS"
