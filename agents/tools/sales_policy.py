"""How the simulated sales team answers one routed decision, derived from its decision id.

Deterministic, without randomness: every choice (accept, ignore or reject; how soon; why; whether
the lead is later won) is a fraction read from a SHA-256 of the decision id, so the same decision
always gets the same answer and the shares over many decisions are those of the team's profile
(`service/data/demo_sales.yaml`).
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from hashlib import sha256
from importlib import resources
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Verdict = Literal["accepted", "rejected", "ignored"]
# Bytes of the digest behind each fraction: 48 bits are plenty for shares and delays.
_FRACTION_BYTES = 6
_FRACTION_SCALE = float(1 << (8 * _FRACTION_BYTES))


class Seconds(BaseModel):
    """A span of seconds an answer takes, drawn evenly between two bounds."""

    model_config = ConfigDict(frozen=True)

    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list | tuple) and len(value) == 2:
            return {"low": value[0], "high": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError("the upper bound is below the lower one")
        return self

    def at(self, fraction: float) -> timedelta:
        return timedelta(seconds=self.low + (self.high - self.low) * fraction)


class RejectionReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str = Field(min_length=1, max_length=512)
    weight: float = Field(gt=0)


class SalesTeam(BaseModel):
    """The simulated team's profile: shares of answers, their delays and the reasons given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accept_share: float = Field(ge=0, le=1)
    ignore_share: float = Field(ge=0, le=1)
    convert_share: float = Field(ge=0, le=1, description="of the accepted leads")
    accept_after_seconds: Seconds
    reject_after_seconds: Seconds
    convert_after_seconds: Seconds = Field(description="from the accept")
    rejection_reasons: tuple[RejectionReason, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _shares_fit(self) -> Self:
        if self.accept_share + self.ignore_share > 1:
            raise ValueError("accept_share and ignore_share add up to more than 1")
        return self

    def reason_at(self, fraction: float) -> str:
        """The rejection reason a fraction in [0, 1) falls on, by cumulative weight."""
        total = sum(reason.weight for reason in self.rejection_reasons)
        mark = fraction * total
        for choice in self.rejection_reasons:
            mark -= choice.weight
            if mark < 0:
                return choice.reason
        return self.rejection_reasons[-1].reason


@cache
def demo_sales_team() -> SalesTeam:
    """The shipped profile of the simulated sales team."""
    text = resources.files("service").joinpath("data", "demo_sales.yaml").read_text("utf-8")
    return SalesTeam.model_validate(yaml.safe_load(text))


@dataclass(frozen=True, slots=True)
class Answer:
    """What the team does with one routed decision: `after` counts from the routing,
    `converts_after` (an accepted lead that is later won) from the accept."""

    verdict: Verdict
    after: timedelta = timedelta(0)
    reason: str | None = None
    converts_after: timedelta | None = None


def _fractions(decision_id: str) -> list[float]:
    digest = sha256(f"demo-sales|{decision_id}".encode()).digest()
    return [
        int.from_bytes(digest[start : start + _FRACTION_BYTES], "big") / _FRACTION_SCALE
        for start in range(0, len(digest) - _FRACTION_BYTES + 1, _FRACTION_BYTES)
    ]


def answer_for(decision_id: str, team: SalesTeam) -> Answer:
    """The team's answer to a routed decision: accepted (and maybe later converted) after a
    few seconds, ignored (never answered), or rejected with a reason."""
    verdict, delay, reason, wins, win_delay = _fractions(decision_id)[:5]
    if verdict < team.accept_share:
        converts = team.convert_after_seconds.at(win_delay) if wins < team.convert_share else None
        return Answer("accepted", team.accept_after_seconds.at(delay), converts_after=converts)
    if verdict < team.accept_share + team.ignore_share:
        return Answer("ignored")
    return Answer("rejected", team.reject_after_seconds.at(delay), team.reason_at(reason))
