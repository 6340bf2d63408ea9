"""The dataclasses' compiled methods kept across processes (designer.codecache): a class
made through the cache is the class dataclasses makes — the same methods, down to their
code — whether its code was compiled now or read back from the file; a damaged, foreign
or unwritable cache changes nothing but the time."""

from __future__ import annotations

import dataclasses
import keyword
import marshal
import os
import subprocess
import sys
from dataclasses import KW_ONLY, InitVar, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer import codecache
from designer.codecache import CodeCache, cache_file, compiled_dataclasses

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
METHODS = (
    "__init__",
    "__repr__",
    "__eq__",
    "__hash__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__setattr__",
    "__delattr__",
    "__post_init__",
)


def _make_classes() -> list[type]:
    """Dataclasses of every kind the designer (and pydantic) declares."""

    @dataclass
    class Plain:
        a: int
        b: str = "x"
        c: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class Frozen:
        a: int
        b: tuple[str, ...] = ()

    @dataclass(order=True, unsafe_hash=True)
    class Ordered:
        a: int
        b: float = 0.0
        hidden: int = field(default=0, compare=False, repr=False)

    @dataclass(kw_only=True)
    class KeywordsOnly:
        a: int
        b: int = 2

    @dataclass
    class Mixed:
        a: int
        _: KW_ONLY
        b: int = 1
        seed: InitVar[int] = 0
        shared: ClassVar[int] = 5

        def __post_init__(self, seed: int) -> None:
            self.a += seed

    @dataclass(eq=False, repr=False, init=False)
    class Bare:
        a: int = 0

    @dataclass
    class Child(Plain):
        d: int = 4

    return [Plain, Frozen, Ordered, KeywordsOnly, Mixed, Bare, Child]


def _methods(cls: type) -> dict[str, Any]:
    """Each generated method's code and annotations, and the class's dataclass facts."""
    out: dict[str, Any] = {}
    for name in METHODS:
        function = vars(cls).get(name)
        code = getattr(function, "__code__", None)
        if code is not None:
            out[name] = (code, code.co_filename, function.__annotations__, function.__qualname__)
        elif name in vars(cls):
            out[name] = function
    out["fields"] = [
        (f.name, f.default, f.init, f.repr, f.compare) for f in dataclasses.fields(cls)
    ]
    out["params"] = repr(vars(cls)["__dataclass_params__"])
    out["match_args"] = vars(cls).get("__match_args__")
    out["slots"] = vars(cls).get("__slots__")
    return out


def _behaviour(classes: list[type]) -> list[Any]:
    Plain, Frozen, Ordered, KeywordsOnly, Mixed, Bare, Child = classes
    seen: list[Any] = [
        repr(Plain(1)),
        Plain(1, "y", [2]) == Plain(1, "y", [2]),
        repr(Frozen(1, ("a",))),
        hash(Frozen(1)) == hash(Frozen(1)),
        sorted([Ordered(2), Ordered(1, 5.0)]),
        Ordered(1, hidden=3) == Ordered(1, hidden=4),
        repr(KeywordsOnly(a=1)),
        Mixed(1, b=2, seed=3).a,
        Bare() == Bare(),
        repr(Child(1, "z", [], 5)),
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Frozen(1).a = 2  # type: ignore[misc]
    return [repr(x) for x in seen]


def test_classes_made_through_the_cache_are_the_classes_dataclasses_makes(
    tmp_path: Path,
) -> None:
    plain = _make_classes()
    with compiled_dataclasses("test", tmp_path) as first:
        compiled = _make_classes()
    assert first is not None and first.compiled == 0  # saved at the end of the block
    assert cache_file(tmp_path, "test").is_file()
    with compiled_dataclasses("test", tmp_path) as second:
        read_back = _make_classes()
        assert second is not None and second.compiled == 0  # every method came from the file
    assert second.codes  # it read them
    for made in (compiled, read_back):
        for cls, twin in zip(plain, made, strict=True):
            assert _methods(cls) == _methods(twin), cls.__qualname__
        assert _behaviour(made) == _behaviour(plain)
    assert "exec" not in vars(dataclasses)  # the module is as it was


@given(
    names=st.lists(
        st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
            lambda name: not keyword.iskeyword(name)
        ),
        max_size=6,
        unique=True,
    ),
    defaults=st.integers(min_value=0, max_value=6),
    options=st.fixed_dictionaries(
        {
            "frozen": st.booleans(),
            "order": st.booleans(),
            "slots": st.booleans(),
            "kw_only": st.booleans(),
            "eq": st.booleans(),
            "repr": st.booleans(),
        }
    ),
)
def test_any_dataclass_gets_the_same_methods_from_the_cache(
    names: list[str], defaults: int, options: dict[str, bool], tmp_path_factory: Any
) -> None:
    if options["order"] and not options["eq"]:
        options = {**options, "order": False}  # dataclasses refuses order without eq
    folder = tmp_path_factory.mktemp("cache")
    first = len(names) - min(defaults, len(names))
    fields = [(n, int) if i < first else (n, int, field(default=i)) for i, n in enumerate(names)]

    def make() -> type:
        return dataclasses.make_dataclass("Made", fields, **options)

    plain = make()
    for _ in range(2):  # compiled now, then read back from the file
        with compiled_dataclasses("test", folder):
            cached = make()
        assert _methods(cached) == _methods(plain)


def test_a_second_process_compiles_none_of_checks_dataclasses(tmp_path: Path) -> None:
    env = {**os.environ, "DR_DESIGNER_CACHE_DIR": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    for expected in ("compiled", "none"):
        run = subprocess.run(
            [sys.executable, "-m", "designer", "check", str(SAMPLE)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert run.returncode in (0, 1), run.stderr[-2000:]
        assert "0 errors" in run.stdout
        texts = marshal.loads(cache_file(tmp_path, "check").read_bytes())[1]
        # typing's forward references (pydantic-core's typed dicts, the named tuples).
        expressions = _expressions(texts)
        assert len(expressions) > 100 and "str" in expressions
        if expected == "compiled":
            first = set(texts)
            # The simulator's, capacity's and the rules' dataclasses, and pydantic's own.
            assert len(first) > 200
            assert any("DatabaseState" in t or "active_on" in t for t in first)
            # The simulator's results fill their slots through __init__s of their own.
            assert "def __init__(self, t, element, kind, text, source=_default_source):" in {
                t.split("\n", 1)[0] for t in first
            }
        else:
            assert set(texts) == first  # nothing new to compile: the same file
    probe = (
        "import sys; from designer.codecache import compiled_dataclasses\n"
        f"with compiled_dataclasses('check', __import__('pathlib').Path({str(tmp_path)!r})) as c:\n"
        "    import designer.simulation.results, designer.capacity.report\n"
        "print(c.compiled, len(c.codes))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    compiled, known = map(int, run.stdout.split())
    assert compiled == 0 and known >= len(first)


def _expressions(codes: dict[str, Any] | None) -> set[str]:
    """The texts of the forward references' expressions among a cache's entries."""
    mark = codecache.EXPRESSION
    return {text[len(mark) :] for text in codes or {} if text.startswith(mark)}


def _quick_probe() -> type:
    from designer.simulation.results import _quick_init

    @_quick_init
    @dataclass(frozen=True, slots=True)
    class Probe:
        a: int
        b: str = "x"

    return Probe


def test_the_simulators_quick_inits_are_compiled_through_the_cache(tmp_path: Path) -> None:
    """``results._quick_init`` writes an ``__init__`` as dataclasses writes its methods:
    through the command's cache when one is active (read back by the next process), the
    same code as the builtin's ``exec`` compiles without one."""
    plain = _quick_probe()
    made = []
    for _ in range(2):  # compiled now, then read back from the file
        with compiled_dataclasses("test", tmp_path) as cache:
            made.append(_quick_probe())
        assert cache is not None
        assert "def __init__(self, a, b=_default_b):\n" in "".join(cache.codes or {})
    assert cache.compiled == 0 and cache.codes  # the second came from the file
    for cls in (plain, *made):
        code = cls.__init__.__code__
        assert (code.co_code, code.co_consts, code.co_names, code.co_varnames) == (
            plain.__init__.__code__.co_code,
            plain.__init__.__code__.co_consts,
            plain.__init__.__code__.co_names,
            plain.__init__.__code__.co_varnames,
        )
        probe = cls(1)
        assert (probe.a, probe.b, cls(2, "y").b) == (1, "x", "y")
        assert repr(probe).endswith("Probe(a=1, b='x')")
        with pytest.raises(dataclasses.FrozenInstanceError):
            probe.a = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        marshal.dumps(("Python 0.1", {})),  # another Python's
        marshal.dumps((sys.version, ["a list"])),
        marshal.dumps((sys.version, {"def f(): pass": "not code"})),
        marshal.dumps((sys.version, {codecache.EXPRESSION + "int": "not code"})),
    ],
    ids=["empty", "garbage", "foreign", "not-a-dict", "not-code", "not-code-2"],
)
def test_a_damaged_or_foreign_file_compiles_as_before_and_is_rewritten(
    tmp_path: Path, content: bytes
) -> None:
    path = cache_file(tmp_path, "test")
    path.write_bytes(content)
    plain = _make_classes()
    with compiled_dataclasses("test", tmp_path) as cache:
        made = _make_classes()
        assert cache is not None and cache.compiled > 0
    for cls, twin in zip(plain, made, strict=True):
        assert _methods(cls) == _methods(twin)
    version, codes = marshal.loads(path.read_bytes())
    assert version == sys.version and all(type(c).__name__ == "code" for c in codes.values())


def test_an_entry_is_used_only_for_its_own_text(tmp_path: Path) -> None:
    cache = CodeCache(cache_file(tmp_path, "test"))
    one = cache.code("def __create_fn__():\n def f(): return 1\n return f")
    two = cache.code("def __create_fn__():\n def f(): return 2\n return f")
    assert one is not two and cache.compiled == 2
    namespace: dict[str, Any] = {}
    cache.exec("def __create_fn__():\n def f(): return 2\n return f", {}, namespace)
    assert namespace["__create_fn__"]()() == 2 and cache.compiled == 2


def test_a_grown_cache_starts_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codecache, "MAX_ENTRIES", 3)
    with compiled_dataclasses("test", tmp_path):
        _make_classes()  # more than 3 methods
    _, codes = marshal.loads(cache_file(tmp_path, "test").read_bytes())
    assert codes == {}


def test_no_folder_an_unwritable_folder_or_someone_elses_exec_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DR_DESIGNER_CACHE_DIR", "")
    with compiled_dataclasses("check") as cache:
        assert cache is None and "exec" not in vars(dataclasses)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would be")
    with compiled_dataclasses("test", blocked / "cache") as cache:
        made = _make_classes()
    assert cache is not None and not (blocked / "cache").exists()
    assert _behaviour(made) == _behaviour(_make_classes())
    in_the_way = cache_file(tmp_path, "test")
    in_the_way.mkdir()  # a folder where the file goes: written aside, then not replaced
    with compiled_dataclasses("test", tmp_path) as cache:
        _make_classes()
    assert cache is not None and in_the_way.is_dir()
    assert not list(tmp_path.glob("*.tmp"))  # the partial file is gone
    in_the_way.rmdir()
    with compiled_dataclasses("../elsewhere", tmp_path) as cache:
        assert cache is None
    monkeypatch.setattr(dataclasses, "exec", exec, raising=False)
    with compiled_dataclasses("test", tmp_path) as cache:
        assert cache is None and vars(dataclasses)["exec"] is exec


def test_exec_passes_anything_but_a_text_with_a_namespace_to_the_builtin(tmp_path: Path) -> None:
    cache = CodeCache(cache_file(tmp_path, "test"))
    namespace: dict[str, Any] = {}
    cache.exec(compile("x = 1", "<string>", "exec"), namespace)
    assert namespace["x"] == 1 and cache.codes is None  # a code object: not cached
    here: dict[str, Any] = {}
    cache.exec("y = SAMPLE", None, here)  # no globals: the caller's, as the builtin's
    assert here["y"] == SAMPLE and cache.codes is None


FORWARD_TEXTS = (
    "int",
    "list[int]",
    "dict[str, 'Later']",
    "Optional[Sequence[ElementBase]]",
    "a.b.c | None",
    "*Ts",
    "*tuple[int, str]",
    "x if y else z",
    "lambda: 1",
    "'nested'",
)


def _forward_codes(texts: tuple[str, ...]) -> list[tuple[Any, ...]]:
    import typing

    out = []
    for text in texts:
        code = typing.ForwardRef(text).__forward_code__
        out.append(
            (
                code.co_code,
                code.co_consts,
                code.co_names,
                code.co_flags,
                code.co_filename,
                code.co_name,
                code.co_firstlineno,
                code.co_linetable,
                code.co_exceptiontable,
            )
        )
    return out


def test_typings_forward_references_get_the_same_code_from_the_cache(tmp_path: Path) -> None:
    """Within the block a ``typing.ForwardRef`` gets the code typing compiles for its
    text, compiled now or read back from the file; a text that is no expression is
    refused with typing's message; after the block typing is as it was."""
    import typing

    plain = _forward_codes(FORWARD_TEXTS)
    for compiled in (len(set(FORWARD_TEXTS)), 0):  # compiled now, then read from the file
        with compiled_dataclasses("test", tmp_path) as cache:
            made = _forward_codes(FORWARD_TEXTS)
            assert cache is not None and cache.compiled == compiled
            with pytest.raises(SyntaxError, match="Forward reference must be an expression"):
                typing.ForwardRef("not an expression")
        assert made == plain
        # typing compiles a starred text as a one-item tuple's item.
        assert _expressions(cache.codes) == {
            f"({t},)[0]" if t[0] == "*" else t for t in FORWARD_TEXTS
        }
        assert "compile" not in vars(typing)
    later = typing.ForwardRef("list[int]")
    assert later._evaluate(globals(), None, frozenset()) == list[int]


def test_compile_passes_anything_but_a_forward_references_text_to_the_builtin(
    tmp_path: Path,
) -> None:
    cache = CodeCache(cache_file(tmp_path, "test"))
    assert cache.compile("x = 1", "<string>", "exec").co_names == ("x",)
    assert cache.compile("1 + 1", "<other>", "eval").co_filename == "<other>"
    import ast

    flagged = cache.compile("x", "<string>", "eval", ast.PyCF_ONLY_AST)
    assert isinstance(flagged, ast.Expression)
    assert not _expressions(cache.codes) and cache.compiled == 0
    assert eval(cache.compile("2 * 3", "<string>", "eval")) == 6
    assert _expressions(cache.codes) == {"2 * 3"} and cache.compiled == 1
    # An entry's key is never a text exec runs: its code is not taken for it.
    with pytest.raises(SyntaxError, match="null bytes"):
        cache.exec(codecache.EXPRESSION + "2 * 3", {})


def test_someone_elses_compile_in_typing_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typing

    monkeypatch.setattr(typing, "compile", compile, raising=False)
    with compiled_dataclasses("test", tmp_path) as cache:
        assert cache is not None and vars(typing)["compile"] is compile
        typing.ForwardRef("int")
    assert not _expressions(cache.codes) and vars(typing)["compile"] is compile


def _tuple_new_codes() -> list[tuple[Any, ...]]:
    """The code of each ``__new__`` of a few named tuples made now."""
    import collections
    from typing import NamedTuple

    class Typed(NamedTuple):
        a: int
        b: str = "x"

    made = [
        collections.namedtuple("Point", "x y"),
        collections.namedtuple("Renamed", ["a", "def", "a"], rename=True),
        collections.namedtuple("Defaults", "p q r", defaults=(1, 2)),
        collections.namedtuple("Empty", ""),
        Typed,
    ]
    out = []
    for kind in made:
        new = kind.__new__
        code = new.__code__
        out.append(
            (
                kind._fields,
                new.__name__,
                new.__qualname__,
                new.__defaults__,
                new.__doc__,
                sorted(new.__globals__),
                code.co_code,
                code.co_consts,
                code.co_names,
                code.co_varnames,
                code.co_flags,
                code.co_filename,
                code.co_name,
                code.co_firstlineno,
                code.co_linetable,
            )
        )
        assert kind(*range(len(kind._fields)))._asdict() == dict(
            zip(kind._fields, range(len(kind._fields)), strict=True)
        )
    return out


def test_named_tuples_get_the_same_new_from_the_cache(tmp_path: Path) -> None:
    """Within the block :func:`collections.namedtuple` evaluates its ``__new__``'s text
    through the cache: the same code as the builtin ``eval`` gives, compiled by the first
    block and read back by the next; after the block ``collections`` is as it was."""
    import collections

    plain = _tuple_new_codes()
    for compiled in (True, False):
        with compiled_dataclasses("test", tmp_path) as cache:
            made = _tuple_new_codes()
            assert cache is not None and bool(cache.compiled) is compiled
        assert made == plain
        assert {"lambda _cls, x, y: _tuple_new(_cls, (x, y))"} <= _expressions(cache.codes)
        assert "eval" not in vars(collections)


def test_eval_passes_anything_but_a_text_with_a_namespace_to_the_builtin(tmp_path: Path) -> None:
    cache = CodeCache(cache_file(tmp_path, "test"))
    assert cache.eval(compile("2 * 3", "<string>", "eval"), {}) == 6  # code: not cached
    assert cache.eval("  2 * 3", {}) == 6  # the builtin strips leading blanks
    assert cache.eval("SAMPLE.name", None) == SAMPLE.name  # the caller's namespaces
    here = {"y": 4}
    assert cache.eval("y + 1", {}, here) == 5 and cache.codes is None
    with pytest.raises(SyntaxError):
        cache.eval("x = 1", {})  # a statement: refused as the builtin refuses it
    assert cache.eval("1 + 1", {}) == 2 and _expressions(cache.codes) == {"1 + 1"}


def test_someone_elses_eval_in_collections_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import collections

    monkeypatch.setattr(collections, "eval", eval, raising=False)
    with compiled_dataclasses("test", tmp_path) as cache:
        assert cache is not None and vars(collections)["eval"] is eval
        collections.namedtuple("P", "a b")
    assert not _expressions(cache.codes) and vars(collections)["eval"] is eval


def test_dedented_texts_come_from_the_cache_of_the_block_under_way(tmp_path: Path) -> None:
    """:func:`codecache.dedented`: ``textwrap.dedent``'s text, from the function given
    when no block is under way or the cache has no entry for it (kept then, read back by
    the next block); the file keeps a text only under :data:`codecache.DEDENTED`."""
    import textwrap

    asked: list[str] = []

    def dedent() -> Any:
        asked.append("dedent")
        return textwrap.dedent

    text = "\n    def f(obj, /):\n        return obj\n    "
    assert codecache.dedented(text, dedent) == textwrap.dedent(text) and asked == ["dedent"]
    for expected in (["dedent"], []):
        asked.clear()
        with compiled_dataclasses("test", tmp_path):
            assert codecache.dedented(text, dedent) == textwrap.dedent(text)
            assert codecache.dedented(text, dedent) == textwrap.dedent(text)
        assert asked == expected
    assert codecache._active is None
    path = cache_file(tmp_path, "test")
    version, codes = marshal.loads(path.read_bytes())
    assert codes[codecache.DEDENTED + text] == textwrap.dedent(text)
    # A text under any other key is not taken, nor code under a text's key.
    codes["x = 1"] = "not code"
    codes[codecache.DEDENTED + " other"] = compile("1", "<string>", "eval")
    path.write_bytes(marshal.dumps((version, codes)))
    cache = CodeCache(path)
    assert "x = 1" not in cache._load()
    assert cache.dedent(" other", dedent) == "other" and cache.compiled == 1
    assert cache.dedent(text, dedent) == textwrap.dedent(text) and cache.compiled == 1
