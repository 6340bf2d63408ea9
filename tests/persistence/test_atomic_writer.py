"""The one atomic writer (designer.persistence.atomic) and the design file's save/load
around it: symlinks, hard links, permissions, read-only files, non-regular files, full
disks, interrupted writes, files changed on disk, temp files of killed saves, FIFOs.
(Issue 15, "Data loss" and "Crashes and hangs".)"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from designer.domain import Design, Site
from designer.persistence import (
    FileChangedError,
    LoadError,
    NotAFileError,
    ReadOnlyFileError,
    atomic,
    clean_stale_temps,
    dumps,
    load,
    load_with_stamp,
    save,
)

OLD = Design(name="old", elements=[Site(id="s1", name="Boston")])
NEW = Design(name="new", elements=[Site(id="s1", name="Boston"), Site(id="s2", name="Denver")])


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "design.json"
    save(OLD, path)
    return path


def test_a_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "design.json"
    save(OLD, target)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    save(NEW, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load(target) == NEW
    assert temps(tmp_path) == [] and temps(real_dir) == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    save(NEW, link)
    assert link.is_symlink() and load(tmp_path / "later.json") == NEW


def test_permissions_are_kept(saved: Path) -> None:
    saved.chmod(0o640)
    save(NEW, saved)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        # The writer reads the umask once; a new file gets 0o666 less that umask.
        save(NEW, tmp_path / "new.json")
    finally:
        os.umask(mask)
    mode = stat.S_IMODE((tmp_path / "new.json").stat().st_mode)
    assert mode == atomic._NEW_FILE_MODE and mode & 0o600 == 0o600


def test_hard_links_are_kept(saved: Path) -> None:
    other = saved.with_name("other-name.json")
    os.link(saved, other)
    inode = saved.stat().st_ino
    save(NEW, saved)
    assert saved.stat().st_ino == inode and saved.stat().st_nlink == 2
    assert load(other) == NEW and other.read_bytes() == dumps(NEW).encode()
    save(OLD, other)  # shorter content: the file is cut to the new length
    assert saved.read_bytes() == dumps(OLD).encode()
    assert temps(saved.parent) == []


def test_a_read_only_file_is_refused_with_a_clear_message(saved: Path) -> None:
    saved.chmod(0o444)
    before = saved.read_bytes()
    with pytest.raises(ReadOnlyFileError) as caught:
        save(NEW, saved)
    assert "read-only" in str(caught.value) and str(saved) in str(caught.value)
    assert saved.read_bytes() == before and temps(saved.parent) == []


@pytest.mark.parametrize("what", ["folder", "fifo"])
def test_a_target_that_is_not_a_file_is_refused(tmp_path: Path, what: str) -> None:
    target = tmp_path / "target.json"
    if what == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    with pytest.raises(NotAFileError) as caught:
        save(NEW, target)
    assert ("folder" if what == "folder" else "FIFO") in str(caught.value)
    assert temps(tmp_path) == []


def test_a_full_disk_leaves_the_old_file_and_no_temp(saved: Path, monkeypatch) -> None:
    real = atomic._write_all

    def full(fd: int, data: bytes) -> None:
        real(fd, data[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", full)
    with pytest.raises(OSError) as caught:
        save(NEW, saved)
    assert caught.value.errno == errno.ENOSPC
    assert load(saved) == OLD and temps(saved.parent) == []


def test_a_full_disk_on_a_hard_linked_file_fails_before_touching_it(
    saved: Path, monkeypatch
) -> None:
    os.link(saved, saved.with_name("twin.json"))
    before = saved.read_bytes()

    def no_room(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_room)
    with pytest.raises(OSError):
        save(NEW, saved)
    assert saved.read_bytes() == before and temps(saved.parent) == []


def test_an_interrupt_during_the_write_removes_the_temp(saved: Path, monkeypatch) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(NEW, saved)
    monkeypatch.undo()
    assert load(saved) == OLD and temps(saved.parent) == []


def test_a_file_changed_on_disk_since_it_was_opened_is_not_overwritten(saved: Path) -> None:
    _, stamp = load_with_stamp(saved)
    # Another program replaces it (a new inode, other content).
    other = saved.with_name("elsewhere.json")
    save(NEW, other)
    os.replace(other, saved)
    with pytest.raises(FileChangedError) as caught:
        save(OLD.model_copy(update={"name": "mine"}), saved, expected=stamp)
    assert "changed on disk" in str(caught.value)
    assert load(saved) == NEW and temps(saved.parent) == []
    # Edited in place, same size and all: still noticed (the content differs).
    _, stamp = load_with_stamp(saved)
    text = saved.read_text().replace('"new"', '"wen"')
    saved.write_text(text)
    with pytest.raises(FileChangedError):
        save(OLD, saved, expected=stamp)


def test_touching_a_file_or_saving_it_here_is_not_a_change(saved: Path) -> None:
    _, stamp = load_with_stamp(saved)
    os.utime(saved, (time.time() + 5, time.time() + 5))  # same bytes, other mtime
    stamp = save(NEW, saved, expected=stamp)
    stamp = save(OLD, saved, expected=stamp)  # our own save is the new reference
    assert load(saved) == OLD
    saved.unlink()  # deleted meanwhile: the save writes it again
    save(NEW, saved, expected=stamp)
    assert load(saved) == NEW


def test_temp_files_of_killed_saves_are_cleaned_on_the_next_save(tmp_path: Path) -> None:
    old = time.time() - 2 * atomic.STALE_TEMP_AGE_S
    stale = [
        tmp_path / ".design.json.drd-0a1b2c3d.tmp",  # ours
        tmp_path / ".design.json.k3j4h5g6.tmp",  # an earlier release's (mkstemp)
        tmp_path / ".export.svg.drd-deadbeef.tmp",
        tmp_path / ".Design.JSON.12345.tmp",  # an earlier release's, any case, a number
    ]
    fresh = tmp_path / ".design.json.drd-99999999.tmp"  # a save in progress elsewhere
    foreign = [
        tmp_path / ".notes.txt.abcdefgh.tmp",
        tmp_path / "design.json.tmp",
        tmp_path / ".design.json.DRD-0a1b2c3d.tmp",  # ours are lower case
        tmp_path / ".design.json.drd-0a1b2c3.tmp",  # seven characters
    ]
    for path in [*stale, fresh, *foreign]:
        path.write_bytes(b"partial")
        if path is not fresh:
            os.utime(path, (old, old))
    save(NEW, tmp_path / "design.json")
    left = set(temps(tmp_path))
    assert not left & {p.name for p in stale}
    assert left == {fresh.name, *(p.name for p in foreign)}
    assert clean_stale_temps(tmp_path) == []


# -- loading from things that are not files ----------------------------------------------
def test_a_fifo_given_as_a_design_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)

    answered = threading.Event()
    freed: list[bool] = []

    def unblock() -> None:
        """Frees a loader that waits for the FIFO's writer if it has not answered by
        then: a hang's bound, not a timing (a loaded machine's answer never comes near
        it; a loader waiting for a writer never answers)."""
        if not answered.wait(60) and _has_reader(fifo):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            freed.append(True)

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    try:
        with pytest.raises(LoadError) as caught:
            load(fifo)
    finally:
        answered.set()
        watchdog.join()
    assert not freed, "the loader waited for a writer of the FIFO"
    assert "FIFO" in str(caught.value) and "pipe.json" in str(caught.value)


def _has_reader(fifo: Path) -> bool:
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        return False
    return True


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_a_device_given_as_a_design_is_refused(path: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"no {path}")
    with pytest.raises(LoadError, match="device"):
        load(path)


def test_a_folder_given_as_a_design_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="folder"):
        load(tmp_path)


@pytest.mark.parametrize("beside", [True, False])
def test_a_big_files_stamp_is_its_digest_made_beside_the_parse(
    saved: Path, monkeypatch: pytest.MonkeyPatch, beside: bool
) -> None:
    from designer.persistence import atomic, file_format

    # Lowered so the little file counts as big (or the threshold lifted: at once).
    monkeypatch.setattr(file_format, "DIGEST_BESIDE_BYTES", 1 if beside else 10**9)
    threads: list[str] = []
    digest = atomic._digest

    def recorded(data: bytes) -> str:
        threads.append(threading.current_thread().name)
        return digest(data)

    monkeypatch.setattr(atomic, "_digest", recorded)
    design, stamp = load_with_stamp(saved)
    assert design == OLD
    assert stamp.digest == hashlib.sha256(saved.read_bytes()).hexdigest()
    assert stamp.size == saved.stat().st_size
    assert threads == (["design digest"] if beside else ["MainThread"])
    # A broken big file: the parse's error, the thread joined, nothing left running.
    saved.write_text(saved.read_text()[:-20])
    with pytest.raises(LoadError):
        load_with_stamp(saved)
    assert not any(t.name == "design digest" for t in threading.enumerate())


# -- load without the stamp ---------------------------------------------------------------
SAMPLES = sorted((Path(__file__).resolve().parents[2] / "sample_designs").glob("*.json"))


def _load_error(loader, path: object) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(LoadError) as caught:
        loader(path)
    return str(caught.value)


def test_load_reads_what_load_with_stamp_reads_without_a_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``load`` is ``load_with_stamp(path)[0]``: the same design for every sample, the
    same error for a missing file, a folder, a device, a bad or truncated file and one
    too big; but it makes no digest (``check`` then imports no hashlib)."""
    from designer.persistence import file_format

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    truncated = tmp_path / "truncated.json"
    truncated.write_text(SAMPLES[0].read_text()[:-20])
    big = tmp_path / "big.json"
    big.write_text(SAMPLES[0].read_text())
    wrong = [tmp_path / "missing.json", tmp_path, Path("/dev/null"), bad, truncated]
    stamped = {p: load_with_stamp(p)[0] for p in SAMPLES}
    errors = {p: _load_error(load_with_stamp, p) for p in wrong}
    monkeypatch.setattr(file_format, "MAX_FILE_BYTES", big.stat().st_size - 1)
    errors[big] = _load_error(load_with_stamp, big)
    monkeypatch.undo()

    def no_digest(data: bytes) -> str:
        raise AssertionError("load made a digest")

    monkeypatch.setattr(atomic, "_digest", no_digest)
    for path, design in stamped.items():
        assert load(path) == design
    for path in wrong:
        assert _load_error(load, path) == errors[path]
    monkeypatch.setattr(file_format, "MAX_FILE_BYTES", big.stat().st_size - 1)
    assert _load_error(load, big) == errors[big]


def test_a_saves_temp_file_is_named_as_the_cleaner_knows_it(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temp file of a save is ``.NAME.drd-XXXXXXXX.tmp``, eight lower-case hex
    characters (``os.urandom``'s four bytes, as ``secrets.token_hex(4)`` made them): the
    name the stale-temp cleaner removes, a new one each save."""
    import re

    replaced: list[str] = []
    real_replace = os.replace

    def recording(src, dst):  # type: ignore[no-untyped-def]
        replaced.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", recording)
    for _ in range(3):
        save(NEW, saved)
    assert len(replaced) == 3 and len(set(replaced)) == 3
    for name in replaced:
        assert re.fullmatch(r"\.design\.json\.drd-[0-9a-f]{8}\.tmp", name), name
        pattern, flags = atomic._TEMP_PATTERNS[0]
        assert re.match(pattern, name, flags)
