"""``dr-designer rename FILE --replace OLD NEW [--kind K] -o OUT`` (wave 25,
``replace25``): the window's Replace in Names… headless, through the installed script
and the console entry function; exit codes 0 (renamed), 1 (nothing matches), 2 (a clash
or bad input: nothing written), 4 (the output cannot be written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from designer.entry import main
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SCRIPT = Path(sys.executable).parent / "dr-designer"


def test_rename_writes_the_design_renamed_for_a_customer(tmp_path: Path) -> None:
    out = tmp_path / "customer.drd.json"
    run = subprocess.run(
        [str(SCRIPT), "rename", str(SAMPLE), "--replace", "BOS", "NYC", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "VM BOS-MBX01 → NYC-MBX01" in lines
    assert lines[-1] == f"44 names changed, written to {out}"
    before, after = load(SAMPLE), load(out)
    assert [e.id for e in after.elements] == [e.id for e in before.elements]
    assert sum(a.name != b.name for a, b in zip(after.elements, before.elements, strict=True)) == 44
    assert not any("BOS" in e.name for e in after.elements)
    assert [p.name for p in tmp_path.iterdir()] == ["customer.drd.json"]  # no temp left
    checked = subprocess.run(
        [str(SCRIPT), "check", str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert checked.returncode == 0 and checked.stdout.strip() == "0 errors, 0 warnings, 0 info"


def test_rename_of_one_kind_whole_words_json(capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["rename", str(SAMPLE), "--replace", "BOS", "NYC", "--kind", "storage array"]
    assert main([*args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(c["kind"], c["old"], c["new"]) for c in data["changes"]] == [
        ("storage_array", "BOS-SAN1", "NYC-SAN1"),
        ("storage_array", "BOS-SAN2", "NYC-SAN2"),
    ]
    assert data["written"] is None
    assert (
        main(["rename", str(SAMPLE), "--replace", "bos", "X", "--ignore-case", "--kind", "site"])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[0] == "site Boston → Xton"
    args = ["rename", str(SAMPLE), "--replace", "bos", "X", "--whole-word", "--ignore-case"]
    assert main([*args, "--kind", "site"]) == 1  # "Boston": bos is not a word there
    assert capsys.readouterr().err == "dr-designer: no name of a site contains 'bos'\n"


def test_a_clash_is_refused_naming_the_elements_and_nothing_is_written(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.json"
    assert main(["rename", str(SAMPLE), "--replace", "Boston", "Worcester", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "dr-designer: cannot rename: site Boston → Worcester: site Worcester already has "
        "that name\n"
    )
    assert captured.out == "" and not out.exists()
    assert main(["rename", str(SAMPLE), "--replace", "BOS-SAN1", "", "-o", str(out)]) == 2
    assert "storage array BOS-SAN1 → (nothing): a name cannot be empty" in capsys.readouterr().err
    assert main(["rename", str(SAMPLE), "--replace", "BOS", "NYC", "--kind", "router"]) == 2
    assert "--kind 'router': no such kind; the kinds are backup" in capsys.readouterr().err
    assert not out.exists()


def test_o_dash_writes_the_design_alone_and_a_bad_output_is_exit_4(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["rename", str(SAMPLE), "--replace", "HFD", "PHL", "-o", "-"]) == 0
    written = json.loads(capsys.readouterr().out)
    names = [e["name"] for e in written["design"]["elements"]]
    assert "PHL-FS01" in names and not any("HFD" in n for n in names)
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file, not a folder\n")
    target = not_a_folder / "renamed.json"
    assert main(["rename", str(SAMPLE), "--replace", "HFD", "PHL", "-o", str(target)]) == 4
    assert capsys.readouterr().err.startswith(f"dr-designer: cannot write {target}")
