"""Micro-benchmarks of the domain decision: microseconds per event for evaluate_event (merge,
enrich, score, decide the route) on the same decoded synthetic events, varying the ruleset
(the shipped default; synthetic rulesets of 10, 100 and 1,000 rules, on 10,000 accounts) and the
number of accounts in the AccountIndex (1,000, 10,000, 100,000 and optionally 1,000,000; the
time to load them is measured too).

Synthetic rulesets put their filler rules FIRST, so every lead walks all of them before the
shipped nurture rule and the transactional catch-all: the worst case for rule count. A quarter
of the fillers test no equality but a range or a literal glob, which the rules index skips by
bisecting bounds and looking up literals (service/rules/index.py). Each figure is the best of
`rounds` runs over the events, rounds interleaved across rulesets so background load on a shared
machine inflates them alike.
"""

import cProfile
import pstats
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import Any

import yaml

from agents.plumbing.reference import default_rules_text
from agents.tools.synthetic import SyntheticFeed
from bench.accounts_memory import synthetic_accounts as numbered_accounts
from bench.measurements import AccountsLoad, Hotspot, MicroCase
from bench.profiler import short_path
from schemas.accounts import Account
from schemas.events import LeadEvent
from schemas.profiles import LeadProfile
from service.accounts import AccountIndex
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event
from service.pipeline import evaluate_event
from service.policy import Policy, load_policy

RULESET_SIZES = (10, 100, 1000)
RULES_ACCOUNTS = 10_000  # the index size the rulesets are compared on
# The shipped rules a synthetic ruleset keeps, after its fillers.
KEPT_RULES = ("not-sales-ready", "transactional")


@dataclass(frozen=True, slots=True)
class DecodedEvent:
    identity: str
    event: LeadEvent


def decode_events(feed: SyntheticFeed, count: int, start: datetime) -> list[DecodedEvent]:
    """`count` feed records decoded as intake does (the few it rejects are left out)."""
    interval = timedelta(milliseconds=50)
    now = start + interval * count + timedelta(hours=1)
    decoded: list[DecodedEvent] = []
    for _, value, headers in feed.events(count, start, interval):
        event = decode_lead_event(value, headers, now)
        if isinstance(event, Rejection):
            continue
        identity = lead_identity(event.lead, event.source)
        if identity is not None:
            decoded.append(DecodedEvent(identity, event))
    return decoded


def evaluate_all(events: Sequence[DecodedEvent], index: AccountIndex, policy: Policy) -> float:
    """Seconds to evaluate every event in order, each lead's profile carried along as the
    profile stage does (without its table and JSON)."""
    profiles: dict[str, LeadProfile] = {}
    started = time.perf_counter()
    for offset, item in enumerate(events):
        evaluation = evaluate_event(
            profiles.get(item.identity),
            item.event,
            item.identity,
            item.event.occurred_at,
            index,
            policy,
            offset=offset,
        )
        profiles[item.identity] = evaluation.profile
    return time.perf_counter() - started


def profile_evaluation(
    events: Sequence[DecodedEvent], index: AccountIndex, policy: Policy, top: int = 25
) -> tuple[Hotspot, ...]:
    """Deterministic profile (cProfile) of one pass of evaluate_event: the functions with the
    most own time, with their share of the pass alone and with callees."""
    profile = cProfile.Profile()
    profile.enable()
    evaluate_all(events, index, policy)
    profile.disable()
    stats = pstats.Stats(profile)
    rows: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in rows.values()) or 1.0
    ordered = sorted(rows.items(), key=lambda item: -item[1][2])[:top]
    return tuple(
        Hotspot(
            function=f"{short_path(path)}:{function}",
            self_share=row[2] / total,
            total_share=row[3] / total,
        )
        for (path, _, function), row in ordered
    )


def filler_rule(number: int) -> dict[str, Any]:
    """A rule no synthetic lead matches; every fourth tests no equality."""
    kind = number % 4
    when: dict[str, Any]
    if kind == 0:
        when = {"field": "lead.country", "equals": f"Country-{number}"}
    elif kind == 1:
        domains = [f"filler-{number}.example", f"alt-{number}.example"]
        when = {"field": "enrichment.company_domain", "in": domains}
    elif kind == 2:
        when = {
            "all": [
                {"field": "enrichment.account.account_id", "equals": f"acct-{number}"},
                {"field": "lead.employee_count", "gte": 10},
            ]
        }
    elif number % 8 == 3:
        when = {"field": "lead.email", "glob": f"*@filler-{number}.example"}
    else:
        when = {"field": "lead.employee_count", "gte": 20_000_000 + number}
    return {"id": f"filler-{number}", "when": when, "then": {"queue": "inside-sales"}}


def synthetic_policy(size: int) -> Policy:
    """The shipped queues with `size` rules: fillers, then the shipped nurture rule and the
    transactional catch-all."""
    document = yaml.safe_load(default_rules_text())
    kept = [rule for rule in document["rules"] if rule["id"] in KEPT_RULES]
    document["rules"] = [filler_rule(number) for number in range(size - len(kept))] + kept
    document["version"] = f"bench-{size}-rules"
    return load_policy(yaml.safe_dump(document, sort_keys=False), f"bench {size} rules")


def best_seconds(runs: Sequence[Callable[[], float]], rounds: int) -> list[float]:
    """The best time of each run over `rounds` rounds, runs interleaved round by round."""
    best = [float("inf")] * len(runs)
    for _ in range(rounds):
        for position, run in enumerate(runs):
            best[position] = min(best[position], run())
    return best


def bench_rulesets(
    index: AccountIndex, events: Sequence[DecodedEvent], rounds: int
) -> list[MicroCase]:
    """The shipped default rules and the synthetic rulesets, interleaved, on one index."""
    default = load_policy(default_rules_text(), "shipped default rules")
    policies = [("default rules", default)] + [
        ("rules", synthetic_policy(size)) for size in RULESET_SIZES
    ]
    seconds = best_seconds(
        [
            lambda policy=policy: evaluate_all(events, index, policy)  # type: ignore[misc]
            for _, policy in policies
        ],
        rounds,
    )
    return [
        MicroCase(
            case=case,
            rules=len(policy.ruleset.rules),
            accounts=len(index),
            events=len(events),
            us_per_event=spent / len(events) * 1e6,
        )
        for (case, policy), spent in zip(policies, seconds, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class DomainBench:
    cases: list[MicroCase]
    loads: list[AccountsLoad]
    hotspots: tuple[Hotspot, ...]


def bench_domain(
    sizes: Sequence[int], seed: int, count: int, start: datetime, rounds: int
) -> DomainBench:
    """evaluate_event over indexes of growing size, and over every ruleset at RULES_ACCOUNTS.

    Accounts are the numbered ones of bench/accounts_memory.py, streamed so that a million fit;
    the leads match the first 1,000, so every index size sees the same events and the same
    matches. At RULES_ACCOUNTS accounts the rulesets are compared and the default rules'
    evaluation is profiled.
    """
    default = load_policy(default_rules_text(), "shipped default rules")
    ordered = sorted({*sizes, RULES_ACCOUNTS})
    source: Iterator[Account] = numbered_accounts(ordered[-1])
    first = list(islice(source, 1000))
    events = decode_events(SyntheticFeed(seed, first), count, start)
    stream = chain(first, source)
    index = AccountIndex()
    upsert_seconds = 0.0
    cases: list[MicroCase] = []
    loads: list[AccountsLoad] = []
    hotspots: tuple[Hotspot, ...] = ()
    for size in ordered:
        for account in islice(stream, size - len(index)):
            started = time.perf_counter()
            index.upsert(account)
            upsert_seconds += time.perf_counter() - started
        loads.append(
            AccountsLoad(
                accounts=len(index),
                upsert_seconds=upsert_seconds,
                us_per_upsert=upsert_seconds / max(1, len(index)) * 1e6,
            )
        )
        if size == RULES_ACCOUNTS:
            cases += bench_rulesets(index, events, rounds)
            hotspots = profile_evaluation(events, index, default)
            continue
        [spent] = best_seconds([lambda: evaluate_all(events, index, default)], rounds)
        cases.append(
            MicroCase(
                case="default rules",
                rules=len(default.ruleset.rules),
                accounts=len(index),
                events=len(events),
                us_per_event=spent / len(events) * 1e6,
            )
        )
    return DomainBench(cases=cases, loads=loads, hotspots=hotspots)
