"""Random rule conditions and leads for the test that a large ruleset decides like a plain walk.

Values the generated rules test and the generated leads carry, so that both meet often,
including on the boundaries of ranges and in mixed case; most rules match few leads, so
that first matches spread over the ruleset instead of piling up in its first rules.
"""

import random
from collections.abc import Sequence
from typing import Any

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score, ScoreLine

COUNTRIES = [f"C{i}" for i in range(20)]
SIZES = [0, 1, 49, 50, 199, 200, 999, 1000, 5000, 20000]
REVENUES = [0.0, 0.5, 1e6, 2.5e6, 1e7]
TOTALS = [0, 1, 49, 50, 60, 99, 100]
RANGED: list[tuple[str, Sequence[float]]] = [
    ("lead.employee_count", SIZES),
    ("lead.annual_revenue", REVENUES),
    ("score.total", TOTALS),
]
LOCALS = ["hank", "ANN", "x", "sales-lead", "Sam", "\u017fam", "k"]
DOMAINS = ["Globex.com", "initech.COM", "filler.example", "acme.io", "\u212aelvin.example"]
TITLES = ["VP Sales", "vp marketing", "Director of IT", "SVP", "Sales Manager"]
LITERAL_GLOBS = [
    "*@globex.com",
    "*@INITECH.com",
    "*@acme.io",
    "*@kelvin.example",
    "*.example",
    "hank@*",
    "sales*",
    "SAM*",
    "k@*",
    "vp *",
    "director*",
]
OTHER_GLOBS = ["*@*.com", "?nn@*", "[ah]*", "*", "*sales*", "x@filler.example"]
REGEXES = ["globex", "^ann", "io$", "(?i)vp", "Sales"]


def _glob_field(pattern: str) -> str:
    return "lead.job_title" if pattern in ("vp *", "director*") else "lead.email"


def _leaf(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["equals", "in", "range", "range", "glob", "glob", "regex", "exists"])
    if kind == "equals":
        return {"field": "lead.country", "equals": rng.choice(COUNTRIES)}
    if kind == "in":
        if rng.random() < 0.5:
            return {"field": "enrichment.territory", "in": rng.sample(["NA", "EMEA", "APAC"], 2)}
        return {"field": "lead.country", "in": rng.sample(COUNTRIES, 3)}
    if kind == "range":
        field, values = rng.choice(RANGED)
        operators = rng.sample(["gt", "gte", "lt", "lte"], rng.choice([1, 2]))
        condition: dict[str, Any] = {"field": field}
        for operator in operators:
            condition[operator] = float("nan") if rng.random() < 0.03 else rng.choice(values)
        return condition
    if kind == "glob":
        pattern = rng.choice(LITERAL_GLOBS if rng.random() < 0.8 else OTHER_GLOBS)
        return {"field": _glob_field(pattern), "glob": pattern}
    if kind == "regex":
        return {"field": rng.choice(["lead.email", "lead.job_title"]), "regex": rng.choice(REGEXES)}
    return {"field": "enrichment.account", "exists": rng.choice([True, False])}


def _conjunct(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.7:
        return _leaf(rng)
    if roll < 0.8:
        return {"all": [_leaf(rng), _leaf(rng)]}
    if roll < 0.9:
        return {"any": [_leaf(rng), _leaf(rng)]}
    return {"not": _leaf(rng)}


def _selective(rng: random.Random) -> dict[str, Any]:
    """A condition few leads meet: one country, a narrow or extreme range, a literal text."""
    kind = rng.choice(["equals", "range", "range", "glob", "glob", "regex", "not"])
    if kind == "equals":
        return {"field": "lead.country", "equals": rng.choice(COUNTRIES)}
    if kind == "range":
        field, values = rng.choice(RANGED)
        i = rng.randrange(len(values) - 1)
        return {
            "field": field,
            **rng.choice(
                [
                    {"gte": values[i], "lte": values[i]},
                    {"gt": values[i], "lt": values[i + 1]},
                    {"gte": values[i], "lt": values[i + 1]},
                    {"gte": values[-1]},
                    {"lte": values[0]},
                    {"gte": float("nan")},
                ]
            ),
        }
    if kind == "glob":
        pattern = rng.choice([*LITERAL_GLOBS, "?nn@*"])
        return {"field": _glob_field(pattern), "glob": pattern}
    if kind == "regex":
        return {"field": "lead.email", "regex": rng.choice(["^ann", "globex", "^k@"])}
    return {"not": {"field": "lead.employee_count", "gte": 0}}


def random_condition(rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    if roll < 0.25:
        return _selective(rng)
    if roll < 0.3:
        return {"any": [_selective(rng), _selective(rng)]}
    conjuncts = [_conjunct(rng) for _ in range(rng.randint(1, 2))]
    conjuncts.insert(rng.randrange(len(conjuncts) + 1), _selective(rng))
    return {"all": conjuncts}


def _either(rng: random.Random, named: list[Any], unnamed: list[Any]) -> Any:
    """A value some rule names, or (as often) one no rule names."""
    return rng.choice(named if rng.random() < 0.5 else unnamed)


def random_lead(rng: random.Random) -> tuple[LeadAttributes, Enrichment, Score]:
    local = _either(rng, LOCALS, ["mia", "zed", "Hanko"])
    domain = _either(rng, DOMAINS, ["hooli.xyz", "umbrella.org", "globex.co"])
    lead = LeadAttributes(
        country=_either(rng, COUNTRIES, ["X1", "X2", None]),
        employee_count=_either(rng, SIZES, [2, 750, 3000, 8000, None]),
        annual_revenue=_either(rng, REVENUES, [3.3e6, 4.2e5, None]),
        email=f"{local}@{domain}" if rng.random() < 0.9 else None,
        job_title=_either(rng, TITLES, ["Engineer", "CFO", None]),
    )
    account = AccountMatch(
        account_id="acct-1", name="A", method="none", tier="key", customer_status="prospect"
    )
    enrichment = Enrichment(
        territory=rng.choice(["NA", "EMEA", "APAC", "LATAM"]),
        account=account if rng.random() < 0.5 else None,
    )
    total = rng.choice(TOTALS)
    score = Score(
        fit=total,
        engagement=0,
        total=total,
        grade="D",
        sales_ready=True,
        threshold=60,
        breakdown=(ScoreLine(component="fit", factor="fit", points=total),),
    )
    return lead, enrichment, score
