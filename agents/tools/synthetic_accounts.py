"""Synthetic CRM accounts, as many as asked for (a million in seconds as records): seeded, with
unique ids, names and domains, in the demo reps' countries; key and strategic accounts are owned
by those reps.
"""

import random
from collections.abc import Iterator
from typing import Any, Final

import orjson

from agents.tools.synthetic_draws import cumulative, log_uniform
from agents.tools.synthetic_vocabulary import (
    INDUSTRIES,
    NAME_ENDINGS,
    NAME_STEMS,
    NAME_SUFFIXES,
    TLDS,
)
from schemas.accounts import Account, AccountTier, CustomerStatus

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
_COUNTRY_WEIGHTS: Final = cumulative((30, 4, 12, 8, 5, 8, 5, 4, 6, 3))
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
        stem = NAME_STEMS[int(draw() * len(NAME_STEMS))]
        ending = NAME_ENDINGS[int(draw() * len(NAME_ENDINGS))]
        suffix = NAME_SUFFIXES[int(draw() * len(NAME_SUFFIXES))]
        # The number keeps names and domains unique however many accounts there are.
        name = f"{stem}{ending} {suffix} {number:x}"
        domain = f"{stem}{ending}-{suffix}-{number:x}".lower() + TLDS[int(draw() * len(TLDS))]
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
        employees = log_uniform(draw())
        yield {
            "account_id": f"acct-s{number:07d}",
            "name": name,
            "domains": [domain],
            "industry": INDUSTRIES[int(draw() * len(INDUSTRIES))],
            "employee_count": employees,
            "annual_revenue": float(employees * (80 + int(draw() * 320)) * 1000),
            "country": country,
            "tier": tier,
            "owner_rep_id": owner,
            "cover_rep_id": cover,
            "account_team": team,
            "customer_status": status,
        }
