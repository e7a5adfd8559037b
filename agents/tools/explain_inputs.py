"""What `leadrouter explain` reads: one lead's events, and the accounts and reps to decide with.

Each reader takes the text of a file and says what is wrong with it as an `ExplainError`.
"""

from collections.abc import Sequence

import orjson
from pydantic import TypeAdapter, ValidationError

from schemas.accounts import Account
from schemas.events import LeadEvent
from schemas.reps import Rep
from service.accounts import AccountIndex
from service.intake import reject_invalid


class ExplainError(ValueError):
    """Input `explain` cannot work with: not lead events, events of several leads, bad files."""


def read_lead_events(text: str | bytes) -> list[LeadEvent]:
    """One lead event envelope, or a JSON list of them (applied in order)."""
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ExplainError(f"not JSON: {error}") from None
    items = document if isinstance(document, list) else [document]
    if not items:
        raise ExplainError("no events: the list is empty")
    events = []
    for position, item in enumerate(items, start=1):
        try:
            events.append(LeadEvent.model_validate(item))
        except ValidationError as error:
            where = f"event {position}: " if len(items) > 1 else ""
            raise ExplainError(
                f"{where}not a lead event: {reject_invalid(error).message}"
            ) from None
    return events


def read_accounts(text: str | bytes) -> list[Account]:
    """A JSON list of CRM accounts."""
    try:
        return TypeAdapter(list[Account]).validate_json(text)
    except ValidationError as error:
        raise ExplainError(f"not a JSON list of accounts: {error}") from None


def read_reps(text: str | bytes) -> list[Rep]:
    """A JSON list of sales reps."""
    try:
        return TypeAdapter(list[Rep]).validate_json(text)
    except ValidationError as error:
        raise ExplainError(f"not a JSON list of reps: {error}") from None


def index_accounts(accounts: Sequence[Account]) -> AccountIndex:
    index = AccountIndex()
    for account in accounts:
        index.upsert(account)
    return index
