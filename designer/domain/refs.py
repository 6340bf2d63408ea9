"""Typed references between elements.

A reference is a plain string id annotated with the element kinds it may point to
(``Annotated[str, Ref("site")]``); :func:`iter_refs` finds them generically so the
structural checks, the graph and copy/paste remapping need no per-kind code.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, Field

__all__ = [
    "ID_PATTERN",
    "ElementId",
    "Ref",
    "RefSite",
    "drop_refs",
    "holds_one_reference",
    "iter_refs",
    "iter_refs_in",
    "needs_any",
    "ref_fields",
    "ref_ids",
    "ref_kinds",
    "ref_paths",
    "ref_targets",
    "remap_refs",
    "targets_columns",
    "targets_plan",
    "targets_reader",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"

ElementId = Annotated[str, Field(pattern=ID_PATTERN)]


@dataclass(frozen=True)
class Ref:
    """Marks a string field as a reference to an element of one of ``kinds``."""

    kinds: tuple[str, ...]

    def __init__(self, *kinds: str) -> None:
        object.__setattr__(self, "kinds", tuple(kinds))


class RefSite(NamedTuple):
    """Where a reference stands: ``path`` is relative to the element (``copies[1].member``).

    A named tuple, not a frozen dataclass: a site's deletion at 100k makes ~100,000 of
    them, and a frozen dataclass's ``__init__`` (an ``object.__setattr__`` per field)
    cost three times a tuple's making."""

    path: str
    target: str
    kinds: tuple[str, ...]


def _ref_of(annotation: Any) -> Ref | None:
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, Ref):
                return meta
    return None


def _contains_ref(annotation: Any) -> bool:
    if isinstance(annotation, type):  # a class: neither Annotated nor with arguments
        return issubclass(annotation, BaseModel) and bool(_ref_fields(annotation))
    if not hasattr(annotation, "__origin__") and not isinstance(annotation, types.UnionType):
        # Not a typing form (most are a field's constraints: ``MaxLen(200)``, ``Ge(0)``):
        # ``get_origin`` gives None and ``get_args`` () for it, asked at C speed.
        return False
    if _ref_of(annotation) is not None:
        return True
    return any(_contains_ref(arg) for arg in get_args(annotation))


_CACHE: dict[type, list[tuple[str, Any]]] = {}


def _ref_fields(cls: type[BaseModel]) -> list[tuple[str, Any]]:
    """``cls``'s fields that hold references, with their annotations as
    ``typing.get_type_hints(cls, include_extras=True)`` gives them: rebuilt from what the
    class collected (the annotation and its ``Annotated`` metadata), without evaluating
    every annotation of the class and its bases again (~2 ms of a short command)."""
    cached = _CACHE.get(cls)
    if cached is None:
        cached = []
        for name, field in cls.model_fields.items():
            hint: Any = field.annotation
            metadata = field.metadata
            # ``_contains_ref(Annotated[hint, *metadata])`` without making that
            # ``Annotated`` for every field (~0.6 ms of every start: constraints such as
            # ``Field(pattern=…)`` are not hashable, so typing's cache of it misses):
            # a ``Ref`` among the metadata, or one within the annotation or the metadata.
            if _contains_ref(hint) or any(
                isinstance(meta, Ref) or _contains_ref(meta) for meta in metadata
            ):
                cached.append((name, Annotated[(hint, *metadata)] if metadata else hint))
        _CACHE[cls] = cached
    return cached


# A compiled walker appends the references found in ``value`` (at ``path``) to ``out``,
# with the annotation analysed once per class instead of once per value (the loader
# checks every reference of 25,000 elements).
_Collect = Callable[[Any, str, list[RefSite]], None]


def _collect_nothing(value: Any, path: str, out: list[RefSite]) -> None:
    return None


def _compile(annotation: Any) -> _Collect:
    ref = _ref_of(annotation)
    if ref is not None:
        kinds = ref.kinds

        def leaf(value: Any, path: str, out: list[RefSite]) -> None:
            out.append(RefSite(path, value, kinds))

        return leaf
    origin = get_origin(annotation)
    if origin is Annotated:
        return _compile(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _compile(args[0]) if args else _collect_nothing
    if origin is list or origin is tuple:
        item = _compile(get_args(annotation)[0])

        def sequence(value: Any, path: str, out: list[RefSite]) -> None:
            for i, v in enumerate(value):
                if v is not None:
                    item(v, f"{path}[{i}]", out)

        return sequence
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = _compiled(annotation)

        def model(value: Any, path: str, out: list[RefSite]) -> None:
            _collect(value, fields, f"{path}.", out)

        return model
    return _collect_nothing


#: Per class: (field name, kinds if the field is a plain reference, else its walker).
_Compiled = list[tuple[str, "tuple[str, ...] | None", _Collect]]
_COMPILED: dict[type, _Compiled] = {}


def _compiled(cls: type[BaseModel]) -> _Compiled:
    compiled = _COMPILED.get(cls)
    if compiled is None:
        compiled = []
        for name, ann in _ref_fields(cls):
            ref = _ref_of(ann)
            if ref is None and get_origin(ann) in (Union, types.UnionType):
                args = [a for a in get_args(ann) if a is not type(None)]
                ref = _ref_of(args[0]) if args else None
            compiled.append((name, ref.kinds if ref else None, _compile(ann)))
        _COMPILED[cls] = compiled
    return compiled


def _collect(value: Any, fields: _Compiled, prefix: str, out: list[RefSite]) -> None:
    for name, kinds, walk in fields:
        v = getattr(value, name)
        if v is None:
            continue
        if kinds is not None:
            out.append(RefSite(prefix + name, v, kinds))
        else:
            walk(v, prefix + name, out)


def ref_kinds(cls: type[BaseModel], field: str) -> tuple[str, ...]:
    """The kinds the references in ``cls.field`` may name (empty if it holds none).

    Examples
    --------
    >>> from designer.domain.elements import Dag, MailboxDatabase
    >>> ref_kinds(Dag, "witness"), ref_kinds(MailboxDatabase, "copies"), ref_kinds(Dag, "name")
    (('file_share_witness',), ('vm',), ())
    """
    known = _KINDS_OF.get((cls, field))
    if known is None:
        known = _KINDS_OF[cls, field] = _ref_kinds(cls, field)
    return known


#: ``ref_kinds`` per class and field (the kind table asks up to four times per field).
_KINDS_OF: dict[tuple[type, str], tuple[str, ...]] = {}


def _ref_kinds(cls: type[BaseModel], field: str) -> tuple[str, ...]:
    annotation = dict(_ref_fields(cls)).get(field)
    found: dict[str, None] = {}

    def visit(ann: Any) -> None:
        ref = _ref_of(ann)
        if ref is not None:
            found.update(dict.fromkeys(ref.kinds))
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            for _, inner in _ref_fields(ann):
                visit(inner)
        else:
            for arg in get_args(ann):
                visit(arg)

    if annotation is not None:
        visit(annotation)
    return tuple(found)


_READERS: dict[tuple[type, str], Callable[[Any], list[str]]] = {}


def targets_reader(cls: type[BaseModel], field: str) -> Callable[[Any], list[str]]:
    """A function giving the ids an element of ``cls`` names in ``field``, in order.

    Made once per class and field (the graph reads every element of a big design).

    Examples
    --------
    >>> from designer.domain.elements import DatabaseCopy, MailboxDatabase
    >>> read = targets_reader(MailboxDatabase, "copies")
    >>> read(MailboxDatabase(id="db", name="DB1", copies=[DatabaseCopy(member="vm1")]))
    ['vm1']
    """
    reader = _READERS.get((cls, field))
    if reader is None:
        reader = _READERS[cls, field] = _make_reader(cls, field)
    return reader


def holds_one_reference(cls: type[BaseModel], field: str) -> bool:
    """Whether ``cls``'s ``field`` holds one id or None: its value is the target itself
    (what :func:`targets_reader` gives as a list of one or none).

    Examples
    --------
    >>> from designer.domain.elements import MailboxDatabase
    >>> holds_one_reference(MailboxDatabase, "dag"), holds_one_reference(MailboxDatabase, "copies")
    (True, False)
    """
    return any(name == field and kinds is not None for name, kinds, _ in _compiled(cls))


def _make_reader(cls: type[BaseModel], field: str) -> Callable[[Any], list[str]]:
    for name, kinds, walk in _compiled(cls):
        if name != field:
            continue
        if kinds is not None:

            def single(element: Any) -> list[str]:
                value = getattr(element, field)
                return [] if value is None else [value]

            return single
        annotation = dict(_ref_fields(cls))[field]
        if get_origin(annotation) is list and _ref_of(get_args(annotation)[0]) is not None:

            def listed(element: Any) -> list[str]:
                return list(getattr(element, field))

            return listed

        def walked(element: Any, walk: _Collect = walk) -> list[str]:
            value = getattr(element, field)
            if value is None:
                return []
            out: list[RefSite] = []
            walk(value, field, out)
            return [site.target for site in out]

        return walked
    raise KeyError(f"{cls.__name__}.{field} holds no reference")


# Targets only: (target id, kinds it may name), no paths. The loader's structure check
# reads every reference of a big design and needs a path only for a broken one.
_Target = tuple[str, tuple[str, ...]]
_CollectTargets = Callable[[Any, list[_Target]], None]
_TARGETS: dict[type, list[tuple[str, tuple[str, ...] | None, _CollectTargets]]] = {}


def _no_targets(value: Any, out: list[_Target]) -> None:
    return None


def _compile_targets(annotation: Any) -> _CollectTargets:
    ref = _ref_of(annotation)
    if ref is not None:
        kinds = ref.kinds

        def leaf(value: Any, out: list[_Target]) -> None:
            out.append((value, kinds))

        return leaf
    origin = get_origin(annotation)
    if origin is Annotated:
        return _compile_targets(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _compile_targets(args[0]) if args else _no_targets
    if origin is list or origin is tuple:
        item = _compile_targets(get_args(annotation)[0])

        def sequence(value: Any, out: list[_Target]) -> None:
            for v in value:
                if v is not None:
                    item(v, out)

        return sequence
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = _compiled_targets(annotation)

        def model(value: Any, out: list[_Target]) -> None:
            _collect_targets(value, fields, out)

        return model
    return _no_targets


def _compiled_targets(
    cls: type[BaseModel],
) -> list[tuple[str, tuple[str, ...] | None, _CollectTargets]]:
    compiled = _TARGETS.get(cls)
    if compiled is None:
        compiled = [
            (name, kinds, _compile_targets(annotation))
            for (name, kinds, _), (_, annotation) in zip(
                _compiled(cls), _ref_fields(cls), strict=True
            )
        ]
        _TARGETS[cls] = compiled
    return compiled


def _collect_targets(
    value: Any,
    fields: list[tuple[str, tuple[str, ...] | None, _CollectTargets]],
    out: list[_Target],
) -> None:
    for name, kinds, walk in fields:
        v = getattr(value, name)
        if v is None:
            continue
        if kinds is not None:
            out.append((v, kinds))
        else:
            walk(v, out)


#: A walker of a nested reference field: appends (target id, kinds it may name) to a list.
TargetWalker = Callable[[Any, list[tuple[str, tuple[str, ...]]]], None]


def targets_plan(cls: type[BaseModel]) -> list[tuple[str, tuple[str, ...] | None, TargetWalker]]:
    """The reference fields of ``cls``, analysed once: (field name, the kinds it may name
    if it is a plain reference, else None, and a walker of its value appending (target
    id, kinds) as :func:`ref_targets` does). For a loop over thousands of elements."""
    return _compiled_targets(cls)


#: Reads one kind of target of a whole column of elements, from their fields (each
#: element's ``__dict__``: see :func:`targets_columns`): every id their field names (None
#: among them for an unset field, which names nothing).
ColumnReader = Callable[[Sequence[dict[str, Any]]], Iterable[Any]]
_COLUMNS: dict[type, list[tuple[str, tuple[tuple[str, ...], ColumnReader] | None]]] = {}


def targets_columns(
    cls: type[BaseModel],
) -> list[tuple[str, tuple[tuple[str, ...], ColumnReader] | None]]:
    """The reference fields of ``cls`` as column readers: per field, the kinds it may
    name and a function giving every target of that field for a list of the fields of
    ``cls``'s elements (each element's ``__dict__``, where a model keeps its fields' values
    by name), read in C (``itemgetter``, ``chain``: no Python call per element, and no
    pass through the model's attribute hook: a pydantic model's ``__getattr__`` makes
    every attribute read look its class up three times, ~4 times the cost of a dict's
    item); None for a field of another shape than a reference, a list of references or a
    list of models holding plain references (read it with :func:`targets_plan`'s walker).

    Examples
    --------
    >>> from designer.domain.elements import DatabaseCopy, MailboxDatabase
    >>> kinds, read = dict(targets_columns(MailboxDatabase))["copies"]
    >>> db = MailboxDatabase(id="db", name="DB1", copies=[DatabaseCopy(member="vm1")])
    >>> kinds, list(read([db.__dict__]))
    (('vm',), ['vm1'])
    """
    columns = _COLUMNS.get(cls)
    if columns is None:
        columns = _COLUMNS[cls] = [
            (name, _column_reader(name, kinds, annotation))
            for (name, kinds, _), (_, annotation) in zip(
                _compiled(cls), _ref_fields(cls), strict=True
            )
        ]
    return columns


def _column_reader(
    name: str, kinds: tuple[str, ...] | None, annotation: Any
) -> tuple[tuple[str, ...], ColumnReader] | None:
    read = itemgetter(name)
    if kinds is not None:
        return kinds, partial(map, read)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (Union, types.UnionType) and len(args) == 1:
        annotation = args[0]  # an optional list: ``filter`` below drops its None
    if get_origin(annotation) is not list:
        return None
    (item,) = get_args(annotation)
    ref = _ref_of(item)
    if ref is not None:

        def listed(group: Sequence[dict[str, Any]]) -> Iterable[Any]:
            return chain.from_iterable(filter(None, map(read, group)))

        return ref.kinds, listed
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        return None
    inner = _compiled(item)
    if len(inner) != 1:
        return None
    (inner_name, inner_kinds, _) = inner[0]
    if inner_kinds is None:
        return None
    read_inner = attrgetter(inner_name)

    def nested(group: Sequence[dict[str, Any]]) -> Iterable[Any]:
        return map(read_inner, chain.from_iterable(filter(None, map(read, group))))

    return inner_kinds, nested


#: A reference's place in an element's JSON object: the keys from the element to it, "*"
#: for each item of a list (``("copies", "*", "member")``), and the kinds it may name.
RefPath = tuple[tuple[str, ...], tuple[str, ...]]


def ref_paths(cls: type[BaseModel]) -> list[RefPath] | None:
    """Where the references of ``cls``'s elements stand in their JSON objects, as
    :func:`targets_plan`'s walkers find them in the models: (the keys to each, "*" for
    a list's items; the kinds it may name). A key the object leaves out is the field's
    default, which names nothing (None, an empty list). None if a reference stands
    where a path cannot say it the same (a union of shapes, a field whose JSON key is
    not its name, a default that is not empty, a model with a field validator or a
    model validator run before its fields': one may change a value the JSON gave):
    then no path may stand for the models.

    Examples
    --------
    >>> from designer.domain.elements import MailboxDatabase
    >>> ref_paths(MailboxDatabase)
    [(('dag',), ('dag',)), (('copies', '*', 'member'), ('vm',)), (('user_site',), ('site',))]
    """
    out: list[RefPath] = []
    return out if _model_paths(cls, (), out) else None


def _model_paths(cls: type[BaseModel], prefix: tuple[str, ...], out: list[RefPath]) -> bool:
    decorators = cls.__pydantic_decorators__
    if decorators.field_validators or any(
        found.info.mode != "after" for found in decorators.model_validators.values()
    ):
        return False  # a validator may make the model say other than its JSON object
    for name, annotation in _ref_fields(cls):
        field = cls.model_fields[name]
        if field.alias not in (None, name) or field.validation_alias not in (None, name):
            return False
        if not field.is_required():
            factory = field.default_factory
            empty = field.default is None if factory is None else factory in (list, tuple)
            if not empty:
                return False
        if not _annotation_paths(annotation, (*prefix, name), out):
            return False
    return True


def _annotation_paths(annotation: Any, prefix: tuple[str, ...], out: list[RefPath]) -> bool:
    ref = _ref_of(annotation)
    if ref is not None:
        out.append((prefix, ref.kinds))
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _annotation_paths(get_args(annotation)[0], prefix, out)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _annotation_paths(args[0], prefix, out)
        return not any(_contains_ref(a) for a in args)
    if origin is list or origin is tuple:
        args = list(get_args(annotation))
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return not any(_contains_ref(a) for a in args)
        return _annotation_paths(args[0], (*prefix, "*"), out)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_paths(annotation, prefix, out)
    return not _contains_ref(annotation)


def ref_targets(element: BaseModel) -> list[tuple[str, tuple[str, ...]]]:
    """The ids an element references and the kinds each may name, like :func:`iter_refs`
    without the paths (half the cost: a path is only needed to report a broken one).

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> ref_targets(EsxiHost(id="h1", name="esx01", site="s1", cluster="c1"))
    [('s1', ('site',)), ('c1', ('vsphere_cluster',))]
    """
    out: list[_Target] = []
    _collect_targets(element, _compiled_targets(type(element)), out)
    return out


def ref_ids(element: BaseModel) -> list[str]:
    """The ids an element references, in :func:`iter_refs`'s order, nothing else: read
    from its fields as they are (its ``__dict__``) by each class's reference fields
    sorted once into shapes (an id, a list of ids, a list of models holding one id),
    the rest walked as :func:`ref_targets` walks it (the index drops a removed
    element's references by these: a site's 10,500 at 100k).

    Examples
    --------
    >>> from designer.domain.elements import DatabaseCopy, MailboxDatabase
    >>> ref_ids(MailboxDatabase(id="db", name="DB1", dag="d1", copies=[DatabaseCopy(member="v")]))
    ['d1', 'v']
    """
    reader = _ID_READERS.get(type(element))
    if reader is None:
        reader = _ID_READERS[type(element)] = _ids_reader(type(element))
    return reader(element)


_ID_READERS: dict[type, Callable[[Any], list[str]]] = {}


#: A reference field sorted into its shape, once per class: (name, shape, the inner
#: field of a listed model, the kinds its references may name, its walker with paths,
#: its walker of targets); the walkers are for the shape ``_WALKED`` (any other).
_Part = tuple[str, int, "str | None", "tuple[str, ...]", _Collect, _CollectTargets]
_SHAPES: dict[type, list[_Part]] = {}


def _shapes(cls: type[BaseModel]) -> list[_Part]:
    """``cls``'s reference fields by shape: an id (``_ONE``), a list of ids
    (``_LISTED``), a list of models holding one id (``_NESTED``), any other
    (``_WALKED``: walked as :func:`iter_refs` walked every field)."""
    parts = _SHAPES.get(cls)
    if parts is not None:
        return parts
    parts = []
    for (name, kinds, walk), (_, _, targets), (_, annotation) in zip(
        _compiled(cls), _compiled_targets(cls), _ref_fields(cls), strict=True
    ):
        if kinds is not None:
            parts.append((name, _ONE, None, kinds, walk, targets))
            continue
        shape = _bare(annotation)
        if get_origin(shape) in (Union, types.UnionType):
            args = [a for a in get_args(shape) if a is not type(None)]
            shape = _bare(args[0]) if len(args) == 1 else None
        if get_origin(shape) is list:
            (item,) = get_args(shape)
            ref = _ref_of(item)
            if ref is not None:
                parts.append((name, _LISTED, None, ref.kinds, walk, targets))
                continue
            if isinstance(item, type) and issubclass(item, BaseModel):
                inner = _compiled(item)
                if len(inner) == 1 and inner[0][1] is not None:
                    parts.append((name, _NESTED, inner[0][0], inner[0][1], walk, targets))
                    continue
        parts.append((name, _WALKED, None, (), walk, targets))
    _SHAPES[cls] = parts
    return parts


def _ids_reader(cls: type[BaseModel]) -> Callable[[Any], list[str]]:
    parts = _shapes(cls)

    def ids(element: Any) -> list[str]:
        fields = element.__dict__
        out: list[str] = []
        for name, shape, inner, _, _, targets in parts:
            value = fields[name]
            if value is None:
                continue
            if shape is _ONE:
                out.append(value)
            elif shape is _LISTED:
                out.extend(v for v in value if v is not None)
            elif shape is _NESTED:
                for item in value:
                    if item is not None:
                        target = item.__dict__[inner]
                        if target is not None:
                            out.append(target)
            else:
                found: list[_Target] = []
                targets(value, found)
                out.extend(target for target, _ in found)
        return out

    return ids


def _sites(element: Any, parts: list[_Part]) -> list[RefSite]:
    """The references of ``element`` in the fields ``parts`` (its class's shapes), as
    the generic walk finds them (same paths, same order), read from its ``__dict__``."""
    fields = element.__dict__
    out: list[RefSite] = []
    for name, shape, inner, kinds, walk, _ in parts:
        value = fields[name]
        if value is None:
            continue
        if shape is _ONE:
            out.append(RefSite(name, value, kinds))
        elif shape is _LISTED:
            for i, v in enumerate(value):
                if v is not None:
                    out.append(RefSite(f"{name}[{i}]", v, kinds))
        elif shape is _NESTED:
            for i, item in enumerate(value):
                if item is not None:
                    target = item.__dict__[inner]
                    if target is not None:
                        out.append(RefSite(f"{name}[{i}].{inner}", target, kinds))
        else:
            walk(value, name, out)
    return out


_ONE, _LISTED, _NESTED, _WALKED = 1, 2, 3, 4


def _bare(annotation: Any) -> Any:
    """``annotation`` without its ``Annotated`` wrappers."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def iter_refs(element: BaseModel) -> Iterator[RefSite]:
    """Every reference an element holds, with its path and the kinds it may name.

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> host = EsxiHost(id="h1", name="esx01", site="s1", cluster="c1")
    >>> [(r.path, r.target) for r in iter_refs(host)]
    [('site', 's1'), ('cluster', 'c1')]
    """
    return iter(_sites(element, _shapes(type(element))))


def iter_refs_in(element: BaseModel, fields: Container[str]) -> list[RefSite]:
    """The references :func:`iter_refs` finds in the element's ``fields`` only, in the
    same order (the Document checks only the fields an edit changed).

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> host = EsxiHost(id="h1", name="esx01", site="s1", cluster="c1")
    >>> [(r.path, r.target) for r in iter_refs_in(host, {"cluster"})]
    [('cluster', 'c1')]
    """
    parts = [part for part in _shapes(type(element)) if part[0] in fields]
    return _sites(element, parts) if parts else []


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def ref_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The names of ``cls``'s fields that hold references (directly or within).

    Examples
    --------
    >>> from designer.domain.elements import MailboxDatabase
    >>> ref_fields(MailboxDatabase)
    ('dag', 'copies', 'user_site')
    """
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(name for name, _ in _ref_fields(cls))
    return names


def remap_refs(element: BaseModel, mapping: dict[str, str]) -> dict[str, Any]:
    """The element's data with every reference found in ``mapping`` replaced."""

    data = element.model_dump(mode="json")

    def fix(value: Any, annotation: Any) -> Any:
        if value is None:
            return None
        if _ref_of(annotation) is not None:
            return mapping.get(value, value)
        origin = get_origin(annotation)
        if origin is Annotated:
            return fix(value, get_args(annotation)[0])
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            return fix(value, args[0]) if args else value
        if origin is list:
            (item_ann,) = get_args(annotation)
            return [fix(v, item_ann) for v in value]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            hints = dict(_ref_fields(annotation))
            return {k: fix(v, hints[k]) if k in hints else v for k, v in value.items()}
        return value

    for name, ann in _ref_fields(type(element)):
        data[name] = fix(data[name], ann)
    return data


class _Dead(Exception):
    """A required reference of the element :func:`drop_refs` fixes is doomed."""


def needs_any(element: BaseModel, doomed: Container[str]) -> bool:
    """Whether a required reference of ``element`` names one of ``doomed``: exactly
    when :func:`drop_refs` gives None (the element cannot stand without them), found
    without dumping it, by each class's required references worked out once (a site's
    removal at 100k asks ~30,000 times).

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> host = EsxiHost(id="h1", name="esx01", site="s1", cluster="c1")
    >>> needs_any(host, {"s1"}), needs_any(host, {"c1"})
    (True, False)
    """
    return _needs(type(element))(element, doomed)


_Needs = Callable[[Any, Container[str]], bool]
#: Per class: :func:`needs_any` of its instances.
_NEEDS: dict[type, _Needs] = {}


def _needs(cls: type[BaseModel]) -> _Needs:
    needs = _NEEDS.get(cls)
    if needs is None:
        needs = _NEEDS[cls] = _needs_of_fields(cls)
    return needs


def _needs_of_fields(cls: type[BaseModel]) -> _Needs:
    """:func:`needs_any` of a model: its fields that hold a required reference (as
    :func:`drop_refs` reads them: not within a list, not optional; a nested model's, as
    its own), each asked of the value it holds."""
    fields = [(name, need) for name, ann in _ref_fields(cls) if (need := _need(ann, False))]

    def needs(value: Any, doomed: Container[str]) -> bool:
        for name, need in fields:
            held = getattr(value, name)
            if held is not None and need(held, doomed):
                return True
        return False

    return needs


def _need(annotation: Any, optional: bool) -> _Needs | None:
    """Whether a value of ``annotation`` needs one of the doomed (None: it never does)."""
    if _ref_of(annotation) is not None:
        return None if optional else _is_doomed
    origin = get_origin(annotation)
    if origin is Annotated:
        return _need(get_args(annotation)[0], optional)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _need(args[0], optional or len(args) < len(get_args(annotation)))
    if origin is list:
        return None  # an item that needs a doomed one goes alone
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _needs(annotation)
    return None


def _is_doomed(value: Any, doomed: Container[str]) -> bool:
    return value in doomed


def drop_refs(element: BaseModel, doomed: Container[str]) -> dict[str, Any] | None:
    """The element's data without its references to ``doomed`` ids.

    Lists lose the item (a database copy on a removed member goes with it), optional
    references become None; if a required reference is doomed, the element cannot stand
    alone and ``None`` is returned (it must be removed too).

    The data is the element's fields by name, ready for ``model_validate``: a field
    that names none of the doomed is the element's own value (a nested model as it
    is: pydantic takes an instance of the field's class without validating it again),
    one that does is made again (a nested model that changed as its data). Read by
    each class's reference fields worked out once, without dumping the element (a
    site's removal at 100k fixes ~4,000 survivors: dumping each and walking its
    annotations again cost more than validating the result).

    Examples
    --------
    >>> from designer.domain.elements import Dag, EsxiHost
    >>> dag = Dag(id="d", name="DAG-1", members=["v1", "v2"])
    >>> drop_refs(dag, {"v1"})["members"], drop_refs(dag, {"v1"})["name"]
    (['v2'], 'DAG-1')
    >>> drop_refs(EsxiHost(id="h1", name="esx01", site="s1"), {"s1"}) is None
    True
    """
    fields = element.__dict__
    try:
        changed = _dropper_of_model(type(element))(fields, doomed)
    except _Dead:
        return None
    data = dict(fields)
    if changed:
        data.update(changed)
    return data


#: Gives the new value of a field's value without the doomed ids, the same object
#: when it names none of them; raises :class:`_Dead` when a required one is doomed.
_Drop = Callable[[Any, Container[str]], Any]
#: Per class: the fields of one of its instances (its ``__dict__``) → the changed ones.
_ModelDrop = Callable[[dict[str, Any], Container[str]], dict[str, Any]]
_DROPPERS: dict[type, _ModelDrop] = {}


def _dropper_of_model(cls: type[BaseModel]) -> _ModelDrop:
    dropper = _DROPPERS.get(cls)
    if dropper is None:
        fields = [
            (name, drop)
            for name, annotation in _ref_fields(cls)
            if (drop := _dropper(annotation, False)) is not None
        ]

        def dropper(values: dict[str, Any], doomed: Container[str]) -> dict[str, Any]:
            changed: dict[str, Any] = {}
            for name, drop in fields:
                held = values[name]
                if held is not None:
                    new = drop(held, doomed)
                    if new is not held:
                        changed[name] = new
            return changed

        _DROPPERS[cls] = dropper
    return dropper


def _dropper(annotation: Any, optional: bool) -> _Drop | None:
    """How a value of ``annotation`` loses the doomed ids (None: it holds no reference
    it could lose), as the generic walk of the element's dump did: a reference, an
    optional one, a list (an item that needs a doomed one goes), a nested model."""
    if _ref_of(annotation) is not None:
        return _drop_optional if optional else _drop_required
    origin = get_origin(annotation)
    if origin is Annotated:
        return _dropper(get_args(annotation)[0], optional)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if not args:
            return None
        return _dropper(args[0], optional or len(args) < len(get_args(annotation)))
    if origin is list:
        (item_annotation,) = get_args(annotation)
        item = _dropper(item_annotation, False)
        if item is None:
            return None
        return partial(_drop_items, item)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not _ref_fields(annotation):
            return None
        return partial(_drop_in_model, _dropper_of_model(annotation))
    return None


def _drop_required(value: Any, doomed: Container[str]) -> Any:
    if value in doomed:
        raise _Dead
    return value


def _drop_optional(value: Any, doomed: Container[str]) -> Any:
    return None if value in doomed else value


def _drop_items(item: _Drop, value: Any, doomed: Container[str]) -> Any:
    kept: list[Any] = []
    changed = False
    for held in value:
        if held is None:
            kept.append(None)
            continue
        try:
            new = item(held, doomed)
        except _Dead:
            changed = True
            continue
        changed = changed or new is not held
        kept.append(new)
    return kept if changed else value


def _drop_in_model(dropper: _ModelDrop, value: Any, doomed: Container[str]) -> Any:
    fields = value.__dict__
    changed = dropper(fields, doomed)
    return {**fields, **changed} if changed else value
