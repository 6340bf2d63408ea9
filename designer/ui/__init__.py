"""The Qt user interface: the only package that imports PySide6 or pyqtgraph."""

# The domain's models are declared with ``defer_build`` (a short command such as
# ``check`` builds none of them: designer/persistence/schema_cache.py). The window
# builds and edits them from its first turns (an edit validates an element, the
# recovery journal serialises the design), so it builds them all here, before any
# window exists, as importing the domain did before (issue 10, cold ``check``).
# With the cyclic collector paused, and what they made frozen after (long-lived: the
# domain's modules and models): importing the domain and building its models made ~50
# collections (~10 ms CPU of a window's start) that freed a thousand objects.
from designer.collector import collector_paused as _collector_paused

with _collector_paused(freeze=True):
    from designer.domain import build_models as _build_models

    _build_models()
