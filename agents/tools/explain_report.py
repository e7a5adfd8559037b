"""The report of `leadrouter explain` as data: the lead, its events, enrichment, score, the
rules evaluated and the decision with the assignments tried, JSON-ready (what `--json` prints,
and what `agents.tools.explain_text` renders for a person).
"""

from collections.abc import Mapping
from typing import Any

from agents.tools.explain import Explanation, Step
from schemas.reps import Rep


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
