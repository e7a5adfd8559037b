"""Prometheus metrics of leadrouter, created against an injected registry.

Labels are bounded: queue names come from the ruleset, reasons from closed vocabularies, topics and
partitions from the deployment. Never a lead id, an email or a rep id.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from agents.plumbing.metric_buckets import (
    ACCEPT_BUCKETS,
    BATCH_BUCKETS,
    GC_PAUSE_BUCKETS,
    HANDOFF_BUCKETS,
    SCORE_BUCKETS,
    STAGE_BUCKETS,
)
from schemas.deadletters import DeadLetterReason
from schemas.feedback import FeedbackOutcome, label_of


@dataclass(frozen=True, slots=True)
class Metrics:
    handoff_latency: Histogram
    stage_latency: Histogram
    events_consumed: Counter
    direct_events: Counter
    direct_batch_events: Histogram
    leads_routed: Counter
    leads_nurtured: Counter
    deadletters: Counter
    duplicates: Counter
    replays: Counter
    sales_updates: Counter
    handed_back: Counter
    expired: Counter
    already_routed: Counter
    overflows: Counter
    lead_score: Histogram
    ruleset_info: Gauge
    ruleset_reloads: Counter
    accounts_view_size: Gauge
    reps_view_size: Gauge
    consumer_lag: Gauge
    input_stalled: Gauge
    producer_linger: Gauge
    gc_pause: Histogram
    feedback: Counter
    outcomes_learned: Counter
    model_info: Gauge
    model_outcomes: Gauge
    model_calibration_error: Gauge
    model_auc: Gauge
    time_to_accept: Histogram
    sla_breaches: Counter
    escalations: Counter
    credits: Counter

    def prepare_reasons(self) -> None:
        """Create every dead-letter and learned-outcome series at 0, so rate() sees the first
        one; the model quality gauges start as NaN (nothing measured yet)."""
        for reason in get_args(DeadLetterReason):
            self.deadletters.labels(reason=reason)
        for outcome in get_args(FeedbackOutcome):
            if label_of(outcome) is not None:
                self.outcomes_learned.labels(outcome=outcome)
        self.model_calibration_error.set(math.nan)
        self.model_auc.set(math.nan)

    def prepare_queues(self, queues: Iterable[str]) -> None:
        """Create each queue's series at 0 (at start and when a ruleset adds queues), so the
        first lead of a queue is counted by rate() and its first handoff by the p99 alert."""
        for queue in queues:
            self.leads_routed.labels(queue=queue)
            self.overflows.labels(queue=queue)
            self.handoff_latency.labels(queue=queue)
            self.time_to_accept.labels(queue=queue)
            self.sla_breaches.labels(queue=queue)

    @classmethod
    def create(cls, registry: CollectorRegistry) -> "Metrics":
        return cls(
            handoff_latency=Histogram(
                "leadrouter_handoff_latency_seconds",
                "From the Kafka timestamp of the event that made a lead sales-ready to the "
                "acknowledgement of its routed record on the queue topic.",
                ["queue"],
                buckets=HANDOFF_BUCKETS,
                registry=registry,
            ),
            stage_latency=Histogram(
                "leadrouter_stage_latency_seconds",
                "Time spent from the input record's Kafka timestamp to the end of each stage: "
                "intake (validated and re-keyed), scoring (profile scored), routing (assigned, "
                "and the routed record acknowledged on its queue topic).",
                ["stage"],
                buckets=STAGE_BUCKETS,
                registry=registry,
            ),
            events_consumed=Counter(
                "leadrouter_events_consumed_total",
                "Records consumed, per input topic.",
                ["topic"],
                registry=registry,
            ),
            direct_events=Counter(
                "leadrouter_direct_events_total",
                "Lead events decided straight from their input record, without the re-key hop "
                "(already keyed by the lead's identity).",
                registry=registry,
            ),
            direct_batch_events=Histogram(
                "leadrouter_direct_batch_events",
                "Direct lead events the profile stage decided together, per batch.",
                buckets=BATCH_BUCKETS,
                registry=registry,
            ),
            leads_routed=Counter(
                "leadrouter_leads_routed_total",
                "Leads placed on a sales queue topic.",
                ["queue"],
                registry=registry,
            ),
            leads_nurtured=Counter(
                "leadrouter_leads_nurtured_total",
                "Events that left a lead with marketing (below_threshold or a nurture rule).",
                ["reason"],
                registry=registry,
            ),
            deadletters=Counter(
                "leadrouter_deadletters_total",
                "Records sent to the dead-letter topic, per reason (a closed vocabulary).",
                ["reason"],
                registry=registry,
            ),
            duplicates=Counter(
                "leadrouter_duplicates_total",
                "Events whose event_id was already applied to the lead (de-duplication window).",
                registry=registry,
            ),
            sales_updates=Counter(
                "leadrouter_sales_updates_total",
                "Updates sent to reps on sales.updates.v1: new activity on a lead sales has.",
                registry=registry,
            ),
            handed_back=Counter(
                "leadrouter_handed_back_total",
                "Leads sales gave back to marketing (on leads.nurture.v1 with its reason), per "
                "outcome.",
                ["outcome"],
                registry=registry,
            ),
            replays=Counter(
                "leadrouter_replays_total",
                "Events read again after a restart whose recorded outputs were sent again "
                "(same bytes, same decision ids).",
                registry=registry,
            ),
            expired=Counter(
                "leadrouter_expired_entries_total",
                "State entries deleted by expiry (profiles of leads long gone, old ledger "
                "entries), per table.",
                ["table"],
                registry=registry,
            ),
            already_routed=Counter(
                "leadrouter_already_routed_total",
                "Events for leads that sales already has; not routed again.",
                registry=registry,
            ),
            overflows=Counter(
                "leadrouter_overflows_total",
                "Leads a queue could not assign (everyone away or at capacity), per source queue.",
                ["queue"],
                registry=registry,
            ),
            lead_score=Histogram(
                "leadrouter_lead_score",
                "Lead score (0-100) after each applied event.",
                buckets=SCORE_BUCKETS,
                registry=registry,
            ),
            ruleset_info=Gauge(
                "leadrouter_ruleset_info",
                "1 for the ruleset version in force.",
                ["version"],
                registry=registry,
            ),
            ruleset_reloads=Counter(
                "leadrouter_ruleset_reloads_total",
                "Ruleset loads by result: ok, or rejected (the previous version keeps serving).",
                ["result"],
                registry=registry,
            ),
            accounts_view_size=Gauge(
                "leadrouter_accounts_view_size",
                "Accounts held by this worker's accounts view.",
                registry=registry,
            ),
            reps_view_size=Gauge(
                "leadrouter_reps_view_size",
                "Reps held by this worker's reps view.",
                registry=registry,
            ),
            consumer_lag=Gauge(
                "leadrouter_consumer_lag",
                "End offset minus committed offset, per assigned input partition.",
                ["topic", "partition"],
                registry=registry,
            ),
            input_stalled=Gauge(
                "leadrouter_input_stalled_seconds",
                "How long records have waited in an assigned input partition behind a committed "
                "offset that did not move (0 while it moves or nothing waits).",
                ["topic", "partition"],
                registry=registry,
            ),
            producer_linger=Gauge(
                "leadrouter_producer_linger_seconds",
                "How long new producer batches wait to fill (more under load).",
                registry=registry,
            ),
            gc_pause=Histogram(
                "leadrouter_gc_pause_seconds",
                "How long each pass of Python's cyclic garbage collector stopped the worker, per "
                "generation (0 young, 2 full).",
                ["generation"],
                buckets=GC_PAUSE_BUCKETS,
                registry=registry,
            ),
            feedback=Counter(
                "leadrouter_feedback_total",
                "Feedback records from sales tools, per outcome.",
                ["outcome"],
                registry=registry,
            ),
            outcomes_learned=Counter(
                "leadrouter_outcomes_learned_total",
                "Labelled outcomes the conversion model learned (counted by the worker that "
                "trains), per outcome.",
                ["outcome"],
                registry=registry,
            ),
            model_info=Gauge(
                "leadrouter_model_info",
                "1 for the conversion model version in force; `ready` is whether it learned "
                "enough outcomes for the learned score to decide.",
                ["version", "ready"],
                registry=registry,
            ),
            model_outcomes=Gauge(
                "leadrouter_model_outcomes",
                "Outcomes the conversion model in force has learned.",
                registry=registry,
            ),
            # NaN until the trainer measured enough served outcomes of both kinds.
            model_calibration_error=Gauge(
                "leadrouter_model_calibration_error",
                "Expected calibration error (0..1) of the probabilities served at decision "
                "time, over the trainer's rolling window of outcomes.",
                registry=registry,
            ),
            model_auc=Gauge(
                "leadrouter_model_auc",
                "ROC AUC of the probabilities served at decision time over the same window.",
                registry=registry,
            ),
            time_to_accept=Histogram(
                "leadrouter_time_to_accept_seconds",
                "Routed to accepted by a rep (the feedback's occurred_at), per queue.",
                ["queue"],
                buckets=ACCEPT_BUCKETS,
                registry=registry,
            ),
            sla_breaches=Counter(
                "leadrouter_sla_breaches_total",
                "Routed decisions nobody accepted by their SLA due time, per queue.",
                ["queue"],
                registry=registry,
            ),
            # `step` is bounded by the ladder's max_steps (at most 20).
            escalations=Counter(
                "leadrouter_escalations_total",
                "Escalation steps taken (remind, reroute, breached), per queue and step.",
                ["queue", "action", "step"],
                registry=registry,
            ),
            credits=Counter(
                "leadrouter_credits_total",
                "Turns given back to reps in weighted round robin, per queue and reason.",
                ["queue", "reason"],
                registry=registry,
            ),
        )
