"""A compiled condition: its predicate over a lead, its text, and what must hold for it to hold.

The requirement (an equality, a numeric bound, a literal start or end of a text) is what a
large ruleset's index files a rule under, so that it can skip the rules a lead cannot match.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.fields import FieldSpec

Predicate = Callable[[LeadAttributes, Enrichment, Score], bool]

RangeOperator = Literal["gt", "gte", "lt", "lte"]


@dataclass(frozen=True, slots=True)
class Equality:
    """The field must equal one of `values` for the condition to hold."""

    field: FieldSpec
    values: frozenset[Any]


@dataclass(frozen=True, slots=True)
class Bound:
    """The number field must satisfy `value <operator> bound` (and not be empty)."""

    field: FieldSpec
    operator: RangeOperator
    bound: int | float


@dataclass(frozen=True, slots=True)
class Affix:
    """The text field must start (`prefix`) or end (`suffix`) with `text`, ignoring case.

    `text` is ASCII and lower case: for ASCII, lower-casing both sides is exactly the
    comparison glob makes with re.IGNORECASE. Outside ASCII it is not (the long s, U+017F,
    matches `s`; the Kelvin sign, U+212A, matches `k`), so a value that is not ASCII must be
    compared by the predicate.
    """

    field: FieldSpec
    end: Literal["prefix", "suffix"]
    text: str


Requirement = Equality | Bound | Affix


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    predicate: Predicate
    text: str
    # Something that must hold for the condition to hold; None when nothing simple must.
    requirement: Requirement | None = None
