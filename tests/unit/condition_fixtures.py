"""A lead of Globex, its enrichment and score, and what a rule condition says of them: whether it
holds, or the problems that stop it from compiling."""

from typing import Any

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score, ScoreLine
from service.rules.conditions import compile_condition
from service.rules.problems import Problem


def lead_score(total: int = 70, *, sales_ready: bool = True) -> Score:
    return Score(
        fit=total,
        engagement=0,
        total=total,
        grade="B",
        sales_ready=sales_ready,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )


ACCOUNT = AccountMatch(
    account_id="acct-1",
    name="Globex Corporation",
    method="email_domain",
    tier="key",
    customer_status="customer",
    owner_rep_id="rep-1",
)
LEAD = LeadAttributes(
    email="hank@globex.com", country="United States", employee_count=4800, job_title="VP Sales"
)
ENRICHMENT = Enrichment(
    email="hank@globex.com",
    email_domain="globex.com",
    account=ACCOUNT,
    vertical="Consumer Products",
    territory="NA",
    motion="enterprise",
)


def holds(
    condition: Any,
    lead: LeadAttributes = LEAD,
    enrichment: Enrichment = ENRICHMENT,
    score: Score | None = None,
) -> bool:
    problems: list[Problem] = []
    compiled = compile_condition(condition, "r", "when", problems)
    assert problems == []
    assert compiled is not None
    return compiled.predicate(lead, enrichment, score or lead_score())


def problems_of(condition: Any) -> list[str]:
    problems: list[Problem] = []
    compiled = compile_condition(condition, "r", "when", problems)
    assert compiled is None
    return [str(problem) for problem in problems]
