"""The Qt user interface: the only package that imports PySide6 or pyqtgraph."""

# PySide6 replaces the interpreter's ``__import__`` when QtCore is first imported, for
# its opt-in ``from __feature__ import snake_case, true_property``: every import
# statement after that goes through a Python function, and every module an import
# statement returns for the first time has its whole source read (``inspect.getsource``)
# to note whether it mentions "PySide6" (shibokensupport/feature.py, PYSIDE-1019 and
# PYSIDE-2029): 28-49 ms of a window's start before its first frame (issue 10). The
# designer selects no feature in any module, so every module's selection is PySide's
# default and the notes change nothing; the interpreter's own ``__import__`` is put
# back, the state PySide itself runs in where it does not install the hook (PyPy). A
# ``from __feature__ import ...`` would then select nothing: none is used here.
# ruff: noqa: E402  (the hook is taken out before anything else is imported)
import builtins as _builtins


def _without_pyside_import_hook() -> None:
    """Put the interpreter's ``__import__`` back if PySide's hook replaced it."""
    original = getattr(_builtins, "__orig_import__", None)
    hook = getattr(_builtins, "__feature_import__", None)
    if original is not None and hook is not None and _builtins.__import__ is hook:
        _builtins.__import__ = original


import PySide6.QtCore as _QtCore  # noqa: F401  # PySide's hook is installed by this import

_without_pyside_import_hook()

from designer.collector import collector_paused as _collector_paused

# The domain's models are declared with ``defer_build`` (a short command such as
# ``check`` builds none of them: designer/persistence/schema_cache.py). The window
# builds them after its first frame, in idle slices (``MainWindow``'s
# ``_build_models_in_slices``): the first frame needs none (the loader validates with
# the schema cache's validator, the empty design before it is made without validation),
# and a model used before its slice is built by pydantic on first use, as always.
# Imported with the cyclic collector paused, and what it made frozen after (long-lived:
# the domain's modules and classes): importing the domain made dozens of collections
# that freed nothing.
with _collector_paused(freeze=True):
    from designer import domain as _domain  # noqa: F401
