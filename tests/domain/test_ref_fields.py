"""A model's reference fields (designer/domain/refs.py, ``_ref_fields``) are read from
what the class collected (each field's annotation and ``Annotated`` metadata), not from
``typing.get_type_hints``: the same fields with the same annotations, for every model
class of the domain and the file format, and for classes declared otherwise."""

from __future__ import annotations

import typing
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

import designer.domain.design
import designer.domain.elements
import designer.domain.reliability
import designer.domain.workload
import designer.persistence.envelope
import designer.persistence.file_format
from designer.domain import refs
from designer.domain.refs import Ref


def _from_type_hints(cls: type[BaseModel]) -> list[tuple[str, Any]]:
    """What ``_ref_fields`` gave before: every field's full type hint."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return [(name, hints[name]) for name in cls.model_fields if refs._contains_ref(hints[name])]


def _models() -> list[type[BaseModel]]:
    found = []
    for module in (
        designer.domain.workload,
        designer.domain.reliability,
        designer.domain.elements,
        designer.domain.design,
        designer.persistence.file_format,
        designer.persistence.envelope,
    ):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


@pytest.mark.parametrize("cls", _models(), ids=lambda cls: cls.__name__)
def test_every_model_has_the_reference_fields_its_type_hints_give(cls: type[BaseModel]) -> None:
    assert refs._ref_fields(cls) == _from_type_hints(cls)


def _refs_only(value: Any) -> Any:
    """Annotations with only their ``Ref`` metadata, at every depth."""
    if isinstance(value, list):
        return [(name, _refs_only(ann)) for name, ann in value]
    origin = typing.get_origin(value)
    if origin is Annotated:
        kept = tuple(m for m in value.__metadata__ if isinstance(m, Ref))
        inner = _refs_only(typing.get_args(value)[0])
        return Annotated[(inner, *kept)] if kept else inner
    if origin is not None and typing.get_args(value):
        return (origin, tuple(_refs_only(arg) for arg in typing.get_args(value)))
    return value


class _Odd(BaseModel):
    """References wrapped every way a field can be: with constraints, twice annotated,
    optional, in lists, in a nested model."""

    plain: Annotated[str, Ref("site")]
    constrained: Annotated[str, Ref("vm"), Field(min_length=1)]
    constrained_first: Annotated[str, Field(max_length=9), Ref("lun")]
    twice: Annotated[Annotated[str, Ref("dag")], Field(min_length=2)]
    optional: Annotated[str, Ref("site")] | None = None
    listed: list[Annotated[str, Ref("vm", "esxi_host")]] = Field(default_factory=list)
    nested: list[designer.domain.elements.DatabaseCopy] = Field(default_factory=list)
    none: str = Field(default="", max_length=4)


def test_references_declared_any_way_read_the_same() -> None:
    found = refs._ref_fields(_Odd)
    assert [name for name, _ in found] == [
        "plain",
        "constrained",
        "constrained_first",
        "twice",
        "optional",
        "listed",
        "nested",
    ]
    # Other metadata than references is pydantic's own form of it (MinLen, not Field):
    # nothing reads it from here (only `Ref`s are looked for).
    assert _refs_only(found) == _refs_only(_from_type_hints(_Odd))
    assert refs.ref_kinds(_Odd, "listed") == ("vm", "esxi_host")
    assert refs.ref_kinds(_Odd, "constrained_first") == ("lun",)


def _contains_ref_by_typing(annotation: Any) -> bool:
    """``refs._contains_ref`` as written before the shortcut for things that are no
    typing form: ``typing.get_origin`` and ``typing.get_args`` asked of everything."""
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel) and bool(refs._ref_fields(annotation))
    if typing.get_origin(annotation) is Annotated and any(
        isinstance(meta, Ref) for meta in annotation.__metadata__
    ):
        return True
    return any(_contains_ref_by_typing(arg) for arg in typing.get_args(annotation))


_P = typing.ParamSpec("_P")
_T = typing.TypeVar("_T")
_OTHERS: list[Any] = [
    None, 1, "site", Ref("site"), Field(max_length=3), Annotated[str, Ref("site")],
    Annotated[str, Ref("site")] | None, list[Annotated[str, Ref("dag")]], int | str,
    list[Annotated[str, Ref("dag")]] | None, tuple[Annotated[str, Ref("vm")], int] | int,
    typing.Literal["a"], typing.ClassVar[int], _T, typing.Generic, typing.Any, tuple[int, ...],
    dict[str, list[Annotated[str, Ref("lun")]]], typing.Callable[[int], str],
    Annotated[int, Field(ge=0)],
]  # fmt: skip
# typing's own forms of the same, not the builtins' (another class each), and the parts
# of a parameter specification (typing forms with an origin and no arguments):
_OTHERS += [
    typing.ParamSpecArgs(_P),  # type: ignore[arg-type]
    typing.ParamSpecKwargs(_P),  # type: ignore[arg-type]
    typing.Optional[Annotated[str, Ref("vm")]],  # noqa: UP045
    typing.Union[int, Annotated[str, Ref("vm")]],  # noqa: UP007
    typing.List[Annotated[str, Ref("vm")]],  # noqa: UP006
]


def test_an_annotation_holds_a_reference_as_typing_says() -> None:
    """Every field annotation and metadata item of every model, and typing's other
    forms (unions of both kinds, parameter specifications' parts, generics): the
    shortcut answers what asking typing of everything answered."""
    seen: list[Any] = list(_OTHERS)
    for cls in _models():
        for field in cls.model_fields.values():
            seen += [field.annotation, *field.metadata]
    for annotation in seen:
        assert refs._contains_ref(annotation) == _contains_ref_by_typing(annotation), annotation
    assert any(refs._contains_ref(a) for a in seen)
    assert not all(refs._contains_ref(a) for a in seen)
