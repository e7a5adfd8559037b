"""`leadrouter explain`: replay a lead's events through the domain and say why it went where.

No Kafka: the accounts come from a file, the events are applied in order with `evaluate_event`
exactly as the profile stage applies them, and a routed lead is assigned against the reps with a
fresh queue state (following overflow queues as the assign stage does). The files are read by
`agents.tools.explain_inputs`; the report is a plain dict (`agents.tools.explain_report`, what
`--json` prints) and a text rendering of the same dict (`agents.tools.explain_text`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from agents.tools.explain_inputs import ExplainError
from schemas.enrichment import AccountMatch
from schemas.events import LeadEvent
from schemas.reps import Rep
from service.accounts import AccountIndex
from service.assignment import assign_lead
from service.assignment_book import Assignment
from service.identity import lead_identity
from service.learning.scoring import LearnedModel
from service.pipeline import Evaluation, evaluate_event
from service.policy import Policy
from service.queue_state import QueueState
from service.rules import CompiledRuleset, QueueConfig


@dataclass(frozen=True, slots=True)
class Step:
    """One event applied to the lead, and what it did."""

    event: LeadEvent
    evaluation: Evaluation


@dataclass(frozen=True, slots=True)
class Explanation:
    """A lead's events replayed: the decisive evaluation and, if routed, the assignment chain.

    `decisive` is the evaluation that routed the lead, or the last one applied if none did.
    `assignments` holds one assignment per queue tried: the routed queue, then each overflow.
    """

    identity: str
    steps: tuple[Step, ...]
    decisive: Evaluation
    assignments: tuple[Assignment, ...]
    policy: Policy
    reps: Mapping[str, Rep]
    now: datetime


def assign_through_overflow(
    queue: QueueConfig,
    ruleset: CompiledRuleset,
    reps: Mapping[str, Rep],
    account: AccountMatch | None,
    now: datetime,
) -> tuple[Assignment, ...]:
    """Assign in `queue`; while nobody there can take the lead, try its overflow queue.

    Each queue starts from a fresh state (explain knows no rotation history). Rulesets cannot
    declare overflow loops; the visited set guards against one anyway.
    """
    assignments = [assign_lead(queue, QueueState(), reps, account, now)]
    visited = {queue.name}
    while (target := assignments[-1].overflow_to) is not None and target not in visited:
        visited.add(target)
        next_queue = ruleset.queues[target]
        assignments.append(assign_lead(next_queue, QueueState(), reps, account, now))
    return tuple(assignments)


def explain_lead(
    events: Sequence[LeadEvent],
    accounts: AccountIndex,
    reps: Mapping[str, Rep],
    policy: Policy,
    now: datetime,
    learned: LearnedModel | None = None,
) -> Explanation:
    """Apply the events of one lead in order and, if it is routed, assign it at `now`.

    Each event counts as received when it occurred (there is no Kafka timestamp here). With a
    `learned` conversion model the score carries its probability and contributions, as the
    worker's would with that model in force.
    """
    if not events:
        raise ExplainError("no events")
    identities = {lead_identity(event.lead, event.source) for event in events}
    if None in identities:
        raise ExplainError("a lead event has neither a usable email nor an external id")
    if len(identities) > 1:
        raise ExplainError(
            "the events are about different leads: " + ", ".join(sorted(map(str, identities)))
        )
    identity = str(identities.pop())
    steps: list[Step] = []
    profile = None
    routed: Evaluation | None = None
    last: Evaluation | None = None
    for offset, event in enumerate(events):
        evaluation = evaluate_event(
            profile,
            event,
            identity,
            event.occurred_at,
            accounts,
            policy,
            offset=offset,
            learned=learned,
        )
        profile = evaluation.profile
        steps.append(Step(event, evaluation))
        if evaluation.is_duplicate:
            continue
        last = evaluation
        if evaluation.outcome == "routed":
            routed = evaluation
    decisive = routed or last
    if decisive is None:  # the first event of a lead is never a duplicate
        raise ExplainError("no event was applied")
    assignments: tuple[Assignment, ...] = ()
    route = decisive.route
    if decisive.outcome == "routed" and route is not None and route.queue_config is not None:
        account = decisive.enrichment.account if decisive.enrichment else None
        assignments = assign_through_overflow(
            route.queue_config, policy.ruleset, reps, account, now
        )
    return Explanation(
        identity=identity,
        steps=tuple(steps),
        decisive=decisive,
        assignments=assignments,
        policy=policy,
        reps=reps,
        now=now,
    )
