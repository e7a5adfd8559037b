"""An account as the accounts view stores it: one compact record, and the index keys it claims."""

import marshal
from typing import NamedTuple

from schemas.accounts import Account, AccountTier, CustomerStatus
from service.claims import Key
from service.company_names import company_name_keys
from service.domains import is_free_email_domain, normalize_domain


class AccountRecord(NamedTuple):
    """An account as stored: everything but its id (the key), with normalised domains."""

    name: str
    domains: tuple[str, ...]
    industry: str | None
    employee_count: int | None
    annual_revenue: float | None
    country: str | None
    region: str | None
    tier: AccountTier
    owner_rep_id: str | None
    cover_rep_id: str | None
    account_team: tuple[str, ...]
    customer_status: CustomerStatus
    parent_account_id: str | None


def to_record(account: Account) -> AccountRecord:
    """The account as stored: its domains normalised, deduplicated, unusable ones dropped."""
    return AccountRecord(
        name=account.name,
        domains=_normalized_domains(account.domains),
        industry=account.industry,
        employee_count=account.employee_count,
        annual_revenue=account.annual_revenue,
        country=account.country,
        region=account.region,
        tier=account.tier,
        owner_rep_id=account.owner_rep_id,
        cover_rep_id=account.cover_rep_id,
        account_team=tuple(account.account_team),
        customer_status=account.customer_status,
        parent_account_id=account.parent_account_id,
    )


def dump_record(record: AccountRecord) -> bytes:
    """One marshalled bytes value: about a third of the memory of a tuple of Python objects."""
    return marshal.dumps(tuple(record))


def load_record(data: bytes) -> AccountRecord:
    return AccountRecord._make(marshal.loads(data))


def _normalized_domains(domains: tuple[str, ...]) -> tuple[str, ...]:
    normalized = (normalize_domain(domain) for domain in domains)
    return tuple(dict.fromkeys(domain for domain in normalized if domain is not None))


def compact_name(record: AccountRecord | None) -> str | None:
    keys = company_name_keys(record.name) if record is not None else None
    return None if keys is None else keys.compact


def index_keys(record: AccountRecord) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
    """The domain and name keys an account claims; free mail domains are never claimed."""
    domains = tuple(
        dict.fromkeys(hash(domain) for domain in record.domains if not is_free_email_domain(domain))
    )
    compact = compact_name(record)
    return domains, (() if compact is None else (hash(compact),))
