"""The accounts view: every CRM account, findable by domain and by company name, kept compact."""

import marshal
from collections.abc import Iterator
from typing import NamedTuple

from schemas.accounts import Account, AccountTier, CustomerStatus
from schemas.enrichment import AccountMatch, MatchMethod
from service.normalize import (
    is_free_email_domain,
    normalize_company_name,
    normalize_domain,
    parent_domains,
)

# Who claims an index key, in the order they claimed it. Almost every key has one claimant, so
# it is stored as the bare account id; a tuple appears only for the rare shared key.
_Claims = str | tuple[str, ...]
# Index keys are the hash of the domain or normalised name, not the string: an int costs half
# the memory of the string it stands for. Two different keys can share a hash, so a claimant
# only matches after its own record is checked to hold the key that was looked up.
_Key = int
# What match_account answered, by its arguments, until the next upsert or remove.
_Found = tuple[AccountMatch, Account] | None
_FOUND_SIZE = 4096


class _Record(NamedTuple):
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


class AccountIndex:
    """Every known account, indexed for lead-to-account matching; updated in place as the CRM
    publishes changes.

    Matching rules, in order (the first that finds an account decides):
      1. the lead's email domain, then each parent domain up to the registrable one
         (jane@eu.acme.com finds the account that owns acme.com);
      2. the lead's company website domain, the same way;
      3. the lead's company name, normalised (so "ACME, Inc." finds "Acme Inc").
    Free and personal mail domains (gmail.com, yahoo.co.uk...) never match, neither on the lead's
    side nor when an account lists one. When several accounts claim the same domain or name, the
    account that claimed it first (in the order upserts arrived) wins, and keeps winning when it
    is updated; if it drops the claim or is removed, the next claimant in arrival order takes
    over. Replaying the same compacted topic therefore gives the same answers.

    Size: the view must hold a million accounts in one worker, so each account is stored as one
    marshalled bytes record (about a third of the memory of a tuple of Python objects), the
    domain and name indexes are keyed by hashes, and they point at the same account-id string
    as the record's key.
    """

    __slots__ = ("_by_domain", "_by_name", "_found", "_records")

    def __init__(self) -> None:
        self._records: dict[str, bytes] = {}
        self._by_domain: dict[_Key, _Claims] = {}
        self._by_name: dict[_Key, _Claims] = {}
        self._found: dict[tuple[str | None, str | None, str | None], _Found] = {}

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._records

    def upsert(self, account: Account) -> None:
        """Add an account or replace what is known about it; domains and names it no longer has
        stop matching it."""
        account_id = account.account_id
        record = _Record(
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
        )
        previous = self._load(account_id)
        old_domains, old_names = _index_keys(previous) if previous else ((), ())
        new_domains, new_names = _index_keys(record)
        _move_claims(self._by_domain, account_id, old_domains, new_domains)
        _move_claims(self._by_name, account_id, old_names, new_names)
        self._records[account_id] = marshal.dumps(tuple(record))
        if self._found:
            self._found.clear()

    def remove(self, account_id: str) -> bool:
        """Forget an account (the CRM deleted it); False if it was not known."""
        previous = self._load(account_id)
        if previous is None:
            return False
        domains, names = _index_keys(previous)
        _move_claims(self._by_domain, account_id, domains, ())
        _move_claims(self._by_name, account_id, names, ())
        del self._records[account_id]
        if self._found:
            self._found.clear()
        return True

    def get(self, account_id: str) -> Account | None:
        """The account as last upserted (domains normalised), or None if it is not known."""
        record = self._load(account_id)
        if record is None:
            return None
        return Account(account_id=account_id, **record._asdict())

    def match(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> AccountMatch | None:
        """The account a lead belongs to, by email domain, then website domain, then company
        name (see the class description for the rules); None when nothing matches."""
        candidates: tuple[tuple[MatchMethod, str | None], ...] = (
            ("email_domain", email_domain),
            ("website_domain", company_domain),
        )
        for method, value in candidates:
            domain = normalize_domain(value)
            if domain is None or is_free_email_domain(domain):
                continue
            for candidate in parent_domains(domain):
                claims = self._by_domain.get(hash(candidate))
                if claims is None:
                    continue
                for account_id, record in self._claimants(claims):
                    if candidate in record.domains:
                        return _account_match(account_id, record, method)
        name = normalize_company_name(company_name)
        claims = self._by_name.get(hash(name)) if name is not None else None
        if claims is not None:
            for account_id, record in self._claimants(claims):
                if normalize_company_name(record.name) == name:
                    return _account_match(account_id, record, "company_name")
        return None

    def match_account(
        self, email_domain: str | None, company_domain: str | None, company_name: str | None
    ) -> tuple[AccountMatch, Account] | None:
        """What `match` finds, with the matched account as `get` gives it; None when nothing
        matches.

        Remembered by the arguments until the index next changes (a lead's events ask the same
        question again and again), so repeated questions cost a dictionary lookup; the answer
        is always the one `match` and `get` give now. The memory is bounded: the oldest answer
        is forgotten first.
        """
        key = (email_domain, company_domain, company_name)
        found = self._found
        if key in found:
            return found[key]
        match = self.match(email_domain, company_domain, company_name)
        account = self.get(match.account_id) if match is not None else None
        answer = (match, account) if match is not None and account is not None else None
        if len(found) >= _FOUND_SIZE:
            del found[next(iter(found))]
        found[key] = answer
        return answer

    def _load(self, account_id: str) -> _Record | None:
        data = self._records.get(account_id)
        return None if data is None else _Record._make(marshal.loads(data))

    def _claimants(self, claims: _Claims) -> Iterator[tuple[str, _Record]]:
        for account_id in (claims,) if isinstance(claims, str) else claims:
            record = self._load(account_id)
            if record is not None:  # always: the indexes only name stored accounts
                yield account_id, record


def _account_match(account_id: str, record: _Record, method: MatchMethod) -> AccountMatch:
    return AccountMatch(
        account_id=account_id,
        name=record.name,
        method=method,
        tier=record.tier,
        customer_status=record.customer_status,
        owner_rep_id=record.owner_rep_id,
        cover_rep_id=record.cover_rep_id,
        account_team=record.account_team,
    )


def _normalized_domains(domains: tuple[str, ...]) -> tuple[str, ...]:
    normalized = (normalize_domain(domain) for domain in domains)
    return tuple(dict.fromkeys(domain for domain in normalized if domain is not None))


def _index_keys(record: _Record) -> tuple[tuple[_Key, ...], tuple[_Key, ...]]:
    """The domain and name keys an account claims; free mail domains are never claimed."""
    domains = tuple(
        dict.fromkeys(hash(domain) for domain in record.domains if not is_free_email_domain(domain))
    )
    name = normalize_company_name(record.name)
    return domains, (() if name is None else (hash(name),))


def _move_claims(
    index: dict[_Key, _Claims], account_id: str, old: tuple[_Key, ...], new: tuple[_Key, ...]
) -> None:
    """Drop the claims an account no longer makes and add its new ones; claims it keeps keep
    their place in line."""
    for key in old:
        if key not in new:
            _drop_claim(index, key, account_id)
    for key in new:
        if key not in old:
            _add_claim(index, key, account_id)


def _add_claim(index: dict[_Key, _Claims], key: _Key, account_id: str) -> None:
    claims = index.get(key)
    if claims is None:
        index[key] = account_id
    elif isinstance(claims, str):
        if claims != account_id:
            index[key] = (claims, account_id)
    elif account_id not in claims:
        index[key] = (*claims, account_id)


def _drop_claim(index: dict[_Key, _Claims], key: _Key, account_id: str) -> None:
    claims = index.get(key)
    if claims is None:
        return
    if isinstance(claims, str):
        if claims == account_id:
            del index[key]
        return
    remaining = tuple(claim for claim in claims if claim != account_id)
    index[key] = remaining[0] if len(remaining) == 1 else remaining
