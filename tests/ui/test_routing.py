"""Line routing is pure geometry (no QApplication, no scene)."""

from __future__ import annotations

from designer.ui.canvas.routing import clip_to_rect, crosses, mirror_route, straight, wan_route


def test_straight_lines_run_border_to_border_and_nested_boxes_drop_down() -> None:
    assert straight((0, 0, 100, 100), (300, 0, 100, 100)) == [(100.0, 50.0), (300.0, 50.0)]
    assert straight((40, 40, 10, 10), (0, 0, 200, 200)) == [(45.0, 45.0), (100.0, 0)]
    assert clip_to_rect((50, 50), (50, 500), (0, 0, 100, 100)) == (50.0, 100.0)


def test_a_wan_link_bows_around_a_site_in_the_way_and_carriers_spread() -> None:
    a, b, middle = (0, 0, 200, 200), (600, 0, 200, 200), (300, 0, 200, 200)
    route = wan_route(a, b, [middle])
    assert len(route) == 4
    assert route[1][1] == route[2][1] < 0  # above everything, clear of the middle site
    assert not crosses(route[1], route[2], middle)
    one, two = wan_route(a, b, [], 0, 2), wan_route(a, b, [], 1, 2)
    assert one[0][1] != two[0][1] and abs(one[0][1] - two[0][1]) == 14.0
    assert wan_route(a, b, [(300, 500, 100, 100)]) == [(200.0, 100.0), (600.0, 100.0)]


def test_a_mirror_leaves_its_row_sideways_and_dips_under_rows_in_the_way() -> None:
    box_a, box_b = (0, 0, 400, 200), (600, 0, 200, 200)
    row_a, row_b = (8, 40, 160, 24), (608, 40, 160, 24)
    blocking = (180, 30, 160, 40)  # a LUN column to the right of row_a
    points, curve = mirror_route(row_a, row_b, box_a, box_b, [blocking], [])
    assert points[0] == (168, 52.0) and points[-1] == (608, 52.0)
    assert curve == 3 and points[2][1] > 64  # runs in the gap under its row
    plain, none = mirror_route(row_a, row_b, box_a, box_b, [], [])
    assert len(plain) == 4 and none == 1
    stacked, no_curve = mirror_route(row_a, (8, 300, 160, 24), box_a, (0, 260, 400, 200), [], [])
    assert no_curve is None and len(stacked) == 2
