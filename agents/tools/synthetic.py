"""A synthetic, seeded feed of realistic lead events (and accounts) for the demo and benchmarks.

Every record is what a marketing system would publish to `leads.events.v1`: a JSON envelope of
about one kilobyte, or now and then a CloudEvents binary-mode record (`ce_*` headers). About a
fifth of the events create new leads; the rest are engagement of leads already created, weighted
as marketing sees it (opens, clicks and page views common; demo requests rare). Leads come from
demo-account domains (so key accounts and customers match), other companies and free mailboxes.
A `garbage_share` of records is invalid on purpose, for the dead-letter path. Records are keyed
by the lead's external id, or an `identity_keyed` share of them by its identity as intake computes
it (`agents.tools.feed_keys`), so the worker can take them without re-keying; garbage keeps its key.

Everything is drawn from one `random.Random(seed)` (which records are identity-keyed from a
second one, seeded alike): the same seed and the same clock readings give the same bytes.
"""

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, TypeVar

import orjson

from agents.tools.feed_keys import KeyChooser
from schemas.accounts import Account, AccountTier, CustomerStatus

_T = TypeVar("_T")
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

# Engagement as a marketing automation system sees it: opens and clicks dominate, hand-raisers
# (demo requests, contact sales) are rare. Unsubscribes happen.
_ACTIVITY_WEIGHTS: Final = (
    ("email_open", 30.0),
    ("email_click", 16.0),
    ("pricing_page_view", 12.0),
    ("content_download", 10.0),
    ("form_submit", 7.0),
    ("webinar_attended", 6.0),
    ("trial_signup", 1.5),
    ("demo_request", 1.0),
    ("contact_sales", 0.7),
    ("unsubscribe", 1.0),
)
# What created a lead: a form of some kind, or an import without any activity.
_CREATION_WEIGHTS: Final = (
    ("form_submit", 35.0),
    ("content_download", 25.0),
    ("webinar_attended", 10.0),
    ("trial_signup", 3.0),
    ("demo_request", 1.5),
    ("contact_sales", 1.0),
    (None, 19.0),
)
_SENIORITY_TITLES: Final = (
    (
        7.0,
        (
            "CEO",
            "Chief Marketing Officer",
            "Chief Financial Officer",
            "CTO",
            "Founder",
            "Managing Director",
            "Chief Revenue Officer",
            "Owner",
        ),
    ),
    (
        10.0,
        (
            "VP Sales",
            "Vice President, Marketing",
            "SVP Engineering",
            "VP of Operations",
            "EVP Finance",
            "VP, Information Technology",
        ),
    ),
    (
        18.0,
        (
            "Director of IT",
            "Head of Procurement",
            "Marketing Director",
            "Senior Director, Operations",
            "Head of Sales",
            "Director, Finance",
            "General Manager",
        ),
    ),
    (
        25.0,
        (
            "Marketing Manager",
            "IT Manager",
            "Sales Team Lead",
            "Operations Manager",
            "Finance Manager",
            "Procurement Manager",
            "Engineering Manager",
        ),
    ),
    (
        35.0,
        (
            "Software Engineer",
            "Data Analyst",
            "Account Executive",
            "Marketing Specialist",
            "Procurement Specialist",
            "Financial Analyst",
            "HR Business Partner",
            "Consultant",
            "Student",
        ),
    ),
    (5.0, ("N/A", "Select", "")),
)
# Countries as people type them, grouped by territory (NA, EMEA, APAC, LATAM, unknown).
_COUNTRIES: Final = (
    (40.0, ("United States", "USA", "US", "Canada")),
    (32.0, ("United Kingdom", "UK", "Germany", "France", "Netherlands", "Spain", "Sweden")),
    (16.0, ("Japan", "Australia", "Singapore", "India", "South Korea")),
    (8.0, ("Brazil", "Mexico", "Argentina", "Chile", "Colombia")),
    (4.0, ("", "Earth", "N/A")),
)
_REGIONS: Final = {
    "United States": ("CA", "NY", "TX", "WA", "MA", "IL"),
    "USA": ("CA", "NY", "FL", "GA"),
    "US": ("CA", "CO", "NJ"),
    "Canada": ("ON", "BC", "QC"),
    "Germany": ("Bayern", "Berlin", "Hessen"),
    "Australia": ("NSW", "VIC"),
    "Brazil": ("SP", "RJ"),
}
# Industries as forms collect them, across the verticals enrichment knows (and some it does not).
_INDUSTRIES: Final = (
    "Pharmaceuticals",
    "Biotechnology",
    "Medical Devices",
    "Banking",
    "Insurance",
    "Financial Services",
    "Capital Markets",
    "Management Consulting",
    "Automotive",
    "Retail",
    "Consumer Goods",
    "Food & Beverages",
    "Apparel & Fashion",
    "Marketing and Advertising",
    "Leisure, Travel & Tourism",
    "Hospitality",
    "Entertainment",
    "Media Production",
    "Wholesale",
    "Computer Software",
    "Information Technology and Services",
    "Manufacturing",
    "Logistics and Supply Chain",
    "Telecommunications",
    "Education",
    "Real Estate",
)
_FREE_MAIL: Final = (
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "gmx.de",
    "yahoo.co.uk",
    "orange.fr",
    "web.de",
)
_FIRST_NAMES: Final = (
    "Ada", "Aisha", "Alejandro", "Amara", "Anna", "Arjun", "Ben", "Carla", "Chen", "Chloe",
    "Daniel", "David", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hannah", "Hiro",
    "Ines", "Ivan", "James", "Jana", "Javier", "Julia", "Kenji", "Lars", "Laura", "Lea",
    "Lucas", "Maria", "Mateo", "Mei", "Mohammed", "Nadia", "Noah", "Olga", "Omar", "Paula",
    "Pedro", "Priya", "Rafael", "Rosa", "Sami", "Sara", "Sofia", "Thomas", "Yuki", "Zoe",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Adams", "Alvarez", "Becker", "Bianchi", "Brown", "Chen", "Costa", "Dubois", "Eriksson",
    "Fischer", "Garcia", "Gonzalez", "Hansen", "Ito", "Jansen", "Kim", "Kowalski", "Kumar",
    "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Muller", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Patel", "Perez", "Rossi", "Santos", "Sato", "Schmidt", "Silva",
    "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Wagner", "Walker", "Wang", "Weber",
    "Williams", "Wilson", "Yamamoto", "Zhang",
)  # fmt: skip
_NAME_STEMS: Final = (
    "Blue", "Bright", "Cedar", "Clear", "Copper", "Crest", "Delta", "Ever", "Falcon", "Fern",
    "Granite", "Harbor", "Iron", "Juniper", "Keystone", "Lumen", "Maple", "Meridian", "Nimbus",
    "North", "Oak", "Orbit", "Pine", "Quartz", "Red", "River", "Silver", "Solar", "Stone",
    "Summit", "Terra", "Tidal", "Union", "Vertex", "West", "Willow",
)  # fmt: skip
_NAME_ENDINGS: Final = (
    "wave", "field", "point", "bridge", "gate", "line", "works", "stack", "leaf", "peak",
    "side", "view", "ridge", "port", "light", "mark",
)  # fmt: skip
_NAME_SUFFIXES: Final = (
    "Analytics", "Labs", "Systems", "Group", "Partners", "Health", "Logistics", "Foods",
    "Capital", "Software", "Industries", "Retail", "Media", "Consulting", "Bio", "Motors",
)  # fmt: skip
_LEGAL_FORMS: Final = ("", "", "Inc.", "LLC", "Ltd", "GmbH", "S.A.", "Corp.")
_TLDS: Final = (".com", ".com", ".com", ".io", ".net", ".co.uk", ".de", ".fr")
_SOURCES: Final = (
    ("marketo", "mkto", 40.0),
    ("hubspot", "hs", 30.0),
    ("webform", "web", 20.0),
    ("linkedin-ads", "li", 10.0),
)
_CAMPAIGNS: Final = (
    "2026-q4-webinar-series",
    "2026-q4-product-launch",
    "nurture-welcome",
    "nurture-enterprise",
    "retargeting-pricing",
    "event-summit-2026",
    "ebook-buyers-guide",
    "newsletter-november",
    "trial-onboarding",
    "partner-cobrand",
)
_UTM_SOURCES: Final = ("google", "linkedin", "newsletter", "bing", "partner", "direct", "g2")
_UTM_MEDIUMS: Final = ("cpc", "email", "social", "organic", "referral", "display")
_USER_AGENTS: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
)
_SITE: Final = "https://www.example-saas.com"
_PAGES: Final = {
    "pricing_page_view": ("/pricing", "/pricing/enterprise", "/pricing/compare"),
    "content_download": ("/resources/buyers-guide.pdf", "/resources/roi-calculator.xlsx"),
    "webinar_attended": ("/webinars/pipeline-velocity", "/webinars/routing-at-scale"),
    "form_submit": ("/contact", "/newsletter", "/events/summit-2026"),
    "trial_signup": ("/trial", "/signup"),
    "demo_request": ("/demo",),
    "contact_sales": ("/contact-sales",),
}
_INTERESTS: Final = ("Lead Routing", "Analytics", "Integrations", "Enterprise Plan", "API")
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


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = 0.0
    running = []
    for weight in weights:
        total += weight
        running.append(total)
    return running


_LOG_MIN: Final = math.log(5)
_LOG_MAX: Final = math.log(50_000)


def _log_uniform(draw: float) -> int:
    """Company sizes from 5 to 50,000 spread over orders of magnitude: as many 5-50 as
    5,000-50,000. `draw` is uniform in [0, 1)."""
    return int(math.exp(_LOG_MIN + draw * (_LOG_MAX - _LOG_MIN)))


class SyntheticFeed:
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
        self.rng = random.Random(seed)
        self.keys = KeyChooser(identity_keyed, seed)
        self._random = self.rng.random
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
        self._activity_types = [name for name, _ in _ACTIVITY_WEIGHTS]
        self._activity_cum = _cumulative([weight for _, weight in _ACTIVITY_WEIGHTS])
        self._creation_types = [name for name, _ in _CREATION_WEIGHTS]
        self._creation_cum = _cumulative([weight for _, weight in _CREATION_WEIGHTS])
        self._title_groups = [titles for _, titles in _SENIORITY_TITLES]
        self._title_cum = _cumulative([weight for weight, _ in _SENIORITY_TITLES])
        self._country_groups = [names for _, names in _COUNTRIES]
        self._country_cum = _cumulative([weight for weight, _ in _COUNTRIES])
        self._sources = [(name, prefix) for name, prefix, _ in _SOURCES]
        self._source_cum = _cumulative([weight for _, _, weight in _SOURCES])
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

    # random.Random.choice and randrange cost several times more than one random() call, and the
    # feed makes about twenty draws per event.
    def _choose(self, values: Sequence[_T]) -> _T:
        return values[int(self._random() * len(values))]

    def _below(self, bound: int) -> int:
        return int(self._random() * bound)

    def _pick(self, cumulative: list[float]) -> int:
        target = self._random() * cumulative[-1]
        for index, bound in enumerate(cumulative):
            if target < bound:
                return index
        return len(cumulative) - 1

    def _company(self) -> _Company:
        stem, ending = self._choose(_NAME_STEMS), self._choose(_NAME_ENDINGS)
        suffix = self._choose(_NAME_SUFFIXES)
        legal = self._choose(_LEGAL_FORMS)
        name = f"{stem}{ending} {suffix}" + (f" {legal}" if legal else "")
        domain = f"{stem}{ending}-{suffix}".lower() + self._choose(_TLDS)
        group = self._country_groups[self._pick(self._country_cum)]
        return _Company(
            name=name,
            domain=domain,
            country=self._choose(group),
            industry=self._choose(_INDUSTRIES),
            employee_count=_log_uniform(self._random()),
        )

    def _title(self) -> str:
        return self._choose(self._title_groups[self._pick(self._title_cum)])

    def _new_lead(self) -> _Lead:
        self.leads_created += 1
        number = self.leads_created
        source, prefix = self._sources[self._pick(self._source_cum)]
        first, last = self._choose(_FIRST_NAMES), self._choose(_LAST_NAMES)
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
            attributes["product_interest"] = self._choose(_INTERESTS)
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
            "region": self._choose(_REGIONS.get(company.country, ("",))) or None,
            "industry": company.industry if self._random() < 0.75 else None,
            "employee_count": company.employee_count if self._random() < 0.8 else None,
        }

    def _private_person(self, local: str | None) -> dict[str, Any]:
        """A free-mail address (or none at all: only the source's id), company details sparse."""
        company = self._choose(self.companies)
        email = None
        if local is not None:
            email = f"{local}{self._below(100)}@{self._choose(_FREE_MAIL)}"
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
        campaign = self._choose(_CAMPAIGNS)
        pages = _PAGES.get(activity_type)
        if pages:
            url = _SITE + self._choose(pages)
        else:  # emails link through the marketing system's tracker
            url = f"{_SITE}/l/{campaign}?mkt_tok={self.rng.getrandbits(48):012x}"
        return {"type": activity_type, "campaign": campaign, "url": url}

    def _context(self) -> dict[str, str]:
        return {
            "utm_source": self._choose(_UTM_SOURCES),
            "utm_medium": self._choose(_UTM_MEDIUMS),
            "utm_campaign": self._choose(_CAMPAIGNS),
            "ip": f"203.0.113.{1 + self._below(254)}",
            "user_agent": self._choose(_USER_AGENTS),
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


# --- accounts ---------------------------------------------------------------------------------

# Owners of key and strategic accounts, by the account's country: the demo reps' field teams.
_OWNERS_BY_COUNTRY: Final = {
    "US": ("rep-na-01", "rep-na-02", "rep-na-03"),
    "CA": ("rep-na-01", "rep-na-02", "rep-na-03"),
    "GB": ("rep-emea-01", "rep-emea-02", "rep-emea-03"),
    "DE": ("rep-emea-01", "rep-emea-02", "rep-emea-03"),
    "FR": ("rep-emea-01", "rep-emea-02", "rep-emea-03"),
    "JP": ("rep-apac-01", "rep-apac-02"),
    "AU": ("rep-apac-01", "rep-apac-02"),
    "SG": ("rep-apac-01", "rep-apac-02"),
    "BR": ("rep-latam-01", "rep-latam-02"),
    "MX": ("rep-latam-01", "rep-latam-02"),
}
_ACCOUNT_COUNTRIES: Final = tuple(_OWNERS_BY_COUNTRY)
_COUNTRY_WEIGHTS: Final = _cumulative((30, 4, 12, 8, 5, 8, 5, 4, 6, 3))
_SUCCESS_REPS: Final = ("rep-cs-01", "rep-cs-02", "rep-cs-03")
_TIERS: Final[tuple[tuple[AccountTier, float], ...]] = (
    ("key", 0.01),
    ("strategic", 0.03),
    ("standard", 1.0),
)
_STATUSES: Final[tuple[tuple[CustomerStatus, float], ...]] = (
    ("customer", 0.12),
    ("former_customer", 0.16),
    ("prospect", 1.0),
)


def synthetic_accounts(n: int, seed: int) -> list[Account]:
    """`n` distinct CRM accounts (unique ids, names and domains) for benchmarks and the demo.

    Key and strategic accounts are owned by the demo reps of their territory (with a cover rep);
    customers have an account team of customer-success reps.
    """
    validate = Account.model_validate
    return [validate(fields) for fields in _account_fields(n, seed)]


def synthetic_account_records(n: int, seed: int) -> Iterator[tuple[bytes, bytes]]:
    """The same accounts as `synthetic_accounts(n, seed)`, as `crm.accounts.v1` records (key:
    account id, value: the account as JSON), without building models: a million in seconds."""
    dumps = orjson.dumps
    for fields in _account_fields(n, seed):
        yield fields["account_id"].encode(), dumps(fields)


def _account_fields(n: int, seed: int) -> Iterator[dict[str, Any]]:
    draw = random.Random(seed).random
    for number in range(n):
        stem = _NAME_STEMS[int(draw() * len(_NAME_STEMS))]
        ending = _NAME_ENDINGS[int(draw() * len(_NAME_ENDINGS))]
        suffix = _NAME_SUFFIXES[int(draw() * len(_NAME_SUFFIXES))]
        # The number keeps names and domains unique however many accounts there are.
        name = f"{stem}{ending} {suffix} {number:x}"
        domain = f"{stem}{ending}-{suffix}-{number:x}".lower() + _TLDS[int(draw() * len(_TLDS))]
        position = draw() * _COUNTRY_WEIGHTS[-1]
        country = _ACCOUNT_COUNTRIES[-1]
        for code, bound in zip(_ACCOUNT_COUNTRIES, _COUNTRY_WEIGHTS, strict=True):
            if position < bound:
                country = code
                break
        tier_draw, status_draw = draw(), draw()
        tier = next(value for value, bound in _TIERS if tier_draw < bound)
        status = next(value for value, bound in _STATUSES if status_draw < bound)
        owner = cover = None
        if tier != "standard":
            owners = _OWNERS_BY_COUNTRY[country]
            first = int(draw() * len(owners))
            owner, cover = owners[first], owners[(first + 1) % len(owners)]
        team = [_SUCCESS_REPS[int(draw() * 3)]] if status == "customer" else []
        employees = _log_uniform(draw())
        yield {
            "account_id": f"acct-s{number:07d}",
            "name": name,
            "domains": [domain],
            "industry": _INDUSTRIES[int(draw() * len(_INDUSTRIES))],
            "employee_count": employees,
            "annual_revenue": float(employees * (80 + int(draw() * 320)) * 1000),
            "country": country,
            "tier": tier,
            "owner_rep_id": owner,
            "cover_rep_id": cover,
            "account_team": team,
            "customer_status": status,
        }
