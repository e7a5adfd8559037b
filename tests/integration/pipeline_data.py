"""Reference data and lead events for end-to-end tests: the shipped accounts and rules, and
reps that are always available (no working hours), so routing does not depend on the clock."""

import json
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tests.integration.kafka import Record


def shipped(name: str) -> Any:
    return json.loads(resources.files("service").joinpath(f"data/{name}").read_text())


def shipped_accounts() -> list[dict[str, Any]]:
    accounts: list[dict[str, Any]] = shipped("demo_accounts.json")
    return accounts


def always_available_reps() -> list[dict[str, Any]]:
    """Two reps per queue of the shipped rules, plus every owner, cover and team member."""
    rules = yaml.safe_load(
        resources.files("service").joinpath("data/default_rules.yaml").read_text()
    )
    reps: dict[str, dict[str, Any]] = {}
    for queue in rules["queues"]:
        for n in (1, 2):
            rep_id = f"rep-{queue}-{n}"
            reps[rep_id] = {"rep_id": rep_id, "name": rep_id, "queues": [queue], "weight": 1}
    for account in shipped_accounts():
        people = [account.get("owner_rep_id"), account.get("cover_rep_id")]
        for rep_id in [*people, *account.get("account_team", [])]:
            if rep_id and rep_id not in reps:
                reps[rep_id] = {"rep_id": rep_id, "name": rep_id, "queues": ["customer-success"]}
    return list(reps.values())


def reference_records() -> tuple[list[Record], list[Record]]:
    accounts: list[Record] = [
        (str(a["account_id"]).encode(), json.dumps(a).encode(), []) for a in shipped_accounts()
    ]
    reps: list[Record] = [
        (str(r["rep_id"]).encode(), json.dumps(r).encode(), []) for r in always_available_reps()
    ]
    return accounts, reps


def lead_event(
    event_id: str,
    lead: dict[str, Any],
    activity: str | None = None,
    occurred_at: str = "2026-11-20T10:00:00Z",
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": event_id,
        "event_type": "lead.activity" if activity else "lead.created",
        "occurred_at": occurred_at,
        "source": "webform",
        "lead": lead,
    }
    if activity:
        event["activity"] = {"type": activity}
    return event


def as_record(event: dict[str, Any]) -> Record:
    return (b"upstream-key", json.dumps(event).encode(), [])


def transactional_lead(n: int, id_prefix: str = "evt") -> dict[str, Any]:
    """A sales-ready lead the shipped rules send to inside-sales (event id `<id_prefix>-<n>`)."""
    return lead_event(
        f"{id_prefix}-{n}",
        {
            "email": f"buyer{n}@shop{n}.io",
            "job_title": "Director of Operations",
            "country": "US",
            "employee_count": 40,
            "industry": "Retail",
            "company_name": f"Shop {n}",
        },
        "demo_request",
    )


def rules_file(tmp_path: Path, sla_s: float, reroute_after_s: float, max_steps: int = 2) -> Path:
    """The shipped rules with inside-sales on an SLA of seconds and an escalation ladder."""
    text = resources.files("service").joinpath("data/default_rules.yaml").read_text()
    rules = yaml.safe_load(text)
    rules["queues"]["inside-sales"]["sla_minutes"] = sla_s / 60
    rules["queues"]["inside-sales"]["escalation"] = {
        "remind_after_minutes": 0,
        "reroute_after_minutes": reroute_after_s / 60,
        "then_queue": "sales-fallback",
        "max_steps": max_steps,
    }
    path = tmp_path / f"rules-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False))
    return path


def rejection_of(routed: dict[str, Any], reason: str) -> dict[str, Any]:
    """Sales' rejection of a routed lead (`LeadRouted` as read from its queue), by its rep."""
    return {
        "decision_id": routed["decision_id"],
        "lead_identity": routed["lead_identity"],
        "outcome": "rejected",
        "rep_id": routed["rep_id"],
        "reason": reason,
        "occurred_at": "2026-11-21T09:00:00Z",
    }
