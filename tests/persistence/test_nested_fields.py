"""The fast load's key count (designer/persistence/file_format.py, ``_keys_in``) descends
only into the fields of a model whose values may hold JSON objects (``_nested_fields``).
``_holds_objects`` answers a plain class at once (wave 13, ``colda13``): the same fields
as the recursive walk over ``typing.get_origin``/``get_args`` it replaces, for every model
class of the domain and the file format and for fields declared every other way."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

import designer.domain.design
import designer.domain.elements
import designer.domain.reliability
import designer.domain.workload
import designer.persistence.envelope
import designer.persistence.file_format
from designer.domain.refs import Ref
from designer.persistence import file_format


def _holds_objects_before(annotation: Any) -> bool:
    """``_holds_objects`` as it was before wave 13."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    origin = typing.get_origin(annotation)
    if origin is dict or origin is Mapping:
        return True
    return any(_holds_objects_before(arg) for arg in typing.get_args(annotation))


def _nested_before(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(
        name for name, field in cls.model_fields.items() if _holds_objects_before(field.annotation)
    )


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


class _Inner(BaseModel):
    x: int = 0


class _Odd(BaseModel):
    """Objects (or not) behind every kind of annotation a field can have."""

    plain: str = ""
    bare_dict: dict = Field(default_factory=dict)  # type: ignore[type-arg]
    typed_dict: dict[str, int] = Field(default_factory=dict)
    mapping: Mapping[str, int] = Field(default_factory=dict)
    typing_mapping: typing.Mapping[str, int] = Field(default_factory=dict)
    abc_mapping_class: type[Mapping] | None = None  # type: ignore[type-arg]
    model: _Inner = Field(default_factory=_Inner)
    optional_model: _Inner | None = None
    listed_models: list[_Inner] = Field(default_factory=list)
    tupled: tuple[tuple[float, float], ...] = ()
    nested_union: list[dict[str, int] | None] = Field(default_factory=list)
    annotated: Annotated[str, Ref("site"), Field(min_length=1)] = "s"
    annotated_model: Annotated[_Inner, Field(description="d")] = Field(default_factory=_Inner)
    constrained_list: Annotated[list[int], Field(max_length=3)] = Field(default_factory=list)
    anything: Any = None
    enum_like: designer.domain.design.Severity | None = None
    literal: typing.Literal["a", "b"] = "a"
    literal_member: typing.Literal[designer.domain.design.Severity.ERROR] | None = None
    literal_or_model: typing.Literal["x"] | _Inner = "x"


@pytest.mark.parametrize("cls", [*_models(), _Odd, _Inner], ids=lambda cls: cls.__name__)
def test_the_nested_fields_are_those_the_recursive_walk_finds(cls: type[BaseModel]) -> None:
    file_format._NESTED.pop(cls, None)
    assert file_format._nested_fields(cls) == _nested_before(cls)


def test_the_odd_model_reads_as_expected() -> None:
    file_format._NESTED.pop(_Odd, None)
    assert file_format._nested_fields(_Odd) == (
        "typed_dict",
        "mapping",
        "typing_mapping",
        "model",
        "optional_model",
        "listed_models",
        "nested_union",
        "annotated_model",
        "literal_or_model",
    )
