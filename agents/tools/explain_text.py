"""The report of `leadrouter explain` as text for a person, rendered from the report's data
(`agents.tools.explain_report.build_report`): lead, enrichment, score, rules, decision.
"""

from collections.abc import Mapping
from typing import Any


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
