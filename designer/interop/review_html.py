"""Render :class:`~designer.interop.review.ReviewData` as HTML.

One markup serves both outputs: a browser (``review.html``, self-contained: the
diagram as an inline PNG, the timelines as inline SVG) and Qt's rich text for the PDF
(which takes the timelines as image resources). It therefore sticks to what both
understand: tables with ``border``/``cellpadding`` attributes, ``bgcolor`` cells, plain
headings.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from designer import version
from designer.domain.words import SHOWN_NAMES, natural_key, plural, shown_names
from designer.interop.review import ReviewData, ScenarioReview, format_duration
from designer.interop.timeline_svg import timeline_svg
from designer.rules.finding import Finding
from designer.simulation import SpofEntry

__all__ = [
    "CSS",
    "Diagram",
    "ImageFn",
    "ShortenedName",
    "names_whole",
    "render_html",
    "report_parts",
    "shortened_table",
]

OK, BAD, NEUTRAL, WAIT = "#d4edda", "#f8d7da", "#eeeeee", "#fff3cd"
_SEVERITY = {"error": "#f8d7da", "warning": "#fff3cd", "info": "#d9ecff"}

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 1200px; color: #222; line-height: 1.4; }
h1 { border-bottom: 3px solid #2a6ebb; padding-bottom: .3em; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 90%; }
td, th { border: 1px solid #c8c8c8; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
figure { margin: 1em 0; } img.diagram { max-width: 100%; border: 1px solid #ccc; }
.muted { color: #666; } nav a { margin-right: 1em; }
figure.diagram { width: calc(100vw - 4em); margin-left: calc(50% - 50vw + 2em);
                 overflow: auto; max-height: 92vh; border: 1px solid #ccc; }
figure.diagram img { display: block; margin: 0 auto; max-width: none; border: 0; }
figure.diagram + p { margin-top: -.6em; }
@media print {
  figure.diagram { width: auto; margin-left: 0; overflow: visible; max-height: none; }
  figure.diagram img { max-width: 100%; height: auto; }
}
"""


@dataclass(frozen=True)
class ShortenedName:
    """A name the drawing printed cut: the box it is drawn in ("" at the top level),
    what the drawing shows, and the name; ``at``: where the drawing shows it (left, top,
    right, bottom in the picture's pixels), when known."""

    box: str
    shown: str
    name: str
    at: tuple[int, int, int, int] | None = None


class Diagram(NamedTuple):
    """The report's drawing: PNG bytes, its size on the page in CSS pixels (the PNG
    may hold more pixels: a higher density), the canvas's zoom it is drawn at, the
    names it shows cut (listed whole under it) and how many more it cuts (not listed)."""

    png: bytes
    width: int
    height: int
    scale: float
    shortened: tuple[ShortenedName, ...] = ()
    more: int = 0


def shortened_table(
    names: Sequence[ShortenedName], more: int, *, columns: int = 1, why: str, wide: bool = True
) -> str:
    """The names a diagram shows cut, each whole by the box it is drawn in, in
    ``columns`` groups of (box, shown, name) across the table; ``why``: what cut them;
    ``wide``: the table as wide as the page (the PDF's groups), else as its names.

    >>> cut = [ShortenedName("esx-bos-01", "BOS…X01", "BOS-MBX01")]
    >>> table = shortened_table(cut, 2, why="too long for their boxes")
    >>> "<td>esx-bos-01</td><td>BOS…X01</td><td>BOS-MBX01</td>" in table
    True
    >>> "2 more names are shortened" in table
    True
    """
    rows = -(-len(names) // columns)
    groups = [names[g * rows : (g + 1) * rows] for g in range(columns)]
    head = "".join("<th>in</th><th>on the diagram</th><th>name</th>" for _ in groups)
    body = []
    for r in range(rows):
        cells = []
        for group in groups:
            if r < len(group):
                s = group[r]
                cells += [_e(s.box or "—"), _e(s.shown), _e(s.name)]
            else:
                cells += ["", "", ""]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    tail = f"<p>{more:,} more names are shortened (not listed).</p>" if more else ""
    return (
        f"<p><b>Names shortened on the diagram</b>: {_e(why)}; each in full, by the box "
        'it is drawn in.</p><table border="1" cellspacing="0" cellpadding="2"'
        + (' width="100%">' if wide else ">")
        + f"<tr>{head}</tr>{''.join(body)}</table>{tail}"
    )


#: ``image(key, svg_text)`` -> the <img>/<svg> markup for a timeline.
ImageFn = Callable[[str, str], str]


def _e(text: object) -> str:
    return html.escape(str(text))


class _Markup(str):
    """A table cell's text that is HTML already (not escaped by :func:`_table`)."""


def _elements_cell(names: list[str], *, details: bool) -> str:
    """A findings table's elements: all of them, or for more than
    :data:`~designer.domain.words.SHOWN_NAMES` the Problems list's words ("12 elements:
    DB01, DB02, DB03 and 9 more"; a gathered finding listed its 400 databases), with the
    whole list in a ``<details>`` to open (and under the pointer) where ``details``.
    Each name stays on one line (see :func:`names_whole`).

    >>> _elements_cell(["DB01", "DB02"], details=True)
    'DB01, DB02'
    >>> _elements_cell([f"DB{n}" for n in range(1, 7)], details=False)
    '6 elements: DB1, DB2, DB3 and 3 more'
    >>> cell = _elements_cell([f"DB{n}" for n in range(1, 7)], details=True)
    >>> re.sub("<[^>]+>", "|", cell).replace("||", "|")
    '|6 elements: |DB1|, |DB2|, |DB3| and 3 more|DB1|, |DB2|, |DB3|, |DB4|, |DB5|, |DB6|'
    """
    if len(names) <= SHOWN_NAMES or not details:
        return shown_names(names)

    def whole(some: list[str]) -> str:
        return ", ".join(f"<span{_NOWRAP}>{_e(n)}</span>" for n in some)

    summary = f"{len(names)} elements: {whole(names[:3])} and {len(names) - 3} more"
    return _Markup(
        f'<details title="{_e(", ".join(names))}"><summary>{summary}</summary>'
        f"{whole(names)}</details>"
    )


Colours = list[list[str | None]]


def _table(
    header: list[str], rows: list[list[str]], colours: list[list[str | None]] | None = None
) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="4">']
    if header:
        out += ["<tr>", *[f"<th>{_e(h)}</th>" for h in header], "</tr>"]
    for i, row in enumerate(rows):
        out.append("<tr>")
        for j, cell in enumerate(row):
            colour = colours[i][j] if colours and j < len(colours[i]) else None
            attr = f' bgcolor="{colour}"' if colour else ""
            text = cell if isinstance(cell, _Markup) else _e(cell)
            out.append(f"<td{attr}>{text}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


_NOWRAP = ' style="white-space: nowrap"'
#: A table cell (without a style yet) whose text is one word; one of a list of such.
_ONE_WORD = re.compile(r"<td((?: bgcolor=\"[^\"]*\")?)>([^<\s]+)</td>")
_WORD_LIST = re.compile(r"<td((?: bgcolor=\"[^\"]*\")?)>([^<\s,]+(?:, [^<\s,]+)+)</td>")


def names_whole(body: str) -> str:
    """The report's tables with their names kept on one line (a narrow column broke
    "PRD-MBX01" into "PRD-" over "MBX01" at its hyphen: eyes17 in the PDF, eyes19 in
    Chromium): a row's first cell (its element's name) and a cell of one word do not
    wrap; a list of names ("BOS-MBX01, BOS-MBX02") wraps between them only; the
    other cells wrap between words. The HTML page and the PDF both.

    >>> names_whole('<tr><td>esx-bos-01</td><td>a b-c</td><td>DB01, DB-02</td></tr>')
    '<tr><td style="white-space: nowrap">esx-bos-01</td><td>a b-c</td><td><span \
style="white-space: nowrap">DB01</span>, <span style="white-space: nowrap">DB-02</span></td></tr>'
    """
    body = body.replace("<tr><td", f"<tr><td{_NOWRAP}")
    body = _ONE_WORD.sub(rf"<td\1{_NOWRAP}>\2</td>", body)
    return _WORD_LIST.sub(
        lambda m: (
            f"<td{m.group(1)}>"
            + ", ".join(f"<span{_NOWRAP}>{name}</span>" for name in m.group(2).split(", "))
            + "</td>"
        ),
        body,
    )


def _count(n: int, label: str) -> str:
    if n == 1:
        return f"{n} {label}"
    return f"{n} {label}{'es' if label.endswith(('s', 'sh')) else 's'}"


def _summary(data: ReviewData) -> str:
    design = data.design
    counts = data.findings.summary()
    waived = len(data.findings.findings) - len(data.findings.active)
    singles = [e for e in data.n1.entries if len(e.elements) == 1]
    passed = sum(1 for s in data.scenarios if s.passed)
    parts = [
        f"<h1>Design review: {_e(design.name)}</h1>",
        f'<p class="muted">Source: {_e(data.source or "—")}. '
        f"Generated by DR Designer {_e(version())}.</p>",
    ]
    if design.description:
        parts.append(f"<p>{_e(design.description.strip().splitlines()[0])}</p>")
    intent = design.intent
    parts.append("<h2>Summary</h2>")
    rows = [
        ["Targets", f"RPO {intent.rpo_target_min:g} min, RTO {intent.rto_target_min:g} min"],
        [
            "Elements",
            ", ".join(plural(n, label) for label, n in data.counts()),
        ],
        [
            "Findings",
            f"{counts['error']} error{'s' if counts['error'] != 1 else ''}, "
            f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, "
            f"{counts['info']} info" + (f" ({waived} waived with a reason)" if waived else ""),
        ],
        [
            "Single points of failure (N-1)",
            f"{len(singles)}; worst: losing {', '.join(singles[0].names)} affects "
            + _affected(singles[0])
            if singles
            else _down_before(data.down_before)
            if data.down_before
            else "none: every single failure keeps every mailbox available",
        ],
        [
            "Saved scenarios",
            f"{passed} of {len(data.scenarios)} meet their expected outcome"
            if data.scenarios
            else "none saved",
        ],
    ]
    colours: list[list[str | None]] = [
        [None, None],
        [None, None],
        # Warnings are not a clean bill: amber, as the Findings table colours them.
        [None, BAD if counts["error"] else WAIT if counts["warning"] else OK],
        [None, BAD if singles or data.down_before else OK],
        [None, (OK if passed == len(data.scenarios) else BAD) if data.scenarios else None],
    ]
    parts.append(_table([], rows, colours))
    parts.append(_at_a_glance(data))
    return "".join(parts)


def _down_before(names: tuple[str, ...]) -> str:
    """The N-1 summary of a design whose databases are down before any failure: no
    single failure makes it worse, which is no clean bill (eyes30: one database with no
    copy read "none: every single failure keeps every mailbox available", in green).

    >>> _down_before(("DB01",))[25:]
    'mailbox database DB01 is down before any failure: no copy can serve it'
    >>> _down_before(("DB01", "DB02"))[25:85]
    '2 mailbox databases (DB01, DB02) are down before any failure'
    """
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
    if len(names) == 1:
        return (
            f"none makes it worse, but mailbox database {shown} is down before any failure: "
            "no copy can serve it"
        )
    return (
        f"none makes it worse, but {plural(len(names), 'mailbox database')} ({shown}) are "
        "down before any failure: no copy can serve them"
    )


#: Rows of each list the summary page shows at most (the sections that follow have all).
GLANCE_ROWS = 8


def _at_a_glance(data: ReviewData) -> str:
    """What a reader of the first page wants before the details (eyes24: the PDF's first
    page held the summary's five lines and was otherwise blank): each saved scenario's
    verdict, the open errors and warnings, the worst single failures; nothing when
    there are none of them."""
    parts = ['<h2 id="glance">At a glance</h2>']
    if data.scenarios:
        verdicts = {True: "meets", False: "does NOT meet", None: "states none"}
        rows = [[s.scenario.name, verdicts[s.passed]] for s in data.scenarios]
        colours: Colours = [
            [None, {True: OK, False: BAD, None: NEUTRAL}[s.passed]] for s in data.scenarios
        ]
        parts.append(_table(["saved scenario", "expected outcome"], rows, colours))
    serious = [f for f in data.findings.active if f.severity.value in ("error", "warning")]
    if serious:
        rows = [[f.severity.value, f.code, f.message] for f in serious[:GLANCE_ROWS]]
        colours = [[_SEVERITY.get(f.severity.value), None, None] for f in serious[:GLANCE_ROWS]]
        parts.append(_table(["severity", "code", "open finding"], rows, colours))
        if len(serious) > GLANCE_ROWS:
            parts.append(f'<p class="muted">{len(serious) - GLANCE_ROWS} more under Findings.</p>')
    singles = [e for e in data.n1.entries if len(e.elements) == 1]
    if singles:
        rows = [[" + ".join(e.names), _affected(e)] for e in singles[:GLANCE_ROWS]]
        parts.append(_table(["single failure", "affects"], rows, [[BAD, None] for _ in rows]))
        if len(singles) > GLANCE_ROWS:
            parts.append(f'<p class="muted">{len(singles) - GLANCE_ROWS} more under N-1.</p>')
    # (none of them: the summary's rows say so already)
    return "".join(parts) if len(parts) > 1 else ""


def _inventory(data: ReviewData) -> str:
    parts = ['<h2 id="inventory">Inventory</h2>']
    tables = data.inventory()
    # A field no element of any kind states (MTBF and MTTR without failure figures) is
    # said once, above the tables; one a kind's elements leave empty, under its table.
    everywhere = [
        heading
        for heading in dict.fromkeys(h for t in tables for h in t.unstated)
        if not any(heading in t.header for t in tables)
        and sum(heading in t.unstated for t in tables) > 1
    ]
    if everywhere:
        parts.append(
            f'<p class="muted">Not stated for any element: {_e(", ".join(everywhere))}.</p>'
        )
    for table in tables:
        parts.append(f"<h3>{_e(table.title)} ({len(table.rows)})</h3>")
        parts.append(_table(table.header, table.rows))
        unstated = [h for h in table.unstated if h not in everywhere]
        if unstated:
            said = ", ".join(unstated)
            parts.append(f'<p class="muted">Not stated for any of them: {_e(said)}.</p>')
    return "".join(parts)


def _copies(data: ReviewData) -> str:
    layouts = data.copy_layouts()
    parts = ['<h2 id="copies">Copy layout</h2>']
    if not layouts:
        return parts[0] + "<p>No mailbox databases.</p>"
    parts.append(
        '<p class="muted">Activation preference of each copy (1 = preferred active); '
        "lagged copies show their replay lag.</p>"
    )
    for title, header, rows in layouts:
        parts.append(f"<h3>{_e(title)}</h3>")
        colours: Colours = [[None, *[_copy_colour(c) for c in row[1:]]] for row in rows]
        parts.append(_table(header, rows, colours))
    return "".join(parts)


def _copy_colour(cell: str) -> str | None:
    if "lag" in cell:
        return WAIT
    return OK if cell.startswith("1") and cell[1:2] in ("", " ") else None


def _names(data: ReviewData, finding: Finding) -> list[str]:
    return [data.name(e) for e in finding.elements]


def _whole_lists(data: ReviewData, findings: list[Finding]) -> str:
    """The PDF's whole lists of the findings above that show the first few names."""
    many = [f for f in findings if len(f.elements) > SHOWN_NAMES]
    if not many:
        return ""
    rows = [[f.code, ", ".join(_names(data, f))] for f in many]
    which = (
        "the finding above that names"
        if len(many) == 1
        else f"the {len(many)} findings above that name"
    )
    return f'<p class="muted">The elements of {which} more than the table shows:</p>' + _table(
        ["code", "elements"], rows
    )


def _findings(data: ReviewData, details: bool = True) -> str:
    """The open and the waived findings. A finding about many elements shows the first
    few and how many (as the Problems list); its whole list opens under them in a
    browser (``details``), or follows the table (the PDF: no ``<details>`` on paper)."""
    parts = ['<h2 id="findings">Findings</h2>']
    active = data.findings.active
    if active:
        rows = [
            [f.severity.value, f.code, f.message, _elements_cell(_names(data, f), details=details)]
            for f in active
        ]
        colours: list[list[str | None]] = [
            [_SEVERITY.get(f.severity.value), None, None, None] for f in active
        ]
        parts.append(_table(["severity", "code", "finding", "elements"], rows, colours))
        if not details:
            parts.append(_whole_lists(data, active))
    else:
        parts.append("<p>No open findings.</p>")
    waived = [f for f in data.findings.findings if f.waived]
    parts.append("<h3>Waived findings</h3>")
    if waived:
        rows = [
            [
                f.code,
                f.message,
                _elements_cell(_names(data, f), details=details),
                f.waiver_reason or "",
            ]
            for f in waived
        ]
        parts.append(_table(["code", "finding", "elements", "reason for the waiver"], rows))
        if not details:
            parts.append(_whole_lists(data, waived))
    else:
        parts.append("<p>None.</p>")
    return "".join(parts)


def _affected(entry: SpofEntry) -> str:
    """What a failure affects, in mailboxes; in databases when no mailboxes are stated
    (an imported design's "affects 0 mailboxes" on a red row read as harmless)."""
    if entry.mailboxes_affected or not entry.databases_unavailable:
        return f"{entry.mailboxes_affected:,} mailboxes"
    count = plural(len(entry.databases_unavailable), "database")
    return f"{count} (their mailboxes are not stated)"


def _spof_rows(data: ReviewData, entries: list[SpofEntry]) -> list[list[str]]:
    return [
        [
            " + ".join(e.names),
            f"{e.mailboxes_affected:,}",
            f"{e.mailboxes_unavailable:,}",
            f"{e.users_cut_off:,}",
            ", ".join(sorted(map(data.name, e.databases_data_lost), key=natural_key)) or "—",
            "yes" if e.needs_action else "no",
        ]
        for e in entries
    ]


_SPOF_HEADER = [
    "failure",
    "mailboxes affected",
    "unavailable",
    "users cut off",
    "data lost",
    "needs an administrator",
]


def _analysis(data: ReviewData) -> str:
    parts = ['<h2 id="n-1">N-1: single failures</h2>']
    singles = [e for e in data.n1.entries if len(e.elements) == 1]
    parts.append(
        f'<p class="muted">{data.n1.examined:,} infrastructure elements failed one at a time '
        "(sites, WAN links, hosts, arrays and their storage processors, load balancers, "
        "witnesses, CAS arrays).</p>"
    )
    parts.append(
        _table(_SPOF_HEADER, _spof_rows(data, singles))
        if singles
        else "<p>No single failure cuts users off or loses data.</p>"
    )
    parts.append('<h2 id="n-2">N-2: pairs of failures</h2>')
    pairs = [e for e in data.n2.entries if len(e.elements) == 2]
    note = (
        "Pairs of elements that are harmless alone, failed together: "
        f"{data.n2.examined - data.n1.examined:,} examined"
        + (
            " (more existed; the first in a stable order were examined)"
            if data.n2.truncated
            else ""
        )
        + f"; {len(pairs):,} harmful"
        + ("; the 40 worst are listed." if len(pairs) > 40 else ".")
    )
    parts.append(f'<p class="muted">{_e(note)}</p>')
    if pairs:
        parts.append(_table(_SPOF_HEADER, _spof_rows(data, pairs[:40])))
    return "".join(parts)


def _scenario(data: ReviewData, index: int, review: ScenarioReview, image: ImageFn) -> str:
    scenario = review.scenario
    verdict = {
        True: "meets its expected outcome",
        False: "does NOT meet its expected outcome",
        None: "has no expected outcome",
    }[review.passed]
    colour = {True: OK, False: BAD, None: NEUTRAL}[review.passed]
    parts = [f"<h3>{_e(scenario.name)}</h3>"]
    parts.append(
        f'<table border="0" cellpadding="4"><tr><td bgcolor="{colour}">'
        f"<b>{_e(verdict)}</b></td></tr></table>"
    )
    outcome = review.outcome
    if outcome is not None and not outcome.passed and outcome.diverged_at_step is not None:
        step = outcome.diverged_at_step
        # Step 0: the design before any failure misses it too ("databases down DB01 …"
        # is never true of it), so no moment of the run meets it (it read "It departs
        # from the expected outcome already before its first step", eyes19).
        lead = (
            f"It departs from the expected outcome from step {step} "
            f"(T+{format_duration(outcome.diverged_at_s)})"
            if step
            else "No moment of the run meets the expected outcome"
        )
        parts.append(f"<p>{lead}: {_e('; '.join(outcome.problems))}.</p>")
    if scenario.description:
        parts.append(f"<p>{_e(scenario.description)}</p>")
    parts.append("<p>Steps:</p><ul>" + "".join(f"<li>{_e(s)}</li>" for s in review.steps) + "</ul>")
    if review.error:
        parts.append(f"<p><b>Cannot run:</b> {_e(review.error)}</p>")
        return "".join(parts)
    if review.rows:
        rows = [[r.what, r.expected, r.actual, "yes" if r.ok else "no"] for r in review.rows]
        colours: list[list[str | None]] = [
            [None, None, None, OK if r.ok else BAD] for r in review.rows
        ]
        parts.append(
            _table(["expected outcome", "expected", "actual", "as expected"], rows, colours)
        )
    result = review.result
    assert result is not None
    svg = timeline_svg(result, data.design.intent.rto_target_min * 60)
    parts.append(f"<p>{image(f'timeline-{index}', svg)}</p>")
    # The state the verdict reads: at the scenario's horizon (a copy queue an hour on),
    # or the time its expectation states; it read the last step's, "not affected" for
    # copies falling 41 min behind within the hour (eyes21).
    judged = review.judged or result.final
    parts.append(
        f"<p>Databases at T+{format_duration(review.judged_at)}"
        + (
            " (the time its expected outcome states):</p>"
            if scenario.expected is not None and scenario.expected.at_s is not None
            else " (the end of the scenario's window):</p>"
        )
    )
    # By name in natural order, as the window's Results and `simulate` list them.
    databases = sorted(judged.databases, key=lambda db: natural_key(db.name))
    # Why, as the window's Results reads it (against the state before the scenario).
    before = {db.id: db for db in result.initial.databases}
    rows = [
        [
            db.name,
            db.state + ("" if db.reachable or db.state != "active" else " (unreachable)"),
            data.name(db.active_on),
            format_duration(db.rpo_s),
            format_duration(db.rto_s),
            "yes" if db.meets_targets else "no",
            db.why(before.get(db.id)),
        ]
        for db in databases
    ]
    colours = [
        [None, OK if db.available else BAD, None, None, None, OK if db.meets_targets else BAD]
        for db in databases
    ]
    header = ["database", "state", "active on", "RPO", "RTO", "meets targets", "why"]
    parts.append(_table(header, rows, colours))
    return "".join(parts)


def _scenarios(data: ReviewData, image: ImageFn) -> str:
    parts = ['<h2 id="scenarios">Saved scenarios</h2>']
    if not data.scenarios:
        return parts[0] + "<p>The design has no saved scenarios.</p>"
    parts += [_scenario(data, i, s, image) for i, s in enumerate(data.scenarios)]
    return "".join(parts)


def _matrix(data: ReviewData, columns: int | None = None) -> str:
    """The matrix section; ``columns``: at most that many failures (or databases) across
    one table, the rest in tables below it (the PDF's page is that wide: eyes21 #8, 12
    failures across an A4 page lost the last three)."""
    intent = data.design.intent
    parts = [
        '<h2 id="matrix">RPO/RTO matrix</h2>',
        '<p class="muted">Each database when one site, host or array fails, settled: '
        f"RPO / RTO against the targets (RPO {intent.rpo_target_min:g} min, "
        f"RTO {intent.rto_target_min:g} min). Green meets both; red misses one or is down; "
        "amber waits for an administrator.</p>",
    ]
    if not data.matrix_databases or not data.matrix_failures:
        return "".join(parts) + "<p>No databases or no sites, hosts and arrays to fail.</p>"
    cells: dict[tuple[str, str], tuple[str, str | None]] = {}
    for db_id, _ in data.matrix_databases:
        for failure_id, _ in data.matrix_failures:
            cell = data.matrix.get((db_id, failure_id))
            if cell is None:
                cells[(db_id, failure_id)] = ("—", NEUTRAL)
            elif cell.state == "active":
                text = f"{format_duration(cell.rpo_s)} / {format_duration(cell.rto_s)}"
                cells[(db_id, failure_id)] = (text, OK if cell.ok else BAD)
            else:
                cells[(db_id, failure_id)] = (cell.state, WAIT if cell.state == "waiting" else BAD)
    # The longer list runs down the page: a wide table is unreadable on paper.
    across_failures = len(data.matrix_failures) <= len(data.matrix_databases)
    down, across = (
        (data.matrix_databases, data.matrix_failures)
        if across_failures
        else (data.matrix_failures, data.matrix_databases)
    )
    corner = "database \\ failure" if across_failures else "failure \\ database"
    width = columns or len(across)
    for start in range(0, len(across), width):
        part = across[start : start + width]
        if len(part) < len(across):
            what = "failures" if across_failures else "databases"
            parts.append(
                f'<p class="muted">{what.capitalize()} {start + 1}–{start + len(part)} '
                f"of {len(across)}:</p>"
            )
        rows: list[list[str]] = []
        colours: Colours = []
        for down_id, down_label in down:
            row: list[str] = [down_label]
            colour: list[str | None] = [None]
            for across_id, _ in part:
                key = (down_id, across_id) if across_failures else (across_id, down_id)
                text, shade = cells[key]
                row.append(text)
                colour.append(shade)
            rows.append(row)
            colours.append(colour)
        parts.append(_table([corner, *(label for _, label in part)], rows, colours))
    if data.matrix_truncated:
        parts.append(f'<p class="muted">{data.matrix_truncated} more failures not shown.</p>')
    return "".join(parts)


def _capacity(data: ReviewData) -> str:
    if not data.capacity:
        return ""
    parts = ['<h2 id="capacity">Capacity</h2>']
    for section in data.capacity:
        parts.append(f"<h3>{_e(section.title)}</h3>")
        parts += [f"<p>{_e(p)}</p>" for p in section.paragraphs]
        if section.rows:
            parts.append(_table(list(section.header), [list(r) for r in section.rows]))
    return "".join(parts)


def _availability(data: ReviewData) -> str:
    if not data.availability:
        return ""
    parts = ['<h2 id="availability">Availability</h2>']
    for section in data.availability:
        parts.append(f"<h3>{_e(section.title)}</h3>")
        parts += [f"<p>{_e(p)}</p>" for p in section.paragraphs]
        if section.rows:
            parts.append(_table(list(section.header), [list(r) for r in section.rows]))
    return "".join(parts)


def _inline_svg(_key: str, svg: str) -> str:
    return svg


def report_parts(
    data: ReviewData,
    image: ImageFn = _inline_svg,
    *,
    matrix_columns: int | None = None,
    details: bool = True,
) -> tuple[str, str]:
    """(summary, body): the HTML before the diagram and after it; ``matrix_columns``:
    the RPO/RTO matrix's widest table (the PDF's page), none: one table; ``details``:
    a long list of a finding's elements opens in a ``<details>`` (a browser), else it
    follows the table (the PDF)."""
    body = "".join(
        [
            _inventory(data),
            _copies(data),
            _findings(data, details),
            _analysis(data),
            _scenarios(data, image),
            _matrix(data, matrix_columns),
            _capacity(data),
            _availability(data),
        ]
    )
    return _summary(data), body


def _name_map(diagram: Diagram) -> str:
    """The drawing's cut names as areas of its picture, each titled with its name whole
    (the browser shows it under the pointer; a screen reader reads it)."""
    areas = "".join(
        f'<area shape="rect" coords="{",".join(map(str, s.at))}" title="{_e(s.name)}" '
        f'alt="{_e(s.name)}">'
        for s in diagram.shortened
        if s.at is not None
    )
    return f'<map name="shortened">{areas}</map>' if areas else ""


def render_html(data: ReviewData, diagram_png: Diagram | bytes | None) -> str:
    """The self-contained review page. ``diagram_png``: the drawing, shown at its size
    (a :class:`Diagram`: the window's width, scrolled sideways where it is wider), or
    bare PNG bytes shrunk to the page's width."""
    summary, body = report_parts(data)
    body = names_whole(body)
    sections = [
        ("diagram", "Diagram"),
        ("inventory", "Inventory"),
        ("copies", "Copy layout"),
        ("findings", "Findings"),
        ("n-1", "N-1"),
        ("n-2", "N-2"),
        ("scenarios", "Scenarios"),
        ("matrix", "RPO/RTO matrix"),
    ]
    if data.capacity:
        sections.append(("capacity", "Capacity"))
    if data.availability:
        sections.append(("availability", "Availability"))
    nav = "<nav>" + "".join(f'<a href="#{k}">{t}</a>' for k, t in sections) + "</nav>"
    if isinstance(diagram_png, Diagram):
        encoded = base64.b64encode(diagram_png.png).decode("ascii")
        zoom = f"{diagram_png.scale:.0%}".replace("%", " %")
        areas = _name_map(diagram_png)
        diagram = (
            '<h2 id="diagram">Diagram</h2><figure class="diagram"><img '
            f'alt="diagram of {_e(data.design.name)}" width="{diagram_png.width}" '
            f'height="{diagram_png.height}" '
            + ('usemap="#shortened" ' if areas else "")
            + f'src="data:image/png;base64,{encoded}">{areas}</figure>'
            f'<p class="muted">The drawing at the canvas\'s {zoom}: scroll it sideways '
            "where it is wider than the window (the browser's zoom out shows it whole).</p>"
        )
        if diagram_png.shortened:
            diagram += names_whole(
                shortened_table(
                    diagram_png.shortened,
                    diagram_png.more,
                    why="too long for their boxes at this size (a name cut on the "
                    "drawing shows whole under the pointer)",
                    wide=False,  # (three columns across a 1,200 px page read apart)
                )
            )
    elif diagram_png:
        encoded = base64.b64encode(diagram_png).decode("ascii")
        diagram = (
            '<h2 id="diagram">Diagram</h2><figure><img class="diagram" '
            f'alt="diagram of {_e(data.design.name)}" '
            f'src="data:image/png;base64,{encoded}"></figure>'
        )
    else:
        diagram = '<h2 id="diagram">Diagram</h2><p>(No diagram: rendered without Qt.)</p>'
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Design review — {_e(data.design.name)}</title><style>{CSS}</style></head>"
        f"<body>{summary}{nav}{diagram}{body}</body></html>\n"
    )
