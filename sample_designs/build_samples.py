"""Write the sample designs, one per reference figure of DOMAIN.md §5.

Run from the repository root (``.venv/bin/python sample_designs/build_samples.py``);
each design is written through :func:`designer.persistence.save`, so the committed JSON
files are canonical and ``tests/test_sample_designs.py`` can compare them byte for byte
with what this script produces. ``--check`` writes nothing and exits 1 if a file is
out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _designs_000_local import (  # noqa: E402
    backup_options,
    cas_array_edge,
    dag_with_ha,
    standalone_vm_ha,
)
from _designs_000_remote import (  # noqa: E402
    srm_dag_recovery,
    stretched_dag_lagged,
    three_site_stretched_dag,
)
from _designs_001_002 import (  # noqa: E402
    bidirectional_mirroring,
    cx4_srm_mirrorview_s,
    disk_placements,
)
from _designs_003_004 import double_take, exchange2007_lcr_ccr_scr  # noqa: E402
from _kit import DRAWABLE_KINDS  # noqa: E402

from designer.domain import Design  # noqa: E402
from designer.persistence import dumps, save  # noqa: E402

__all__ = ["DEFAULT_SAMPLE", "DRAWABLE_KINDS", "SAMPLES", "build_all", "main"]

#: File name → builder, in DOMAIN.md §5 order.
SAMPLES: dict[str, Callable[[], Design]] = {
    "standalone_vm_ha.json": standalone_vm_ha,
    "cas_array_edge.json": cas_array_edge,
    "dag_with_ha.json": dag_with_ha,
    "srm_dag_recovery.json": srm_dag_recovery,
    "stretched_dag_lagged.json": stretched_dag_lagged,
    "three_site_stretched_dag.json": three_site_stretched_dag,
    "backup_options.json": backup_options,
    "disk_placements.json": disk_placements,
    "cx4_srm_mirrorview_s.json": cx4_srm_mirrorview_s,
    "bidirectional_mirroring.json": bidirectional_mirroring,
    "double_take.json": double_take,
    "exchange2007_lcr_ccr_scr.json": exchange2007_lcr_ccr_scr,
}

#: The design the application opens when started without a file.
DEFAULT_SAMPLE = "three_site_stretched_dag.json"


def build_all() -> dict[str, Design]:
    return {name: builder() for name, builder in SAMPLES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to")
    args = parser.parse_args(argv)
    stale = []
    for name, design in build_all().items():
        path = args.out / name
        text = dumps(design)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            save(design, path)
    for name in stale:
        print(("stale: " if args.check else "wrote: ") + name)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
