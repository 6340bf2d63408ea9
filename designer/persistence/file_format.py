"""The design file: a JSON envelope ``{format, schema_version, design}``.

Loading is parse → check the envelope → refuse newer versions → migrate older raw
dicts → validate with pydantic → check structural invariants. Every failure becomes one
:class:`LoadError` naming the file and the JSON path. Never pickle, never eval.
"""

from __future__ import annotations

import json
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError

from designer import bytecheck
from designer.bytecheck import quoted_colons as _quoted_colons
from designer.collector import collector_paused
from designer.domain.design import Design
from designer.domain.elements import ELEMENT_CLASSES
from designer.domain.modelconfig import model_options
from designer.domain.structure import Vouched, checked_columns, child_plan, keep_columns
from designer.persistence.errors import LoadError
from designer.persistence.migrations import CURRENT_SCHEMA_VERSION, FORMAT, migrate
from designer.persistence.schema_cache import validator
from designer.text import quote

if TYPE_CHECKING:
    # The writer and the stamps are imported when first used: reading a file (``check``
    # and the other commands that only read) needs neither (~0.5 ms of a small check).
    from designer.persistence.atomic import FileStamp
    from designer.persistence.in_slices import Progress

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "design_from_data",
    "dumps",
    "envelope_schema",
    "forget_read_ahead",
    "load",
    "load_with_stamp",
    "loads",
    "read_ahead",
    "save",
]

#: The largest design file the loader reads (512 MiB). A 100,000-element design saves as
#: about 54 MB, so this is ten times what the app's largest designs produce; it is there
#: to refuse a runaway file with a message rather than run out of memory parsing it.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: From this size on, a file's digest is computed on a thread beside its parse (below
#: it, a thread's start costs more than the overlap gains: ~0.1 ms against ~1 ms of
#: SHA-256 per 2 MB).
DIGEST_BESIDE_BYTES = 2 * 1024 * 1024
_MIB = 1024 * 1024


def _too_big(size: int) -> str:
    """The message for a file over :data:`MAX_FILE_BYTES`, in the limit's own unit.

    A size that would round to the limit is said as "over" it: standard input is read
    only to one byte past the limit, so its whole size is unknown ("512.0 MiB; the
    largest … is 512 MiB" read as a contradiction).

    >>> _too_big(600 * 1024 * 1024)
    'the file is 600.0 MiB; the largest design file DR Designer opens is 512 MiB'
    >>> _too_big(512 * 1024 * 1024 + 1)
    'the file is over 512 MiB; the largest design file DR Designer opens is 512 MiB'
    """
    limit = MAX_FILE_BYTES // _MIB
    shown = f"{size / _MIB:.1f}"
    what = f"{shown} MiB" if float(shown) > MAX_FILE_BYTES / _MIB else f"over {limit} MiB"
    return f"the file is {what}; the largest design file DR Designer opens is {limit} MiB"


def envelope_schema() -> dict[str, Any]:
    """The JSON Schema of a design file (``dr-designer schema``). Its model is made on
    first use (:mod:`designer.persistence.envelope`): reading a file never needs it."""
    from designer.persistence.envelope import Envelope

    return Envelope.model_json_schema()


class _CurrentFile(BaseModel):
    """A file of the current schema version as :func:`_fast_design` reads it: parsed and
    validated by pydantic-core in one pass over the bytes (no Python objects for the
    JSON). ``schema_version`` is strict: ``7.0`` or ``true`` go the full way and get its
    message.

    ``cache_strings="keys"``: pydantic-core's string cache is kept for the keys of the
    file's dicts but not for the string values. By default it looks every string up in
    its cache to share equal ones; a design's strings are mostly distinct (ids, names,
    references), so that costs a hash and a miss for each: ~20 % of ``validate_json``
    on a 100,000-element file (485 → 380 ms). The values are the same strings (equal,
    not shared: ~6 % more memory for the loaded design)."""

    model_config = model_options(
        extra="forbid", frozen=True, defer_build=True, cache_strings="keys"
    )

    schema_uri: str | None = Field(default=None, alias="$schema")
    format: Literal["dr-designer"]
    schema_version: Annotated[
        int, Field(strict=True, ge=CURRENT_SCHEMA_VERSION, le=CURRENT_SCHEMA_VERSION)
    ]
    design: Design


# -- saving -----------------------------------------------------------------------------
def dumps(design: Design) -> str:
    """Canonical text of a design: sorted keys, 2-space indent, trailing newline
    (:mod:`designer.persistence.dump`: the text of ``json.dumps`` of the whole dump,
    written in pieces ~3 times cheaper)."""
    from designer.persistence.dump import dumps as text_of

    return text_of(design)


def save(
    design: Design, path: str | os.PathLike[str], *, expected: FileStamp | None = None
) -> FileStamp:
    """Write the canonical text atomically (:func:`designer.persistence.atomic.write_atomic`:
    a crash leaves the old file or the new one; symlinks, hard links and permissions are
    kept; a read-only file is refused). ``expected``: the stamp of the file as it was
    opened or last saved; if another program changed it since, :class:`FileChangedError`
    and nothing is written. Returns the stamp of what was written."""
    from designer.persistence.atomic import write_atomic
    from designer.persistence.dump import dump_pieces

    return write_atomic(path, dump_pieces(design), expected=expected)


# -- loading ----------------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Design:
    """Read a design file; every failure is a :class:`LoadError` naming the file.

    :func:`load_with_stamp` without the stamp: the bytes' digest is not made (``check``
    and the other commands that only read do not import hashlib, whose OpenSSL start is
    ~3 ms of a small ``check``)."""
    where = str(path)
    raw, _ = _read_design_bytes(path, where)
    return loads(raw, where=where)


def load_with_stamp(
    path: str | os.PathLike[str], *, progress: Progress | None = None
) -> tuple[Design, FileStamp]:
    """:func:`load`, and the stamp of the bytes read (to notice later changes on disk).

    ``progress``: the load runs on a thread beside the window, and no call of it holds
    the interpreter lock for long (:mod:`designer.persistence.in_slices`: the file
    validated in slices); called with the share of the file validated so far.

    A big file's digest is computed on a thread beside the parse: hashlib releases the
    interpreter lock while it hashes, so SHA-256 of a 100,000-element file (~40 ms)
    overlaps the parse instead of following it. A file :func:`read_ahead` has read
    (bytes and digest) is not read again if it has not changed since. A big file's keys
    are counted by a child process meanwhile (:mod:`designer.bytecheck`: started here
    unless :func:`read_ahead` or the command started it earlier), whose answer the
    loader takes if it has it by then."""
    from designer.persistence.atomic import FileStamp

    where = str(path)
    ahead = _taken_ahead(path)
    if ahead is not None:
        raw, stamp = ahead
        return _load_counted(raw, where, lambda: stamp.digest, progress), stamp
    bytecheck.start(path)
    bytecheck.tell(child_plan)
    try:
        raw, st = _read_design_bytes(path, where)
    except BaseException:
        bytecheck.forget()
        raise
    if len(raw) < DIGEST_BESIDE_BYTES:
        bytecheck.forget()  # (one started for the file as it was read ahead, bigger)
        with _gc_paused():
            design = _loads(raw, where=where, progress=progress)
        return design, FileStamp.of(st, raw)
    stamps: list[FileStamp] = []
    hashing = threading.Thread(
        target=lambda: stamps.append(FileStamp.of(st, raw)), name="design digest", daemon=True
    )
    hashing.start()

    def digest() -> str | None:
        hashing.join()  # done by then: the validation took ~15 times as long
        return stamps[0].digest if stamps else None

    try:
        design = _load_counted(raw, where, digest, progress)
    finally:
        hashing.join()
    if not stamps:  # the thread failed (out of memory): the same work here, its error raised
        stamps.append(FileStamp.of(st, raw))
    return design, stamps[0]


def _load_counted(
    raw: bytes, where: str, digest: Callable[[], str | None], progress: Progress | None = None
) -> Design:
    """:func:`loads`, with the answer of the child counting the keys of the file if one
    was started (``digest``: the SHA-256 of ``raw``, which its answer must be about); the
    child is ended after (:meth:`designer.bytecheck.ByteCheck.close`)."""
    check = bytecheck.take()
    if check is None:
        with _gc_paused():
            return _loads(raw, where=where, progress=progress)
    check.tell(child_plan())  # (told already if it was started here or read ahead)
    try:
        with _gc_paused():
            return _loads(raw, where=where, counted=_Counted(check, digest), progress=progress)
    finally:
        check.close()


class _ReadAhead:
    """A design file read on a thread: its bytes, status and stamp once ``done``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self.done = threading.Event()
        self.read: tuple[bytes, os.stat_result, FileStamp] | None = None

    def run(self) -> None:
        from designer.persistence.atomic import FileStamp

        try:
            raw, st = _read_design_bytes(self.path, str(self.path))
            self.read = raw, st, FileStamp.of(st, raw)
        except Exception:  # any failure: the load reads the file again and says why
            pass
        finally:
            self.done.set()


#: The file :func:`read_ahead` is reading or has read (one at most).
_AHEAD: list[_ReadAhead] = []


def read_ahead(path: str | os.PathLike[str]) -> None:
    """Start reading the design file at ``path`` on a thread: its bytes and their digest,
    for the :func:`load_with_stamp` of the same file that follows (the window's opening
    of ``dr-designer gui FILE``: the file is read and hashed while the window's modules
    are imported and it is built; the read waits in the kernel, the digest in OpenSSL,
    neither holds the interpreter lock). A file that cannot be read is left to the load,
    which reads it again and says why. :func:`forget_read_ahead` drops what is unused."""
    ahead = _ReadAhead(path)
    _AHEAD[:] = [ahead]
    threading.Thread(target=ahead.run, name="design read-ahead", daemon=True).start()
    bytecheck.start(path)  # a big file's keys counted by a child (started once)
    bytecheck.tell(child_plan)  # and its structure checked


def forget_read_ahead() -> None:
    """Drop a file read ahead that no load took (the window opened something else), and
    end its child (:func:`designer.bytecheck.forget`)."""
    _AHEAD.clear()
    bytecheck.forget()


def _taken_ahead(path: str | os.PathLike[str]) -> tuple[bytes, FileStamp] | None:
    """The bytes and stamp :func:`read_ahead` read of ``path``, once, if the file is
    still the one read (same device, inode, size and modification time); None if it
    was not read ahead, could not be, or changed since (then it is read again)."""
    if not _AHEAD:
        return None
    ahead = _AHEAD.pop()
    ahead.done.wait()
    if ahead.read is None:
        return None
    raw, _, stamp = ahead.read
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or not stamp.same_file_state(st):
        return None
    return raw, stamp


def _read_design_bytes(path: str | os.PathLike[str], where: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes. Opened without blocking and checked to be a regular file
    first: a FIFO would otherwise wait for a writer forever, a device never end."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise LoadError("no such file", where=where) from None
    except PermissionError:
        raise LoadError("permission denied", where=where) from None
    except OSError as exc:
        raise LoadError(f"cannot be read ({exc.strerror or exc})", where=where) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise LoadError("is a folder, not a design file", where=where)
        if not stat.S_ISREG(st.st_mode):
            what = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
                what = "a device"
            raise LoadError(f"is {what}, not a design file", where=where)
        if st.st_size > MAX_FILE_BYTES:
            raise LoadError(_too_big(st.st_size), where=where)
        with os.fdopen(os.dup(fd), "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"cannot be read ({exc.strerror or exc})", where=where) from None
    finally:
        os.close(fd)
    return raw, st


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # dict() in C first; only a file with a duplicate pays for finding which key it is.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {quote(key)}")
            seen.add(key)
    return result


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a design is built.

    Parsing and validating 25,000 elements allocates hundreds of thousands of
    containers and none of them form cycles, yet each allocation burst triggers a
    collection that walks all of them again (about a fifth of the load time).
    Reference counting still frees everything as usual.
    """
    with collector_paused():
        yield


def loads(raw: bytes | str, *, where: str = "<memory>") -> Design:
    """Parse and validate the text of a design file."""
    with _gc_paused():
        return _loads(raw, where=where)


def _loads(
    raw: bytes | str,
    *,
    where: str,
    counted: _Counted | None = None,
    progress: Progress | None = None,
) -> Design:
    if isinstance(raw, bytes) and len(raw) <= MAX_FILE_BYTES:
        fast = _fast_envelope(raw, counted, progress)
        if fast is not None:
            design, said = fast
            # The child's "whole" is about the JSON objects this design was validated
            # from, every key given once ("unique"): the models hold what they held. Not
            # said yet: asked again once the check has read the columns.
            vouched: Vouched = said.whole
            if not vouched and counted is not None:
                vouched = counted.whole
            return _checked(design, where, vouched=vouched)
    return _full_loads(raw, where=where)


def _full_loads(raw: bytes | str, *, where: str) -> Design:
    """Parse, check the envelope, migrate and validate: any file, every message."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise LoadError(_too_big(len(raw)), where=where)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(
                f"not UTF-8 text (invalid byte at offset {exc.start})", where=where
            ) from None
    else:
        text = raw
    if not text.strip():
        raise LoadError("the file is empty", where=where)
    try:
        data = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys
        )
    except json.JSONDecodeError as exc:
        # A string left open runs to the end of the text: the file was cut off there.
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file looks truncated)" if cut else ""
        # json's "Unterminated string starting at" / "Invalid control character at" end
        # where its own position followed: the position is this message's line, column.
        msg = exc.msg[: -len(" at")] + " here" if exc.msg.endswith(" at") else exc.msg
        raise LoadError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {msg}{hint}",
            where=where,
        ) from None
    except RecursionError:
        raise LoadError("not a design file: nested too deeply", where=where) from None
    except ValueError as exc:
        raise LoadError(f"not valid JSON: {exc}", where=where) from None
    # A \udXXX escape (or a str handed in directly) may hold half a surrogate pair:
    # text no file can store, so a design holding it could never be saved.
    if _SURROGATE_ESCAPE.search(text) or (isinstance(raw, str) and not _is_utf8(text)):
        bad = _lone_surrogate_at(data, "")
        if bad is not None:
            path, char = bad
            raise LoadError(
                f"not valid Unicode text (a lone surrogate \\u{ord(char):04x})",
                where=where,
                path=path,
            )
    return design_from_data(data, where=where)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


# -- the fast path -----------------------------------------------------------------------
_BOM = b"\xef\xbb\xbf"


class _Counted(NamedTuple):
    """A child's count of the keys of the bytes being loaded (:mod:`designer.bytecheck`),
    and the SHA-256 of those bytes (asked for when the answer is: it may be made on a
    thread meanwhile; None if it could not be): its answers count only for them."""

    check: bytecheck.ByteCheck
    digest: Callable[[], str | None]

    def answer(self) -> bytecheck.Answer:
        digest = self.digest()
        return self.check.answer(digest) if digest else bytecheck.Answer()

    def whole(self) -> bool:
        """Whether the child has said by now that the structure is whole."""
        return self.answer().whole


def _fast_design(raw: bytes, counted: _Counted | None = None) -> Design | None:
    """The design of :func:`_fast_envelope` (None: the full path must decide)."""
    fast = _fast_envelope(raw, counted)
    return None if fast is None else fast[0]


def _fast_envelope(
    raw: bytes, counted: _Counted | None = None, progress: Progress | None = None
) -> tuple[Design, bytecheck.Answer] | None:
    """The design in ``raw`` if it is a well-formed file of the current version, read by
    pydantic-core straight from the bytes; None when the full path must decide.

    The full path (``json.loads`` with its checks, migration, ``Design.model_validate``)
    builds every JSON value as a Python object first and validates those: about twice
    the time. This one gives the same design for every file it accepts, and leaves
    everything else (any error, any older version, anything it cannot vouch for) to
    the full path, which gives its usual messages:

    * invalid JSON, bad UTF-8, lone surrogates, control characters, numbers out of
      range: pydantic-core refuses them too;
    * ``NaN`` and ``Infinity``: every number field of the format refuses them
      (``tests/persistence/test_fast_load.py`` checks the schema);
    * a duplicate key (pydantic-core keeps the last): every key is a string followed by
      ``":`` (:data:`_SPACED_KEY` sends any other spelling the full way), so the file
      has at most ``raw.count(b'":')`` keys (:func:`_quoted_colons` counts them); the
      design has exactly as many distinct keys as its objects' fields set and dicts'
      entries (:func:`_keys_in`). Equal counts mean no key was given twice.

    ``counted``: a child process's answers for these very bytes (``dr-designer gui FILE``
    of a big file, :mod:`designer.bytecheck`), taken if it has given them by now: that
    ``json.loads`` read every object of the bytes without a key given twice (then
    neither count is needed), else their quoted colons; what it has not said is
    counted here. Returned with the design: whether it also said the structure whole
    (:attr:`designer.bytecheck.Answer.whole`, only with ``unique``).

    ``progress``: validated and counted in slices
    (:mod:`designer.persistence.in_slices`), the whole file at once only where the
    slices cannot be made.
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        envelope = None
        if progress is not None:
            from designer.persistence import in_slices

            envelope = in_slices.envelope_in_slices(raw, progress, file_class=_CurrentFile)
        if envelope is None:
            envelope = validator(_CurrentFile).validate_json(raw)
    except (ValidationError, RecursionError, ValueError):
        return None
    said = counted.answer() if counted is not None else bytecheck.Answer()
    if said.unique:
        return envelope.design, said
    if said.counted:
        colons = said.colons
    elif progress is not None:
        colons = in_slices.quoted_colons_in_slices(raw)
    else:
        colons = _quoted_colons(raw)
    if colons != _keys_in(envelope):
        return None
    return envelope.design, said


#: Per model class: its fields whose values may hold JSON objects (models, dicts).
_NESTED: dict[type, tuple[str, ...]] = {}


def _holds_objects(annotation: Any) -> bool:
    if isinstance(annotation, type):
        # A class has no type arguments (``get_args`` gives none): most annotations
        # (str, int, float, bool, enums) end here without asking typing twice.
        return issubclass(annotation, BaseModel)
    origin = get_origin(annotation)
    if origin is None or origin is Literal:
        # No type arguments (``get_args`` gives none without an origin), or a literal's
        # values (strings, numbers, enum members: never a JSON object).
        return False
    if origin is dict or origin is Mapping:
        return True
    return any(_holds_objects(arg) for arg in get_args(annotation))


def _nested_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = tuple(
            name for name, field in cls.model_fields.items() if _holds_objects(field.annotation)
        )
    return nested


def _keys_in(value: Any) -> int:
    """How many keys the JSON objects that made ``value`` had, counting each key of an
    object once (a validated model: its fields set; a dict: its entries)."""
    cls = type(value)
    nested = _NESTED.get(cls)
    if nested is None:
        if cls is dict:
            return len(value) + _keys_in_items(value.values())
        if cls is list or cls is tuple:
            return _keys_in_items(value)
        if not isinstance(value, BaseModel):
            return 0
        nested = _nested_fields(cls)
    count = len(value.__pydantic_fields_set__)
    fields = value.__dict__
    for name in nested:
        inner = fields[name]
        if inner is not None:
            count += _keys_in(inner)
    return count


def _keys_in_items(values: Iterable[Any]) -> int:
    """:func:`_keys_in` summed over ``values``, inline for the models among them (the
    elements and the layout: tens of thousands)."""
    count = 0
    known = _NESTED.get
    for item in values:
        nested = known(type(item))
        if nested is None:
            count += _keys_in(item)
            continue
        count += len(item.__pydantic_fields_set__)
        if nested:
            fields = item.__dict__
            for name in nested:
                inner = fields[name]
                if inner is not None:
                    count += _keys_in(inner)
    return count


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lone_surrogate_at(value: Any, path: str) -> tuple[str, str] | None:
    """The JSON path of the first string (or key) holding a lone surrogate, and it."""
    if isinstance(value, str):
        if not _is_utf8(value):
            return path, next(c for c in value if 0xD800 <= ord(c) <= 0xDFFF)
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            found = _lone_surrogate_at(key, here) or _lone_surrogate_at(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate_at(item, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def design_from_data(data: Any, *, where: str = "<memory>") -> Design:
    """Check the envelope, migrate, validate and check the structure of parsed data."""
    if not isinstance(data, dict):
        raise LoadError(
            f"not a design file: expected a JSON object, found {_json_type(data)}", where=where
        )
    fmt = data.get("format")
    if fmt != FORMAT:
        raise LoadError(
            f"not a design file: format is {quote(fmt)}, expected {FORMAT!r}",
            where=where,
            path="format",
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise LoadError(
            f"schema_version must be a whole number ≥ 1, found {quote(version)}",
            where=where,
            path="schema_version",
        )
    if version > CURRENT_SCHEMA_VERSION:
        raise LoadError(
            f"the file was written by a newer DR Designer (schema version {version}); "
            f"this one reads versions up to {CURRENT_SCHEMA_VERSION}: please upgrade",
            where=where,
            path="schema_version",
        )
    if not isinstance(data.get("$schema") or "", str):
        raise LoadError(
            "$schema must be a string (the URI of a JSON Schema)", where=where, path="$schema"
        )
    extra = sorted(set(data) - {"$schema", "format", "schema_version", "design"})
    if extra:
        raise LoadError(f"unexpected key {quote(extra[0])}", where=where, path=extra[0])
    raw_design = data.get("design")
    if not isinstance(raw_design, dict):
        raise LoadError(
            f"expected an object, found {_json_type(raw_design)}", where=where, path="design"
        )
    try:
        raw_design = migrate(raw_design, version)
    except Exception as exc:  # a malformed old file must still give a clean message
        raise LoadError(
            f"cannot upgrade from schema version {version}: {exc}", where=where, path="design"
        ) from None
    try:
        design = validator(Design).validate_python(raw_design)
    except ValidationError as exc:
        raise _validation_error(exc, raw_design, where) from None
    except RecursionError:
        raise LoadError("nested too deeply", where=where, path="design") from None
    return _checked(design, where)


def _checked(design: Design, where: str, *, vouched: Vouched = False) -> Design:
    """``design`` if it holds the structural invariants, else the first break's error.
    The columns the check read are kept for the Document that opens the design next
    (its index starts from them: :func:`designer.domain.structure.take_columns`).
    ``vouched``: the byte-check child found the structure whole, or a function asking
    it (only the columns are read: :func:`designer.domain.structure.checked_columns`)."""
    errors, columns = checked_columns(design, vouched=vouched)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise LoadError(first.message + more, where=where, path=first.path)
    if columns is not None:
        keep_columns(columns)
    return design


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _validation_error(exc: ValidationError, raw: dict[str, Any], where: str) -> LoadError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = list(first["loc"])
    parts = ["design"]
    # pydantic puts the discriminator tag in the location of union members; drop it.
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts[-1] += f"[{item}]"
        elif (
            i > 0
            and isinstance(loc[i - 1], int)
            and item in ELEMENT_CLASSES
            and loc[0] in ("elements",)
        ):
            continue
        else:
            parts.append(str(item))
    path = ".".join(parts)
    message = first["msg"]
    if first["type"] == "union_tag_invalid":
        kind = first.get("input", {}).get("kind") if isinstance(first.get("input"), dict) else None
        known = ", ".join(sorted(ELEMENT_CLASSES))
        message = f"unknown element kind {quote(kind)}; known kinds: {known}"
        path += ".kind"
    elif first["type"] == "union_tag_not_found":
        message = "element has no 'kind'"
    elif first["type"] == "extra_forbidden":
        message = f"unknown field {quote(loc[-1])}"
    elif first["type"] == "missing":
        message = f"missing required field {quote(loc[-1])}"
    element_id = _element_id_at(raw, loc)
    if element_id:
        message += f" (element {quote(element_id)})"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return LoadError(message + more, where=where, path=path)


def _element_id_at(raw: dict[str, Any], loc: list[Any]) -> str | None:
    if len(loc) >= 2 and loc[0] == "elements" and isinstance(loc[1], int):
        elements = raw.get("elements")
        if isinstance(elements, list) and 0 <= loc[1] < len(elements):
            element = elements[loc[1]]
            if isinstance(element, dict) and isinstance(element.get("id"), str):
                return str(element["id"])[:128]
    return None
