"""`leadrouter explain`: replay a lead's events through the domain and say why it went where.

No Kafka: the accounts come from a file, the events are applied in order with `evaluate_event`
exactly as the profile stage applies them, and a routed lead is assigned against the reps with a
fresh queue state (following overflow queues as the assign stage does). The report is a plain
dict (what `--json` prints) and a text rendering of the same dict.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agents.tools.explain_inputs import ExplainError
from schemas.enrichment import AccountMatch
from schemas.events import LeadEvent
from schemas.reps import Rep
from service.accounts import AccountIndex
from service.assignment import Assignment, assign_lead
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


# --- the report -------------------------------------------------------------------------------


def build_report(explanation: Explanation) -> dict[str, Any]:
    """Everything the text report says, as JSON-ready data."""
    decisive = explanation.decisive
    ruleset = explanation.policy.ruleset
    descriptions = {rule.id: rule.description for rule in ruleset.rules}
    lead = decisive.profile.attributes
    route = decisive.route
    return {
        "lead": {
            "identity": explanation.identity,
            "email": lead.email,
            "name": " ".join(part for part in (lead.first_name, lead.last_name) if part) or None,
            "job_title": lead.job_title,
            "company_name": lead.company_name,
            "country": lead.country,
        },
        "events": [_event_entry(step) for step in explanation.steps],
        "enrichment": (
            decisive.enrichment.model_dump(mode="json") if decisive.enrichment else None
        ),
        "score": decisive.score.model_dump(mode="json") if decisive.score else None,
        "rules": {
            "version": ruleset.version,
            "evaluated": [
                {
                    "rule_id": trace.rule_id,
                    "matched": trace.matched,
                    "description": descriptions.get(trace.rule_id),
                }
                for trace in (route.rules_evaluated if route else ())
            ],
        },
        "decision": _decision_entry(explanation),
        "now": explanation.now.isoformat(),
    }


def _event_entry(step: Step) -> dict[str, Any]:
    event, evaluation = step.event, step.evaluation
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "occurred_at": event.occurred_at.isoformat(),
        "activity": event.activity.type if event.activity else None,
        "outcome": evaluation.outcome or "duplicate",
        "score": evaluation.score.total if evaluation.score else None,
    }


def _decision_entry(explanation: Explanation) -> dict[str, Any]:
    decisive = explanation.decisive
    route = decisive.route
    reps = explanation.reps
    final = explanation.assignments[-1] if explanation.assignments else None
    return {
        "outcome": decisive.outcome,
        "decision_id": decisive.decision_id,
        "generation": decisive.generation,
        "queue": final.queue if final else (route.queue if route else None),
        "routed_queue": route.queue if route else None,
        "strategy": final.strategy if final else (route.strategy if route else None),
        "rep_id": final.rep_id if final else None,
        "rep_name": _rep_name(reps, final.rep_id) if final else None,
        "rule_id": route.rule_id if route else None,
        "ruleset_version": route.ruleset_version if route else explanation.policy.version,
        "reason": route.reason if route else None,
        "overflowed_from": [assignment.queue for assignment in explanation.assignments[:-1]],
        "assignments": [
            {
                "queue": assignment.queue,
                "strategy": assignment.strategy,
                "rep_id": assignment.rep_id,
                "overflow_to": assignment.overflow_to,
                "note": assignment.note,
                "counters": assignment.counters,
                "candidates": [
                    {
                        "rep_id": candidate.rep_id,
                        "rep_name": _rep_name(reps, candidate.rep_id),
                        "outcome": candidate.outcome,
                        "detail": candidate.detail,
                    }
                    for candidate in assignment.candidates
                ],
            }
            for assignment in explanation.assignments
        ],
    }


def _rep_name(reps: Mapping[str, Rep], rep_id: str | None) -> str | None:
    rep = reps.get(rep_id) if rep_id else None
    return rep.name if rep else None


def _signed(points: int) -> str:
    return f"{points:+d}"


def format_report(report: Mapping[str, Any]) -> str:
    """The report as text for a person: lead, enrichment, score, rules, decision."""
    lines: list[str] = []
    lead = report["lead"]
    events = report["events"]
    lines.append(f"Lead {lead['identity']}")
    details = [lead.get("name"), lead.get("job_title"), lead.get("company_name")]
    if any(details):
        lines.append("  " + ", ".join(str(detail) for detail in details if detail))
    lines.append(f"  {len(events)} event(s), explained at {report['now']}:")
    for number, event in enumerate(events, start=1):
        activity = f" {event['activity']}" if event["activity"] else ""
        score = f" (score {event['score']})" if event["score"] is not None else ""
        lines.append(
            f"  {number:>3}. {event['event_id']}  {event['event_type']}{activity}  "
            f"{event['occurred_at']}  -> {event['outcome']}{score}"
        )
    lines += ["", *_enrichment_lines(report["enrichment"])]
    lines += ["", *_score_lines(report["score"])]
    lines += ["", *_rule_lines(report["rules"])]
    lines += ["", *_decision_lines(report["decision"])]
    return "\n".join(lines)


def _enrichment_lines(enrichment: Mapping[str, Any] | None) -> list[str]:
    if enrichment is None:
        return ["Enrichment: none (duplicate event)"]
    account = enrichment["account"]
    if account is None:
        matched = "no account matched"
    else:
        matched = (
            f"{account['name']} ({account['account_id']}) by {account['method']}; "
            f"tier {account['tier']}, {account['customer_status']}"
        )
        people = [
            f"{role} {account[field]}"
            for role, field in (("owner", "owner_rep_id"), ("cover", "cover_rep_id"))
            if account[field]
        ]
        if account["account_team"]:
            people.append("team " + ", ".join(account["account_team"]))
        if people:
            matched += "; " + ", ".join(people)
    email = enrichment["email"] or "none"
    if enrichment["email"]:
        email += " (free mail)" if enrichment["is_free_email"] else " (business)"
    employees = enrichment["employee_count"]
    size = enrichment["size_band"] + (f" ({employees} employees)" if employees else "")
    rows = [
        ("account", matched),
        ("email", email),
        ("seniority", f"{enrichment['seniority']} (department {enrichment['department']})"),
        ("vertical", enrichment["vertical"]),
        ("territory", f"{enrichment['territory']} ({enrichment['country_code'] or 'no country'})"),
        ("size band", size),
        ("motion", enrichment["motion"]),
    ]
    return ["Enrichment", *(f"  {name:<10} {value}" for name, value in rows)]


def _score_lines(score: Mapping[str, Any] | None) -> list[str]:
    if score is None:
        return ["Score: none (duplicate event)"]
    verdict = "sales-ready" if score["sales_ready"] else "not sales-ready"
    lines = [
        f"Score {score['total']}/100, grade {score['grade']}, threshold {score['threshold']}: "
        f"{verdict} (fit {score['fit']}, engagement {score['engagement']})"
    ]
    for line in score["breakdown"]:
        lines.append(f"  {line['component']:<10} {_signed(line['points']):>4}  {line['factor']}")
    lines.append(f"  {'total':<10} {score['total']:>4}")
    return lines + _learned_lines(score)


def _learned_lines(score: Mapping[str, Any]) -> list[str]:
    version = score.get("model_version")
    if version is None:
        return []
    probability = score.get("conversion_probability")
    if probability is None:
        return [f"Learned score: model {version} in its cold start; the rule score decides"]
    threshold = score.get("probability_threshold")
    decides = f", sales-ready from {threshold:.2f}" if threshold is not None else ""
    lines = [
        f"Learned score {probability:.3f}, grade {score['learned_grade']} (model {version}; "
        f"{score['decided_by']} decided{decides})"
    ]
    lines += [f"  {line['log_odds']:+8.3f}  {line['factor']}" for line in score["learned"]]
    lines.append(f"  {sum(line['log_odds'] for line in score['learned']):+8.3f}  log-odds")
    return lines


def _rule_lines(rules: Mapping[str, Any]) -> list[str]:
    lines = [f"Rules evaluated (ruleset {rules['version']}, first match decides)"]
    if not rules["evaluated"]:
        lines.append("  none")
    for rule in rules["evaluated"]:
        mark = "matched" if rule["matched"] else "no"
        description = f"  {rule['description']}" if rule["description"] else ""
        lines.append(f"  {mark:<8} {rule['rule_id']}{description}")
    return lines


def _decision_lines(decision: Mapping[str, Any]) -> list[str]:
    outcome = decision["outcome"]
    lines = [
        f"Decision: {outcome} (decision {decision['decision_id']}, "
        f"generation {decision['generation']})"
    ]
    rule = decision["rule_id"] or "none (fallback queue)"
    lines.append(f"  rule       {rule}, ruleset {decision['ruleset_version']}")
    if decision["reason"]:
        lines.append(f"  reason     {decision['reason']}")
    if outcome == "routed":
        rep = decision["rep_id"]
        who = f"{rep} {decision['rep_name'] or ''}".rstrip() if rep else "unassigned"
        lines.append(f"  queue      {decision['queue']} ({decision['strategy']})")
        lines.append(f"  rep        {who}")
        if decision["overflowed_from"]:
            lines.append("  overflowed from " + " -> ".join(decision["overflowed_from"]))
    for assignment in decision["assignments"]:
        lines.append(f"  in {assignment['queue']} ({assignment['strategy']}): {assignment['note']}")
        for candidate in assignment["candidates"]:
            name = candidate["rep_name"] or ""
            detail = f"  {candidate['detail']}" if candidate["detail"] else ""
            lines.append(f"    {candidate['rep_id']:<14} {name:<18} {candidate['outcome']}{detail}")
    return lines
