"""MV001–MV009 on small variants of the 002 Fig. 1 fixture (tests/rules/_srm_fixtures.py)."""

from __future__ import annotations

from _srm_fixtures import SrmFixture, findings

from designer.catalog import clariion
from designer.domain import (
    ArrayModel,
    ConsistencyGroup,
    Lun,
    Mirror,
    MirrorMode,
    Protocol,
    RecoveryPolicy,
    Severity,
    StorageArray,
)

MV_CODES = [f"MV{n:03d}" for n in range(1, 10)]


def test_baseline_fixture_is_clean() -> None:
    fixture = SrmFixture()
    for code in MV_CODES:
        assert findings(fixture, code) == [], code


def _models(fixture: SrmFixture, model: ArrayModel, **fields: object) -> SrmFixture:
    for array in ("arr-bos", "arr-dr"):
        fixture.set(array, model=model, **fields)
    return fixture


# -- MV001 --------------------------------------------------------------------------
def _async_cg(mirrors: int, *, target_model: ArrayModel = ArrayModel.CX4_120) -> SrmFixture:
    fixture = SrmFixture().set("arr-dr", model=target_model)
    fixture.add(ConsistencyGroup(id="cg2", name="CG-2", mode=MirrorMode.ASYNC))
    for n in range(mirrors):
        fixture.mirrored_lun(f"a{n}", mode="async", cg="cg2")
    return fixture


def test_mv001_triggers() -> None:
    (finding,) = findings(_async_cg(9), "MV001")
    assert finding.severity is Severity.ERROR
    assert (
        finding.message == "consistency group CG-2 holds 9 mirrors; CX4-120 MirrorView/A allows 8"
    )
    assert set(finding.elements) == {"cg2", "arr-bos"}


def test_mv001_triggers_on_the_tighter_array() -> None:
    fixture = _async_cg(9).set("arr-bos", model=ArrayModel.CX4_480)
    (finding,) = findings(fixture, "MV001")
    assert "CX4-120" in finding.message and "arr-dr" in finding.elements


def test_mv001_passes() -> None:
    assert findings(_async_cg(8), "MV001") == []
    # The same 9 mirrors fit the CX4-480's 16 per group on both sides.
    assert findings(_models(_async_cg(9), ArrayModel.CX4_480), "MV001") == []


# -- MV002 --------------------------------------------------------------------------
def _many_cgs(total: int) -> SrmFixture:
    fixture = _models(SrmFixture(), ArrayModel.CX3_20, flare_release=26)
    for n in range(total - 1):  # CG-1 of the baseline is the first
        fixture.add(ConsistencyGroup(id=f"cgx{n}", name=f"CG-X{n}"))
        fixture.mirrored_lun(f"x{n}", cg=f"cgx{n}")
    return fixture


def test_mv002_triggers() -> None:
    result = findings(_many_cgs(9), "MV002")
    assert [f.elements for f in result] == [("arr-bos",), ("arr-dr",)]
    assert result[0].severity is Severity.ERROR
    assert result[0].message == (
        "storage array CX-BOS holds 9 MirrorView/S consistency groups; CX3-20 allows 8"
    )


def test_mv002_passes() -> None:
    assert findings(_many_cgs(8), "MV002") == []


# -- MV003 --------------------------------------------------------------------------
def _many_pairs(total: int) -> SrmFixture:
    fixture = _models(SrmFixture(), ArrayModel.AX4_5F)
    for n in range(total - 3):  # the baseline has 3 mirrors
        fixture.mirrored_lun(f"p{n}", cg=None)
    return fixture


def test_mv003_triggers() -> None:
    result = findings(_many_pairs(26), "MV003")
    assert sorted(f.elements for f in result) == [("arr-bos",), ("arr-dr",)]
    assert "holds 26 MirrorView/S mirrored pairs; AX4-5F allows 25" in result[0].message


def test_mv003_passes() -> None:
    assert findings(_many_pairs(25), "MV003") == []


# -- MV004 --------------------------------------------------------------------------
def test_mv004_triggers() -> None:
    fixture = SrmFixture().set("arr-bos", model=ArrayModel.AX4_5, protocol=Protocol.ISCSI)
    (finding,) = findings(fixture, "MV004")
    assert finding.severity is Severity.ERROR
    assert finding.elements == ("arr-bos",)
    assert "CX-BOS model AX4-5 is not supported" in finding.message and "AX4-5F" in finding.message


def test_mv004_triggers_for_iscsi_on_a_non_c_cx3() -> None:
    fixture = SrmFixture().set(
        "arr-dr", model=ArrayModel.CX3_20, protocol=Protocol.ISCSI, flare_release=26
    )
    (finding,) = findings(fixture, "MV004")
    assert finding.elements == ("arr-dr",)
    assert "iSCSI" in finding.message and "CX3-20c" in finding.message


def test_mv004_triggers_for_old_flare() -> None:
    fixture = SrmFixture().set("arr-dr", model=ArrayModel.CX3_40, flare_release=24)
    (finding,) = findings(fixture, "MV004")
    assert "FLARE 24" in finding.message and finding.message.endswith("needs 26 or later")


def test_mv004_passes() -> None:
    fixture = SrmFixture().set(
        "arr-dr", model=ArrayModel.CX3_20C, protocol=Protocol.ISCSI, flare_release=26
    )
    fixture.set("arr-bos", model=ArrayModel.AX4_5F)
    assert findings(fixture, "MV004") == []
    # An unsupported array with no mirror is not MirrorView's concern.
    fixture.add(StorageArray(id="arr-x", name="AX-X", site="bos", model=ArrayModel.AX4_5))
    assert findings(fixture, "MV004") == []


# -- MV005 --------------------------------------------------------------------------
def test_mv005_triggers() -> None:
    (finding,) = findings(SrmFixture().set("wan", distance_km=150), "MV005")
    assert finding.severity is Severity.WARNING
    assert set(finding.elements) == {"wan", "m-os", "m-db", "m-log"}
    assert finding.message == (
        "WAN link BOS-DR carries 3 MirrorView/S mirrors over 150 km; "
        "EMC recommends less than 100 km"
    )


def test_mv005_passes() -> None:
    assert findings(SrmFixture().set("wan", distance_km=99), "MV005") == []
    # MirrorView/A may go further.
    fixture = SrmFixture().set("wan", distance_km=150)
    for mirror in ("m-os", "m-db", "m-log"):
        fixture.set(mirror, mode=MirrorMode.ASYNC)
    assert findings(fixture, "MV005") == []


# -- MV006 --------------------------------------------------------------------------
def test_mv006_triggers() -> None:
    local = clariion()["sync_latency_model"]["local_log_write_ms"]
    rtt = 11 - local  # one round trip per write: estimate 11 ms
    (finding,) = findings(SrmFixture().set("wan", rtt_ms=rtt), "MV006")
    assert finding.severity is Severity.WARNING
    assert set(finding.elements) == {"wan", "m-log"}, "only the log LUN's mirror matters"
    assert "at 11 ms" in finding.message and finding.message.endswith("10 ms average")


def test_mv006_triggers_for_logs_kept_with_the_database() -> None:
    # No separate logs disk: the database disk's LUN carries the logs too.
    local = clariion()["sync_latency_model"]["local_log_write_ms"]
    fixture = SrmFixture().set("wan", rtt_ms=12 - local).remove("d-log")
    (finding,) = findings(fixture, "MV006")
    assert set(finding.elements) == {"wan", "m-db"}
    assert "at 12 ms" in finding.message


def test_mv006_says_when_no_log_write_meets_the_40_ms_maximum() -> None:
    # 002 'Latency': "10 milliseconds average for log writes (< 40 ms max)". Each
    # synchronous write waits the round trip, so at 40 ms none stays under the maximum.
    local = clariion()["sync_latency_model"]["local_log_write_ms"]
    (finding,) = findings(SrmFixture().set("wan", rtt_ms=40 - local), "MV006")
    assert "at 40 ms" in finding.message
    assert finding.message.endswith(
        "10 ms average and less than 40 ms at most, which no log write meets"
    )
    (below,) = findings(SrmFixture().set("wan", rtt_ms=39 - local), "MV006")
    assert below.message.endswith("10 ms average"), "39 ms breaks the average only"


def test_mv006_passes() -> None:
    local = clariion()["sync_latency_model"]["local_log_write_ms"]
    assert findings(SrmFixture().set("wan", rtt_ms=10 - local), "MV006") == []
    # Asynchronous mirroring does not wait for the link.
    fixture = SrmFixture().set("wan", rtt_ms=30).set("m-log", mode=MirrorMode.ASYNC)
    assert findings(fixture, "MV006") == []


# -- MV007 --------------------------------------------------------------------------
def _async(*, bandwidth: float, target: float) -> SrmFixture:
    # 4.5 GB/h for 30 min = 2.25 GB = 18,000 Mbit; at 20 Mbit/s that is 15 min (002's 45 min).
    fixture = SrmFixture().set_intent(rpo_target_min=target)
    fixture.set("bos", change_rate_gb_per_hour=4.5).set("wan", bandwidth_mbps=bandwidth)
    fixture.set("cg1", mode=MirrorMode.ASYNC)
    for mirror in ("m-os", "m-db", "m-log"):
        fixture.set(mirror, mode=MirrorMode.ASYNC, update_interval_min=30)
    return fixture


def test_mv007_triggers() -> None:
    (finding,) = findings(_async(bandwidth=20, target=40), "MV007")
    assert finding.severity is Severity.ERROR
    assert {"m-os", "m-db", "m-log", "wan", "bos"} <= set(finding.elements)
    assert "RPO of 45 min (30 min updates + 15 min transfer)" in finding.message
    assert finding.message.endswith("target is 40 min")


def test_mv007_triggers_when_the_link_cannot_keep_up() -> None:
    (finding,) = findings(_async(bandwidth=5, target=600), "MV007")
    assert "cannot keep up" in finding.message and "60 min" in finding.message


def test_mv007_passes() -> None:
    assert findings(_async(bandwidth=20, target=45), "MV007") == []


# -- MV008 --------------------------------------------------------------------------
def test_mv008_triggers() -> None:
    fixture = SrmFixture().set("m-db", write_intent_log=False)
    fixture.set("m-log", recovery_policy=RecoveryPolicy.AUTOMATIC)
    result = findings(fixture, "MV008")
    assert {f.elements for f in result} == {("m-db",), ("m-log",)}
    assert all(f.severity is Severity.WARNING for f in result)
    messages = " | ".join(f.message for f in result)
    assert "M-db runs without the write intent log" in messages
    assert "M-log has recovery policy automatic" in messages


def test_mv008_passes() -> None:
    # The write intent log is a MirrorView/S feature: an /A mirror without it is fine.
    fixture = SrmFixture().set("m-db", mode=MirrorMode.ASYNC, write_intent_log=False)
    assert findings(fixture, "MV008") == []


# -- MV009 --------------------------------------------------------------------------
def test_mv009_triggers() -> None:
    (finding,) = findings(SrmFixture().set("arr-dr", snapview=False), "MV009")
    assert finding.severity is Severity.WARNING
    assert set(finding.elements) == {"arr-dr", "pg1"}
    assert "CX-DR" in finding.message and "PG-1" in finding.message
    assert finding.message.endswith("its 3 mirror targets")


def test_mv009_passes() -> None:
    # SnapView matters at the recovery array only; unprotected mirrors need none.
    fixture = SrmFixture().set("arr-bos", snapview=False)
    fixture.add(
        StorageArray(id="arr-x", name="CX-X", site="dr", model=ArrayModel.CX4_120),
        Lun(id="lun-x", name="LUN-x", array="arr-bos"),
        Lun(id="lun-x-r", name="LUN-x-R", array="arr-x"),
        Mirror(id="m-x", name="M-x", source_lun="lun-x", target_lun="lun-x-r"),
    )
    assert findings(fixture, "MV009") == []
