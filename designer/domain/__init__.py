"""Pure domain model of a disaster-recovery design (no Qt, no networkx)."""

# ruff: noqa: E402  (the modules are imported after pydantic's fields: see below)

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import BaseModel


class _OnFirstUse(ModuleType):
    """What pydantic's modules get for an ``import`` of a module they use only later:
    the module itself, imported when one of its names is first read (``secrets``:
    ``secrets.compare_digest``, in the equality of pydantic's ``Secret`` types, which
    the designer does not use)."""

    def __getattr__(self, name: str) -> object:
        if name == "__path__":  # `from module import name` asks: a module, not a package
            raise AttributeError(name)
        import importlib

        if sys.modules.get(self.__name__) is self:  # read while pydantic is imported
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


class _PlatformOnFirstUse(_OnFirstUse):
    """``platform`` for ``uuid`` (which ``pydantic.types`` imports for its ``UUID``):
    on Linux and the other POSIX systems but macOS, ``uuid`` imports ``platform`` to ask
    once whether the system is AIX or Linux. ``platform`` compiles a dozen regular
    expressions at its import (~8 M instructions, ~1.4 % of ``check``: wave 22,
    ``cold22``) that nothing in a ``check`` uses; this answers that one question from
    :func:`os.uname` (what ``platform.system()`` gives for either: the system's name),
    and anything else from ``platform`` itself."""

    def system(self) -> str:
        if not hasattr(os, "uname"):  # pragma: no cover - POSIX has it (uuid asks there)
            system: Callable[[], str] = self.__getattr__("system")  # type: ignore[assignment]
            return system()
        return os.uname().sysname


class _TextwrapOnFirstUse(_OnFirstUse):
    """``textwrap`` for pydantic's modules: ``typing_inspection`` dedents the text of
    each of ~30 generated functions at its import (from the code cache of the command
    under way: :func:`designer.codecache.dedented`) and ``pydantic``'s docstring
    extraction, which the domain's models do not ask for, uses it. ``textwrap``
    compiles half a dozen regular expressions at its import (~5 M instructions, ~0.8 %
    of ``check``: wave 23, ``cold23``); any other name imports it."""

    def dedent(self, text: str) -> str:
        codecache = sys.modules.get("designer.codecache")
        if codecache is None:  # not imported: no command's code cache under way
            return self._textwrap_dedent()(text)
        dedented: Callable[[str, Callable[[], Callable[[str], str]]], str]
        dedented = codecache.dedented
        return dedented(text, self._textwrap_dedent)

    def _textwrap_dedent(self) -> Callable[[str], str]:
        """``textwrap``'s own ``dedent`` (``textwrap`` imported now)."""
        dedent: Callable[[str], str] = self.__getattr__("dedent")  # type: ignore[assignment]
        return dedent


def _import_pydantic_fields() -> None:
    """Import ``pydantic.fields`` (every model class needs it) without ``secrets``,
    ``platform`` or ``textwrap``.

    ``pydantic.fields`` imports ``pydantic.types``, which imports ``secrets`` for
    ``compare_digest`` alone, and with it ``hmac``, ``hashlib`` (OpenSSL's start) and
    ``random``: ~4 ms of a small ``check``, which uses none of them (the design file's
    schema cache hashes with BLAKE2b, the file's digest is made only for the window);
    ``uuid``, which imports ``platform`` (see :class:`_PlatformOnFirstUse`); and
    ``textwrap`` (see :class:`_TextwrapOnFirstUse`). While
    pydantic's modules are imported, each of them not yet imported is a stand-in
    (:class:`_OnFirstUse`); then it leaves :data:`sys.modules`, so any later ``import``
    of it is the module itself. Nothing changes if ``pydantic.fields`` is already
    imported."""
    if "pydantic.fields" in sys.modules:
        return
    stand_ins = {
        name: kind(name)
        for name, kind in (
            ("secrets", _OnFirstUse),
            ("platform", _PlatformOnFirstUse),
            ("textwrap", _TextwrapOnFirstUse),
        )
        if name not in sys.modules
    }
    sys.modules.update(stand_ins)
    try:
        import pydantic.fields  # noqa: F401
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_pydantic_fields()

from designer.domain.design import (
    Design,
    DesignIntent,
    ExpectedOutcome,
    LayoutEntry,
    RuleLevel,
    RuleSettings,
    RuleSeverity,
    SavedScenario,
    ScenarioStep,
    Severity,
    Waiver,
)
from designer.domain.elements import *  # noqa: F403
from designer.domain.elements import __all__ as _elements_all
from designer.domain.enums import *  # noqa: F403
from designer.domain.enums import __all__ as _enums_all
from designer.domain.errors import DesignError, StructuralError
from designer.domain.index import DesignIndex, UnknownElementError
from designer.domain.refs import Ref, iter_refs, remap_refs
from designer.domain.reliability import KindFigures, ReliabilitySettings
from designer.domain.structure import check_structure, structural_errors
from designer.domain.workload import CapacitySettings, MailboxProfile

__all__ = [
    "CapacitySettings",
    "build_models",
    "models_to_build",
    "Design",
    "DesignError",
    "DesignIndex",
    "DesignIntent",
    "ExpectedOutcome",
    "KindFigures",
    "LayoutEntry",
    "MailboxProfile",
    "Ref",
    "ReliabilitySettings",
    "RuleLevel",
    "RuleSettings",
    "RuleSeverity",
    "SavedScenario",
    "ScenarioStep",
    "Severity",
    "StructuralError",
    "UnknownElementError",
    "Waiver",
    "check_structure",
    "iter_refs",
    "remap_refs",
    "structural_errors",
    *_elements_all,
    *_enums_all,
]


def build_models() -> None:
    """Build every model of the domain now (they are declared with ``defer_build``, so
    each is otherwise built the first time it validates or serialises). Leaves first,
    so each containing model reuses what is built."""
    for model in models_to_build():
        model.model_rebuild()


def models_to_build() -> list[type[BaseModel]]:
    """The domain's models not built yet, leaves first: what :func:`build_models`
    builds. The window builds them one at a time in idle slices after its first frame
    (``designer.ui.main_window``), so no edit pays for a model's first build."""
    from pydantic import BaseModel as Model

    from designer.domain import design, elements, reliability, workload

    return [
        value
        for module in (workload, reliability, elements, design)
        for value in list(vars(module).values())
        if isinstance(value, type)
        and issubclass(value, Model)
        and value.__module__ == module.__name__
        and not value.__pydantic_complete__
    ]
