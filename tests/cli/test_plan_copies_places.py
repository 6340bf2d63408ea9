"""``dr-designer plan-copies FILE --dag NAME --databases N -o OUT`` draws the databases
it adds (wave 17 leftover: OUT held them with no layout entries, so a canvas opening it
put them wherever it could, over the DAG box's edge). The console entry now applies the
plan as the window's Apply does (one command for both): each new database in a free row
of its DAG's box, under the others and as wide, the box grown round them and the backup
box under it pushed clear."""

from __future__ import annotations

import json
from pathlib import Path

from designer.document.templates import template
from designer.entry import main
from designer.persistence import save

Box = tuple[float, float, float, float]


def _box(entry: dict[str, float]) -> Box:
    return (entry["x"], entry["y"], entry["w"], entry["h"])


def _inside(inner: Box, outer: Box) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_plan_copies_draws_the_new_databases_in_their_dag_box(tmp_path: Path) -> None:
    before, out = tmp_path / "two-site.drd.json", tmp_path / "planned.drd.json"
    save(template("two_site_dag"), before)
    old = json.loads(before.read_text())["design"]["layout"]
    args = ["plan-copies", str(before), "--dag", "DAG01", "--databases", "4", "-o", str(out)]
    assert main(args) == 0
    design = json.loads(out.read_text())["design"]
    names = {e["id"]: e["name"] for e in design["elements"]}
    dbs = [e["id"] for e in design["elements"] if e["kind"] == "mailbox_database"]
    new = [k for k in dbs if k not in old]
    assert [names[k] for k in new] == ["DB03", "DB04"]
    layout = design["layout"]
    assert all(k in layout for k in new), "the new databases have their places"
    dag = _box(layout["dag-1"])
    rows = [_box(layout[k]) for k in dbs]
    assert all(_inside(r, dag) for r in rows), (rows, dag)
    assert not any(_overlap(a, b) for i, a in enumerate(rows) for b in rows[i + 1 :])
    # In the column of the others, as wide, each under the one before.
    assert {r[0] for r in rows} == {old["db-01"]["x"]}
    assert {r[2] for r in rows} == {old["db-01"]["w"]}
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    # The box grew round them; the backup box under it was pushed clear of it.
    assert dag[3] > old["dag-1"]["h"]
    backup = _box(layout["backup-1"])
    assert not _overlap(backup, dag) and backup[1] > old["backup-1"]["y"]
