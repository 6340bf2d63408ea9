"""What ``check`` of a design imports and builds at its start (issue 8's cold start):
the capacity sizing's placements do not import the simulator's scenario modules, and no
dataclass created on the way makes ``dataclasses`` work out a docstring from its
signature (``inspect.signature``, ~60 µs a class at every start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))
SCENARIO_MODULES = ("links", "mirrors", "srm", "timeline")


def _after_checking(tmp_path: Path, files: list[Path], probe: str) -> str:
    """The last line ``probe`` prints in a process that checked ``files`` in turn."""
    code = (
        "import contextlib, io, sys\n"
        "from designer.entry import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['check', f]) for f in sys.argv[1:]]\n"
        "assert set(codes) <= {0, 1}, codes\n" + probe
    )
    run = subprocess.run(
        [sys.executable, "-c", code, *map(str, files)],
        capture_output=True,
        text=True,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout.splitlines()[-1]


def test_the_sizing_of_check_imports_no_scenario_module(tmp_path: Path) -> None:
    """The three-site sample states a workload: its CAP rules size it (the capacity
    engine and the simulator's placements are imported) without the WAN links', mirrors',
    SRM's and timeline's modules, which only scenarios call."""
    probe = (
        "mods = ('designer.capacity.engine', 'designer.simulation.engine') + tuple(\n"
        f"    'designer.simulation.' + m for m in {SCENARIO_MODULES!r})\n"
        "print(' '.join(m.rsplit('.', 2)[-2] + '.' + m.rsplit('.', 1)[-1]\n"
        "    for m in mods if m in sys.modules))"
    )
    sample = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    assert _after_checking(tmp_path, [sample], probe) == "capacity.engine simulation.engine"


def test_no_dataclass_that_check_creates_lacks_a_docstring(tmp_path: Path) -> None:
    """Every dataclass of the designer that ``check`` of the samples creates has its own
    docstring: without one, ``@dataclass`` computes ``inspect.signature`` of the class
    to write one."""
    probe = (
        "import dataclasses, inspect\n"
        "made = [c for name, m in list(sys.modules.items()) if name.startswith('designer')\n"
        "        for c in vars(m).values() if isinstance(c, type)\n"
        "        and dataclasses.is_dataclass(c) and c.__module__ == name]\n"
        "generated = [f'{c.__module__}.{c.__qualname__}' for c in made\n"
        "    if c.__doc__ == c.__name__ + str(inspect.signature(c)).replace(' -> None', '')]\n"
        "print(len(made), sorted(generated))"
    )
    count, generated = _after_checking(tmp_path, SAMPLES, probe).split(" ", 1)
    # The simulator's, capacity's and the rules' dataclasses (40 in wave 21, once its
    # records made once per run became plain classes): the probe sees them.
    assert int(count) > 30
    assert generated == "[]"


def test_check_imports_no_digest_module(tmp_path: Path) -> None:
    """``check`` of every sample imports neither hashlib (OpenSSL's start), hmac nor
    secrets: the schema cache's key is a BLAKE2b digest, the file's stamp is not made,
    and ``pydantic.types`` gets ``secrets`` on first use. (``random``, which secrets
    imported too, is not asked: a checkout's version comes from ``importlib.metadata``,
    whose ``email`` imports it; the installed wheel's does not.)"""
    probe = (
        "print(sorted(m for m in ('hashlib', '_hashlib', 'hmac', 'secrets')\n"
        "    if m in sys.modules))"
    )
    assert _after_checking(tmp_path, SAMPLES, probe) == "[]"


def test_pydantics_secret_types_still_compare_after_the_domain(tmp_path: Path) -> None:
    """``pydantic.types`` got a stand-in for ``secrets``: its ``Secret`` types still
    compare (through ``secrets.compare_digest``, imported then), and a later
    ``import secrets`` is the module itself."""
    code = (
        "import sys, designer.domain, pydantic.types\n"
        "from pydantic import SecretBytes, SecretStr\n"
        "assert 'secrets' not in sys.modules\n"
        "assert SecretStr('a') == SecretStr('a') and SecretStr('a') != SecretStr('b')\n"
        "assert SecretBytes(b'x') == SecretBytes(b'x') != SecretBytes(b'y')\n"
        "import secrets\n"
        "assert type(secrets) is type(sys), type(secrets)\n"
        "assert pydantic.types.secrets.compare_digest is secrets.compare_digest\n"
        "print('ok')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert run.stdout.strip() == "ok", run.stderr[-3000:]


def test_check_imports_no_platform_module(tmp_path: Path) -> None:
    """``check`` of the three-site sample does not import ``platform`` (a dozen regular
    expressions compiled at its import): ``uuid``, which ``pydantic.types`` imports,
    gets a stand-in that answers its one question (is the system AIX or Linux?).
    (A design whose sizing needs numpy, such as the Double-Take sample, imports it:
    numpy does.)"""
    probe = "print(sorted(m for m in ('platform', 'numpy') if m in sys.modules))"
    sample = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    assert _after_checking(tmp_path, [sample], probe) == "[]"


def test_uuid_and_platform_are_themselves_after_the_domain(tmp_path: Path) -> None:
    """``uuid`` decided what it would have with ``platform`` itself (its ``_LINUX`` and
    ``_AIX``, which choose how ``uuid1`` finds the node); pydantic's ``UUID`` is
    ``uuid``'s; a later ``import platform`` is the module itself."""
    code = (
        "import sys, designer.domain, pydantic.types, uuid\n"
        "assert 'platform' not in sys.modules\n"
        "import platform\n"
        "assert type(platform) is type(sys), type(platform)\n"
        "system = platform.system()\n"
        "assert (uuid._LINUX, uuid._AIX) == (system == 'Linux', system == 'AIX'), system\n"
        "assert pydantic.types.UUID is uuid.UUID and uuid.uuid1().node == uuid.getnode()\n"
        "print('ok')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert run.stdout.strip() == "ok", run.stderr[-3000:]


def test_check_imports_neither_the_writer_nor_the_stamps(tmp_path: Path) -> None:
    """``check`` of every sample only reads: the design file's writer (the text,
    :mod:`designer.persistence.dump`) and the atomic writer with its stamps
    (:mod:`designer.persistence.atomic`) are not imported."""
    probe = (
        "print(sorted(m for m in ('designer.persistence.dump', 'designer.persistence.atomic')\n"
        "    if m in sys.modules))"
    )
    assert _after_checking(tmp_path, SAMPLES, probe) == "[]"


def test_the_persistence_package_still_gives_the_writers_names(tmp_path: Path) -> None:
    """The package's names from the atomic writer are the writer's own objects, given on
    first use (``from designer.persistence import FileStamp``, attribute access, ``*``);
    saving, the text and the stamped load import what they need; the format's name is
    the one the text writes."""
    code = (
        "import sys, designer.persistence as p\n"
        "assert 'designer.persistence.atomic' not in sys.modules\n"
        "assert 'designer.persistence.dump' not in sys.modules\n"
        "from designer.persistence import FileStamp, write_atomic\n"
        "import designer.persistence.atomic as a\n"
        "assert FileStamp is a.FileStamp and write_atomic is a.write_atomic\n"
        "names = ('FileChangedError', 'NotAFileError', 'ReadOnlyFileError', 'clean_stale_temps')\n"
        "assert all(getattr(p, n) is getattr(a, n) for n in names)\n"
        "star = {}\n"
        "exec('from designer.persistence import *', star)\n"
        "assert set(p.__all__) <= set(star), set(p.__all__) - set(star)\n"
        "try:\n"
        "    p.no_such_name\n"
        "except AttributeError as exc:\n"
        "    assert 'no_such_name' in str(exc)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
        "from designer.bundled import sample\n"
        "design = p.load(sample('three_site_stretched_dag'))\n"
        "import designer.persistence.dump as d\n"
        "assert p.dumps(design) == d.dumps(design) and p.FORMAT == d.FORMAT == 'dr-designer'\n"
        "stamp = p.save(design, sys.argv[1])\n"
        "loaded, again = p.load_with_stamp(sys.argv[1])\n"
        "assert loaded == design and type(again) is FileStamp\n"
        "assert open(sys.argv[1]).read() == p.dumps(design)\n"
        "print('ok')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "saved.drd.json")],
        capture_output=True,
        text=True,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
    )
    assert run.stdout.strip() == "ok", run.stderr[-3000:]


def _check_importing(tmp_path: Path, cache: str) -> tuple[str, bool]:
    """What ``check`` of the three-site sample prints with the cache folder ``cache``
    ("": none), and whether it imported ``textwrap`` (``-X importtime`` does not see an
    import through :func:`importlib.import_module`: ``sys.modules`` at its end)."""
    sample = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    code = (
        "import contextlib, io, sys\n"
        "from designer.entry import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['check', sys.argv[1]])\n"
        "assert code in (0, 1), code\n"
        "assert 'typing_inspection.typing_objects' in sys.modules\n"
        "print(repr(out.getvalue()))\n"
        "print('textwrap' in sys.modules)\n"
    )
    env = {**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path), "DR_DESIGNER_CACHE_DIR": cache}
    env.pop("PYTHONPATH", None)
    run = subprocess.run(
        [sys.executable, "-c", code, str(sample)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    output, imported = run.stdout.splitlines()[-2:]
    return output, imported == "True"


def test_a_second_check_imports_no_textwrap(tmp_path: Path) -> None:
    """``textwrap`` compiles half a dozen regular expressions at its import; in ``check``
    only ``typing_inspection`` uses it (its ``dedent``, at its own import): a stand-in
    while pydantic is imported, the dedented texts from the code cache. The first
    ``check`` with an empty cache folder imports it to dedent them; the next does not;
    all print what ``check`` without a cache prints."""
    cache = str(tmp_path / "cache")
    plain, plain_imports = _check_importing(tmp_path, "")
    first, first_imports = _check_importing(tmp_path, cache)
    second, second_imports = _check_importing(tmp_path, cache)
    assert plain_imports and first_imports and not second_imports
    assert plain == first == second and "0 errors" in plain


TYPING_OBJECTS_PROBE = r"""
import sys, types
from pathlib import Path
folder = sys.argv[1]
if folder:
    from designer.codecache import compiled_dataclasses
    with compiled_dataclasses("probe", Path(folder)) as cache:
        import designer.domain
        compiled = cache.compiled
else:
    import designer.domain
    compiled = -1
    assert "designer.codecache" not in sys.modules  # the stand-in does not import it
import typing_inspection.typing_objects as objects
import pydantic._internal._docs_extraction as docs
assert "exec" not in vars(objects)
assert type(objects.__loader__).__name__ == "SourceFileLoader", objects.__loader__
assert objects.__spec__.loader is objects.__loader__
assert not any("TypingObjects" in type(f).__name__ for f in sys.meta_path)
imported = "textwrap" in sys.modules
text = "\n    def f():\n        return 1\n    "
import textwrap
assert type(textwrap) is types.ModuleType and textwrap.TextWrapper
assert docs.textwrap.dedent(text) == textwrap.dedent(text) == "\ndef f():\n    return 1\n"
out = []
for name in objects.__all__:
    function = getattr(objects, name)
    code = getattr(function, "__code__", None)
    if code is None or code.co_filename != "<string>":
        continue
    out.append((
        name, code.co_code, code.co_consts, code.co_names, code.co_varnames,
        code.co_flags, code.co_name, code.co_qualname, code.co_firstlineno,
        code.co_linetable, code.co_exceptiontable, repr(function.__annotations__),
        function.__qualname__, function.__module__, function.__doc__,
        repr(sorted(function.__globals__)),
        repr(sorted((k, repr(v)) for k, v in function.__globals__.items() if k != "__builtins__")),
    ))
print(compiled, imported, len(out), repr(out).replace(" ", "_"))
"""


def test_typing_inspections_functions_are_the_same_from_the_code_cache(tmp_path: Path) -> None:
    """``typing_inspection.typing_objects`` writes ~30 functions and runs their text with
    ``exec`` at its import; with a command's code cache its body gets the cache's
    ``exec`` (and the dedented texts from it): the same functions as without a cache,
    compiled and dedented by the first process, by none after it. The module is as an
    import makes it (its loader, no ``exec`` left in it, the finder gone), and
    ``textwrap``, imported later, is the module itself."""
    env = {**os.environ}
    env.pop("PYTHONPATH", None)

    def probe(folder: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-c", TYPING_OBJECTS_PROBE, folder],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout.split()

    plain = probe("")
    first = probe(str(tmp_path / "cache"))
    second = probe(str(tmp_path / "cache"))
    assert int(plain[2]) >= 25  # is_annotated, is_literal, … (typing_inspection 0.4)
    assert plain[2:] == first[2:] == second[2:]
    assert int(first[0]) > 25 and second[0] == "0"
    # textwrap: imported to dedent without a cache and for the first process, not after.
    assert (plain[1], first[1], second[1]) == ("True", "True", "False")
