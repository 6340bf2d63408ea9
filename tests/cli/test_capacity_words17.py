"""``dr-designer capacity``'s text in words a reader takes at once (wave 17, uic17):
no failure mode heavier than normal operation is said so (it read "worst: normal
operation: …", as if normal operation were a failure mode), and a design whose servers
hold no mailbox database says so under "Mailbox servers" (the SRM template printed the
heading alone)."""

from __future__ import annotations

from pathlib import Path

from designer.document.templates import TEMPLATES
from designer.entry import main
from designer.persistence import save

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def test_no_worse_mode_is_said_in_words(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["capacity", str(SAMPLES / "cx4_srm_mirrorview_s.json")]) == 0
    out = capsys.readouterr().out
    assert "normal operation:" not in out and "— normal operation" not in out
    lines = out.splitlines()
    assert "    worst: no failure mode is worse than normal operation" in lines
    assert "  esx-phl-01: normal 6 / 3,000; no failure mode is worse than normal operation" in lines
    # A mode heavier than normal operation is still named with its figures.
    assert main(["capacity", str(SAMPLES / "exchange2007_lcr_ccr_scr.json")]) == 0
    out = capsys.readouterr().out
    assert "  esx-bel-01: normal 0 / 0; worst 8 / 4,000 — failure of ESXi host esx-red-02" in out


def test_mirrors_without_a_worse_mode_say_so(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["capacity", str(SAMPLES / "bidirectional_mirroring.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    mirrors = [line for line in lines if line.startswith("  MV/A ")]
    assert mirrors and all(
        line.endswith("; no failure mode is worse than normal operation") for line in mirrors
    )


def test_the_srm_template_says_its_servers_hold_no_database(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "srm.json"
    save(TEMPLATES["srm_mirrorview"].build(), path)
    assert main(["capacity", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Mailbox servers: none in this design holds a mailbox database" in lines
    assert not any(line.startswith("Mailbox servers (") for line in lines)
