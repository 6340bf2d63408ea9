"""The configuration every pydantic model of the design file is declared with.

:func:`model_options` is ``ConfigDict(**options)`` with the settings pydantic reads for
every field while it makes a model class stated at their defaults: ``ConfigWrapper``
answers a setting the dict does not hold by catching a ``KeyError`` and looking in its
defaults, and a class's fields ask three of them each (``protected_namespaces``,
``field_title_generator``, ``alias_generator``), the class two more — ~1,000 exceptions
when the domain's ~40 models are made, at every start of every command (issue 10,
``check``'s cold start: wave 22, ``cold22``). ``protected_namespaces=()`` also skips the
check of every field's name against pydantic's ``model_`` prefixes (no field of the
format starts with ``model_``; the models' own methods are unchanged). None of these
settings reaches the validators or the JSON schema: the same models, the same files.
"""

from typing import TYPE_CHECKING

from pydantic import ConfigDict

if TYPE_CHECKING:
    from typing_extensions import Unpack  # pydantic's dependency

__all__ = ["model_options"]


def model_options(**options: "Unpack[ConfigDict]") -> ConfigDict:
    """``ConfigDict(**options)`` with the per-field settings pydantic asks for stated
    at their defaults (see the module's text)."""
    return ConfigDict(
        protected_namespaces=(),
        field_title_generator=None,
        alias_generator=None,
        ignored_types=(),
        use_attribute_docstrings=False,
        **options,
    )
