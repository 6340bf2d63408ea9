"""The log and cache folders are platformdirs' (designer.cachedir.xdg_folder gives its
answer on Linux without importing it), whatever the XDG variables and HOME say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from designer.cachedir import CACHE_DIR_ENV, cache_dir
from designer.diagnostics import LOG_DIR_ENV, default_log_dir

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


@pytest.mark.parametrize("home", ["/home/someone", "/home/someone/", "/", "relative/home", None])
@pytest.mark.parametrize("xdg", [None, "", "  ", "/tmp/elsewhere", "relative/state"])
def test_the_log_and_cache_folders_are_platformdirs_answers(
    monkeypatch: pytest.MonkeyPatch, home: str | None, xdg: str | None
) -> None:
    from platformdirs import user_cache_dir, user_log_dir

    monkeypatch.delenv(LOG_DIR_ENV, raising=False)
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    for name, value in (("HOME", home), ("XDG_STATE_HOME", xdg), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert default_log_dir() == Path(user_log_dir("dr-designer", appauthor=False))
    assert cache_dir() == Path(user_cache_dir("dr-designer", appauthor=False))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's")
def test_check_logs_to_the_state_folder_without_importing_platformdirs(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), CACHE_DIR_ENV: ""}
    probe = (
        "import sys; from designer.entry import main\n"
        f"code = main(['check', {str(SAMPLE)!r}])\n"
        "print(code, 'platformdirs' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert run.stdout.split()[-2:] == ["0", "False"], run.stderr[-2000:]
    assert (tmp_path / ".local" / "state" / "dr-designer" / "log" / "dr-designer.log").is_file()
