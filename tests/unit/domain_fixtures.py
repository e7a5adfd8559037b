"""Small builders shared by the unit tests of the domain pipeline."""

from datetime import UTC, datetime
from importlib import resources
from typing import Any

from schemas.accounts import Account
from schemas.events import LeadEvent
from service.accounts import AccountIndex
from service.policy import Policy, load_policy

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
GLOBEX = Account(
    account_id="acct-globex",
    name="Globex Corporation",
    domains=("globex.com",),
    tier="key",
    customer_status="customer",
    owner_rep_id="rep-owner",
    cover_rep_id="rep-cover",
    country="US",
    employee_count=12000,
)


def default_rules_text() -> str:
    return resources.files("service").joinpath("data/default_rules.yaml").read_text()


def default_policy() -> Policy:
    return load_policy(default_rules_text(), "shipped default rules")


def accounts(*items: Account) -> AccountIndex:
    index = AccountIndex()
    for account in items:
        index.upsert(account)
    return index


def lead_event(
    event_id: str, lead: dict[str, Any], activity: str | None = None, at: datetime = NOW
) -> LeadEvent:
    raw: dict[str, Any] = {
        "event_id": event_id,
        "event_type": "lead.activity" if activity else "lead.created",
        "occurred_at": at.isoformat(),
        "source": "webform",
        "lead": lead,
    }
    if activity:
        raw["activity"] = {"type": activity}
    return LeadEvent.model_validate(raw)


KEY_ACCOUNT_VP = {"email": "vp@globex.com", "job_title": "VP Sales", "country": "US"}
STUDENT = {"email": "kid@gmail.com", "job_title": "Student"}
