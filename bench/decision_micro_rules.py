"""Micro-benchmark: microseconds per decide_route and per assign_lead.

Run: .venv/bin/python bench/decision_micro_rules.py

decide_route is measured on synthetic rulesets of 10, 100 and 1,000 rules:
- early match: a realistic ruleset (nurture, key accounts, customers...) whose second rule
  matches the lead, with filler rules after it;
- late match: filler rules that do not match the lead and a last rule that does, once with
  fillers that test equality (country, domain, account id: the index skips them) and once with
  a quarter of range and literal-glob fillers (no equality: the index skips them by bound and
  by literal, service/rules/index.py).
Each figure is the best of several interleaved rounds, in microseconds per call; a
calibration line times a fixed pure-Python workload so figures from different machines compare.
"""

import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from pydantic import TypeAdapter

from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.reps import Rep
from schemas.scores import Score, ScoreLine
from service.assignment import assign_lead
from service.queue_state import QueueState
from service.routing import decide_route
from service.rules import CompiledRuleset, QueueConfig, load_ruleset

DATA = Path(__file__).resolve().parent.parent / "service" / "data"
SIZES = (10, 100, 1000)

HEAD = """
version: "bench"
queues:
  key-accounts: {strategy: account_owner, sla_minutes: 60, overflow: inside-sales}
  customer-success: {strategy: account_team, sla_minutes: 240, overflow: sales-fallback}
  inside-sales: {strategy: weighted_round_robin, sla_minutes: 30, overflow: sales-fallback}
  filler: {strategy: round_robin, sla_minutes: 30, overflow: sales-fallback}
  sales-fallback: {strategy: unassigned, sla_minutes: 240}
fallback: sales-fallback
rules:
"""
REALISTIC_HEAD = [
    "{field: score.sales_ready, equals: false}",
    "{field: enrichment.account.tier, in: [key, strategic]}",
    "{field: enrichment.account.customer_status, equals: customer}",
]


def _rule(rule_id: str, when: str, queue: str = "filler") -> str:
    return f"  - id: {rule_id}\n    when: {when}\n    then: {{queue: {queue}}}\n"


def _filler(i: int, *, mixed: bool) -> str:
    kind = i % 4
    if mixed and kind == 3:
        # No equality to index on: the index skips these by their bound or glob literal.
        if i % 8 == 3:
            return f"{{field: lead.employee_count, gte: {20_000_000 + i}}}"
        return f"{{field: lead.email, glob: '*@filler-{i}.example'}}"
    if kind == 0:
        return f"{{field: lead.country, equals: Country-{i}}}"
    if kind == 1:
        return f"{{field: enrichment.company_domain, in: [filler-{i}.example, alt-{i}.example]}}"
    if kind == 2:
        return (
            f"{{all: [{{field: enrichment.account.account_id, equals: acct-{i}}}, "
            f"{{field: lead.employee_count, gte: 10}}]}}"
        )
    return f"{{field: lead.region, equals: Region-{i}}}"


def _ruleset(size: int, *, late: bool, mixed: bool) -> CompiledRuleset:
    rules: list[str] = []
    if not late:
        for i, when in enumerate(REALISTIC_HEAD):
            rules.append(
                _rule(f"head-{i}", when, ("filler", "key-accounts", "customer-success")[i])
            )
    while len(rules) < size - 1:
        rules.append(_rule(f"filler-{len(rules)}", _filler(len(rules), mixed=mixed)))
    rules.append(_rule("last", "{field: enrichment.motion, equals: transactional}", "inside-sales"))
    return load_ruleset(HEAD + "".join(rules), f"bench-{size}")


SCORE = Score(
    fit=70,
    engagement=10,
    total=80,
    grade="A",
    sales_ready=True,
    threshold=60,
    breakdown=(ScoreLine(component="fit", factor="fit", points=80),),
)
LEAD = LeadAttributes(
    email="hank@globex.com", country="United States", region="CA", employee_count=4800
)
KEY_ACCOUNT = AccountMatch(
    account_id="acct-0001",
    name="Globex Corporation",
    method="email_domain",
    tier="key",
    customer_status="customer",
    owner_rep_id="rep-na-01",
    cover_rep_id="rep-na-02",
)
EARLY = Enrichment(account=KEY_ACCOUNT, company_domain="globex.com", territory="NA")
LATE = Enrichment(company_domain="globex.com", territory="NA", motion="transactional")


ROUNDS = 7


def _best_microseconds(cases: list[tuple[Callable[[], object], int]]) -> list[float]:
    """Best per-call time of each case over ROUNDS rounds.

    The cases are interleaved round by round, so load from other processes on a shared
    machine inflates them alike instead of skewing whichever case ran during a busy spell.
    """
    timers = [(timeit.Timer(call), number) for call, number in cases]
    best = [float("inf")] * len(timers)
    for _ in range(ROUNDS):
        for i, (timer, number) in enumerate(timers):
            best[i] = min(best[i], timer.timeit(number) / number * 1e6)
    return best


def _calibration() -> float:
    """A fixed pure-Python workload, to compare figures taken on different machines."""
    numbers = list(range(100))
    return _best_microseconds([(lambda: sum(numbers), 20000)])[0]


def bench_routing() -> list[tuple[str, int, float]]:
    labels: list[tuple[str, int]] = []
    cases: list[tuple[Callable[[], object], int]] = []
    for size in SIZES:
        for label, late, mixed, enrichment in (
            ("early match (2nd rule)", False, False, EARLY),
            ("late match, equality fillers", True, False, LATE),
            ("late match, 1/4 range+glob", True, True, LATE),
        ):
            ruleset = _ruleset(size, late=late, mixed=mixed)
            route = decide_route(ruleset, LEAD, enrichment, SCORE)
            expected = "last" if late else "head-1"
            assert route.rule_id == expected, (size, label, route.rule_id)
            assert route.rules_evaluated[-1].rule_id == expected
            number = 50 if size == 1000 and mixed else 500
            labels.append((label, size))
            cases.append((partial(decide_route, ruleset, LEAD, enrichment, SCORE), number))
    return [
        (label, size, us)
        for (label, size), us in zip(labels, _best_microseconds(cases), strict=True)
    ]


def bench_assignment() -> list[tuple[str, float]]:
    now = datetime(2026, 3, 18, 15, 0, tzinfo=UTC)
    demo = {
        rep.rep_id: rep
        for rep in TypeAdapter(list[Rep]).validate_json((DATA / "demo_reps.json").read_bytes())
    }
    five = {
        f"rep-{i}": Rep(rep_id=f"rep-{i}", name=f"Rep {i}", queues=("q",), daily_capacity=1000)
        for i in range(5)
    }
    setups: list[tuple[str, QueueConfig, dict[str, Rep], AccountMatch | None]] = [
        (
            "round_robin, 5 reps, capacity",
            QueueConfig(name="q", strategy="round_robin", sla_minutes=30),
            five,
            None,
        ),
        (
            "weighted_round_robin, demo inside-sales (22 reps)",
            QueueConfig(name="inside-sales", strategy="weighted_round_robin", sla_minutes=30),
            demo,
            None,
        ),
        (
            "account_owner, demo key account",
            QueueConfig(name="key-accounts", strategy="account_owner", sla_minutes=60),
            demo,
            KEY_ACCOUNT,
        ),
    ]
    cases: list[tuple[Callable[[], object], int]] = []
    for _, queue, reps, account in setups:
        state = QueueState()
        for _ in range(50):  # a state with some history, as in production
            state = assign_lead(queue, state, reps, account, now).new_state
        cases.append((partial(assign_lead, queue, state, reps, account, now), 200))
    return list(zip([label for label, *_ in setups], _best_microseconds(cases), strict=True))


def main() -> None:
    print(f"calibration: sum of 100 ints = {_calibration():.2f} us (about 0.4 on an idle laptop)")
    print()
    routing = bench_routing()
    print(f"decide_route: microseconds per call (best of {ROUNDS} interleaved rounds)")
    print(f"{'case':<32}" + "".join(f"{size:>10} rules" for size in SIZES))
    for label in dict.fromkeys(label for label, _, _ in routing):
        cells = [us for row_label, _, us in routing if row_label == label]
        print(f"{label:<32}" + "".join(f"{us:>16.1f}" for us in cells))
    print()
    print(f"assign_lead: microseconds per call (best of {ROUNDS} interleaved rounds)")
    for label, us in bench_assignment():
        print(f"{label:<52}{us:>10.1f}")


if __name__ == "__main__":
    main()
