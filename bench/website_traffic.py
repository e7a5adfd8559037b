"""The real-shaped workload: what a marketing site sends (schema 1.1), seeded.

Most events are page views with a duration and the visit's page count, in visits of several pages
that interleave; leads come back for repeat visits (recent leads more often); every lead carries
its attribution (lead source, UTM parameters, landing page, form); and a share of leads are buyers
whose visits go to pricing and end in a demo request or a call with sales, so they become
sales-ready. The words and pages are in `bench.website_vocabulary`.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from agents.tools.ring import Ring
from agents.tools.synthetic import Header, Record, SeededFeed
from agents.tools.synthetic_draws import cumulative
from bench.website_vocabulary import (
    BROWSING,
    BUYER_TITLES,
    CAMPAIGNS,
    COUNTRIES,
    FIRST_NAMES,
    FORMS,
    FREE_MAIL,
    HAND_RAISERS,
    LANDING,
    LAST_NAMES,
    PRICING,
    SITE,
    SOURCES,
    TITLES,
)
from schemas.accounts import Account

# Buyers: leads whose visits go to pricing and end with a hand-raise, i.e. become sales-ready.
_BUYER_SHARE: Final = 0.08
_ACCOUNT_SHARE: Final = 0.3
_FREE_MAIL_SHARE: Final = 0.3
# Visits: pages per visit are 1 + geometric (mean about 4); at most this many visits at once.
_MORE_PAGES: Final = 0.72
_OPEN_VISITS: Final = 64
# Returning leads: this share of the return visits are by the most recent leads.
_HOT_LEADS: Final = 300
_HOT_SHARE: Final = 0.5
# Time on a page: exponential with this mean (seconds), capped at half an hour.
_MEAN_DWELL: Final = 45.0
_MAX_DWELL: Final = 1800.0
_EMAIL_SHARE: Final = 0.1  # of the events outside visits: an email open or click


@dataclass(slots=True)
class _Lead:
    key: bytes
    source: str
    attributes: dict[str, Any]
    buyer: bool
    identity: bytes | None = None  # the key intake gives it, when the feed keys records by it
    visits: int = 0


@dataclass(slots=True)
class _Visit:
    lead: _Lead
    pages: list[tuple[str, str]]  # (activity type, path), in order
    shown: int = 0
    campaign: str | None = None


class RealShapedFeed(SeededFeed):
    """Seeded website traffic of leads: `next_event(now)` per record, `events(n)` for a batch.

    `new_lead_share` of the valid events create a lead (a form on its first visit);
    `garbage_share` of all records are invalid (cut off, or without a lead). `max_active_leads`
    bounds memory: older leads stop coming back. `identity_keyed` of the valid records (chosen
    per record) are keyed by the lead's identity, the others and the invalid ones by its id.
    """

    def __init__(
        self,
        seed: int,
        accounts: Sequence[Account],
        new_lead_share: float = 0.08,
        garbage_share: float = 0.0,
        *,
        max_active_leads: int = 20_000,
        identity_keyed: float = 0.0,
    ) -> None:
        super().__init__(seed, new_lead_share, garbage_share, identity_keyed)
        self.accounts = [account for account in accounts if account.domains]
        self.leads: Ring[_Lead] = Ring(max_active_leads)
        self.leads_created = 0
        self._visits: list[_Visit] = []
        self._source_cum = cumulative([weight for *_, weight in SOURCES])
        self._stamp_second = -1
        self._stamp_prefix = ""

    # --- public -----------------------------------------------------------------------------

    def next_event(self, now: datetime) -> Record:
        """One record (key, value, headers) for an event that happened at `now`."""
        if self.garbage_share and self._random() < self.garbage_share:
            return self._garbage(now)
        if not self.leads or self._random() < self.new_lead_share:
            return self._created(now)
        if self._visits and (len(self._visits) >= _OPEN_VISITS or self._random() < 0.7):
            return self._next_page(self._visits[self._below(len(self._visits))], now)
        lead = self._returning_lead()
        if self._random() < _EMAIL_SHARE:
            kind = "email_click" if self._random() < 0.3 else "email_open"
            activity = {"type": kind, "campaign": self._choose(CAMPAIGNS)}
            return self._record(lead, "lead.activity", activity, now)
        return self._next_page(self._open_visit(lead), now)

    # --- leads --------------------------------------------------------------------------------

    def _created(self, now: datetime) -> Record:
        """A new lead: the form it filled in on its first visit, which then goes on."""
        lead = self._new_lead()
        kind, form_name, path = self._choose(FORMS)
        lead.attributes["form_name"] = form_name
        visit = self._open_visit(lead)
        activity = {"type": kind, "url": SITE + path, "campaign": visit.campaign}
        return self._record(lead, "lead.created", activity, now)

    def _new_lead(self) -> _Lead:
        self.leads_created += 1
        number = self.leads_created
        buyer = self._random() < _BUYER_SHARE
        first, last = self._choose(FIRST_NAMES), self._choose(LAST_NAMES)
        local = f"{first}.{last}{number}".lower()
        lead_source, utm_source, utm_medium, _ = SOURCES[self._pick(self._source_cum)]
        attributes: dict[str, Any] = {
            "external_id": f"web-{number:08d}",
            "first_name": first,
            "last_name": last,
            "job_title": self._choose(BUYER_TITLES if buyer else TITLES),
            "lead_source": lead_source,
            "landing_page": SITE + self._choose(LANDING),
        }
        if utm_source is not None:
            attributes["utm_source"] = utm_source
            attributes["utm_medium"] = utm_medium
            attributes["utm_campaign"] = self._choose(CAMPAIGNS)
        kind = self._random()
        if self.accounts and kind < _ACCOUNT_SHARE + (0.2 if buyer else 0.0):
            account = self._choose(self.accounts)
            attributes["email"] = f"{local}@{self._choose(account.domains)}"
            attributes["company_name"] = account.name
            attributes["country"] = account.country
            attributes["employee_count"] = account.employee_count
        elif buyer or kind < 1.0 - _FREE_MAIL_SHARE:
            attributes["email"] = f"{local}@{last.lower()}-{number % 997}.example.com"
            attributes["company_name"] = f"{last} Group {number % 997}"
            attributes["country"] = self._choose(COUNTRIES)
            attributes["employee_count"] = 10 + self._below(5000)
        else:
            attributes["email"] = f"{local}@{self._choose(FREE_MAIL)}"
            attributes["country"] = self._choose(COUNTRIES)
        identity = self.keys.identity(attributes, "website")
        lead = _Lead(attributes["external_id"].encode(), "website", attributes, buyer, identity)
        self.leads.add(lead)
        return lead

    def _returning_lead(self) -> _Lead:
        count = len(self.leads)
        if count > _HOT_LEADS and self._random() < _HOT_SHARE:
            return self.leads.newest(self._below(_HOT_LEADS))
        return self.leads[self._below(count)]

    # --- visits -------------------------------------------------------------------------------

    def _open_visit(self, lead: _Lead) -> _Visit:
        """A visit of 1 + geometric pages; a buyer's second and later visits go to pricing and
        end with a hand-raise."""
        lead.visits += 1
        pages = [("page_view", self._choose(BROWSING))]
        while self._random() < _MORE_PAGES and len(pages) < 30:
            pages.append(("page_view", self._choose(BROWSING)))
        if lead.buyer and lead.visits >= 2:
            pages.append(("pricing_page_view", self._choose(PRICING)))
            if self._random() < 0.6:
                pages.append(self._choose(HAND_RAISERS))
        elif self._random() < 0.08:
            pages.append(("pricing_page_view", self._choose(PRICING)))
        campaign = lead.attributes.get("utm_campaign") if lead.visits == 1 else None
        if campaign is None and self._random() < 0.3:
            campaign = self._choose(CAMPAIGNS)
        visit = _Visit(lead, pages, campaign=campaign)
        if len(self._visits) >= _OPEN_VISITS:
            self._visits[self._below(len(self._visits))] = visit
        else:
            self._visits.append(visit)
        return visit

    def _next_page(self, visit: _Visit, now: datetime) -> Record:
        kind, path = visit.pages[visit.shown]
        visit.shown += 1
        if visit.shown >= len(visit.pages):
            self._visits.remove(visit)
        dwell = min(_MAX_DWELL, -math.log(1.0 - self._random()) * _MEAN_DWELL)
        activity: dict[str, Any] = {
            "type": kind,
            "url": SITE + path,
            "duration_seconds": round(dwell, 1),
            "page_count": visit.shown,
        }
        if visit.campaign is not None:
            activity["campaign"] = visit.campaign
        return self._record(visit.lead, "lead.activity", activity, now)

    # --- records ------------------------------------------------------------------------------

    def _record(
        self, lead: _Lead, event_type: str, activity: dict[str, Any], now: datetime
    ) -> Record:
        value = self._value(lead, event_type, activity, now)
        key = self.keys.choose(lead.key, lead.identity)
        return key, value, [("content-type", b"application/json")]

    def _value(
        self, lead: _Lead, event_type: str, activity: dict[str, Any], now: datetime
    ) -> bytes:
        stamp = self._stamp(now)
        envelope = {
            "event_id": f"evt-{self.rng.getrandbits(64):016x}",
            "event_type": event_type,
            "occurred_at": stamp,
            "source": lead.source,
            "schema_version": "1.1",
            "lead": lead.attributes,
            "activity": {**activity, "occurred_at": stamp},
        }
        return orjson.dumps(envelope)

    def _stamp(self, now: datetime) -> str:
        """RFC 3339 in UTC to the millisecond, the date part formatted once per second."""
        second = math.floor(now.timestamp())
        if second != self._stamp_second:
            self._stamp_second = second
            self._stamp_prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._stamp_prefix}.{now.microsecond // 1000:03d}Z"

    def _garbage(self, now: datetime) -> Record:
        lead = self._returning_lead() if self.leads else self._new_lead()
        value = self._value(lead, "lead.activity", {"type": "page_view"}, now)
        headers: list[Header] = [("content-type", b"application/json")]
        if self._random() < 0.5:  # a producer cut off mid-record
            return lead.key, value[: 10 + self._below(len(value) // 2)], headers
        document = orjson.loads(value)
        del document["lead"]
        return lead.key, orjson.dumps(document), headers
