"""The fields a rule may test, derived from the lead, enrichment and score contracts.

A field is a dotted path: `lead.<LeadAttributes field>`, `enrichment.<Enrichment field>`
(including `enrichment.account.<AccountMatch field>`) or `score.<Score field>`. Only scalar
fields are offered (strings, numbers, booleans and their `Literal` choices), plus
`enrichment.account` itself so a rule can ask whether the lead matched an account at all.
The set is read from the pydantic models, so a renamed schema field cannot leave a stale
name in the rules language.
"""

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from schemas.enrichment import Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score

FieldKind = Literal["str", "int", "float", "bool", "object"]
Getter = Callable[[LeadAttributes, Enrichment, Score], Any]

# The position of each root in the (lead, enrichment, score) arguments every getter takes.
_ROOTS: dict[str, tuple[int, type[BaseModel]]] = {
    "lead": (0, LeadAttributes),
    "enrichment": (1, Enrichment),
    "score": (2, Score),
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field rules may test: its kind, whether it can be empty, and its allowed values."""

    path: str
    kind: FieldKind
    optional: bool
    choices: frozenset[str] | None
    getter: Getter

    @property
    def is_number(self) -> bool:
        return self.kind in ("int", "float")

    @property
    def is_text(self) -> bool:
        return self.kind == "str"


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(args) == 1:
            return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def _make_getter(index: int, attrs: tuple[str, ...]) -> Getter:
    # attrgetter is implemented in C; the first hop is specialised per root because it runs
    # for every rule evaluation, and deeper hops guard against an absent parent (no account).
    first = attrgetter(attrs[0])
    if len(attrs) == 1:
        if index == 0:
            return lambda lead, enrichment, score: first(lead)
        if index == 1:
            return lambda lead, enrichment, score: first(enrichment)
        return lambda lead, enrichment, score: first(score)
    parent = _make_getter(index, attrs[:-1])
    last = attrgetter(attrs[-1])

    def getter(lead: LeadAttributes, enrichment: Enrichment, score: Score) -> Any:
        value = parent(lead, enrichment, score)
        return None if value is None else last(value)

    return getter


def _collect(
    model: type[BaseModel],
    *,
    prefix: str,
    index: int,
    attrs: tuple[str, ...],
    parent_optional: bool,
    into: dict[str, FieldSpec],
) -> None:
    for name, info in model.model_fields.items():
        inner, optional = _unwrap_optional(info.annotation)
        optional = optional or parent_optional
        path = f"{prefix}.{name}"
        here = (*attrs, name)
        kind: FieldKind | None = None
        choices: frozenset[str] | None = None
        if get_origin(inner) is Literal:
            kind, choices = "str", frozenset(str(arg) for arg in get_args(inner))
        elif inner is bool:
            kind = "bool"
        elif inner is int:
            kind = "int"
        elif inner is float:
            kind = "float"
        elif inner is str:
            kind = "str"
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            kind = "object"
            _collect(
                inner, prefix=path, index=index, attrs=here, parent_optional=optional, into=into
            )
        if kind is not None:
            into[path] = FieldSpec(path, kind, optional, choices, _make_getter(index, here))


def _build_fields() -> Mapping[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for root, (index, model) in _ROOTS.items():
        _collect(model, prefix=root, index=index, attrs=(), parent_optional=False, into=fields)
    return types.MappingProxyType(fields)


FIELDS: Mapping[str, FieldSpec] = _build_fields()
"""Every field a rule may name, by dotted path."""
