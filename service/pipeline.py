"""One lead event through the domain: merge, enrich, score, decide the route.

This is the whole decision of the profile stage, and what `leadrouter explain` prints; the
assignment to a rep happens afterwards, in the stage that owns the queue's state.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from schemas.decisions import Outcome
from schemas.enrichment import Enrichment
from schemas.events import LeadEvent
from schemas.pipeline import SourceRecord
from schemas.profiles import KEYED_LANE, LeadProfile, RoutedSnapshot
from schemas.scores import Score
from service.accounts import AccountIndex
from service.decision_ids import decision_id
from service.enrichment import enrich_lead
from service.learning.features import DEFAULT_HALF_LIFE_DAYS, LeadFeatures, lead_features
from service.learning.scoring import LearnedModel, score_with_model
from service.policy import Policy
from service.profiles import merge_event
from service.routing import RouteChoice, decide_route
from service.scoring import score_lead
from service.updates import DEFAULT_INTERVAL as DEFAULT_UPDATE_INTERVAL
from service.updates import SalesUpdate, heard_at_routing, sales_update


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What one event did to a lead.

    `outcome` is None for a duplicate (the profile is unchanged); otherwise "routed" (hand to
    sales under `generation`), "nurtured" (stays with marketing) or "already_routed".
    """

    profile: LeadProfile
    outcome: Outcome | None
    generation: int
    decision_id: str
    enrichment: Enrichment | None = None
    score: Score | None = None
    route: RouteChoice | None = None
    # For an already-routed lead: the update its rep should hear now (None: folded for later).
    update: SalesUpdate | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.outcome is None


def evaluate_event(
    previous: LeadProfile | None,
    event: LeadEvent,
    identity: str,
    received_at: datetime,
    accounts: AccountIndex,
    policy: Policy,
    *,
    offset: int,
    lane: str = KEYED_LANE,
    window: int = 64,
    learned: LearnedModel | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
    update_interval: timedelta = DEFAULT_UPDATE_INTERVAL,
    source: SourceRecord | None = None,
) -> Evaluation:
    """Apply an event to the lead and decide, by the rules, whether sales gets it now.

    Activity on a lead sales already has becomes an update for its rep (`sales_update`):
    hand-raising at once, the rest at most once per `update_interval`.

    Engagement decays in event time: the score is taken at the event's own time. The ruleset
    decides nurture or a queue (the shipped rules nurture below the sales-ready threshold). A
    lead sales already has is never routed again; a nurtured lead that later qualifies is routed
    under the next generation, which names a new decision.

    With a `learned` conversion model that is ready, the score carries its probability, grade
    and contributions (and the probability may decide sales-readiness, see `score_with_model`).
    A routed lead's profile keeps the model features it had at that moment (taken with the
    model's engagement half-life, else `half_life_days`), so its outcome can be learned later.

    `offset` is the record's position in `lane`: the keyed topic (`KEYED_LANE`), or the input
    topic a record came from directly; at or before the lane's last applied one it is a replay.
    `source` is the input record the event came from: a copy of an input record already applied
    (through the other lane, or re-keyed again) is a duplicate, whatever its position.
    """
    if previous is not None and offset <= previous.position(lane):
        return _replay(previous, event, identity, accounts, policy, learned)
    merge = merge_event(previous, event, identity, received_at, window=window, source=source)
    if merge is None:  # a duplicate: the profile is unchanged
        assert previous is not None  # only a known lead has seen an event before
        return Evaluation(
            profile=previous,
            outcome=None,
            generation=previous.generation,
            decision_id=decision_id(identity, previous.generation),
        )
    # The decision reads only the merged attributes, activities and status, so the profile is
    # built once, at the end, with the offset and the routing changes in the same copy.
    attributes = merge.attributes
    enrichment = enrich_lead(attributes, accounts, policy.enrichment)
    score = score_lead(enrichment, merge.activities, event.occurred_at, policy.scoring)
    if learned is not None:
        half_life_days = learned.half_life_days

    def known_features() -> LeadFeatures:
        """What the model may know of the lead now (also kept with its decision)."""
        return lead_features(
            attributes,
            merge.activities,
            enrichment,
            event.occurred_at,
            source=merge.base.source,
            half_life_days=half_life_days,
        )

    features: LeadFeatures | None = None
    if learned is not None:
        if learned.is_ready:
            features = known_features()
        score = score_with_model(score, learned, features, policy.scoring)
    route = decide_route(policy.ruleset, attributes, enrichment, score)
    outcome: Outcome
    update: SalesUpdate | None = None
    positioned = merge.base.positioned(lane, offset)
    if merge.status == "routed":
        outcome = "already_routed"
        update, heard = sales_update(merge.base, event, score, update_interval)
        profile = merge.profile(**positioned, **heard)
    elif route.nurture:
        outcome = "nurtured"
        # Leads marketing keeps convert (or not) too: their outcome is learned from the
        # features of the latest nurture decision.
        generation = merge.base.generation
        if features is None:
            features = known_features()
        nurture_id = decision_id(f"{identity}|{event.event_id}", generation)
        profile = merge.profile(
            **positioned, routed_snapshot=_snapshot(nurture_id, features, score)
        )
    else:
        outcome = "routed"
        generation = merge.base.generation + 1
        if features is None:
            features = known_features()
        snapshot = _snapshot(decision_id(identity, generation), features, score)
        profile = merge.profile(
            **positioned,
            generation=generation,
            routed_event_id=event.event_id,
            status="routed",
            routed_snapshot=snapshot,
            **heard_at_routing(score.total),
        )
    return _evaluation(profile, outcome, event, identity, enrichment, score, route, update)


def _snapshot(decided: str, features: LeadFeatures, score: Score) -> RoutedSnapshot:
    return RoutedSnapshot(
        decision_id=decided,
        categories=dict(features.categories),
        numbers=dict(features.numbers),
        predicted=score.conversion_probability,
        model_version=score.model_version,
    )


def _replay(
    profile: LeadProfile,
    event: LeadEvent,
    identity: str,
    accounts: AccountIndex,
    policy: Policy,
    learned: LearnedModel | None,
) -> Evaluation:
    """A record already applied before a crash: the profile holds its effect, the outputs may
    not have reached Kafka. Decide again from the profile so the same outputs (with the same
    decision ids, which consumers and the assign stage de-duplicate) are sent again."""
    enrichment = enrich_lead(profile.attributes, accounts, policy.enrichment)
    score = score_lead(enrichment, profile.activities, event.occurred_at, policy.scoring)
    if learned is not None:
        features = lead_features(
            profile.attributes,
            profile.activities,
            enrichment,
            event.occurred_at,
            source=profile.source,
            half_life_days=learned.half_life_days,
        )
        score = score_with_model(score, learned, features, policy.scoring)
    route = decide_route(policy.ruleset, profile.attributes, enrichment, score)
    outcome: Outcome
    if profile.status == "routed" and profile.routed_event_id == event.event_id:
        outcome = "routed"
    elif route.nurture:
        outcome = "nurtured"
    else:
        outcome = "already_routed"
    return _evaluation(profile, outcome, event, identity, enrichment, score, route)


def _evaluation(
    profile: LeadProfile,
    outcome: Outcome,
    event: LeadEvent,
    identity: str,
    enrichment: Enrichment,
    score: Score,
    route: RouteChoice,
    update: SalesUpdate | None = None,
) -> Evaluation:
    # A routing decision is named by lead + generation, so a replay names it again; other
    # decisions (nurture, already routed) are one per event.
    named = identity if outcome == "routed" else f"{identity}|{event.event_id}"
    return Evaluation(
        profile=profile,
        outcome=outcome,
        generation=profile.generation,
        decision_id=decision_id(named, profile.generation),
        enrichment=enrichment,
        score=score,
        route=route,
        update=update,
    )
