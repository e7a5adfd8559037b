"""The routing policy in force: a compiled ruleset plus the scoring settings it carries."""

from dataclasses import dataclass

from pydantic import ValidationError

from service.config import EnrichmentConfig, ScoringConfig
from service.rules import CompiledRuleset, Problem, RulesetError, load_ruleset


@dataclass(frozen=True, slots=True)
class Policy:
    ruleset: CompiledRuleset
    scoring: ScoringConfig
    enrichment: EnrichmentConfig

    @property
    def version(self) -> str:
        return self.ruleset.version


def load_policy(text: str, source: str = "<rules>") -> Policy:
    """Load a ruleset and its `scoring:` section; every problem of either is reported at once."""
    ruleset = load_ruleset(text, source)
    try:
        scoring = ScoringConfig.model_validate(ruleset.scoring or {})
    except ValidationError as error:
        problems = tuple(
            Problem(None, "scoring." + ".".join(str(part) for part in detail["loc"]), detail["msg"])
            for detail in error.errors()
        )
        raise RulesetError(problems, source) from None
    return Policy(ruleset=ruleset, scoring=scoring, enrichment=EnrichmentConfig())
