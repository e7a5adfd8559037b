"""Synthetic labelled leads with a hidden propensity to convert, for developing learned scores.

python -m bench.labelled --leads 10000 --seed 7 --out .run/labelled

writes `events.jsonl` (schema 1.1 lead events, time-ordered) and `outcomes.jsonl` (sales
feedback), the two files `agents.tools.model_cli.evaluate_command` reads. Each lead has a hidden
propensity made of who it is and a latent interest; the interest drives its engagement, so the
activities are noisy evidence of it, as on a real website. Some facts are predictive (referral
and partner leads, working professionals, time on site, demo requests), some are noise
(industry, most campaigns, email opens), and some are counter-intuitive, as real data shows:
leads from live chat convert poorly, students hardly ever, and very large companies and CEOs
less than the rule score's points suggest. About a third convert. Everything is drawn from one
`random.Random(seed)`: the same arguments give the same bytes.
"""

import argparse
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from service.decision_ids import decision_id
from service.learning.metrics import roc_auc

_T = TypeVar("_T")
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
BASE_LOGIT = -1.05

# (lead source, utm medium, share, effect on the log-odds of converting)
SOURCES: tuple[tuple[str, str, float, float], ...] = (
    ("Organic Search", "organic", 0.26, 0.2),
    ("Paid Search", "cpc", 0.18, 0.0),
    ("Direct Traffic", "none", 0.18, -0.2),
    ("Live Chat", "chat", 0.15, -1.6),
    ("Referral", "referral", 0.08, 1.8),
    ("Partner", "partner", 0.05, 1.3),
    ("Webinar", "event", 0.05, 0.5),
    ("Social", "social", 0.05, -0.6),
)
# (job title, share, effect): the occupation matters more than the seniority the rules reward.
TITLES: tuple[tuple[str, float, float], ...] = (
    ("Marketing Manager", 0.14, 0.9),
    ("Sales Manager", 0.10, 0.8),
    ("Director of Operations", 0.08, 0.6),
    ("VP Sales", 0.05, 0.4),
    ("CEO", 0.05, -0.3),
    ("Software Engineer", 0.12, 0.2),
    ("Business Analyst", 0.10, 0.3),
    ("Consultant", 0.08, 0.5),
    ("Student", 0.16, -2.0),
    ("Intern", 0.05, -1.2),
    ("Looking for work", 0.07, -0.9),
)
# (country, share, effect)
COUNTRIES: tuple[tuple[str, float, float], ...] = (
    ("United States", 0.36, 0.2),
    ("India", 0.16, -0.4),
    ("United Kingdom", 0.10, 0.1),
    ("Germany", 0.08, 0.1),
    ("France", 0.05, 0.0),
    ("Brazil", 0.06, -0.2),
    ("Australia", 0.05, 0.1),
    ("Canada", 0.06, 0.2),
    ("Singapore", 0.04, 0.0),
    ("Nigeria", 0.04, -0.3),
)
INDUSTRIES = ("Banking", "Pharma", "Retail", "Software", "Automotive", "Media", "Travel", "")
CAMPAIGNS = (*(f"campaign-{number:02d}" for number in range(1, 12)), "roi-calculator")
CAMPAIGN_EFFECT = {"roi-calculator": 0.6}
PAGES = ("/", "/product", "/pricing", "/blog/post", "/customers", "/docs", "/about")
LOSS_REASONS = ("no budget", "went with a competitor", "no decision", "timing")
DISQUALIFY_REASONS = ("student", "not a fit", "duplicate", "spam")


@dataclass(frozen=True, slots=True)
class LabelledLead:
    """One generated lead: its events (as JSON objects), its outcomes, and the hidden
    propensity (log-odds) its outcome was drawn from."""

    events: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    converted: bool
    propensity: float


def generate(leads: int, seed: int) -> list[LabelledLead]:
    """`leads` leads, created a few per hour from START on, each with events and outcomes."""
    rng = random.Random(seed)
    return [_lead(rng, number) for number in range(leads)]


def _lead(rng: random.Random, number: int) -> LabelledLead:
    created = START + timedelta(minutes=number * 13 + rng.uniform(0, 12))
    source, medium, _, source_effect = _pick(rng, SOURCES, [s[2] for s in SOURCES])
    title, _, title_effect = _pick(rng, TITLES, [t[1] for t in TITLES])
    country, _, country_effect = _pick(rng, COUNTRIES, [c[1] for c in COUNTRIES])
    campaign = rng.choice(CAMPAIGNS)
    employees = int(math.exp(rng.gauss(4.5, 2.0))) + 1
    size_effect = 0.4 if 50 <= employees < 1000 else (-0.4 if employees >= 5000 else 0.0)
    free_mail = rng.random() < 0.3
    do_not_email = rng.random() < 0.08
    interest = rng.gauss(0.0, 1.0)
    logit = BASE_LOGIT + source_effect + title_effect + country_effect + size_effect
    logit += CAMPAIGN_EFFECT.get(campaign, 0.0) + (-0.6 if do_not_email else 0.0)
    logit += (-0.2 if free_mail else 0.0) + 1.1 * interest

    email = f"lead{number}@" + ("gmail.com" if free_mail else f"company{number % 1500}.com")
    lead: dict[str, Any] = {
        "email": email,
        "first_name": f"First{number}",
        "last_name": f"Last{number}",
        "job_title": title,
        "company_name": f"Company {number % 1500}",
        "country": country,
        "employee_count": employees,
        "industry": rng.choice(INDUSTRIES),
        "do_not_email": do_not_email,
        "lead_source": source,
        "utm_source": source.lower().replace(" ", "_"),
        "utm_medium": medium,
        "utm_campaign": campaign,
        "form_name": "chat-widget" if source == "Live Chat" else "contact-us",
        "landing_page": "https://example.com" + rng.choice(PAGES),
    }
    first = "contact_sales" if source == "Live Chat" else "form_submit"
    activities: list[tuple[timedelta, dict[str, Any]]] = [(timedelta(0), {"type": first})]
    activities += _engagement(rng, interest)
    if rng.random() < 1.0 / (1.0 + math.exp(2.0 - 0.8 * interest)):
        activities.append((timedelta(days=rng.uniform(0, 10)), {"type": "demo_request"}))
        logit += 0.5
    if rng.random() < 0.05:
        activities.append((timedelta(days=rng.uniform(0, 14)), {"type": "unsubscribe"}))
        logit -= 0.8
    converted = rng.random() < 1.0 / (1.0 + math.exp(-logit))

    activities.sort(key=lambda item: item[0])
    events = []
    for step, (offset, activity) in enumerate(activities):
        at = created + offset
        events.append(
            {
                "event_id": f"lead{number}-{step}",
                "event_type": "lead.created" if step == 0 else "lead.activity",
                "occurred_at": _stamp(at),
                "source": "marketing-automation",
                "schema_version": "1.1",
                "lead": lead if step == 0 else {"email": email},
                "activity": {**activity, "campaign": campaign, "occurred_at": _stamp(at)},
            }
        )
    last = created + activities[-1][0]
    return LabelledLead(events, _outcomes(rng, email, last, converted), converted, logit)


def _engagement(rng: random.Random, interest: float) -> list[tuple[timedelta, dict[str, Any]]]:
    """Activities over the three weeks after creation; interest drives most of them."""
    found: list[tuple[timedelta, dict[str, Any]]] = []

    def at() -> timedelta:
        return timedelta(days=rng.uniform(0, 21))

    for _ in range(_poisson(rng, math.exp(0.7 + 0.6 * interest), cap=30)):
        seconds = math.exp(rng.gauss(math.log(50) + 0.6 * interest, 1.0))
        pages = 1 + _poisson(rng, 1.2 + 0.6 * max(interest, 0.0), cap=40)
        visit = {"type": "page_view", "duration_seconds": round(seconds, 1), "page_count": pages}
        found.append((at(), visit))
    for _ in range(_poisson(rng, 2.0, cap=20)):
        found.append((at(), {"type": "email_open"}))  # noise: opens are pixels, not intent
    for _ in range(_poisson(rng, 0.5 * math.exp(0.4 * interest), cap=10)):
        found.append((at(), {"type": "email_click"}))
    for _ in range(_poisson(rng, 0.3 * math.exp(0.3 * interest), cap=5)):
        found.append((at(), {"type": "content_download"}))
    if rng.random() < 1.0 / (1.0 + math.exp(1.0 - interest)):
        found.append((at(), {"type": "pricing_page_view", "duration_seconds": 40.0}))
    if rng.random() < 0.1:
        found.append((at(), {"type": "webinar_attended"}))
    return found


def _outcomes(
    rng: random.Random, email: str, last: datetime, converted: bool
) -> list[dict[str, Any]]:
    decision = decision_id(f"email:{email}", 1)
    closed = last + timedelta(days=rng.uniform(3, 30))
    outcomes = []
    if rng.random() < 0.4:  # a rep took it first: not a label
        outcomes.append(_feedback(decision, email, "accepted", last + timedelta(days=1)))
    if converted:
        outcomes.append(_feedback(decision, email, "converted", closed))
    else:
        kind = rng.choice(("rejected", "disqualified", "lost"))
        reasons = LOSS_REASONS if kind == "lost" else DISQUALIFY_REASONS
        outcomes.append(_feedback(decision, email, kind, closed, rng.choice(reasons)))
    if rng.random() < 0.02:  # a duplicate delivery of the closing outcome
        outcomes.append(dict(outcomes[-1]))
    return outcomes


def _feedback(
    decision: str, email: str, outcome: str, at: datetime, reason: str | None = None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "decision_id": decision,
        "lead_identity": f"email:{email}",
        "outcome": outcome,
        "occurred_at": _stamp(at),
    }
    if reason is not None:
        record["reason"] = reason
    return record


def write_files(leads: Sequence[LabelledLead], directory: Path) -> tuple[Path, Path]:
    """Write the events and the outcomes, each as JSONL in time order."""
    directory.mkdir(parents=True, exist_ok=True)
    events = sorted(
        (event for lead in leads for event in lead.events),
        key=lambda event: (event["occurred_at"], event["event_id"]),
    )
    outcomes = sorted(
        (outcome for lead in leads for outcome in lead.outcomes),
        key=lambda outcome: outcome["occurred_at"],
    )
    paths = (directory / "events.jsonl", directory / "outcomes.jsonl")
    for path, records in zip(paths, (events, outcomes), strict=True):
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, separators=(",", ":")) + "\n")
    return paths


def _pick(rng: random.Random, items: Sequence[_T], weights: Sequence[float]) -> _T:
    return rng.choices(items, weights=weights, k=1)[0]


def _poisson(rng: random.Random, mean: float, *, cap: int) -> int:
    """Knuth's method; small means only."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit and count < cap:
        count += 1
        product *= rng.random()
    return count


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.labelled", description=__doc__)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(".run/labelled"))
    args = parser.parse_args(argv)
    leads = generate(args.leads, args.seed)
    events, outcomes = write_files(leads, args.out)
    rate = sum(1 for lead in leads if lead.converted) / max(len(leads), 1)
    # The ceiling for any score: how well the hidden propensity itself ranks the outcomes.
    ceiling = roc_auc([lead.propensity for lead in leads], [lead.converted for lead in leads])
    print(f"{len(leads)} leads, {rate:.1%} converted: {events}, {outcomes}")
    print(f"AUC of the hidden propensity itself (the ceiling): {ceiling:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
