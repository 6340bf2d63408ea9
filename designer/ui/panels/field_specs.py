"""What editor each element field gets: read from the pydantic model, not listed by hand.

Qt-free: the inspector turns a :class:`FieldSpec` into a widget.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic.fields import FieldInfo

from designer.domain.elements import ElementBase
from designer.domain.field_words import choice_text, field_label, unit_of
from designer.domain.refs import Ref
from designer.domain.workload import MailboxProfile

__all__ = ["FieldSpec", "choice_text", "field_specs", "unit_of"]

#: Fields edited elsewhere or not by a simple widget.
_SKIPPED = {"id", "kind"}


@dataclass(frozen=True)
class FieldSpec:
    """How one field is edited.

    ``editor`` is one of: ``bool``, ``int``, ``float``, ``str``, ``text`` (long text),
    ``enum`` (``choices``), ``ref`` (``kinds``), ``ref_list``, ``enum_list``, ``profile``
    (a mailbox profile: messages a day, message size, peak factor), ``other`` (shown
    read-only, e.g. database copies, edited in their own panel).
    """

    name: str
    label: str
    editor: str
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    #: For gt/lt bounds: the bound itself is not allowed.
    exclusive_min: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    description: str = ""


def _constraints(metadata: list[Any], spec: dict[str, Any]) -> None:
    for meta in metadata:
        if isinstance(meta, FieldInfo):
            _constraints(list(meta.metadata), spec)
        elif isinstance(meta, at.Ge):
            spec["minimum"] = float(meta.ge)  # type: ignore[arg-type]
        elif isinstance(meta, at.Gt):
            spec["minimum"] = float(meta.gt)  # type: ignore[arg-type]
            spec["exclusive_min"] = True
        elif isinstance(meta, at.Le):
            spec["maximum"] = float(meta.le)  # type: ignore[arg-type]
        elif isinstance(meta, at.Lt):
            spec["maximum"] = float(meta.lt)  # type: ignore[arg-type]
        elif isinstance(meta, at.Interval):
            _constraints(list(meta), spec)
        elif isinstance(meta, Ref):
            spec["ref"] = meta


def _unwrap(annotation: Any, spec: dict[str, Any]) -> Any:
    """Strip Annotated and Optional, collecting constraints and the Ref marker."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            _constraints(list(annotation.__metadata__), spec)
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) < len(get_args(annotation)):
                spec["optional"] = True
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _spec(cls: type[ElementBase], name: str, hint: Any, info: FieldInfo) -> FieldSpec:
    collected: dict[str, Any] = {}
    _constraints(list(info.metadata), collected)
    base = _unwrap(hint, collected)
    ref: Ref | None = collected.pop("ref", None)
    editor = "other"
    choices: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    if ref is not None:
        editor, kinds = "ref", ref.kinds
    elif base is MailboxProfile:
        editor = "profile"
    elif base is bool:
        editor = "bool"
    elif base is int:
        editor = "int"
    elif base is float:
        editor = "float"
    elif base is str:
        editor = "text" if name in ("notes", "description") else "str"
    elif isinstance(base, type) and issubclass(base, Enum):
        editor, choices = "enum", tuple(str(m.value) for m in base)
    elif get_origin(base) is Literal:
        editor, choices = "enum", tuple(str(a) for a in get_args(base))
    elif get_origin(base) is list:
        item_spec: dict[str, Any] = {}
        item = _unwrap(get_args(base)[0], item_spec)
        if isinstance(item_spec.get("ref"), Ref):
            editor, kinds = "ref_list", item_spec["ref"].kinds
        elif isinstance(item, type) and issubclass(item, Enum):
            editor, choices = "enum_list", tuple(str(m.value) for m in item)
    return FieldSpec(
        name=name,
        label=field_label(name),
        editor=editor,
        optional=bool(collected.get("optional")),
        minimum=collected.get("minimum"),
        maximum=collected.get("maximum"),
        exclusive_min=bool(collected.get("exclusive_min")),
        unit=unit_of(name) if editor in ("int", "float") else "",
        choices=choices,
        kinds=kinds,
        description=info.description or "",
    )


@cache
def field_specs(cls: type[ElementBase]) -> tuple[FieldSpec, ...]:
    """The editable fields of an element class, in declaration order (name first).

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> specs = field_specs(EsxiHost)
    >>> specs[0].name, specs[-1].name
    ('name', 'notes')
    >>> [(s.name, s.editor, s.unit) for s in specs if s.unit]
    [('memory_gb', 'float', 'GB'), ('mtbf_h', 'float', 'h'), ('mttr_h', 'float', 'h')]
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    specs = [
        _spec(cls, name, hints[name], info)
        for name, info in cls.model_fields.items()
        if name not in _SKIPPED
    ]
    notes = [s for s in specs if s.name == "notes"]
    return tuple([s for s in specs if s.name != "notes"] + notes)
