"""Accounts and an accounts view holding them, for the tests of how leads find their account."""

from typing import Any

from schemas.accounts import Account
from service.accounts import AccountIndex


def account(account_id: str, name: str, *domains: str, **fields: Any) -> Account:
    return Account(account_id=account_id, name=name, domains=domains, **fields)


def account_index(*accounts: Account) -> AccountIndex:
    index = AccountIndex()
    for item in accounts:
        index.upsert(item)
    return index
