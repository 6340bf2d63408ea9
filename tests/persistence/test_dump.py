"""The design file's text written in pieces (:mod:`designer.persistence.dump`) is the
text ``json.dumps`` of the whole dump gave, byte for byte: on every sample, generated
designs, the persistent containers of the Document's snapshots, chunk boundaries, and
Hypothesis' hostile strings and numbers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.domain.design import Design, LayoutEntry
from designer.domain.persistent import PersistentList, PersistentMap
from designer.persistence import dump, dumps, loads, save

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402

SAMPLES = sorted((ROOT / "sample_designs").glob("*.json"))


def _same(design: Design) -> None:
    expected = dump.reference_dumps(design)
    assert dumps(design) == expected
    assert "".join(dump.dump_chunks(design)) == expected
    assert dump.dump_bytes(design) == expected.encode("utf-8")


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_samples_dump_as_json_dumps_did(path: Path, tmp_path: Path) -> None:
    design = loads(path.read_bytes())
    _same(design)
    target = tmp_path / "saved.json"
    save(design, target)
    assert target.read_bytes() == dump.reference_dumps(design).encode("utf-8")
    assert loads(target.read_bytes()) == design


@pytest.mark.parametrize("size", [1_000, pytest.param(10_000, marks=pytest.mark.slow)])
def test_generated_designs_dump_as_json_dumps_did(size: int) -> None:
    _same(generate_design(size, seed=0))


def test_the_documents_persistent_containers_dump_the_same() -> None:
    design = generate_design(300, seed=2)
    persistent = design.model_copy(
        update={
            "elements": PersistentList(design.elements),
            "layout": PersistentMap(design.layout),
        }
    )
    assert dumps(persistent) == dump.reference_dumps(design)


@pytest.mark.parametrize(
    "chunk", ["1", "2", "7", "elements-1", "elements", "elements+1", "layout-1", "layout"]
)
def test_every_chunk_boundary(chunk: str, monkeypatch: pytest.MonkeyPatch) -> None:
    design = generate_design(300, seed=1)
    sizes = {"elements": len(design.elements), "layout": len(design.layout)}
    name, _, more = chunk.partition("+")
    name, _, less = name.partition("-")
    size = sizes[name] if name in sizes else int(name)
    monkeypatch.setattr(dump, "CHUNK", size + int(more or 0) - int(less or 0))
    _same(design)


def test_an_empty_design_and_one_element_without_layout() -> None:
    empty = Design()
    _same(empty)
    one = generate_design(300, seed=1)
    _same(one.model_copy(update={"elements": one.elements[:1], "layout": {}}))
    _same(one.model_copy(update={"elements": [], "layout": dict(list(one.layout.items())[:1])}))


_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from('"\\\n\t\x00\x7f'),
    max_size=20,
)
# Every float, the non-finite ones too (model_copy takes them unchecked: the text must
# still be json's "NaN" and "Infinity").
_FLOAT = st.floats(allow_nan=True, allow_infinity=True)


@given(
    name=_TEXT,
    notes=_TEXT,
    key=_TEXT,
    x=_FLOAT,
    y=_FLOAT,
    points=st.lists(st.tuples(_FLOAT, _FLOAT), max_size=3).map(tuple),
    users=st.integers(min_value=-(2**70), max_value=2**70),
)
def test_any_string_and_number_dumps_as_json_dumps_did(
    name: str,
    notes: str,
    key: str,
    x: float,
    y: float,
    points: tuple[tuple[float, float], ...],
    users: int,
) -> None:
    base = loads((SAMPLES[0]).read_bytes())
    first = base.elements[0].model_copy(update={"name": name, "notes": notes})
    layout = dict(base.layout)
    layout[key] = LayoutEntry.model_construct(x=x, y=y, w=None, h=None, color=None, points=points)
    design = base.model_copy(
        update={"description": notes, "elements": [first, *base.elements[1:]], "layout": layout}
    )
    _same(design)
    site = next(e for e in base.elements if e.kind == "site")
    _same(base.model_copy(update={"elements": [site.model_copy(update={"users": users})]}))


def test_the_reference_is_json_dumps_of_the_envelope() -> None:
    design = loads(SAMPLES[0].read_bytes())
    envelope = {
        "format": "dr-designer",
        "schema_version": 7,
        "design": design.model_dump(mode="json"),
    }
    assert dump.reference_dumps(design) == (
        json.dumps(envelope, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    )


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), -float("inf"), -0.0, 1e16, 1e-7, 5e-324, 1.7976931348623157e308],
)
def test_floats_json_spells_its_own_way(value: float) -> None:
    base = loads(SAMPLES[0].read_bytes())
    entry = LayoutEntry.model_construct(
        x=value, y=0.0, w=value, h=None, color=None, points=((value, 1.5),)
    )
    _same(base.model_copy(update={"layout": {"a": entry}}))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _FLOAT | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(value=_JSON)
def test_the_writer_spells_any_json_value_as_json_dumps(value: object) -> None:
    """The writer itself, on any value (pydantic's dump never hands it NaN: it writes
    null; the writer still spells it as json does)."""
    out: list[str] = []
    dump._put(out, value, "\n  ")
    expected = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
    assert "".join(out) == expected.replace("\n", "\n  ")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_the_writer_spells_non_finite_floats_as_json(value: float) -> None:
    out: list[str] = []
    dump._put(out, {"a": [value]}, "\n")
    assert "".join(out) == json.dumps({"a": [value]}, indent=2)
