"""``python -m designer``: the same as the ``dr-designer`` command."""

from __future__ import annotations

from designer.entry import main

raise SystemExit(main())
