"""The review report's tables keep an element's name on one line (eyes19): browsers
break a line after a hyphen, and the VM table's narrow columns read "BOS-" / "MBX01"
and "esx-bos-" / "01" in Chromium at 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

from designer.entry import main

ROOT = Path(__file__).resolve().parents[2]
THREE_SITE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def test_hyphenated_names_in_the_reports_tables_do_not_break(tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    assert main(["report", str(THREE_SITE), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    nowrap = ' style="white-space: nowrap"'
    # The VM table's row of BOS-MBX01: its name and its host, each whole.
    row = re.search(rf"<tr><td{nowrap}>BOS-MBX01</td>.*?</tr>", page)
    assert row is not None
    assert f"<td{nowrap}>esx-bos-01</td>" in row.group(0)
    # A list of names: each kept whole, the list free to wrap between them.
    assert (
        f"<span{nowrap}>BOS-MBX01</span>, <span{nowrap}>BOS-MBX02</span>, "
        f"<span{nowrap}>WOR-MBX01</span>, <span{nowrap}>WOR-MBX02</span>" in page
    )
    # No table cell of one word, or a list of them, can break at its hyphens.
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", page.split("<nav>", 1)[1])
    bare = [
        text
        for attr, text in cells
        if nowrap not in attr
        and all(not re.search(r"\s", item) for item in text.split(", "))
        and re.search(r"\w-\w", text)
    ]
    assert not bare, bare[:5]


def test_the_n2_tables_data_lost_lists_databases_in_natural_order(tmp_path: Path) -> None:
    """Two databases planned into the three-site sample: losing Boston and Worcester
    together loses data of all six, listed "DB05, DB06, DB01, DB02, DB03, DB04" (the
    ids' order: the plan's new ids sort first); by name now, as the scenario tables do."""
    planned, out = tmp_path / "planned.json", tmp_path / "review.html"
    args = ["plan-copies", str(THREE_SITE), "--dag", "DAG01", "--databases", "6"]
    assert main([*args, "-o", str(planned)]) == 0
    assert main(["report", str(planned), "-o", str(out)]) == 0
    n2 = out.read_text(encoding="utf-8").split('id="n-2"', 1)[1].split("<h2", 1)[0]
    row = re.search(r"<tr><td[^>]*>Boston \+ Worcester</td>.*?</tr>", n2)
    assert row is not None
    names = re.findall(r"<span[^>]*>(DB\d+)</span>", row.group(0))
    assert names == ["DB01", "DB02", "DB03", "DB04", "DB05", "DB06"], row.group(0)


def test_an_imported_designs_description_names_its_files_once(tmp_path: Path) -> None:
    """`dr-designer import calculator` described the design as "Imported from Exchange
    Role Requirements Calculator CSVs (MailboxDatabases.csv, MailboxDatabaseCopies.csv,
    Servers.csv): MailboxDatabaseCopies.csv, MailboxDatabases.csv, Servers.csv", the
    first line of its review report."""
    from designer.persistence import load

    data = ROOT / "tests" / "interop" / "data" / "calculator-prod"
    out = tmp_path / "calc.drd.json"
    sources = [str(p) for p in sorted(data.glob("*.csv"))]
    assert main(["import", "calculator", *sources, "-o", str(out)]) == 0
    assert load(out).description == (
        "Imported from Exchange Role Requirements Calculator CSVs: "
        "MailboxDatabaseCopies.csv, MailboxDatabases.csv, Servers.csv"
    )


def test_a_spof_of_databases_without_mailboxes_says_what_it_affects(tmp_path: Path) -> None:
    """The calculator's exports state no mailbox counts: losing the placeholder site
    takes all 72 databases down, and the summary's red N-1 row read "affects 0
    mailboxes"."""
    data = ROOT / "tests" / "interop" / "data" / "calculator-prod"
    design, out = tmp_path / "calc.drd.json", tmp_path / "review.html"
    sources = [str(p) for p in sorted(data.glob("*.csv"))]
    assert main(["import", "calculator", *sources, "-o", str(design)]) == 0
    assert main(["report", str(design), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    row = re.search(r"<td>Single points of failure \(N-1\)</td><td[^>]*>(.*?)</td>", page)
    assert row is not None
    assert row.group(1) == (
        "1; worst: losing Unplaced (import) affects 72 databases (their mailboxes are not stated)"
    )
