"""How a scenario's degrade steps read, for the scenario bar, the report and the marks
on the canvas ("Atlanta → Charlotte down", "50 Mbit/s", "round trip 59 ms"): plain
functions of the steps and the document (no Qt), imported by the overlay and the
capacity panel without importing the scenario actions."""

from __future__ import annotations

from designer.document import Document
from designer.domain.design import ScenarioStep
from designer.domain.elements import WanLink

__all__ = ["degrade_detail", "link_changes", "scenario_name", "step_label"]


def degrade_detail(step: ScenarioStep, document: Document) -> str:
    """What a ``degrade`` step does to its link, to follow its words: " (50 Mbit/s)",
    " (round trip 59 ms)", " (Atlanta → Charlotte down)"; empty for other steps."""
    if step.action != "degrade":
        return ""
    parts = []
    if step.bandwidth_mbps is not None:
        parts.append(f"{step.bandwidth_mbps:,g} Mbit/s")
    if step.latency_ms is not None:
        parts.append(f"round trip {step.latency_ms:,g} ms")
    link = document.get(step.target) if step.target else None
    if step.failed_direction is not None and isinstance(link, WanLink):
        ends = [document.get(link.site_a), document.get(link.site_b)]
        a, b = (e.name if e is not None else "?" for e in ends)
        parts.append(f"{a} → {b} down" if step.failed_direction == "a_to_b" else f"{b} → {a} down")
    return f" ({', '.join(parts)})" if parts else ""


def step_label(step: ScenarioStep, document: Document) -> str:
    """A step as the scenario bar's chips say it, without its time: "fail Boston",
    "switchover DAG1", "degrade BOS-WOR (50 Mbit/s)"."""
    element = document.get(step.target) if step.target else None
    what = element.name if element else (step.target or "")
    verb = (step.admin_action or "") if step.action == "admin" else step.action
    return f"{verb.replace('_', ' ')} {what}{degrade_detail(step, document)}".strip()


def scenario_name(steps: list[ScenarioStep], document: Document, taken: set[str]) -> str:
    """A name for a scenario of ``steps`` that Save scenario offers (the user may type
    another): its first three steps' words ("fail Boston + switchover DAG1"), made
    unlike the ``taken`` names with a number, as a saved one of that name would be
    replaced."""
    words = [step_label(s, document) for s in steps[:3]]
    base = " + ".join(words) + (" …" if len(steps) > 3 else "")
    name, n = base, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    return name


def link_changes(steps: list[ScenarioStep], time: float, document: Document) -> dict[str, str]:
    """WAN link → what the degrade steps up to ``time`` have done to it, in the scenario
    bar's words ("Atlanta → Charlotte down, 50 Mbit/s"); a restore takes a link back to
    its design (left out)."""
    merged: dict[str, ScenarioStep] = {}
    for step in steps:
        if step.at_s > time or step.target is None:
            continue
        if step.action == "restore":
            merged.pop(step.target, None)
        elif step.action == "degrade":
            before = merged.get(step.target)
            if before is None:
                merged[step.target] = step
                continue
            # A later step on the same link changes what it states and keeps the rest.
            merged[step.target] = before.model_copy(
                update={
                    key: getattr(step, key)
                    for key in ("bandwidth_mbps", "latency_ms", "failed_direction")
                    if getattr(step, key) is not None
                }
            )
    found: dict[str, str] = {}
    for link_id, step in merged.items():
        detail = degrade_detail(step, document)
        if detail:
            found[link_id] = detail[2:-1]  # without " (" and ")"
    return found
