"""The records the profile stage sends: those of a decision on a lead event, and those of
sales' verdict on a lead. Built here, recorded and sent by the stage (`agents.stages.profile`).
"""

from dataclasses import dataclass

from agents.plumbing.outputs import Output, Send
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from schemas.events import LeadEvent
from schemas.feedback import NEGATIVE_OUTCOMES, SalesFeedback
from schemas.pipeline import KeyedLeadEvent
from service.feedback import FeedbackResult
from service.handback import handed_back
from service.pipeline import Evaluation
from service.records import nurture_decision, nurtured_record, qualified_lead, update_record


@dataclass(frozen=True, slots=True)
class ProfileSends:
    """The profile stage's outgoing records, on the outputs it writes."""

    runtime: Runtime
    reference: ReferenceData
    qualified: Output
    nurture: Output
    decisions: Output
    updates: Output
    examples: Output

    def __post_init__(self) -> None:
        handed_back_total = self.runtime.metrics.handed_back
        for outcome in NEGATIVE_OUTCOMES:
            handed_back_total.labels(outcome=outcome)  # each series exists at 0 from the start

    def for_event(
        self, evaluation: Evaluation, key: bytes, record: KeyedLeadEvent, event: LeadEvent
    ) -> list[Send]:
        """What the decision sends: the qualified lead; or the decision, with a nurture record
        for a nurtured lead and an update for the rep of a lead sales already has."""
        identity = record.identity
        if evaluation.outcome == "routed":
            lead = qualified_lead(evaluation, identity, event, record.source)
            return [Send(self.qualified, lead.queue.encode(), lead.model_dump_json().encode())]
        decision = nurture_decision(evaluation, identity, self.runtime.clock())
        sends = [Send(self.decisions, key, decision.model_dump_json().encode())]
        if evaluation.outcome == "nurtured":
            nurtured = nurtured_record(evaluation, decision, event, record.source)
            sends.insert(0, Send(self.nurture, key, nurtured.model_dump_json().encode()))
        elif evaluation.update is not None:
            update = update_record(evaluation, event, record.source)
            sends.append(Send(self.updates, key, update.model_dump_json().encode()))
            self.runtime.metrics.sales_updates.inc()
        return sends

    def for_feedback(
        self, result: FeedbackResult, feedback: SalesFeedback, record: KeyedLeadEvent, key: bytes
    ) -> list[Send]:
        """The example to learn, and for a lead sales gives back its nurture record."""
        sends = []
        if result.example is not None:
            example = result.example
            body = example.model_dump_json().encode()
            sends.append(Send(self.examples, example.decision_id.encode(), body))
        if result.effect == "recycled":
            reference = self.reference
            back = handed_back(
                result.profile,
                feedback,
                record.source.timestamp,
                reference.accounts,
                reference.policy,
            )
            sends.append(Send(self.nurture, key, back.model_dump_json().encode()))
            self.runtime.metrics.handed_back.labels(outcome=feedback.outcome).inc()
        return sends
