"""``dr-designer capacity --mode all``'s note on the double and site-plus-one failures
when none of the pairs ranked is simulated (wave 21, fixn21, eyes21 #3): it read
"…, 0 simulated (those predicted to load a member most)", as if the parenthesis
described the 0; it now says none is simulated and why. A design with pairs simulated
keeps the note as it was."""

from __future__ import annotations

from pathlib import Path

from design_variants import without_mailboxes

from designer.entry import main
from designer.persistence import load, save

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"


def _notes(capsys, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    assert main(["capacity", str(path), "--mode", "all"]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if "pairs ranked" in line]


def test_no_pair_simulated_is_said_in_words(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # No mailboxes: no pair is predicted to load any member beyond normal operation.
    path = tmp_path / "no-mailboxes.json"
    save(without_mailboxes(load(SAMPLE)), path)
    assert _notes(capsys, path) == [
        "note: double and site-plus-one failures: 36 pairs ranked by the activation "
        "preferences, none simulated: no pair is predicted to add mailboxes to a member"
    ]


def test_pairs_simulated_keep_their_note(capsys) -> None:  # type: ignore[no-untyped-def]
    assert _notes(capsys, SAMPLE) == [
        "note: double and site-plus-one failures: 36 pairs ranked by the activation "
        "preferences, 7 simulated (those predicted to load a member most)"
    ]
