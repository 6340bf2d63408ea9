"""``python -m designer``: the same as the ``dr-designer`` command."""

from __future__ import annotations

from designer.entry import main

# Guarded: the processes multiprocessing spawns (the availability Monte Carlo) import
# the parent's main module under another name, and must not start the command again.
if __name__ == "__main__":
    raise SystemExit(main())
