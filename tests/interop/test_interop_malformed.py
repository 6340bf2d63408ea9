"""Malformed sources (wrong columns, missing sheets, bad numbers, hostile bytes, 10^5
rows) give a clear message naming file, row and column; never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from designer.domain import check_structure
from designer.interop.importing import import_sources
from designer.interop.report import InteropError

ROOT = Path(__file__).resolve().parents[2]
CALC = Path(__file__).parent / "data" / "calculator"


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _import_or_error(kind: str, path: Path) -> str:
    """The report text, or the error message: anything else fails the test."""
    try:
        result = import_sources(kind, [path])
    except InteropError as exc:
        assert path.name in str(exc)
        return str(exc)
    check_structure(result.design)
    return result.report.to_text()


cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "1", "-3", "1e309", "NaN", "7.0:00:00", "99.99:99:99", "x", "65"]),
)


@given(
    header=st.lists(
        st.sampled_from(["Name", "Server", "ActivationPreference", "ReplayLagTime", "GC", "Junk"]),
        min_size=1,
        max_size=6,
    ),
    rows=st.lists(st.lists(cells, max_size=7), max_size=12),
)
def test_fuzzed_calculator_csv_never_raises_anything_but_a_clear_error(
    tmp_path_factory, header, rows
):
    path = tmp_path_factory.mktemp("fuzz") / "copies.csv"
    lines = [",".join(header)] + [",".join(f'"{c.replace(chr(34), "")}"' for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    _import_or_error("calculator", path)


@given(data=st.binary(max_size=400))
def test_random_bytes_are_refused_with_the_file_named(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    for kind, name in (("calculator", "x.csv"), ("exchange", "y.csv"), ("rvtools", "z.xlsx")):
        path = folder / name
        path.write_bytes(data)
        _import_or_error(kind, path)


def test_wrong_columns_name_the_file_and_what_was_expected(tmp_path):
    path = tmp_path / "inventory.csv"
    path.write_text("Host,Owner\nesx1,ops\n", encoding="utf-8")
    message = _import_or_error("calculator", path)
    assert message.startswith("inventory.csv: not a calculator export")
    assert "MailboxDatabaseCopies.csv (Name, Server, ActivationPreference)" in message
    assert "found Host, Owner" in message


def test_bad_numbers_are_listed_by_file_row_and_column(tmp_path):
    path = tmp_path / "MailboxDatabaseCopies.csv"
    path.write_text(
        "GC,GC2,Name,Server,ActivationPreference,ReplayLagTime,TruncationLagTime\n"
        "VersionNumber,2.1,7.6,,,,0.00:00:00\n"
        "gc,gc2,DB1,EX1,2,0.00:00:00,0\n"
        "gc,gc2,DB1,EX2,two,0.00:00:00,0\n"
        "gc,gc2,DB1,EX3,3,7.25:00:00,0\n"
        "gc,gc2,DB1,EX4,99,0.00:00:00,0\n",
        encoding="utf-8",
    )
    text = _import_or_error("calculator", path)
    assert "MailboxDatabaseCopies.csv:4: column ActivationPreference: 'two' is not a number" in text
    assert (
        "MailboxDatabaseCopies.csv:5: column ReplayLagTime: '7.25:00:00' is not a time span" in text
    )
    assert (
        "MailboxDatabaseCopies.csv:6: column ActivationPreference: activation preference 99" in text
    )
    assert "3 rows skipped" in text


def test_workbooks_without_rvtools_sheets_or_columns_are_refused(tmp_path):
    book = Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "plain.xlsx")
    message = _import_or_error("rvtools", tmp_path / "plain.xlsx")
    assert "plain.xlsx: no RVTools sheet" in message and "Sheet1" in message
    book = Workbook()
    book.active.title = "vInfo"
    book.active.append(["Virtual machine", "Host"])
    book.save(tmp_path / "wrong.xlsx")
    message = _import_or_error("rvtools", tmp_path / "wrong.xlsx")
    assert message.startswith("wrong.xlsx [vInfo]: sheet vInfo has no column 'VM'")


def test_a_hundred_thousand_rows_import_and_report_compactly(tmp_path):
    path = tmp_path / "MailboxDatabaseCopies.csv"
    lines = ["GC,GC2,Name,Server,ActivationPreference,ReplayLagTime,TruncationLagTime"]
    for i in range(100_000):
        # Every tenth row is broken: 10,000 issues, each with its row.
        pref = "x" if i % 10 == 9 else str(2 + i % 3)
        lines.append(f"g,g,DB{i // 3:05d},EX{i % 3 + 1},{pref},0.00:00:00,0")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_sources("calculator", [path])
    assert result.report.rows_read == 100_000
    assert result.report.skipped_rows == 10_000
    assert result.report.issues[0].row == 11  # header is row 1; the 10th data row
    text = result.report.to_text(limit=20)
    assert len(text.splitlines()) < 30 and "9,980 more" in text


def test_the_cli_says_one_line_and_exits_2_for_a_broken_source(tmp_path):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    run = _cli("import", "rvtools", str(tmp_path / "broken.xlsx"), "-o", str(tmp_path / "d.json"))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "broken.xlsx" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "d.json").exists()
    run = _cli(
        "import", "calculator", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "d.json")
    )
    assert run.returncode == 2 and "missing.csv: no such file" in run.stderr


def test_the_cli_writes_the_design_and_the_full_report(tmp_path):
    out, report = tmp_path / "design.json", tmp_path / "report.csv"
    run = _cli(
        "import",
        "calculator",
        str(CALC / "MailboxDatabasesV7.6.csv"),
        str(CALC / "MailboxDatabaseCopiesV7.6.csv"),
        "-o",
        str(out),
        "--report",
        str(report),
    )
    assert run.returncode == 0, run.stderr
    assert "164 rows read" not in run.stderr  # the servers file was not given
    assert "160 rows read: 50 elements created" in run.stderr
    assert out.exists() and report.read_text().startswith("file,row,column,skipped,why")
    # --into merges by name: a second import updates, it does not duplicate.
    run = _cli(
        "import", "calculator", str(CALC / "ServersV7.6.csv"), "--into", str(out), "-o", str(out)
    )
    assert run.returncode == 0, run.stderr
    assert "0 elements created" in run.stderr and f"wrote {out} (50 elements)" in run.stderr


typed_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=10),
    st.sampled_from(["True", "physicalMode", "[ds1] vm/vm.vmdk", "NFS", "esx1", "VM-1"]),
)
RV_COLUMNS = {
    "vInfo": ["VM", "Template", "Host", "Cluster", "Datacenter", "CPUs", "Memory"],
    "vHost": ["Host", "Datacenter", "Cluster", "# Cores", "# Memory"],
    "vCluster": ["Name", "HA enabled", "DRS enabled", "Failover Level"],
    "vDatastore": ["Name", "Type", "Capacity MiB", "Hosts"],
    "vDisk": ["VM", "Disk", "Capacity MiB", "Raw", "Raw Comp. Mode", "Path"],
}


@given(
    sheets=st.dictionaries(
        st.sampled_from(sorted(RV_COLUMNS)),
        st.lists(st.lists(typed_cells, min_size=1, max_size=7), max_size=6),
        min_size=1,
    )
)
def test_fuzzed_rvtools_cells_give_a_design_or_a_clear_error(tmp_path_factory, sheets):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(RV_COLUMNS[name])
        for row in rows:
            sheet.append(row)
    path = tmp_path_factory.mktemp("rv") / "fuzz.xlsx"
    book.save(path)
    _import_or_error("rvtools", path)


@given(
    kind=st.sampled_from(
        [
            "Name,Servers,WitnessServer,DatacenterActivationMode,DatabaseAvailabilityGroupIpAddresses",
            "Name,DatabaseName,MailboxServer,ActivationPreference,ReplayLagStatus",
            "Name,MasterServerOrAvailabilityGroup,Server,ActivationPreference,ReplayLagTimes,"
            "DatabaseSize",
        ]
    ),
    rows=st.lists(
        st.lists(
            st.one_of(
                cells,
                st.sampled_from(
                    [
                        "[EX1, 1] [EX2, x]",
                        "{EX1;EX2}",
                        "DB\\EX1",
                        "Configured:99.00:00:00",
                        "1.5 TB",
                    ]
                ),
            ),
            max_size=6,
        ),
        max_size=8,
    ),
)
def test_fuzzed_exchange_exports_give_a_design_or_a_clear_error(tmp_path_factory, kind, rows):
    path = tmp_path_factory.mktemp("ex") / "export.csv"
    lines = ["#TYPE Deserialized.Something", kind]
    lines += [",".join(f'"{c.replace(chr(34), "")}"' for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    _import_or_error("exchange", path)


def test_an_inconsistent_import_names_its_file(tmp_path):
    """Found by the fuzz test above: a host whose cluster cell reads False is placed in
    another site than its cluster; the refusal names the workbook."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in {
        "vInfo": [["[ds1] vm/vm.vmdk", None, "[ds1] vm/vm.vmdk"]],
        "vHost": [["[ds1] vm/vm.vmdk", False, False]],
    }.items():
        sheet = book.create_sheet(name)
        sheet.append(RV_COLUMNS[name])
        for row in rows:
            sheet.append(row)
    path = tmp_path / "hosts.xlsx"
    book.save(path)
    message = _import_or_error("rvtools", path)
    assert message.startswith("hosts.xlsx: ")
    assert "not consistent" in message


def test_the_summary_counts_each_thing_in_its_own_words(tmp_path):
    # eyes23: "1 row read: …, 1 rows skipped, …"; and a workbook without its vDatastore
    # sheet counted "1 values ignored" though no value was (the line says what is missing).
    copies = tmp_path / "MailboxDatabaseCopies.csv"
    copies.write_text(
        '"Name","Server","ActivationPreference","ReplayLagTime"\n"DB1","E1","1","zz"\n'
    )
    run = _cli("import", "calculator", str(copies), "-o", str(tmp_path / "one.json"))
    assert run.stderr.startswith(
        "1 row read: 0 elements created, 0 updated, 1 row skipped, 0 values ignored\n"
    )
    workbook = ROOT / "tests" / "interop" / "data" / "rvtools" / "rvtools-small-complete.xlsx"
    run = _cli("import", "rvtools", str(workbook), "-o", str(tmp_path / "rv.json"))
    assert run.returncode == 0, run.stderr
    first, second = run.stderr.splitlines()[:2]
    assert first.endswith(", 0 values ignored")
    assert second == (
        "rvtools-small-complete.xlsx: sheet vDatastore is missing; datastore types and sizes "
        "are unknown"
    )
