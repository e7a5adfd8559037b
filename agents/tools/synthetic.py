"""A synthetic, seeded feed of realistic lead events for the demo and benchmarks.

Every record is what a marketing system would publish to `leads.events.v1`: a JSON envelope of
about one kilobyte, or now and then a CloudEvents binary-mode record (`ce_*` headers). About a
fifth of the events create new leads; the rest are engagement of leads already created, weighted
as marketing sees it (opens, clicks and page views common; demo requests rare). Leads come from
demo-account domains (so key accounts and customers match), other companies and free mailboxes.
A `garbage_share` of records is invalid on purpose, for the dead-letter path. Records are keyed
by the lead's external id, or an `identity_keyed` share of them by its identity as intake computes
it (`agents.tools.feed_keys`), so the worker can take them without re-keying; garbage keeps its key.

Everything is drawn from one `random.Random(seed)` (which records are identity-keyed from a
second one, seeded alike): the same seed and the same clock readings give the same bytes. The
leads are made up by `agents.tools.synthetic_leads` and their envelopes by
`agents.tools.synthetic_envelopes`, from the words and weights in
`agents.tools.synthetic_vocabulary`; accounts for the feed (as many as a benchmark wants) are made
by `agents.tools.synthetic_accounts`.
"""

import random
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import orjson

from agents.tools.feed_keys import KeyChooser
from agents.tools.synthetic_draws import Draws, cumulative
from agents.tools.synthetic_envelopes import Envelopes
from agents.tools.synthetic_leads import Lead, LeadPool
from agents.tools.synthetic_vocabulary import ACTIVITY_WEIGHTS, CREATION_WEIGHTS
from schemas.accounts import Account

Header = tuple[str, bytes]
Record = tuple[bytes, bytes, list[Header]]
GarbageKind = Literal["not_json", "missing_field", "bad_email", "unknown_type"]

# A Monday morning before today: events from `events(n)` are never "in the future" for intake.
DEFAULT_START: Final = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
DEFAULT_INTERVAL: Final = timedelta(milliseconds=50)
GARBAGE_KINDS: Final[tuple[GarbageKind, ...]] = (
    "not_json",
    "missing_field",
    "bad_email",
    "unknown_type",
)
_CLOUDEVENTS_SHARE: Final = 0.03
_NOBODY: Final = {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"}


class SeededFeed(Draws, ABC):
    """A feed drawn from one seeded generator: `next_event(now)` per record (each feed draws its
    own), `events(n)` for a batch. `new_lead_share` of the valid events create a lead,
    `garbage_share` of all records are invalid, and `identity_keyed` of the valid records are
    keyed by the lead's identity (chosen by `keys`, from a second generator seeded alike)."""

    def __init__(
        self, seed: int, new_lead_share: float, garbage_share: float, identity_keyed: float
    ) -> None:
        if not 0.0 <= new_lead_share <= 1.0 or not 0.0 <= garbage_share <= 1.0:
            raise ValueError("shares are between 0 and 1")
        super().__init__(random.Random(seed))
        self.keys = KeyChooser(identity_keyed, seed)
        self.new_lead_share = new_lead_share
        self.garbage_share = garbage_share

    def events(
        self, n: int, start: datetime = DEFAULT_START, interval: timedelta = DEFAULT_INTERVAL
    ) -> Iterator[Record]:
        """The next `n` records, the first at `start` and then one every `interval`."""
        for index in range(n):
            yield self.next_event(start + index * interval)

    @abstractmethod
    def next_event(self, now: datetime) -> Record:
        """One record (key, value, headers) for an event that happened at `now`."""


class SyntheticFeed(SeededFeed):
    """Seeded lead events: call `next_event(now)` per record, or `events(n)` for a batch.

    `accounts` are the CRM accounts whose domains some leads use (the demo accounts, or
    `synthetic_accounts(n)` for benchmarks). `new_lead_share` of the valid events create a lead;
    `garbage_share` of all records are invalid (not JSON, a missing field, a bad email, an unknown
    event type). `max_active_leads` bounds memory: older leads stop engaging. `identity_keyed` of
    the valid records (0 to 1, chosen per record) are keyed by the lead's identity.
    """

    def __init__(
        self,
        seed: int,
        accounts: Sequence[Account],
        new_lead_share: float = 0.2,
        garbage_share: float = 0.0,
        *,
        cloudevents_share: float = _CLOUDEVENTS_SHARE,
        max_active_leads: int = 20_000,
        identity_keyed: float = 0.0,
    ) -> None:
        super().__init__(seed, new_lead_share, garbage_share, identity_keyed)
        self.cloudevents_share = cloudevents_share
        self._activity_types = [name for name, _ in ACTIVITY_WEIGHTS]
        self._activity_cum = cumulative([weight for _, weight in ACTIVITY_WEIGHTS])
        self._creation_types = [name for name, _ in CREATION_WEIGHTS]
        self._creation_cum = cumulative([weight for _, weight in CREATION_WEIGHTS])
        # Both draw from the feed's generator as they start (the other companies, then contexts and
        # activity links): their order is part of what a seed gives.
        self.pool = LeadPool(self.rng, accounts, self.keys, max_active_leads)
        self._envelopes = Envelopes(self.rng)

    def next_event(self, now: datetime) -> Record:
        """One record (key, value, headers) for an event that happened at `now`."""
        if self.garbage_share and self._random() < self.garbage_share:
            return self._garbage(now)
        if not self.pool.leads or self._random() < self.new_lead_share:
            lead = self.pool.new_lead()
            activity_type = self._creation_types[self._pick(self._creation_cum)]
            event_type = "lead.created"
        else:
            lead = self.pool.active_lead()
            activity_type = self._activity_types[self._pick(self._activity_cum)]
            event_type = "lead.activity"
        envelope = self._envelopes.make(lead, event_type, activity_type, now)
        key = self.keys.choose(lead.key, lead.identity)
        if self._random() < self.cloudevents_share:
            return self._cloudevent(key, lead, envelope)
        return key, orjson.dumps(envelope), [("content-type", b"application/json")]

    # --- records ------------------------------------------------------------------------------

    def _cloudevent(self, key: bytes, lead: Lead, envelope: dict[str, Any]) -> Record:
        data: dict[str, Any] = {
            name: envelope[name] for name in ("lead", "activity", "context") if name in envelope
        }
        data["schema_version"] = envelope["schema_version"]
        headers: list[Header] = [
            ("ce_specversion", b"1.0"),
            ("ce_id", envelope["event_id"].encode()),
            ("ce_source", lead.source.encode()),
            ("ce_type", f"com.example.marketing.{envelope['event_type']}".encode()),
            ("ce_time", envelope["occurred_at"].encode()),
            ("content-type", b"application/json"),
        ]
        return key, orjson.dumps(data), headers

    def _garbage(self, now: datetime) -> Record:
        kind = self._choose(GARBAGE_KINDS)
        pool = self.pool
        lead = pool.active_lead() if pool.leads else Lead(b"unknown", "webform", _NOBODY)
        envelope = self._envelopes.make(lead, "lead.activity", "email_click", now)
        headers: list[Header] = [("content-type", b"application/json")]
        if kind == "not_json":
            # A producer cut off mid-record.
            text = orjson.dumps(envelope)
            return lead.key, text[: 10 + self._below(len(text) // 2 - 10)], headers
        if kind == "missing_field":
            del envelope[self._choose(("event_id", "occurred_at", "source", "lead"))]
        elif kind == "bad_email":
            local, _, domain = lead.attributes.get("email", "jane.doe@example.com").partition("@")
            envelope["lead"] = {**lead.attributes, "email": f"{local} at {domain}"}
        else:
            envelope["event_type"] = self._choose(
                ("lead.deleted", "lead.merged", "contact.created")
            )
        return lead.key, orjson.dumps(envelope), headers
