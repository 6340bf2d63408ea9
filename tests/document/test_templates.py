"""File > New's templates are valid designs that check clean, or whose findings say what
is left to decide (a two-site DAG's witness lives in a member site: DAG002)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.document.templates import TEMPLATES, template
from designer.domain import MailboxDatabase, Site, VirtualMachine, structural_errors
from designer.entry import main
from designer.persistence import dumps, loads, save
from designer.rules import check

EXPLAINED = {"two_site_dag": {"DAG002"}, "three_site_dag": set(), "srm_mirrorview": set()}


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_template_is_valid_laid_out_and_checks_as_explained(key: str) -> None:
    design = template(key)
    assert structural_errors(design) == []
    assert loads(dumps(design)) == design  # saves and loads back
    boxes = [e for e in design.elements if e.kind not in ("wan_link", "mirror", "virtual_disk")]
    assert all(e.id in design.layout for e in boxes), "every box has its place"
    found = {f.code for f in check(design).active}
    assert found == EXPLAINED[key]
    assert design.name == TEMPLATES[key].title


@pytest.mark.parametrize(
    ("key", "steps"),
    [
        ("three_site_dag", ["--fail", "Production"]),
        # The two-site DAG's witness goes with production: the administrator's datacenter
        # switchover brings the databases up in recovery.
        ("two_site_dag", ["--fail", "Production", "--action", "switchover"]),
    ],
)
def test_losing_production_spreads_the_databases_over_the_recovery_members(
    key: str, steps: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # eyes16: the templates' copies rotated over all four members, so DB02's second
    # copy was in recovery and losing production made DR-MBX01 active for both
    # databases (DR-MBX02 idle; CAP003 once a workload is stated).
    path = tmp_path / "design.drd.json"
    save(template(key), path)
    assert main(["simulate", str(path), *steps, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    active = {db["name"]: db["active_on"] for db in result["databases"]}
    assert active == {"DB01": "vm-dr-mbx01", "DB02": "vm-dr-mbx02"}, active
    # A member's loss keeps its database in production, on its partner.
    assert main(["simulate", str(path), "--fail", "PRD-MBX02", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    active = {db["name"]: db["active_on"] for db in result["databases"]}
    assert active == {"DB01": "vm-prd-mbx01", "DB02": "vm-prd-mbx01"}, active


def test_simulate_text_names_only_the_sites_with_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # eyes16: "Site Recovery: 0 of 0 users with access" and "Site Witness: 0 of 0 …"
    # for the datacenters that state no users; JSON keeps every site.
    path = tmp_path / "design.drd.json"
    save(template("three_site_dag"), path)
    assert main(["simulate", str(path), "--fail", "Production"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Site ")]
    assert lines == ["Site Production: 4,000 of 4,000 users with access via DR CAS array"]
    assert main(["simulate", str(path), "--fail", "Production", "--format", "json"]) == 0
    sites = json.loads(capsys.readouterr().out)["sites"]
    assert {s["name"]: s["users"] for s in sites} == {
        "Production": 4000,
        "Recovery": 0,
        "Witness": 0,
    }


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_template_states_its_workload_and_its_servers_carry_it(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """eyes16: File > New's designs stated no workload (``capacity``: "Not sized"). Each
    states its users' mail (a 150-message profile; the SRM pair's mirrored array a change
    rate); its description says how many mailboxes, as its databases / servers hold; and
    ``dr-designer capacity --mode all`` finds no server over its sizing in any mode."""
    design = template(key)
    path = tmp_path / "new.drd.json"
    save(design, path)
    assert main(["capacity", str(path), "--mode", "all", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report.get("sized", True) is not False, report.get("notes")
    worst = [
        (m["name"], m["worst"]["cpu_pct"], m["worst"]["memory_pct"]) for m in report["members"]
    ]
    assert all(cpu <= 100 and memory <= 100 for _name, cpu, memory in worst), worst
    assert "CAP003" not in {f.code for f in check(design).active}
    dbs = [e for e in design.elements if e.kind == "mailbox_database"]
    servers = [e for e in design.elements if e.kind == "vm" and e.mailboxes]  # type: ignore[attr-defined]
    mailboxes = sum(d.mailboxes for d in dbs) if dbs else sum(v.mailboxes for v in servers)  # type: ignore[attr-defined]
    assert f"{mailboxes:,} mailboxes" in design.description
    assert "150 messages a day" in design.description
    if key == "srm_mirrorview":
        (link,) = report["links"]
        assert "MirrorView/S" in json.dumps(link["normal"])


@pytest.mark.parametrize("key", ["two_site_dag", "three_site_dag"])
def test_a_template_member_states_the_mailboxes_of_its_active_databases(key: str) -> None:
    """wave 17: the DAG templates' members stated 1,000 mailboxes each while each
    production member ran a database of 2,000 actively. Now each member states what its
    preferred copies hold (none on the recovery members), and the sum is the users'."""
    design = template(key)
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase)]
    active: dict[str, int] = {}
    for db in dbs:
        first = min(db.copies, key=lambda c: c.activation_preference).member
        active[first] = active.get(first, 0) + db.mailboxes
    members = {m for db in dbs for m in (c.member for c in db.copies)}
    stated = {vm.id: vm.mailboxes for vm in design.elements if isinstance(vm, VirtualMachine)}
    assert {m: stated[m] for m in members} == {m: active.get(m, 0) for m in members}
    assert active == {"vm-prd-mbx01": 2000, "vm-prd-mbx02": 2000}
    users = sum(s.users for s in design.elements if isinstance(s, Site))
    assert sum(stated.values()) == users == 4000
