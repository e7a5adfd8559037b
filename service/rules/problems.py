"""Problems found while loading a ruleset, all collected and reported together."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ruleset, located by rule (id or `rules[i]`) and field or key."""

    rule: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.rule is not None:
            where.append(f"rule {self.rule!r}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where) if where else "ruleset"
        return f"{prefix}: {self.message}"


class RulesetError(ValueError):
    """A ruleset that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: tuple[Problem, ...], source: str = "<rules>") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in ruleset\n{lines}")


def unknown_keys(
    raw: dict[Any, Any], allowed: tuple[str, ...], rule: str | None, at: str
) -> list[Problem]:
    return [
        Problem(rule, f"{at}{key}", f"unknown key {key!r}; expected one of {', '.join(allowed)}")
        for key in raw
        if key not in allowed
    ]
