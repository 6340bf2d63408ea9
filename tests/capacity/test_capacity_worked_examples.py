"""Worked examples by hand, from Microsoft's published tables and from 002.

Each test states the arithmetic the figure must reproduce, so a reader can check it
with a pencil; none of the expected numbers comes from running the code.
"""

from __future__ import annotations

import math

import pytest
from cap_designs import stretched

from designer.capacity import capacity
from designer.catalog import capacity as capacity_catalog
from designer.domain import CapacitySettings, MailboxProfile, MirrorMode
from designer.workload import Workload, figures_for

MIB = 1_048_576


def test_catalog_names_its_sources_and_quotes_them() -> None:
    cat = capacity_catalog()
    logs = cat["transaction_logs"]
    assert "Understanding Mailbox Database and Log Capacity Factors" in logs["source"]
    assert "a 150 message profile with a 75KB average message size generates 30" in logs["quote"]
    assert [150, 30] in logs["logs_per_mailbox_per_day"]
    assert "factor of 1.9" in cat["message_size"]["quote"]
    assert "15 percent" in cat["cpu"]["quote_passive"]
    for key in ("peak_factor", "log_shipping"):
        assert cat[key]["source"].startswith("assumption"), key


def test_published_profile_gives_thirty_logs_a_day() -> None:
    """Microsoft: 150 messages a day at 75 KB → 30 logs per mailbox per day; 150 KB
    messages log 1.9 times as much (57); 300 KB twice that again (114)."""
    f = figures_for(CapacitySettings())
    assert f.logs_per_mailbox_per_day(MailboxProfile(messages_per_day=150)) == 30.0
    assert f.logs_per_mailbox_per_day(MailboxProfile(messages_per_day=100)) == 20.0
    big = MailboxProfile(messages_per_day=150, average_message_kb=150)
    assert f.logs_per_mailbox_per_day(big) == pytest.approx(57.0)
    huge = MailboxProfile(messages_per_day=150, average_message_kb=300)
    assert f.logs_per_mailbox_per_day(huge) == pytest.approx(114.0)


def test_profile_to_logs_to_mbps_per_copy() -> None:
    """2,000 mailboxes × 30 logs/day × 1 MiB = 62.914560 GB of logs a day;
    × 8 / 86,400 s = 5.825 Mbit/s on average; the busiest hour (factor 3, the catalog's
    assumption) 17.476 Mbit/s. Each passive copy in the other site receives that."""
    design = stretched(databases=1, mailboxes=2000, copies=("bos", "wor"))
    load = Workload(design).database("db1")
    assert load.logs_per_day == pytest.approx(60_000)
    assert load.log_gb_per_day == pytest.approx(2000 * 30 * MIB / 1e9)  # 62.91456
    average = 2000 * 30 * MIB * 8 / 86_400 / 1e6
    assert load.log_mbps == pytest.approx(average)  # 5.825
    assert round(average, 3) == 5.825
    report = capacity(design, modes="normal")
    link = report.link("BOS-WOR")
    assert link.normal.a_to_b.mbps == pytest.approx(average * 3)  # 17.476
    assert link.normal.b_to_a.mbps == 0.0
    streams = link.streams("a_to_b")
    assert [(s["kind"], s["count"]) for s in streams] == [("dag_log_shipping", 1)]


def test_two_copies_across_the_link_carry_twice_the_logs() -> None:
    """Four databases, copies BOS, WOR, BOS, WOR: each database ships to one copy in
    the other site; with 2 WOR copies per database (BOS, WOR, WOR) twice that."""
    one = capacity(stretched(databases=4, copies=("bos", "wor")), modes="normal")
    two = capacity(stretched(databases=4, copies=("bos", "wor", "wor")), modes="normal")
    per_copy = 2000 * 30 * MIB * 8 / 86_400 / 1e6 * 3
    assert one.link("BOS-WOR").normal.a_to_b.mbps == pytest.approx(4 * per_copy)
    assert two.link("BOS-WOR").normal.a_to_b.mbps == pytest.approx(8 * per_copy)


def test_compression_and_peak_factor_are_the_designs_to_set() -> None:
    settings = CapacitySettings(peak_factor=2.0, log_shipping_compression_pct=30.0)
    design = stretched(databases=1, copies=("bos", "wor"), settings=settings)
    report = capacity(design, modes="normal")
    average = 2000 * 30 * MIB * 8 / 86_400 / 1e6
    assert report.link("BOS-WOR").normal.a_to_b.mbps == pytest.approx(average * 2.0 * 0.7)
    assert not any("peak_factor" in a or "compression" in a for a in report.assumptions)
    default = capacity(stretched(), modes="normal")
    assert any(a.startswith("peak_factor: ") for a in default.assumptions)
    notes = default.notes()
    assert any(n.startswith("assumption: peak factor: ") for n in notes)
    assert not any("peak_factor" in n for n in notes), "the figure's name in words"
    assert not any(n.count("assumption") > 1 for n in notes), "said once per note"


def _mirror_design(bandwidth: float, *, dag: bool) -> object:
    """MirrorView/A with a 30-minute update interval and 10 GB/h of changes (5 GB per
    update) over BOS-WOR; with ``dag``, 10,000 mailboxes of 150 messages (peak factor
    1) ship their logs to Worcester over the same link."""
    return stretched(
        databases=1,
        mailboxes=10_000 if dag else 1,
        copies=("bos", "wor"),
        profile=MailboxProfile(messages_per_day=150 if dag else 0, average_message_kb=75),
        bandwidth_mbps=bandwidth,
        settings=CapacitySettings(peak_factor=1.0),
        mirror_rate_gb_per_hour=10.0,
        mirror_interval_min=30.0,
    )


def test_002_forty_five_minutes_falls_out_of_the_link_share() -> None:
    """002: 'if you set MirrorView/A to perform updates once every 30 minutes, and the
    changes take 15 minutes to replicate, the RPO will be 45 minutes'.

    DAG log shipping of 10,000 × 30 logs × 1 MiB a day needs 29.127 Mbit/s; a link of
    29.127 + 44.444 Mbit/s leaves MirrorView/A 44.444 Mbit/s (= 400/9); one update of
    5 GB = 40,000 Mbit then takes 900 s = 15 min, so the RPO is 30 + 15 = 45 min."""
    dag = 10_000 * 30 * MIB * 8 / 86_400 / 1e6
    assert round(dag, 3) == 29.127
    report = capacity(_mirror_design(dag + 400 / 9, dag=True), modes="normal")
    (mirror,) = report.mirrors
    assert mirror.normal_rpo_s is not None
    assert mirror.normal_rpo_s / 60 == pytest.approx(45.0)
    # Not a typed figure: the same link without the log shipping gives the mirror the
    # whole 73.571 Mbit/s: 40,000 / 73.571 = 543.7 s, an RPO of 39.06 min.
    alone = capacity(_mirror_design(dag + 400 / 9, dag=False), modes="normal")
    assert alone.mirrors[0].normal_rpo_s / 60 == pytest.approx(30 + 40_000 / (dag + 400 / 9) / 60)


def test_a_link_the_steady_streams_fill_never_delivers_an_update() -> None:
    dag = 10_000 * 30 * MIB * 8 / 86_400 / 1e6
    report = capacity(_mirror_design(dag * 0.9, dag=True), modes="normal")
    assert math.isinf(report.mirrors[0].normal_rpo_s)
    link = report.link("BOS-WOR")
    logs, behind = link.normal.a_to_b.copy_queue(MIB)
    # The copies get 90 % of their busiest hour: 10 % of an hour's logs queue (6 min).
    assert behind == pytest.approx(360.0)
    assert logs == pytest.approx(10_000 * 30 / 24 * 0.1)


def test_mirrorview_s_carries_the_busiest_hour() -> None:
    design = stretched(
        databases=1,
        copies=("bos",),
        mirror_rate_gb_per_hour=9.0,
        mirror_mode=MirrorMode.SYNC,
        settings=CapacitySettings(peak_factor=2.0),
    )
    report = capacity(design, modes="normal")
    # 9 GB/h = 20 Mbit/s on average; the busiest hour twice that.
    assert report.link("BOS-WOR").normal.a_to_b.by_kind == {"mirrorview_s": pytest.approx(40.0)}
