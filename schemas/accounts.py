"""Accounts as the CRM publishes them on the compacted `crm.accounts.v1` topic (key: account id)."""

from typing import Literal

from pydantic import Field

from schemas.base import InputModel

AccountTier = Literal["key", "strategic", "standard"]
CustomerStatus = Literal["prospect", "customer", "former_customer"]


class Account(InputModel):
    """A company sales already knows; a null value on the topic deletes it."""

    account_id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=512)
    domains: tuple[str, ...] = ()
    industry: str | None = None
    employee_count: int | None = Field(default=None, ge=0)
    annual_revenue: float | None = Field(default=None, ge=0)
    country: str | None = None
    region: str | None = None
    tier: AccountTier = "standard"
    owner_rep_id: str | None = None
    cover_rep_id: str | None = Field(default=None, description="takes over while the owner is away")
    account_team: tuple[str, ...] = ()
    customer_status: CustomerStatus = "prospect"
    parent_account_id: str | None = Field(
        default=None,
        max_length=128,
        description="the group account this one belongs to; its owner routes this one's leads "
        "while this one has no owner",
    )
