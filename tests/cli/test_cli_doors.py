"""The command line as a user meets it: the installed ``dr-designer`` script, its help,
version, exit codes, standard input, several files, logging, completion, SARIF, the
desktop files, ``python -OO`` and what ``--help`` and ``check`` import."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from configparser import ConfigParser
from importlib.metadata import entry_points, version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import pytest

from designer.domain import (
    Dag,
    DatabaseCopy,
    Design,
    EsxiHost,
    FileShareWitness,
    MailboxDatabase,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    Site,
    VirtualMachine,
    VmRole,
    WanLink,
)
from designer.entry import main
from designer.persistence import load, save

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"
DAG_WITH_HA = SAMPLES / "dag_with_ha.json"
#: The console script pip installed next to this Python: the user's door.
SCRIPT = Path(sys.executable).parent / "dr-designer"


def dr(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None, **env: str):  # type: ignore[no-untyped-def]
    """Run the installed ``dr-designer`` script."""
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env={**os.environ, **env},
        timeout=120,
    )


def erroring(tmp_path: Path, name: str = "erroring.json") -> Path:
    """A design with one error finding (VS002 raised to an error)."""
    design = Design(
        elements=[
            Site(id="s", name="Boston"),
            EsxiHost(id="h", name="esx01", site="s"),
            VirtualMachine(id="vm1", name="mbx01", host="h", mailboxes=9000),
        ],
        rules=RuleSettings(severities={"VS002": RuleSeverity(level=RuleLevel.ERROR)}),
    )
    path = tmp_path / name
    save(design, path)
    return path


# -- the door itself ---------------------------------------------------------------------
def test_the_console_script_is_the_entry_module() -> None:
    (script,) = entry_points(group="console_scripts", name="dr-designer")
    assert script.value == "designer.entry:main"
    assert script.load() is main


def test_version_comes_from_the_package_metadata() -> None:
    run = dr("--version")
    assert run.returncode == 0
    assert run.stdout.decode() == f"dr-designer {version('dr-designer')}\n"


def test_help_describes_every_command_with_examples_and_exit_codes(capsys) -> None:  # type: ignore[no-untyped-def]
    run = dr("--help")
    assert run.returncode == 0
    text = run.stdout.decode()
    commands = ["gui", "check", "rules", "rule", "schema", "simulate", "analyze", "export"]
    for command in [*commands, "install-desktop", "completion"]:
        assert re.search(rf"^\s+{command}\s", text, re.M), command
    assert "examples:" in text and "exit codes:" in text and "4  the output" in text
    for command in commands:
        assert main([command, "--help"]) == 0
        help_text = capsys.readouterr().out
        description = help_text.split("\n\n")[1]  # after the usage
        assert len(description) > 40 and not description.startswith(("positional", "options"))
        assert "examples:" in help_text and f"dr-designer {command}" in help_text, command
        assert "exit codes:" in help_text and "3  internal error" in help_text, command
    assert main(["simulate", "--help"]) == 0
    assert "switchover" in capsys.readouterr().out


# -- what --help and check import --------------------------------------------------------
def _imported(*args: str | Path) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "designer", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    return {
        line.split("|")[-1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_help_imports_nothing_it_does_not_show() -> None:
    modules = _imported("--help")
    heavy = {"pydantic", "networkx", "PySide6", "pyqtgraph", "shtab", "designer.domain"}
    assert not heavy & {m.split(".")[0] for m in modules} | (heavy & modules)
    assert not [m for m in modules if m.startswith(("designer.simulation", "designer.rules"))]
    # Not even typing (type hints only, behind TYPE_CHECKING): ~5-15 ms of a ~100 ms
    # start. (pathlib cannot be checked here: the editable install's finder loads it.)
    assert "typing" not in modules
    # Nor shutil (argparse's width comes from designer.cli.parser.terminal_columns), nor
    # textwrap (designer.cli.parser.wrap_words wraps the top level's help texts).
    assert "shutil" not in modules
    assert "textwrap" not in modules
    # Nor the simulator's options (their module is imported when simulate's or analyze's
    # parser is built), nor threading (the process ends without looking for threads).
    assert "designer.cli.timed_options" not in modules
    assert "threading" not in modules
    # Nor locale, which gettext imports to look for a translation of argparse's messages,
    # when there is none to find (designer.cli.parser.untranslated_messages).
    from designer.cli.parser import no_message_catalog

    assert "locale" not in modules or not no_message_catalog()


def test_check_imports_neither_the_simulator_nor_networkx_nor_qt(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A design that states no capacity workload (the samples do: the CAP rules then
    # size it with the simulator, issue 11).
    from designer.persistence import load

    design = load(DAG_WITH_HA)
    bare = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mailbox_profile": None}) if e.kind == "site" else e
                for e in design.elements
            ]
        }
    )
    save(bare, tmp_path / "bare.json")
    modules = _imported("check", tmp_path / "bare.json")
    assert "designer.rules.engine" in modules  # it did check
    top = {m.split(".")[0] for m in modules}
    assert not top & {"networkx", "PySide6", "shiboken6", "pyqtgraph", "shtab"}
    assert not [m for m in modules if m.startswith(("designer.simulation", "designer.ui"))]
    sized = _imported("check", DAG_WITH_HA)
    assert "designer.capacity.engine" in sized and not {"PySide6", "pyqtgraph"} & {
        m.split(".")[0] for m in sized
    }
    # Nor what only an index's positions and the Document's edits use (the index's
    # sorted keys, the persistent lists): a check looks elements up, it does not edit.
    for imported in (modules, sized):
        assert not {"sortedcontainers", "immutables"} & {m.split(".")[0] for m in imported}
        assert "designer.domain.persistent" not in imported
        # Nor the envelope's model, which only `schema` uses (a pydantic class less).
        assert "designer.persistence.envelope" not in imported


# -- check: several files, standard input, exit codes ------------------------------------
def test_check_takes_several_files_and_reports_each(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = erroring(tmp_path)
    code = main(["check", str(DAG_WITH_HA), str(bad)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert f"{bad}: error VS002" in "\n".join(out)
    assert f"{DAG_WITH_HA}: 0 errors, 0 warnings, 0 info, 4 waived" in out
    assert out[-1].startswith("2 files: 1 error, ")
    main(["check", str(DAG_WITH_HA), str(bad), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert [f["file"] for f in data["files"]] == [str(DAG_WITH_HA), str(bad)]
    assert data["summary"]["error"] == 1


def test_check_goes_on_past_an_unreadable_file_and_exits_2(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code = main(["check", str(broken), str(erroring(tmp_path))])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1 and "broken.json" in captured.err
    assert "error VS002" in captured.out, "the readable file was still checked"


def test_check_reads_standard_input() -> None:
    run = dr("check", "-", "--format", "json", stdin=DAG_WITH_HA.read_bytes())
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["file"] == "<stdin>" and data["summary"]["error"] == 0
    assert len(data["waived"]) == 4
    truncated = dr("check", "-", stdin=DAG_WITH_HA.read_bytes()[:500])
    assert truncated.returncode == 2
    assert truncated.stderr.decode().startswith("dr-designer: <stdin>: not valid JSON")
    # Nothing was checked: no "0 errors, 0 warnings, 0 info" that reads as a pass.
    assert truncated.stdout == b""
    twice = dr("check", "-", "-", stdin=b"{}")
    assert twice.returncode == 2 and b"only once" in twice.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_endless_standard_input_is_said_to_be_over_the_limit() -> None:
    """``dr-designer check - < /dev/zero`` said "the file is 512.0 MiB; the largest …
    is 512 MiB": standard input is read one byte past the limit, so it is "over" it."""
    with open("/dev/zero", "rb") as zero:
        run = subprocess.run(
            [str(SCRIPT), "check", "-"], stdin=zero, capture_output=True, cwd=ROOT, timeout=120
        )
    assert run.returncode == 2
    assert run.stderr.decode() == (
        "dr-designer: <stdin>: the file is over 512 MiB; "
        "the largest design file DR Designer opens is 512 MiB\n"
    )
    assert run.stdout == b""


def test_a_design_naming_its_schema_is_accepted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(DAG_WITH_HA.read_text())
    data = {"$schema": "./design-file.schema.json", **data}
    path = tmp_path / "with schema.json"
    path.write_text(json.dumps(data))
    run = dr("check", path)
    assert run.returncode == 0, run.stderr
    data["$schema"] = 3
    path.write_text(json.dumps(data))
    run = dr("check", path)
    assert run.returncode == 2 and b"$schema must be a string" in run.stderr


def test_simulate_and_export_read_standard_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = dr("simulate", "-", "--fail", "esx-den-01", stdin=DAG_WITH_HA.read_bytes())
    assert run.returncode == 0, run.stderr
    assert b"Mailboxes:" in run.stdout
    run = dr("export", "-", "-o", "-", "--format", "png", stdin=DAG_WITH_HA.read_bytes())
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(b"\x89PNG")
    run = dr("export", DAG_WITH_HA, "-o", "-")
    assert run.returncode == 2 and b"--format" in run.stderr


# -- internal errors, logging, faulthandler --------------------------------------------------
def test_an_unexpected_error_is_one_line_with_the_log_file_and_exit_3(  # type: ignore[no-untyped-def]
    tmp_path, monkeypatch, capsys
) -> None:
    import designer.rules.engine as engine

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("the rule engine is broken")

    monkeypatch.setattr(engine, "check", broken)
    monkeypatch.setenv("DR_DESIGNER_LOG_DIR", str(tmp_path / "logs"))
    code = main(["check", str(DAG_WITH_HA)])
    err = capsys.readouterr().err
    log = tmp_path / "logs" / "dr-designer.log"
    assert code == 3
    assert err == (
        "dr-designer: internal error (ZeroDivisionError: the rule engine is broken); "
        f"details in {log}\n"
    )
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "def broken" not in err


def test_verbose_and_log_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "my.log"
    run = dr("check", DAG_WITH_HA, "--log-file", log, "-v")
    assert run.returncode == 0
    assert f"dr-designer {version('dr-designer')}: check {DAG_WITH_HA}" in log.read_text()
    quiet = dr("check", tmp_path / "missing.json", DR_DESIGNER_LOG_DIR=str(tmp_path / "d"))
    assert quiet.returncode == 2 and quiet.stderr.count(b"\n") == 1
    assert "bad input" in (tmp_path / "d" / "dr-designer.log").read_text()


def test_the_log_file_rotates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from designer import diagnostics

    path = diagnostics.setup_logging(0, tmp_path / "big.log")
    try:
        for _ in range(1200):
            diagnostics.log.info("x" * 1000)
    finally:
        diagnostics.setup_logging(0)
    assert path is not None and path.stat().st_size <= diagnostics.MAX_BYTES
    assert (tmp_path / "big.log.1").exists()


def test_the_0_1_console_entry_still_runs_the_whole_command(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """0.1.0's console script called ``designer.cli.main:main``: scripts it generated and
    programs that call it run the same command (exit codes, output) as ``dr-designer``."""
    from designer.cli.main import main as legacy

    assert legacy(["check", str(DAG_WITH_HA)]) == 0
    assert "0 errors" in capsys.readouterr().out
    assert legacy(["check", str(DAG_WITH_HA), "--format", "json"]) == 0
    old = capsys.readouterr().out
    assert main(["check", str(DAG_WITH_HA), "--format", "json"]) == 0
    assert capsys.readouterr().out == old and json.loads(old)
    assert legacy(["check", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    # As 0.1.0's generated script runs it, from another folder, as a process.
    script = "import sys; from designer.cli.main import main; sys.exit(main())"
    run = subprocess.run(
        [sys.executable, "-c", script, "check", str(DAG_WITH_HA)],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == dr("check", DAG_WITH_HA).stdout


def test_a_hostile_name_reaches_the_log_and_stderr_escaped(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from designer import diagnostics

    path = diagnostics.setup_logging(0, tmp_path / "x.log")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            diagnostics.log.exception("cannot open %s", "evil\x1b[2J\nforged: line\u202e")
    finally:
        diagnostics.setup_logging(0)
    assert path is not None
    text = path.read_text()
    assert "evil\\x1b[2J\\nforged: line\\u202e" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert "Traceback (most recent call last):\n" in text  # the traceback keeps its lines
    err = capsys.readouterr().err
    assert "cannot open evil\\x1b[2J\\nforged" in err and "\x1b" not in err


def test_the_default_log_folder_is_the_platforms_state_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "DR_DESIGNER_LOG_DIR"}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    run = subprocess.run(
        [str(SCRIPT), "check", "/nonexistent.json"], capture_output=True, env=env, timeout=60
    )
    assert run.returncode == 2
    assert (tmp_path / "state" / "dr-designer" / "log" / "dr-designer.log").is_file()


def test_a_hard_crash_is_traced_into_the_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import faulthandler, sys\n"
        "from designer.entry import main\n"
        "main(['rules'])\n"
        "faulthandler._sigsegv()\n"
    )
    env = {**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)}
    env.pop("PYTHONFAULTHANDLER", None)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert run.returncode != 0
    text = (tmp_path / "dr-designer.log").read_text()
    assert "Fatal Python error: Segmentation fault" in text


def test_an_error_in_a_worker_thread_is_logged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import threading\n"
        "from designer.entry import main\n"
        "main(['rules'])\n"
        "def work(): raise ValueError('the recovery write broke')\n"
        "t = threading.Thread(target=work, name='recovery'); t.start(); t.join()\n"
    )
    env = {**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    text = (tmp_path / "dr-designer.log").read_text()
    assert "unexpected error in thread recovery" in text
    assert "ValueError: the recovery write broke" in text
    assert b"the recovery write broke" in run.stderr, "the previous hook still ran"


# -- python -OO ---------------------------------------------------------------------------
def test_rule_documentation_survives_python_OO() -> None:
    def run(*flags: str, args: tuple[str, ...]) -> bytes:
        done = subprocess.run(
            [sys.executable, *flags, "-m", "designer", *args], capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    # Every rule's name, summary, sections (What it checks, Why, Fix, Source).
    page = run("-OO", args=("rules", "--format", "markdown"))
    assert page == (ROOT / "docs" / "rules.md").read_bytes()
    assert run("-OO", args=("check", str(DAG_WITH_HA))).endswith(b"4 waived\n")


# -- SARIF --------------------------------------------------------------------------------
def test_sarif_has_the_version_real_documentation_links_and_encoded_uris(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "my designs"
    folder.mkdir()
    path = erroring(folder, "plan #1.json")
    run = dr("check", path, "--format", "sarif")
    assert run.returncode == 1
    sarif = json.loads(run.stdout)
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["version"] == version("dr-designer")
    page = urlparse(driver["informationUri"])
    assert page.scheme == "file" and Path(unquote(page.path)).name == "rules.md"
    catalogue = Path(unquote(page.path)).read_text(encoding="utf-8")
    (rule,) = driver["rules"]
    help_uri = urlparse(rule["helpUri"])
    assert help_uri.fragment == "vs002" and f"## {rule['id']}" in catalogue
    assert rule["help"]["markdown"].startswith("**What it checks**: ")
    assert "**Why**: " in rule["help"]["markdown"] and "**Source**: " in rule["help"]["markdown"]
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert " " not in uri and "#" not in uri
    assert uri.startswith("file:///") and Path(unquote(urlparse(uri).path)) == path
    relative = dr("check", "my designs/plan #1.json", "--format", "sarif", cwd=tmp_path)
    rel_uri = json.loads(relative.stdout)["runs"][0]["results"][0]["locations"][0][
        "physicalLocation"
    ]["artifactLocation"]["uri"]
    assert rel_uri == "my%20designs/plan%20%231.json"


# -- completion ------------------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_completes_commands_and_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    run = dr("completion", "bash")
    assert run.returncode == 0
    script = tmp_path / "dr-designer.bash"
    script.write_bytes(run.stdout)
    (tmp_path / "design.json").write_text("{}")

    def complete(*words: str) -> list[str]:
        line = " ".join(["dr-designer", *words])
        probe = (
            f"source {script}\n"
            f"COMP_WORDS=(dr-designer {' '.join(words)}); COMP_CWORD={len(words)}\n"
            f"COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}\n"
            "_shtab_dr_designer dr-designer\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        done = subprocess.run(
            ["bash", "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=30
        )
        return done.stdout.split()

    assert "check" in complete("ch") and "completion" in complete("comp")
    assert "--format" in complete("check", "--fo")
    assert "design.json" in complete("check", "des")


# -- desktop integration ---------------------------------------------------------------------
def test_install_desktop_into_a_data_folder_and_uninstall(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "share with space"
    run = dr("install-desktop", XDG_DATA_HOME=str(data))
    assert run.returncode == 0, run.stderr
    entry_file = data / "applications" / "dr-designer.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "dr-designer.svg"
    mime = data / "mime" / "packages" / "dr-designer.xml"
    assert entry_file.is_file() and icon.is_file() and mime.is_file()
    parser = ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(entry_file.read_text(encoding="utf-8"))
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == icon.stem
    program, *rest = entry["Exec"].split()
    assert rest == ["gui", "%f"] and Path(program) == SCRIPT and os.access(program, os.X_OK)
    tree = ElementTree.parse(mime)
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    (mime_type,) = tree.getroot().findall("m:mime-type", ns)
    assert entry["MimeType"] == f"{mime_type.get('type')};"
    assert {g.get("pattern") for g in mime_type.findall("m:glob", ns)} == {"*.drd.json", "*.drd"}
    assert ElementTree.parse(icon).getroot().tag.endswith("svg")
    if shutil.which("update-mime-database"):
        globs = (data / "mime" / "globs2").read_text()
        assert "application/x-dr-designer:*.drd.json" in globs
    if shutil.which("desktop-file-validate"):  # desktop-file-utils (0.26 knows Version ≤ 1.4)
        check = subprocess.run(
            ["desktop-file-validate", str(entry_file)], capture_output=True, text=True
        )
        assert (check.returncode, check.stdout + check.stderr) == (0, "")
    run = dr("install-desktop", "--uninstall", "--prefix", data)
    assert run.returncode == 0
    assert not entry_file.exists() and not icon.exists() and not mime.exists()


def test_desktop_exec_quoting() -> None:
    from designer.cli.desktop import _quote

    assert _quote("/opt/dr/bin/dr-designer") == "/opt/dr/bin/dr-designer"
    assert _quote("/home/a b/bin/dr-designer") == '"/home/a b/bin/dr-designer"'
    assert _quote('/x/"q"$') == '"/x/\\\\"q\\\\"\\\\$"'
    assert _quote("/x/100%") == "/x/100%%"


# -- a broken installation -------------------------------------------------------------------
def test_a_missing_catalog_is_exit_3_with_one_line_never_findings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An installation laid out as the wheel lays it out, its catalog gone."""
    package = tmp_path / "site" / "designer"
    shutil.copytree(ROOT / "designer", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "resources", package / "resources")
    (package / "resources" / "catalog" / "timings.json").unlink()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    run = subprocess.run(
        [sys.executable, "-m", "designer", "check", str(DAG_WITH_HA)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == 3
    assert run.stdout == "", "no findings (no INT001) about the design"
    (line,) = run.stderr.splitlines()
    assert line.startswith(
        "dr-designer: DR Designer's rule catalog is missing from its installation "
        "(designer/resources/catalog/timings.json); reinstall dr-designer"
    ), line


# -- the end of a headless command's process -----------------------------------------------
def test_a_headless_command_of_the_process_leaves_its_objects_to_the_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console script (``main()``: the process's own arguments) freezes the garbage
    collector's objects after a headless command, so that the interpreter's shutdown does
    not walk them again; a program calling ``main(ARGV)``, the window's commands and a
    command line that did not parse leave the collector alone."""
    import gc

    import designer.entry as entry

    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    entry._leave_objects_to_exit()
    assert frozen == [1]
    left: list[int] = []
    monkeypatch.setattr(entry, "_leave_objects_to_exit", lambda: left.append(1))
    monkeypatch.setattr(entry, "_run_ui", lambda args, *own: 0)
    runs = [
        (["check", str(DAG_WITH_HA)], None, 1),
        (["rules"], None, 1),
        (["check", str(DAG_WITH_HA)], ["check", str(DAG_WITH_HA)], 0),
        (["gui"], None, 0),
        (["report", str(DAG_WITH_HA), "-o", "r.html"], None, 0),
        (["--help"], None, 0),
        (["nosuch"], None, 0),
    ]
    outputs = {}
    for arguments, argv, freezes in runs:
        monkeypatch.setattr(sys, "argv", ["dr-designer", *arguments])
        left.clear()
        code = main(argv)
        assert len(left) == freezes, (arguments, argv)
        outputs[argv is None, arguments[0]] = (code, capsys.readouterr())
    # The same result through either door.
    assert outputs[True, "check"] == outputs[False, "check"]
    assert outputs[True, "check"][0] == 0 and "0 errors" in outputs[True, "check"][1].out


def test_the_console_scripts_output_is_whole_after_leaving_its_objects_to_the_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A process that runs ``check`` through the console script's door (``main()``) prints
    exactly what the command prints in-process, exits with its code and logs its line."""
    arguments = ["check", str(DAG_WITH_HA), "--format", "json"]
    logs = tmp_path / "logs"
    run = subprocess.run(
        [sys.executable, "-m", "designer", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(logs)},
    )
    assert main(arguments) == run.returncode == 0, run.stderr[-2000:]
    assert run.stdout == capsys.readouterr().out and run.stdout.rstrip().endswith("}")
    log = "".join(p.read_text() for p in logs.iterdir())
    assert f"check {DAG_WITH_HA}" in log and log.endswith("\n")


#: A main module that registers an atexit handler, says when the process ends through
#: ``os._exit``, optionally starts a (non-daemon) thread that prints once the main
#: thread is done, then runs the command line after ``--`` from its top level (or, in
#: mode "module", as ``python -m designer`` runs it).
_MAIN_MODULE = """\
import atexit, os, runpy, sys, threading, time
atexit.register(lambda: print("atexit ran", flush=True))
real_exit = os._exit
def ended(code):
    print(f"ended {code}", flush=True)
    real_exit(code)
os._exit = ended
def wait():
    while threading.main_thread().is_alive():
        time.sleep(0.01)
    print("thread ran", flush=True)
mode = sys.argv[1]
if mode == "thread":
    threading.Thread(target=wait).start()
sys.argv = ["dr-designer", *sys.argv[3:]]
if mode == "module":
    runpy.run_module("designer", run_name="__main__", alter_sys=True)
from designer.entry import main
raise SystemExit(main())
"""


def _main_module(
    folder: Path,
    *arguments: str,
    mode: str = "-",
    flags: tuple[str, ...] = (),
    script: str = "dr-designer",
) -> subprocess.CompletedProcess[str]:
    """Run :data:`_MAIN_MODULE` as the script ``folder/script`` (``dr-designer``: as the
    console script pip writes)."""
    path = folder / script
    path.write_text(_MAIN_MODULE, encoding="utf-8")
    return subprocess.run(
        [sys.executable, *flags, str(path), mode, "--", *arguments],
        input="",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_a_read_only_command_of_the_process_ends_it_when_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check``, ``rules``, ``rule`` and ``schema``, and the parse's own ends (``--help``,
    ``--version``, a usage error), run by the console script or by
    ``python -m designer`` end the process when they are done (``os._exit``, without
    the interpreter's teardown): its atexit handlers have run and its output is whole,
    with the command's exit code. Other commands, another program's top level, and a
    process with a thread still running or an interactive prompt to come, end as
    before."""
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    erroring_file = erroring(tmp_path)
    samples = [str(path) for path in sorted(SAMPLES.glob("*.json"))]
    for arguments, mode in (
        (["check", *samples], "-"),
        (["check", *samples, "--format", "json"], "-"),
        (["check", *samples, "--format", "sarif"], "module"),
        (["check", str(DAG_WITH_HA), "--format", "json"], "-"),
        (["check", str(erroring_file)], "-"),
        (["check", str(bad)], "-"),
        (["check", str(DAG_WITH_HA)], "module"),
        (["rules"], "-"),
        (["rule", "DAG001"], "module"),
        (["schema"], "-"),
        # The parse's own ends: help, version, usage errors (standard error, exit 2).
        (["--help"], "-"),
        (["--help"], "module"),
        (["check", "--help"], "-"),
        (["--version"], "-"),
        (["no-such-command"], "-"),
        (["check"], "module"),
    ):
        run = _main_module(tmp_path, *arguments, mode=mode)
        code = main(arguments)
        captured = capsys.readouterr()
        assert run.returncode == code, (arguments, run.stderr[-2000:])
        assert run.stdout == f"{captured.out}atexit ran\nended {code}\n", arguments
        assert run.stderr == captured.err, arguments
    assert {main(["check", str(erroring_file)]), main(["check", str(bad)])} == {1, 2}
    capsys.readouterr()
    # Ended as before: a command that is not read-only, another program, a thread still
    # running, python -i (the prompt comes after the command; here it reads no input).
    for arguments, script in (
        (["completion", "bash"], "dr-designer"),
        (["check", str(DAG_WITH_HA)], "program.py"),
        (["--help"], "program.py"),
    ):
        run = _main_module(tmp_path, *arguments, script=script)
        assert run.returncode == 0 and run.stdout.endswith("atexit ran\n"), arguments
        assert "ended" not in run.stdout, arguments
    threaded = _main_module(tmp_path, "check", str(DAG_WITH_HA), mode="thread")
    assert threaded.returncode == 0
    assert threaded.stdout.endswith("4 waived\nthread ran\natexit ran\n"), threaded.stdout
    interactive = _main_module(tmp_path, "check", str(DAG_WITH_HA), flags=("-i",))
    assert interactive.stdout.endswith("4 waived\natexit ran\n"), interactive.stdout
    assert ">>>" in interactive.stderr


def test_help_ends_the_process_without_importing_threading(tmp_path: Path) -> None:
    """``dr-designer --help`` ends its process without importing :mod:`threading` to look
    for threads still running: none the interpreter would wait for can exist without
    it. Its output is the in-process help's."""
    script = tmp_path / "dr-designer"
    script.write_text(
        "import os, sys\n"
        "real_exit = os._exit\n"
        "def ended(code):\n"
        "    print('threading' in sys.modules, code, flush=True)\n"
        "    real_exit(code)\n"
        "os._exit = ended\n"
        "from designer.entry import main\n"
        "raise SystemExit(main())\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("usage: dr-designer") and run.stdout.endswith("\nFalse 0\n")


def test_main_called_by_a_program_returns_after_a_read_only_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``main()`` with the process's own arguments, called from a function (a program, a
    test), returns the exit code: only the console script's own top-level call ends the
    process."""
    import designer.entry as entry

    ended: list[int] = []
    monkeypatch.setattr(entry, "_end_process", ended.append)
    monkeypatch.setattr(sys, "argv", ["dr-designer", "check", str(DAG_WITH_HA)])
    assert main() == 0 and ended == []
    assert "0 errors" in capsys.readouterr().out
    # Called by the console script's top-level code, it does end it.
    script = type(sys)("__main__")
    vars(script).update(__file__="/venv/bin/dr-designer", main=main)
    monkeypatch.setitem(sys.modules, "__main__", script)
    exec("code = main()", vars(script))
    assert ended == [0]
    capsys.readouterr()


def test_a_headless_commands_set_up_runs_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The code cache, logging and the commands' module are set up with the cyclic
    collector off for a headless command, and what they made is frozen; the command
    then runs with the collector as it was (``schema`` does not pause it), and the
    window's commands are set up as before."""
    import gc

    import designer.diagnostics as diagnostics
    import designer.entry as entry
    from designer.collector import pauses

    seen: list[tuple[str, bool, int]] = []
    real_setup = diagnostics.setup_logging

    def spying(*args: Any, **kwargs: Any) -> Any:
        seen.append(("set-up", gc.isenabled(), pauses()))
        return real_setup(*args, **kwargs)

    frozen: list[int] = []
    monkeypatch.setattr(diagnostics, "setup_logging", spying)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(
        entry, "_run_ui", lambda args, *own: seen.append(("ui", gc.isenabled(), 0)) or 0
    )
    real_run = entry._run

    def running(args: Any, arguments: Any, *own: bool) -> int:
        seen.append(("run", gc.isenabled(), pauses()))
        return int(real_run(args, arguments, *own))

    monkeypatch.setattr(entry, "_run", running)
    assert gc.isenabled()
    assert main(["schema"]) == 0 and json.loads(capsys.readouterr().out)
    assert seen == [("set-up", False, 1), ("run", True, 0)] and frozen == [1]
    seen.clear()
    frozen.clear()
    assert main(["gui"]) == 0
    assert seen == [("set-up", True, 0), ("run", True, 0), ("ui", True, 0)] and frozen == []
    assert gc.isenabled() and pauses() == 0


def test_check_reads_and_checks_each_file_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check`` imports, reads and checks each file with the cyclic collector off (as the
    window's load and live check do), freezes what that made, and leaves the collector
    as it found it; the findings are the same as the rule engine's own."""
    import gc

    import designer.rules.engine as engine
    from designer.collector import pauses
    from designer.persistence import load

    seen: list[tuple[bool, int]] = []
    real_check = engine.check

    def spying(design: Any, **kwargs: Any) -> Any:
        seen.append((gc.isenabled(), pauses()))
        return real_check(design, **kwargs)

    frozen: list[int] = []
    monkeypatch.setattr(engine, "check", spying)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    assert gc.isenabled()
    sample = SAMPLES / "three_site_stretched_dag.json"
    assert main(["check", str(DAG_WITH_HA), str(sample), "--format", "json"]) == 0
    assert seen == [(False, 1), (False, 1)]
    assert gc.isenabled() and pauses() == 0
    assert len(frozen) == 4  # the set-up, the imports, then each file
    files = json.loads(capsys.readouterr().out)["files"]
    expected = [real_check(load(path)).summary() for path in (DAG_WITH_HA, sample)]
    assert [f["summary"] for f in files] == expected


# -- wording of findings (wave 15, ``fixb15``; found by ``eyes14``) ------------------------
def _newcomers_two_site_dag(tmp_path: Path, copies: int = 1, lag_days: float = 0.0) -> Path:
    """eyes14's design (wave 14): DAG1 over Boston (MBX1, witness FSW1) and Worcester
    (MBX2), manual site failover intent, no DAC mode, no backup; database DB01 of
    100 GB and 0 mailboxes with a copy on MBX1 (and on MBX2 with ``copies=2``, lagged
    ``lag_days``)."""
    design = Design(
        elements=[
            Site(id="s1", name="Boston"),
            Site(id="s2", name="Worcester"),
            WanLink(id="l", name="BOS-WOR", site_a="s1", site_b="s2"),
            EsxiHost(id="h1", name="esx-bos", site="s1"),
            EsxiHost(id="h2", name="esx-wor", site="s2"),
            VirtualMachine(id="m1", name="MBX1", host="h1", roles=[VmRole.MAILBOX]),
            VirtualMachine(id="m2", name="MBX2", host="h2", roles=[VmRole.MAILBOX]),
            FileShareWitness(id="fsw", name="FSW1", site="s1"),
            Dag(id="dag", name="DAG1", members=["m1", "m2"], witness="fsw"),
            MailboxDatabase(
                id="db",
                name="DB01",
                dag="dag",
                copies=[
                    DatabaseCopy(member="m1"),
                    DatabaseCopy(member="m2", activation_preference=2, replay_lag_days=lag_days),
                ][:copies],
            ),
        ]
    )
    path = tmp_path / "two-site.drd.json"
    save(design, path)
    return path


def test_check_says_what_to_do_and_nests_no_parentheses(tmp_path: Path) -> None:
    """A newcomer's two-site DAG: witness in Boston, manual intent, no DAC mode, one
    100 GB database with a single copy and no backup. DAG002 and DAG012 said what was
    wrong but not what to do; BK003 read "… (from tape (no backup covers it))"; the new
    database's 0 mailboxes were silent (CAP006)."""
    path = _newcomers_two_site_dag(tmp_path)
    run = dr("check", path)
    assert run.returncode == 0, run.stderr  # warnings and info only
    lines = {
        line.split(": ", 2)[1].split()[-1]: line for line in run.stdout.decode().splitlines()[:-1]
    }
    assert (
        "DAG DAG1 has its witness FSW1 in member site Boston; when site Boston fails, DAG DAG1 "
        "loses "
        "quorum: 1 of 3 votes reachable; its databases dismount; move the witness to a third "
        "site linked to both member sites, or give the DAG an alternate witness in Worcester "
        "for a datacenter switchover [" in lines["DAG002"]
    )
    assert (
        "(1 in site Boston, 1 in site Worcester) without Datacenter Activation Coordination "
        "mode; turn on its DAC mode [DAG DAG1]" in lines["DAG012"]
    )
    assert (
        "mailbox database DB01 has no second copy: 100 GB exceeds the 50 GB guidance; no "
        "backup covers it: a restore from tape would take an estimated 16.7 h, over the RTO "
        "target of 4.0 h [mailbox database DB01]" in lines["BK003"]
    )
    assert "mailbox database DB01 states 0 mailboxes" in lines["CAP006"]


def test_a_host_back_after_its_database_waited_dismounted_reports_rpo_0(tmp_path: Path) -> None:
    """eyes14: MBX1's host fails (DB01 waits for an administrator, mounted nowhere), and
    is back 80 s later: DB01 mounted on MBX1 again with "RPO 1:20" after "80 s of logs
    copied and replayed". Nothing wrote logs while it was dismounted (000 Table 1: a
    returning node copies the logs the node that mounted the databases wrote; DOMAIN §4:
    a DAG copy's RPO is its copy queue), so RPO 0 and nothing to copy.

    (It waited for a datacenter switchover until wave 27; a server's loss now fails over
    across sites by itself (000 §5.1.1), so the copy on MBX2 is lagged here: its
    activation is the administrator's (000 §5.2.1).)"""
    path = _newcomers_two_site_dag(tmp_path, copies=2, lag_days=1.0)
    run = dr("simulate", path, "--fail", "esx-bos", "--restore", "esx-bos@80", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    (db,) = data["databases"]
    assert (db["state"], db["active_on"], db["rpo_s"]) == ("active", "m1", 0.0)
    assert [e["text"] for e in data["events"] if e["kind"] == "copy_healthy"] == []
    assert any(e["kind"] == "db_waiting" and e["t"] == 60 for e in data["events"])


def test_check_says_a_dag_of_two_halves_has_no_witness(tmp_path: Path) -> None:
    """eyes18 (wave 18): a two-site DAG of two members, manual intent, no witness: `check`
    said nothing of it while `simulate --fail Boston` dismounts the database (1 of 2
    votes). DAG013 now says which loss leaves no quorum, and the simulator agrees."""
    design = load(_newcomers_two_site_dag(tmp_path, copies=2))
    unwitnessed = [
        e.model_copy(update={"witness": None}) if e.id == "dag" else e
        for e in design.elements
        if e.id != "fsw"
    ]
    path = tmp_path / "no-witness.drd.json"
    save(design.model_copy(update={"elements": unwitnessed}), path)
    run = dr("check", path)
    assert run.returncode == 0, run.stderr
    (line,) = [x for x in run.stdout.decode().splitlines() if "DAG013" in x]
    assert (
        "DAG DAG1 has 2 members and no file share witness: when site Boston fails (1 of its 2 "
        "members), DAG DAG1 loses quorum: 1 of 2 votes reachable; its databases dismount; give it "
        "a "
        "file share witness"
    ) in line
    out = dr("simulate", path, "--fail", "Boston", "--format", "json")
    assert out.returncode == 0, out.stderr
    (db,) = json.loads(out.stdout)["databases"]
    assert db["state"] == "waiting" and "has no quorum" in db["reason"]
