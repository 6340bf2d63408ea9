"""Hypothesis properties of the capacity figures (issue 11's proof):

- adding a copy across a link never lowers that link's demand, in any mode;
- more bandwidth never raises a MirrorView/A RPO;
- the worst mode's load is at least normal operation's for every member.
"""

from __future__ import annotations

from cap_designs import stretched
from hypothesis import given
from hypothesis import strategies as st

from designer.capacity import capacity
from designer.domain import DatabaseCopy, Design, MailboxDatabase, MailboxProfile

COPY_PATTERNS = [
    ("bos", "wor"),
    ("bos", "bos", "wor"),
    ("bos", "wor", "bos", "wor"),
    ("wor", "bos"),
    ("bos", "wor", "wor"),
    ("bos",),
]


@st.composite
def designs(draw: st.DrawFn) -> Design:
    mirror = draw(st.one_of(st.none(), st.floats(0.5, 40.0)))
    copies = draw(st.sampled_from(COPY_PATTERNS))
    needed = max(copies.count("bos"), copies.count("wor"), 1)
    return stretched(
        databases=draw(st.integers(1, 5)),
        mailboxes=draw(st.integers(50, 6000)),
        members_per_site=draw(st.integers(needed, 3)),
        copies=copies,
        profile=MailboxProfile(
            messages_per_day=draw(st.sampled_from([50, 100, 150, 200, 300, 500])),
            average_message_kb=draw(st.sampled_from([50, 75, 100, 150, 300])),
        ),
        bandwidth_mbps=draw(st.sampled_from([20.0, 50.0, 100.0, 1000.0])),
        mirror_rate_gb_per_hour=mirror,
    )


def _with_extra_copy(design: Design, db_id: str, member: str) -> Design:
    elements = []
    for e in design.elements:
        if isinstance(e, MailboxDatabase) and e.id == db_id:
            worst = max(c.activation_preference for c in e.copies)
            extra = DatabaseCopy(member=member, activation_preference=worst + 1)
            e = e.model_copy(update={"copies": [*e.copies, extra]})
        elements.append(e)
    return design.model_copy(update={"elements": elements})


def _demand(report, link: str) -> dict[str, float]:
    found = report.link(link)
    out = {"normal": found.normal.a_to_b.mbps + found.normal.b_to_a.mbps}
    for m in found.modes:
        out[m.mode.key] = m.a_to_b.mbps + m.b_to_a.mbps
    return out


@given(designs(), st.data())
def test_adding_a_copy_across_a_link_never_lowers_its_demand(design: Design, data) -> None:
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase)]
    db = data.draw(st.sampled_from(dbs))
    members = [e.id for e in design.elements if e.kind == "vm" and e.id.endswith(tuple("123"))]
    free = sorted(set(members) - {c.member for c in db.copies})
    if not free:
        return
    member = data.draw(st.sampled_from(free))
    before = _demand(capacity(design, max_combined=None), "BOS-WOR")
    after = _demand(capacity(_with_extra_copy(design, db.id, member), max_combined=None), "BOS-WOR")
    for key, value in before.items():
        if key in after:
            assert after[key] >= value - 1e-9, key
    if member.split("-")[0] != db.copies[0].member.split("-")[0]:
        assert after["normal"] > before["normal"] - 1e-9


@given(designs(), st.floats(1.0, 5000.0), st.floats(1.0, 5000.0))
def test_more_bandwidth_never_raises_an_rpo(design: Design, b1: float, b2: float) -> None:
    low, high = sorted((b1, b2))

    def rpos(bandwidth: float) -> list[tuple[float | None, float | None]]:
        elements = [
            e.model_copy(update={"bandwidth_mbps": bandwidth}) if e.id == "wan-bos-wor" else e
            for e in design.elements
        ]
        report = capacity(design.model_copy(update={"elements": elements}))
        return [(m.normal_rpo_s, m.worst[1] if m.worst else None) for m in report.mirrors]

    for (n_low, w_low), (n_high, w_high) in zip(rpos(low), rpos(high), strict=True):
        assert n_high is not None and n_low is not None
        assert n_high <= n_low + 1e-6
        assert w_high is not None and w_low is not None
        assert w_high <= w_low + 1e-6


@given(designs())
def test_the_worst_mode_loads_every_member_at_least_as_much_as_normal(design: Design) -> None:
    report = capacity(design)
    for member in report.members:
        worst = member.worst
        assert worst is not None
        assert worst[1].rank >= member.normal.rank
        for _mode, load in member.worst_by_kind.values():
            assert worst[1].rank >= load.rank
