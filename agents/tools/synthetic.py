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
words and weights it draws from are in `agents.tools.synthetic_vocabulary`; accounts for it (as
many as a benchmark wants) are made by `agents.tools.synthetic_accounts`.
"""

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import orjson

from agents.tools.feed_keys import KeyChooser
from agents.tools.synthetic_draws import Draws, cumulative, log_uniform
from agents.tools.synthetic_vocabulary import (
    ACTIVITY_WEIGHTS,
    CAMPAIGNS,
    COUNTRIES,
    CREATION_WEIGHTS,
    FIRST_NAMES,
    FREE_MAIL,
    INDUSTRIES,
    INTERESTS,
    LAST_NAMES,
    LEGAL_FORMS,
    NAME_ENDINGS,
    NAME_STEMS,
    NAME_SUFFIXES,
    PAGES,
    REGIONS,
    SENIORITY_TITLES,
    SITE,
    SOURCES,
    TLDS,
    USER_AGENTS,
    UTM_MEDIUMS,
    UTM_SOURCES,
)
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

# Recently created leads are the active ones: most engagement is theirs.
_HOT_LEADS: Final = 500
_HOT_SHARE: Final = 0.3
_ACCOUNT_EMAIL_SHARE: Final = 0.35
_BUSINESS_EMAIL_SHARE: Final = 0.40
_FREE_EMAIL_SHARE: Final = 0.22  # the rest (3%) have no email, only the source's id
_CLOUDEVENTS_SHARE: Final = 0.03
_OTHER_COMPANIES: Final = 2000
# Pre-drawn request contexts and activity links: realistic bytes without many draws per event.
_CONTEXTS: Final = 256
_NOBODY: Final = {"email": "jane.doe@example.com", "first_name": "Jane", "last_name": "Doe"}


@dataclass(frozen=True, slots=True)
class _Company:
    name: str
    domain: str
    country: str
    industry: str
    employee_count: int


@dataclass(frozen=True, slots=True)
class _Lead:
    key: bytes
    source: str
    attributes: dict[str, Any]
    identity: bytes | None = None  # the key intake gives it, when the feed keys records by it


class SyntheticFeed(Draws):
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
        if not 0.0 <= new_lead_share <= 1.0 or not 0.0 <= garbage_share <= 1.0:
            raise ValueError("shares are between 0 and 1")
        super().__init__(random.Random(seed))
        self.keys = KeyChooser(identity_keyed, seed)
        self.accounts = [account for account in accounts if account.domains]
        self.new_lead_share = new_lead_share
        self.garbage_share = garbage_share
        self.cloudevents_share = cloudevents_share
        self.max_active_leads = max_active_leads
        self.leads: list[_Lead] = []
        self.leads_created = 0
        self._oldest = 0  # ring position replaced next once the pool is full
        self._stamp_second = -1
        self._stamp_prefix = ""
        self._activity_types = [name for name, _ in ACTIVITY_WEIGHTS]
        self._activity_cum = cumulative([weight for _, weight in ACTIVITY_WEIGHTS])
        self._creation_types = [name for name, _ in CREATION_WEIGHTS]
        self._creation_cum = cumulative([weight for _, weight in CREATION_WEIGHTS])
        self._title_groups = [titles for _, titles in SENIORITY_TITLES]
        self._title_cum = cumulative([weight for weight, _ in SENIORITY_TITLES])
        self._country_groups = [names for _, names in COUNTRIES]
        self._country_cum = cumulative([weight for weight, _ in COUNTRIES])
        self._sources = [(name, prefix) for name, prefix, _ in SOURCES]
        self._source_cum = cumulative([weight for _, _, weight in SOURCES])
        self.companies = [self._company() for _ in range(_OTHER_COMPANIES)]
        self._contexts = [self._context() for _ in range(_CONTEXTS)]
        self._activities = {
            name: [self._activity(name) for _ in range(_CONTEXTS)] for name in self._activity_types
        }

    # --- public -----------------------------------------------------------------------------

    def events(
        self, n: int, start: datetime = DEFAULT_START, interval: timedelta = DEFAULT_INTERVAL
    ) -> Iterator[Record]:
        """The next `n` records, the first at `start` and then one every `interval`."""
        for index in range(n):
            yield self.next_event(start + index * interval)

    def next_event(self, now: datetime) -> Record:
        """One record (key, value, headers) for an event that happened at `now`."""
        if self.garbage_share and self._random() < self.garbage_share:
            return self._garbage(now)
        if not self.leads or self._random() < self.new_lead_share:
            lead = self._new_lead()
            activity_type = self._creation_types[self._pick(self._creation_cum)]
            event_type = "lead.created"
        else:
            lead = self._active_lead()
            activity_type = self._activity_types[self._pick(self._activity_cum)]
            event_type = "lead.activity"
        envelope = self._envelope(lead, event_type, activity_type, now)
        key = self.keys.choose(lead.key, lead.identity)
        if self._random() < self.cloudevents_share:
            return self._cloudevent(key, lead, envelope)
        return key, orjson.dumps(envelope), [("content-type", b"application/json")]

    # --- leads --------------------------------------------------------------------------------

    def _company(self) -> _Company:
        stem, ending = self._choose(NAME_STEMS), self._choose(NAME_ENDINGS)
        suffix = self._choose(NAME_SUFFIXES)
        legal = self._choose(LEGAL_FORMS)
        name = f"{stem}{ending} {suffix}" + (f" {legal}" if legal else "")
        domain = f"{stem}{ending}-{suffix}".lower() + self._choose(TLDS)
        group = self._country_groups[self._pick(self._country_cum)]
        return _Company(
            name=name,
            domain=domain,
            country=self._choose(group),
            industry=self._choose(INDUSTRIES),
            employee_count=log_uniform(self._random()),
        )

    def _title(self) -> str:
        return self._choose(self._title_groups[self._pick(self._title_cum)])

    def _new_lead(self) -> _Lead:
        self.leads_created += 1
        number = self.leads_created
        source, prefix = self._sources[self._pick(self._source_cum)]
        first, last = self._choose(FIRST_NAMES), self._choose(LAST_NAMES)
        local = f"{first}.{last}".lower()
        attributes: dict[str, Any] = {
            "external_id": f"{prefix}-{number:08d}",
            "first_name": first,
            "last_name": last,
            "job_title": self._title() if self._random() < 0.92 else None,
        }
        kind = self._random()
        if kind < _ACCOUNT_EMAIL_SHARE and self.accounts:
            attributes.update(self._account_person(local))
        elif kind < _ACCOUNT_EMAIL_SHARE + _BUSINESS_EMAIL_SHARE:
            attributes.update(self._business_person(local))
        else:
            has_email = kind < _ACCOUNT_EMAIL_SHARE + _BUSINESS_EMAIL_SHARE + _FREE_EMAIL_SHARE
            attributes.update(self._private_person(local if has_email else None))
        count = attributes.get("employee_count")
        if count is not None and self._random() < 0.5:
            attributes["annual_revenue"] = float(count * (80 + self._below(320)) * 1000)
        if self._random() < 0.6:
            attributes["phone"] = f"+1 555 {self._below(10_000):04d}"
        if self._random() < 0.5:
            attributes["product_interest"] = self._choose(INTERESTS)
        if self._random() < 0.03:
            attributes["do_not_email"] = True
        attributes = {name: value for name, value in attributes.items() if value is not None}
        identity = self.keys.identity(attributes, source)
        lead = _Lead(attributes["external_id"].encode(), source, attributes, identity)
        if len(self.leads) < self.max_active_leads:
            self.leads.append(lead)
        else:
            self.leads[self._oldest] = lead
            self._oldest = (self._oldest + 1) % self.max_active_leads
        return lead

    def _account_person(self, local: str) -> dict[str, Any]:
        """Someone at a CRM account, writing from one of its domains."""
        account = self._choose(self.accounts)
        domain = self._choose(account.domains)
        return {
            "email": f"{local}@{domain}",
            "company_name": account.name,
            "website": f"https://www.{domain}" if self._random() < 0.6 else None,
            "country": account.country,
            "region": account.region,
            "industry": account.industry if self._random() < 0.8 else None,
            "employee_count": account.employee_count if self._random() < 0.7 else None,
        }

    def _business_person(self, local: str) -> dict[str, Any]:
        """Someone at a company the CRM does not know, with a business address."""
        company = self._choose(self.companies)
        return {
            "email": f"{local}@{company.domain}",
            "company_name": company.name,
            "website": company.domain if self._random() < 0.7 else None,
            "country": company.country or None,
            "region": self._choose(REGIONS.get(company.country, ("",))) or None,
            "industry": company.industry if self._random() < 0.75 else None,
            "employee_count": company.employee_count if self._random() < 0.8 else None,
        }

    def _private_person(self, local: str | None) -> dict[str, Any]:
        """A free-mail address (or none at all: only the source's id), company details sparse."""
        company = self._choose(self.companies)
        email = None
        if local is not None:
            email = f"{local}{self._below(100)}@{self._choose(FREE_MAIL)}"
        return {
            "email": email,
            "company_name": company.name if self._random() < 0.6 else None,
            "country": company.country or None,
            "industry": company.industry if self._random() < 0.4 else None,
            "employee_count": company.employee_count if self._random() < 0.3 else None,
        }

    def _active_lead(self) -> _Lead:
        count = len(self.leads)
        if count > _HOT_LEADS and self._random() < _HOT_SHARE:
            # The newest leads, counting back from the last one written in the ring.
            newest = (self._oldest - 1) % count if count == self.max_active_leads else count - 1
            return self.leads[(newest - self._below(_HOT_LEADS)) % count]
        return self.leads[self._below(count)]

    # --- records ------------------------------------------------------------------------------

    def _envelope(
        self, lead: _Lead, event_type: str, activity_type: str | None, now: datetime
    ) -> dict[str, Any]:
        rng = self.rng
        stamp = self._stamp(now)
        envelope: dict[str, Any] = {
            "event_id": f"evt-{rng.getrandbits(64):016x}",
            "event_type": event_type,
            "occurred_at": stamp,
            "source": lead.source,
            "schema_version": "1.0",
            "lead": lead.attributes,
        }
        if activity_type is not None:
            template = self._choose(self._activities[activity_type])
            envelope["activity"] = {**template, "occurred_at": stamp}
        # Context marketing systems attach; leadrouter ignores it (tolerant reader).
        envelope["context"] = self._choose(self._contexts)
        return envelope

    def _stamp(self, now: datetime) -> str:
        """RFC 3339 in UTC to the millisecond; datetime.isoformat would cost a third of an event."""
        second = math.floor(now.timestamp())
        if second != self._stamp_second:
            self._stamp_second = second
            moment = datetime.fromtimestamp(second, UTC)
            self._stamp_prefix = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._stamp_prefix}.{now.microsecond // 1000:03d}Z"

    def _activity(self, activity_type: str) -> dict[str, str]:
        campaign = self._choose(CAMPAIGNS)
        pages = PAGES.get(activity_type)
        if pages:
            url = SITE + self._choose(pages)
        else:  # emails link through the marketing system's tracker
            url = f"{SITE}/l/{campaign}?mkt_tok={self.rng.getrandbits(48):012x}"
        return {"type": activity_type, "campaign": campaign, "url": url}

    def _context(self) -> dict[str, str]:
        return {
            "utm_source": self._choose(UTM_SOURCES),
            "utm_medium": self._choose(UTM_MEDIUMS),
            "utm_campaign": self._choose(CAMPAIGNS),
            "ip": f"203.0.113.{1 + self._below(254)}",
            "user_agent": self._choose(USER_AGENTS),
            "locale": self._choose(("en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR")),
        }

    def _cloudevent(self, key: bytes, lead: _Lead, envelope: dict[str, Any]) -> Record:
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
        lead = self._active_lead() if self.leads else _Lead(b"unknown", "webform", _NOBODY)
        envelope = self._envelope(lead, "lead.activity", "email_click", now)
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
