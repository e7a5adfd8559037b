"""Tunable business settings for enrichment and scoring, with the defaults sales and marketing use.

A ruleset YAML embeds a `scoring:` mapping that `ScoringConfig.model_validate` reads, so the keys
are the words a marketer would use. Maps of weights are complete statements: a value left out of a
map earns 0 points (it does not fall back to the default map).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.accounts import AccountTier
from schemas.enrichment import Seniority, SizeBand, Territory, Vertical
from schemas.events import ActivityType
from schemas.scores import Grade

EmailKind = Literal["business", "free", "none"]


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EnrichmentConfig(_Settings):
    """When a lead counts as an enterprise deal rather than a transactional one."""

    enterprise_min_employees: int = Field(default=1000, ge=0)
    enterprise_min_revenue: float = Field(default=250_000_000, ge=0)
    enterprise_tiers: tuple[AccountTier, ...] = Field(
        default=("key", "strategic"),
        description="leads of matched accounts in these tiers are enterprise whatever their size",
    )


def _default_vertical_weights() -> dict[Vertical, int]:
    return {
        "Financial Services": 10,
        "Pharmaceuticals": 10,
        "Consulting": 8,
        "Automobiles": 8,
        "Sales Organizations": 8,
        "Marketing Organizations": 8,
        "Consumer Products": 6,
        "Retailers": 6,
        "Travel and Leisure": 6,
        "Entertainment": 5,
        "Other": 0,
    }


def _default_size_weights() -> dict[SizeBand, int]:
    return {
        "1-49": 0,
        "50-199": 4,
        "200-999": 7,
        "1000-4999": 10,
        "5000+": 12,
        "unknown": 0,
    }


def _default_seniority_weights() -> dict[Seniority, int]:
    return {
        "c_level": 20,
        "vp": 18,
        "director": 15,
        "manager": 10,
        "individual_contributor": 4,
        "unknown": 0,
    }


def _default_territory_weights() -> dict[Territory, int]:
    return {"NA": 5, "EMEA": 5, "APAC": 4, "LATAM": 4, "UNKNOWN": 0}


def _default_email_weights() -> dict[EmailKind, int]:
    return {"business": 5, "free": -5, "none": 0}


def _default_activity_weights() -> dict[ActivityType, int]:
    return {
        "demo_request": 40,
        "contact_sales": 40,
        "trial_signup": 30,
        "pricing_page_view": 15,
        "webinar_attended": 10,
        "form_submit": 10,
        "content_download": 8,
        "email_click": 5,
        "email_open": 1,
        "unsubscribe": -30,
    }


def _default_grade_bands() -> dict[Grade, int]:
    return {"A": 80, "B": 60, "C": 40}


def _default_learned_grade_bands() -> dict[Grade, float]:
    return {"A": 0.6, "B": 0.4, "C": 0.2}


class FitWeights(_Settings):
    """Points for who the lead is: one value of each factor applies to every lead."""

    vertical: dict[Vertical, int] = Field(default_factory=_default_vertical_weights)
    size_band: dict[SizeBand, int] = Field(default_factory=_default_size_weights)
    seniority: dict[Seniority, int] = Field(default_factory=_default_seniority_weights)
    territory: dict[Territory, int] = Field(default_factory=_default_territory_weights)
    email: dict[EmailKind, int] = Field(
        default_factory=_default_email_weights,
        description="business address, free mailbox (gmail...), or no address at all",
    )


class ScoringConfig(_Settings):
    """How fit and engagement turn into a 0..100 score, a grade and the sales-ready decision."""

    fit: FitWeights = Field(default_factory=FitWeights)
    activity_weights: dict[ActivityType, int] = Field(
        default_factory=_default_activity_weights,
        description="points for one fresh activity; negative weights are negative signals",
    )
    engagement_half_life_days: float = Field(
        default=14, gt=0, description="an activity is worth half as much after this many days"
    )
    engagement_cap: int = Field(
        default=60, ge=0, description="most points positive engagement can earn in total"
    )
    sales_ready_threshold: int = Field(default=60, ge=0, le=100)
    grade_bands: dict[Grade, int] = Field(
        default_factory=_default_grade_bands,
        description="lowest total for each grade; below the C band is D",
    )
    sales_ready_probability: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="once the conversion model is ready, a lead is sales-ready when its "
        "learned conversion probability reaches this; unset, the rule score always decides",
    )
    learned_grade_bands: dict[Grade, float] = Field(
        default_factory=_default_learned_grade_bands,
        description="lowest conversion probability for each learned grade; below C is D",
    )

    @model_validator(mode="after")
    def _bands_descend(self) -> "ScoringConfig":
        for name, bands in (
            ("grade_bands", self.grade_bands),
            ("learned_grade_bands", self.learned_grade_bands),
        ):
            if set(bands) != {"A", "B", "C"}:
                raise ValueError(f"{name} needs exactly A, B and C (D is everything below C)")
            if not bands["A"] >= bands["B"] >= bands["C"]:
                raise ValueError(f"{name} must not increase from A to C")
        return self
