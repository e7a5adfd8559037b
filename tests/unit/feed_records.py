"""The synthetic feed's records over the demo accounts, made once per seed, and intake's reading
of them."""

from datetime import timedelta
from functools import cache

from agents.tools.demo import demo_accounts
from agents.tools.synthetic import DEFAULT_START, Record, SyntheticFeed
from schemas.accounts import Account
from schemas.events import LeadEvent
from service.intake import Rejection, decode_lead_event

# Later than every event the feed stamps, so no event is "from the future".
NOW = DEFAULT_START + timedelta(days=1)


@cache
def accounts() -> tuple[Account, ...]:
    return tuple(demo_accounts())


@cache
def records(seed: int = 11, n: int = 3000, garbage_share: float = 0.0) -> tuple[Record, ...]:
    return tuple(SyntheticFeed(seed, accounts(), garbage_share=garbage_share).events(n))


def decoded(batch: tuple[Record, ...]) -> list[LeadEvent | Rejection]:
    return [decode_lead_event(value, headers, NOW) for _, value, headers in batch]


def valid_events(batch: tuple[Record, ...]) -> list[LeadEvent]:
    return [event for event in decoded(batch) if isinstance(event, LeadEvent)]


@cache
def default_events() -> tuple[LeadEvent | Rejection, ...]:
    return tuple(decoded(records()))
