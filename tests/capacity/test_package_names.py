"""``designer.capacity`` gives every name it lists; the copy-layout planner's are
imported when first asked for, so sizing (``check``'s CAP rules) does not import it."""

from __future__ import annotations

import subprocess
import sys

import designer.capacity


def test_every_listed_name_is_there_and_the_planners_are_the_layout_modules() -> None:
    from designer.capacity import layout

    for name in designer.capacity.__all__:
        value = getattr(designer.capacity, name)
        if name in ("CopyLayout", "LayoutError", "plan_copies", "spread"):
            assert value is getattr(layout, name)
    try:
        designer.capacity.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name was given")


def test_sizing_does_not_import_the_planner() -> None:
    code = (
        "import sys; import designer.capacity.shared; "
        "before = 'designer.capacity.layout' in sys.modules; "
        "from designer.capacity import plan_copies; "
        "print(before, 'designer.capacity.layout' in sys.modules, plan_copies.__name__)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["False", "True", "plan_copies"], run.stderr
