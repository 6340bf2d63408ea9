"""Fault and fuzz harness (issue 15): hostile files, kills during saves and edits,
output determinism, linear option parsing. Prints the counts; exits 1 on a failure.

Parts (all by default; ``--only`` picks some):

* ``files``: ``--cases`` mutated and hostile design files (byte damage, structural
  damage, hostile names and numbers, hostile file names) through ``dr-designer check``
  (text, JSON or SARIF) and, for those that load, ``simulate``; counts the outcomes and
  every contract breach: a traceback, an exit code outside 0-2, a refusal that is not
  one line, raw control characters in any output, JSON that does not parse, a message
  longer than 2,000 characters.
* ``save-kills``: ``--kills`` SIGKILLs at random moments of a save of a ``--scale``
  design; after each the file must hold the old or the new content, and the temp file a
  kill leaves must be removed by the next save once it is old.
* ``edit-kills``: ``--edit-kills`` designer processes killed with SIGKILL while editing
  (``tests/ui/crash_child.py``); the copy offered after a restart must miss at most the
  last edit.
* ``determinism``: every output of the sample designs (check text/JSON/SARIF, simulate,
  analyze, schema, rules) under ``--seeds`` hash seeds must be byte-identical.
* ``edits``: the random edit sequence property (tests/document/test_edit_sequences.py)
  with ``--edit-examples`` examples.
* ``options``: ``simulate`` with 5,000/10,000/20,000 ``--fail`` options; times and ratios.

``tests/persistence/test_fuzz_cli.py`` runs a seeded fast subset of ``files`` in CI.

Usage::

    python benchmarks/fuzz_files.py                       # everything (a few minutes)
    python benchmarks/fuzz_files.py --only files --cases 10000 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
HOSTILE_STRINGS = [
    "\x1b[2J\x1b[31mred",
    "bell\x07nul\x00",
    "line\nx.json: info FAKE001: all good",
    "\u202egnp.exe",
    "\u2066iso\u2069",
    "<img src=/etc/passwd>",
    "x" * 100_000,
    "\ud800",
    "a\udcffb",
    "",
    " ",
    "Zürich ✓ 😀",
]
HOSTILE_NUMBERS = ["1e400", "-1e400", "1e308", "-1e-320", "NaN", "Infinity", "1" * 5000,
                   "0." + "9" * 5000, "-0", "9" * 30, "2.5e-7"]  # fmt: skip
FILE_NAMES = ["design.json", "caf\xe9.json", "esc\x1b[31m.json", "new\nline.json",
              "\u202eevil.json", " space .json", "-dash.json"]  # fmt: skip


# -- the corpus -----------------------------------------------------------------------------
def corpus() -> list[bytes]:
    from benchmarks.generate import generate_design
    from designer.persistence import dumps

    texts = [p.read_bytes() for p in sorted((ROOT / "sample_designs").glob("*.json"))]
    texts.append(dumps(generate_design(220, seed=7)).encode("utf-8"))
    return texts


def _leaves(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _leaves(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _leaves(item, (*here, i))
    return found


def _get(root: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        root = root[key]
    return root


SENTINEL = "\x00@@raw@@\x00"


def mutate(raw: bytes, rnd: random.Random) -> tuple[str, bytes]:
    """One damaged or hostile variant of ``raw``: (kind of damage, bytes)."""
    kind = rnd.choice(
        ["flip", "truncate", "delete", "non_utf8", "junk", "delete_key", "retype",
         "raw_number", "hostile_string", "hostile_name", "deep", "duplicate_key",
         "wrong_kind", "rewire", "drop_element", "valid"]
    )  # fmt: skip
    data = bytearray(raw)
    if kind == "flip":
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] ^= rnd.randint(1, 255)
        return kind, bytes(data)
    if kind == "truncate":
        return kind, bytes(data[: rnd.randrange(len(data))])
    if kind == "delete":
        at = rnd.randrange(len(data))
        del data[at : at + rnd.randint(1, 64)]
        return kind, bytes(data)
    if kind == "non_utf8":
        at = rnd.randrange(len(data))
        data[at:at] = rnd.choice([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80"])
        return kind, bytes(data)
    if kind == "junk":
        at = rnd.randrange(len(data))
        data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 32)))
        return kind, bytes(data)
    doc = json.loads(raw)
    leaves = _leaves(doc)
    raw_token: str | None = None
    if kind == "delete_key":
        dicts = [p for p in leaves if isinstance(_get(doc, p), dict) and _get(doc, p)]
        target = _get(doc, rnd.choice(dicts))
        del target[rnd.choice(sorted(target))]
    elif kind in ("retype", "raw_number", "hostile_string", "deep"):
        candidates = [p for p in leaves if p]
        if kind == "hostile_string":
            candidates = [p for p in candidates if isinstance(_get(doc, p), str)]
        if kind == "raw_number":
            candidates = [
                p for p in candidates if isinstance(_get(doc, p), int | float)
            ] or candidates
        path = rnd.choice(candidates)
        parent = _get(doc, path[:-1])
        if kind == "retype":
            parent[path[-1]] = rnd.choice([None, True, 0, -1, 1.5, "x", [], {}, [1, "a"]])
        elif kind == "hostile_string":
            parent[path[-1]] = rnd.choice(HOSTILE_STRINGS)
        else:
            if kind == "raw_number":
                raw_token = rnd.choice(HOSTILE_NUMBERS)
            else:
                depth = rnd.choice([64, 1000, 100_000])
                raw_token = "[" * depth + "0" + "]" * depth
            parent[path[-1]] = SENTINEL
    elif kind == "hostile_name":
        elements = doc["design"].get("elements", [])
        for element in rnd.sample(elements, min(len(elements), rnd.randint(1, 5))):
            element["name"] = (element.get("name", "") + rnd.choice(HOSTILE_STRINGS))[:200]
    elif kind == "duplicate_key":
        text = json.dumps(doc)
        at = text.find('"name": ')
        end = text.find(",", at)
        if at >= 0 and end > at:
            text = text[:end] + ", " + text[at:end] + text[end:]
        return kind, text.encode("utf-8")
    elif kind in ("wrong_kind", "rewire", "drop_element"):
        elements = doc["design"].get("elements", [])
        if elements:
            element = rnd.choice(elements)
            if kind == "drop_element":
                elements.remove(element)
            elif kind == "wrong_kind":
                element["kind"] = rnd.choice([e["kind"] for e in elements] + ["toaster"])
            else:
                fields = [k for k, v in element.items() if isinstance(v, str) and k != "kind"]
                element[rnd.choice(fields)] = rnd.choice([rnd.choice(elements)["id"], "ghost"])
    text = json.dumps(doc, ensure_ascii=rnd.random() < 0.5)
    if raw_token is not None:
        text = text.replace(json.dumps(SENTINEL), raw_token)
    return kind, text.encode("utf-8", "surrogatepass")


# -- running the command line in process ---------------------------------------------------
@dataclass
class Counts:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    breaches: list[str] = field(default_factory=list)

    def breach(self, what: str, case: str) -> None:
        self.breaches.append(f"{what}: {case}")

    def report(self) -> str:
        exits = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.outcomes.items()))
        lines = [
            f"files: {self.cases:,} cases ({exits})",
            f"  breaches (tracebacks, bad exits, multi-line or raw-control output, "
            f"invalid JSON, long messages): {len(self.breaches)}",
        ]
        lines += [f"    {b[:300]}" for b in self.breaches[:20]]
        return "\n".join(lines)


def run_cli(argv: list[str]) -> tuple[int | None, str, str, str | None]:
    """(exit code, stdout, stderr, traceback) of ``dr-designer ARGV`` in this process."""
    from designer.entry import main

    out, err = io.StringIO(), io.StringIO()
    trace = None
    code: int | None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # a traceback: the contract says never
            code = None
            trace = traceback.format_exc()
    return code, out.getvalue(), err.getvalue(), trace


def check_case(counts: Counts, argv: list[str], case: str, fmt: str) -> int | None:
    code, out, err, trace = run_cli(argv)
    counts.outcomes[f"{argv[0]} exit {code}"] += 1
    if trace is not None:
        counts.breach("traceback", f"{case}: {trace.splitlines()[-1]}")
        return code
    if code not in (0, 1, 2):
        counts.breach(f"exit {code}", case)
    if code == 2 and err.count("\n") != 1:
        counts.breach("refusal not one line", f"{case}: {err[:200]!r}")
    if len(err) > 2000:
        counts.breach("message too long", f"{case}: {len(err)} characters")
    for name, text in (("stdout", out), ("stderr", err)):
        if UNSAFE.search(text):
            counts.breach(f"raw control character on {name}", case)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            counts.breach(f"{name} is not encodable", case)
    if fmt in ("json", "sarif") and code in (0, 1) and argv[0] == "check":
        try:
            json.loads(out)
        except ValueError as exc:
            counts.breach("invalid JSON", f"{case}: {exc}")
    return code


def run_files(cases: int, seed: int, progress: bool = False) -> Counts:
    """``cases`` hostile files through the command line; the counts."""
    rnd = random.Random(seed)
    texts = corpus()
    counts = Counts()
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.fsencode(tmp)
        for n in range(cases):
            kind, raw = mutate(rnd.choice(texts), rnd)
            counts.kinds[kind] += 1
            name = rnd.choice(FILE_NAMES)
            if rnd.random() < 0.2:
                name_bytes = name.encode("utf-8", "surrogateescape").replace(b"\xc3\xa9", b"\xe9")
            else:
                name_bytes = name.encode("utf-8")
            path_bytes = os.path.join(folder, name_bytes)
            with open(path_bytes, "wb") as handle:
                handle.write(raw)
            path = os.fsdecode(path_bytes)
            fmt = rnd.choice(["text", "json", "sarif"])
            case = f"#{n} {kind} {name!r} {fmt}"
            counts.cases += 1
            code = check_case(counts, ["check", path, "--format", fmt], case, fmt)
            if code in (0, 1):
                round_trip(counts, raw, case)
            if code in (0, 1) and rnd.random() < 0.1:
                target = _first_site(raw)
                if target:
                    check_case(counts, ["simulate", path, "--fail", target], case, "text")
            os.unlink(path_bytes)
            if progress and n % 500 == 499:
                print(f"  … {n + 1:,} cases", file=sys.stderr, flush=True)
    return counts


def round_trip(counts: Counts, raw: bytes, case: str) -> None:
    """What loads must save and load back the same (a file the loader accepts must not
    save to one it refuses)."""
    from designer.persistence import LoadError, dumps, loads

    try:
        design = loads(raw)
        text = dumps(design)
        again = loads(text.encode("utf-8"))
    except (LoadError, UnicodeError, ValueError) as exc:
        counts.breach("loads but does not save and load back", f"{case}: {exc}")
        return
    if again != design or dumps(again) != text:
        counts.breach("save -> load changes the design", case)
    lost = _lost(raw, text)
    if lost:
        counts.breach("loads but drops what the file states", f"{case}: {lost}")


#: Keys the design file writes only when set (docs/file-format.md: a scenario's expected
#: ``max_copies_behind_s`` and ``at_s``, a WAN link's ``distance_km``): a file stating
#: one as null loses nothing when it is saved without it.
OMITTED_WHEN_UNSET = frozenset({"at_s", "distance_km", "max_copies_behind_s"})


def _lost(raw: bytes, saved: str) -> str | None:
    """Where the design saved from ``raw`` lacks something ``raw`` states (a key of an
    object, an item of a list), if anywhere: a file that loads must not lose part of
    itself silently. Files of older versions are migrated (their shape changes) and not
    compared."""
    from designer.persistence.migrations import CURRENT_SCHEMA_VERSION

    try:
        stated = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(stated, dict) or stated.get("schema_version") != CURRENT_SCHEMA_VERSION:
        return None
    kept = json.loads(saved)

    def walk(a: Any, b: Any, here: str) -> str | None:
        if isinstance(a, dict):
            if not isinstance(b, dict):
                return here
            for key, value in a.items():
                if key not in b:
                    if value is None and key in OMITTED_WHEN_UNSET:
                        continue
                    return f"{here}.{key}"
                found = walk(value, b[key], f"{here}.{key}")
                if found:
                    return found
        elif isinstance(a, list):
            if not isinstance(b, list) or len(b) < len(a):
                return f"{here} ({len(a)} items, {len(b) if isinstance(b, list) else 0} kept)"
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                found = walk(x, y, f"{here}[{i}]")
                if found:
                    return found
        return None

    return walk(stated.get("design"), kept.get("design"), "design")


def _first_site(raw: bytes) -> str | None:
    try:
        elements = json.loads(raw)["design"]["elements"]
        return next(e["id"] for e in elements if e.get("kind") == "site")
    except Exception:
        return None


# -- kill -9 during a save ---------------------------------------------------------------------
SAVER = """
import sys
from designer.persistence import write_atomic
a = open(sys.argv[2], "rb").read()
b = open(sys.argv[3], "rb").read()
print("ready", flush=True)
while True:
    write_atomic(sys.argv[1], a)
    write_atomic(sys.argv[1], b)
"""


def run_save_kills(kills: int, scale: str, seed: int) -> tuple[int, Counter[str]]:
    """SIGKILL a process saving a ``scale`` design over and over; check each time that
    the file holds one of the two versions, and that the next save removes the old
    temp file the kill left. Returns (breaches, outcome counts).

    The child writes the two designs' canonical bytes with the writer ``save()`` uses
    (``write_atomic``): serialising touches no file, so every kill lands in the part
    of a save that does."""
    from benchmarks.generate import generate_design
    from designer.persistence import dumps, save, write_atomic
    from designer.persistence.atomic import STALE_TEMP_AGE_S

    rnd = random.Random(seed)
    design_a = generate_design(scale, seed=1)
    design_b = design_a.model_copy(update={"name": "Version B"})
    text_a, text_b = dumps(design_a).encode(), dumps(design_b).encode()
    outcomes: Counter[str] = Counter()
    breaches = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a.src").write_bytes(text_a)
        (folder / "b.src").write_bytes(text_b)
        target = folder / "design.json"
        target.write_bytes(text_a)
        start = time.perf_counter()
        write_atomic(folder / "timing.json", text_a)
        save_s = time.perf_counter() - start
        (folder / "timing.json").unlink()
        for _ in range(kills):
            child = subprocess.Popen(
                [sys.executable, "-c", SAVER, str(target), str(folder / "a.src"),
                 str(folder / "b.src")],
                stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            assert child.stdout is not None
            child.stdout.readline()
            time.sleep(rnd.uniform(0, 2.5 * save_s))
            child.send_signal(signal.SIGKILL)
            child.wait()
            content = target.read_bytes()
            if content == text_a:
                outcomes["old or new content: A"] += 1
            elif content == text_b:
                outcomes["old or new content: B"] += 1
            else:
                outcomes["TORN FILE"] += 1
                breaches += 1
            temps = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
            outcomes[f"temp files left by the kill: {len(temps)}"] += 1
            old = time.time() - 2 * STALE_TEMP_AGE_S
            for path in temps:
                os.utime(path, (old, old))
            save(design_a, target)  # the next save: cleans what the kill left
            if [p for p in folder.iterdir() if p.name.endswith(".tmp")]:
                outcomes["TEMP NOT CLEANED"] += 1
                breaches += 1
    return breaches, outcomes


# -- kill -9 while editing ---------------------------------------------------------------------
def run_edit_kills(trials: int, seed: int) -> tuple[int, Counter[str]]:
    sys.path.insert(0, str(ROOT / "tests" / "ui"))
    import shutil

    from test_recovery_crash import SAMPLE, crash_after, environment, restart

    rnd = random.Random(seed)
    outcomes: Counter[str] = Counter()
    breaches = 0
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            path = folder / "design.json"
            shutil.copy(SAMPLE, path)
            env = environment(folder)
            hashes, made = crash_after(path, env, rnd.randint(1, 12), rnd.uniform(0, 0.08))
            asked, recovered = restart(env)
            if asked == 0:
                lost = made
            elif recovered == hashes[made]:
                lost = 0
            elif recovered == hashes[made - 1]:
                lost = 1
            else:
                lost = -1
            outcomes[f"edits lost: {lost}" if lost >= 0 else "WRONG DESIGN"] += 1
            if lost < 0 or lost > 1:
                breaches += 1
    return breaches, outcomes


# -- determinism across hash seeds ---------------------------------------------------------------
OUTPUTS = """
import contextlib, hashlib, io, json, sys
from pathlib import Path
from designer.entry import main
root = Path(sys.argv[1])
digests = {}
def run(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(list(argv))
    digests[" ".join(a.replace(str(root), "") for a in argv)] = hashlib.sha256(
        out.getvalue().encode("utf-8", "surrogateescape")).hexdigest()
for sample in sorted((root / "sample_designs").glob("*.json")):
    for fmt in ("text", "json", "sarif"):
        run("check", str(sample), "--format", fmt)
    data = json.loads(sample.read_text())["design"]["elements"]
    site = next(e["id"] for e in data if e["kind"] == "site")
    run("simulate", str(sample), "--fail", site, "--format", "json")
    run("analyze", str(sample), "--format", "json")
run("schema")
run("rules", "--format", "json")
run("rules", "--format", "markdown")
print(json.dumps(digests))
"""


def run_determinism(seeds: int) -> tuple[int, int]:
    """(outputs, outputs that differ between hash seeds)."""
    runs: list[dict[str, str]] = []
    for seed in range(seeds):
        done = subprocess.run(
            [sys.executable, "-c", OUTPUTS, str(ROOT)],
            capture_output=True, text=True, cwd=ROOT, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed * 7919 + 1), "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        runs.append(json.loads(done.stdout))
    keys = runs[0].keys()
    differ = sum(1 for key in keys if len({r[key] for r in runs}) > 1)
    return len(keys), differ


# -- options ----------------------------------------------------------------------------------
def run_options() -> list[tuple[int, float]]:
    """Best of three runs of ``simulate`` with 5k/10k/20k ``--fail`` options, after a
    warm-up run (imports, the simulator's first preparation)."""
    sample = ROOT / "sample_designs" / "stretched_dag_lagged.json"

    def once(n: int) -> float:
        argv = ["simulate", str(sample), "--format", "json"]
        for i in range(n):
            argv += ["--fail", "site-atl" if i % 2 else "site-clt"]
        start = time.perf_counter()
        code, _, err, trace = run_cli(argv)
        assert code == 0 and trace is None, err or trace
        return time.perf_counter() - start

    once(2)
    return [(n, min(once(n) for _ in range(3))) for n in (5_000, 10_000, 20_000)]


def _timed(title: str, fn: Callable[[], Any]) -> Any:
    print(f"== {title}", flush=True)
    start = time.perf_counter()
    result = fn()
    print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None,
                        choices=["files", "save-kills", "edit-kills", "determinism", "edits",
                                 "options"])  # fmt: skip
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--scale", default="25k")
    parser.add_argument("--edit-kills", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--edit-examples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    parts = set(args.only or ["files", "save-kills", "edit-kills", "determinism", "edits",
                              "options"])  # fmt: skip
    failed = False
    if "files" in parts:
        counts = _timed(
            f"files: {args.cases:,} hostile design files (seed {args.seed})",
            lambda: run_files(args.cases, args.seed, progress=True),
        )
        print(counts.report())
        print("  damage kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.kinds.items())))
        failed |= bool(counts.breaches)
    if "save-kills" in parts:
        breaches, outcomes = _timed(
            f"save-kills: {args.kills} × kill -9 during a {args.scale} save",
            lambda: run_save_kills(args.kills, args.scale, args.seed),
        )
        for key, value in sorted(outcomes.items()):
            print(f"  {key}: {value}")
        failed |= bool(breaches)
    if "edit-kills" in parts:
        breaches, outcomes = _timed(
            f"edit-kills: {args.edit_kills} × kill -9 while editing in the window",
            lambda: run_edit_kills(args.edit_kills, args.seed),
        )
        for key, value in sorted(outcomes.items()):
            print(f"  {key}: {value}")
        failed |= bool(breaches)
    if "determinism" in parts:
        total, differ = _timed(
            f"determinism: outputs under {args.seeds} hash seeds",
            lambda: run_determinism(args.seeds),
        )
        print(f"  {total} outputs × {args.seeds} hash seeds: {differ} differ")
        failed |= bool(differ)
    if "edits" in parts:
        env = {**os.environ, "EDIT_SEQUENCE_EXAMPLES": str(args.edit_examples)}
        run = _timed(
            f"edits: {args.edit_examples} random edit sequences (undo all, save/load, journal)",
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    # (pytest-timeout's 300 s is the suite's bound for one test: 3,000
                    # examples took 312 s at load 20 and failed by it, not by a property)
                    "--timeout=0",
                    "-o",
                    "faulthandler_timeout=0",
                    "tests/document/test_edit_sequences.py",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            ),
        )
        print("  " + (run.stdout.strip().splitlines() or ["?"])[-1])
        failed |= run.returncode != 0
    if "options" in parts:
        timings = _timed("options: simulate with many --fail options", run_options)
        base = timings[0][1]
        for n, seconds in timings:
            print(f"  {n:>6,} --fail: {seconds * 1000:7.1f} ms  (×{seconds / base:4.2f})")
    print("FAILED" if failed else "all contracts held")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
