"""Replaying labelled leads through the domain to measure the scores, rule and learned.

Events and outcomes are replayed in time order through the same code the profile stage runs
(merge the event into the lead's profile, enrich it, take its features at the time of its
latest event, which is when it was last scored). The first `split` of the labelled outcomes
are learned, in order; the rest are scored by the models as they stand after the last learned
outcome, so no model sees the outcome of a lead it is measured on. An offline batch logistic
regression fitted on the same training leads, with the same features, is the yardstick.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from schemas.enrichment import Enrichment
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback, label_of
from schemas.profiles import LeadProfile
from service.accounts import AccountIndex
from service.config import EnrichmentConfig, ScoringConfig
from service.enrichment import enrich_lead
from service.identity import lead_identity
from service.learning.baseline import fit_batch_logistic
from service.learning.features import LeadFeatures, profile_features
from service.learning.metrics import ScoreQuality, measure_score
from service.learning.model import ConversionModel, ModelSettings
from service.profiles import apply_event
from service.scoring import score_lead

RULE_SCORE = "rule score"
OFFLINE_LOGISTIC = "offline logistic (batch)"
DEFAULT_MODELS: Mapping[str, ModelSettings] = {
    "naive Bayes": ModelSettings(kind="naive_bayes"),
    "online logistic (FTRL)": ModelSettings(kind="logistic"),
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """How each score did on the held-out leads, and what the replay used and skipped.

    `skipped_outcomes` are outcomes that are not labels (accepted), repeat an outcome already
    seen for the same decision, or name a lead no event introduced.
    """

    events: int
    training_outcomes: int
    test_outcomes: int
    skipped_outcomes: int
    scores: tuple[ScoreQuality, ...]
    model_versions: Mapping[str, str]

    def score(self, name: str) -> ScoreQuality:
        return next(quality for quality in self.scores if quality.name == name)


@dataclass(slots=True)
class _Lead:
    profile: LeadProfile
    scored_at: datetime


def evaluate_replay(
    events: Iterable[LeadEvent],
    outcomes: Iterable[SalesFeedback],
    *,
    split: float = 0.7,
    threshold: float = 0.5,
    models: Mapping[str, ModelSettings] = DEFAULT_MODELS,
    accounts: AccountIndex | None = None,
    enrichment_config: EnrichmentConfig | None = None,
    scoring_config: ScoringConfig | None = None,
    progress: Progress | None = None,
) -> EvaluationReport:
    """Learn from the first `split` of the labelled outcomes (in time order), score the rest.

    Reports, on the held-out leads: the rule score (precision and recall at its sales-ready
    threshold), each online model and the offline batch logistic regression (precision and
    recall of a conversion probability at or above `threshold`). An outcome is a label when
    `label_of` says so; each decision counts once (its first labelled outcome). `models` must
    be ready-to-learn settings; their cold start does not matter here. At equal times, events
    are replayed before outcomes. `progress(done, total)` is told after each replayed item.
    """
    if not 0.0 < split < 1.0:
        raise ValueError("split must lie strictly between 0 and 1")
    index = accounts if accounts is not None else AccountIndex()
    enrichment_settings = enrichment_config or EnrichmentConfig()
    scoring = scoring_config or ScoringConfig()
    event_list = list(events)
    outcome_list = list(outcomes)
    labelled = _labelled(outcome_list)
    timeline: list[tuple[datetime, int, int]] = [
        (event.occurred_at, 0, number) for number, event in enumerate(event_list)
    ] + [(feedback.occurred_at, 1, number) for number, (feedback, _) in enumerate(labelled)]
    timeline.sort()
    training = math.floor(len(labelled) * split)
    online = {name: ConversionModel(settings) for name, settings in models.items()}
    leads: dict[str, _Lead] = {}
    train_vectors: list[dict[str, float]] = []
    train_labels: list[bool] = []
    test_vectors: list[dict[str, float]] = []
    test_labels: list[bool] = []
    predictions: dict[str, list[float]] = {name: [] for name in (RULE_SCORE, *online)}
    learned = skipped = 0
    for done, (_, kind, number) in enumerate(timeline, start=1):
        if kind == 0:
            _replay_event(leads, event_list[number])
        else:
            feedback, converted = labelled[number]
            lead = leads.get(feedback.lead_identity)
            if lead is None:
                skipped += 1
            else:
                enrichment = enrich_lead(lead.profile.attributes, index, enrichment_settings)
                features = _features_by_half_life(lead, enrichment, models)
                base = features[next(iter(features))].sparse() if features else {}
                if learned < training:
                    learned += 1
                    for model in online.values():
                        model.learn(features[model.settings.half_life_days], converted)
                    train_vectors.append(base)
                    train_labels.append(converted)
                else:
                    rule = score_lead(enrichment, lead.profile.activities, lead.scored_at, scoring)
                    predictions[RULE_SCORE].append(float(rule.total))
                    for name, model in online.items():
                        half_life = model.settings.half_life_days
                        predictions[name].append(model.conversion_probability(features[half_life]))
                    test_vectors.append(base)
                    test_labels.append(converted)
        if progress is not None:
            progress(done, len(timeline))
    baseline = fit_batch_logistic(train_vectors, train_labels)
    offline = [baseline.probability(vector) for vector in test_vectors]
    scores = [
        measure_score(
            RULE_SCORE,
            predictions[RULE_SCORE],
            test_labels,
            scoring.sales_ready_threshold,
            is_probability=False,
        ),
        *(measure_score(name, predictions[name], test_labels, threshold) for name in online),
        measure_score(OFFLINE_LOGISTIC, offline, test_labels, threshold),
    ]
    return EvaluationReport(
        events=len(event_list),
        training_outcomes=learned,
        test_outcomes=len(test_labels),
        skipped_outcomes=skipped + len(outcome_list) - len(labelled),
        scores=tuple(scores),
        model_versions={name: model.version for name, model in online.items()},
    )


def _labelled(outcomes: Iterable[SalesFeedback]) -> list[tuple[SalesFeedback, bool]]:
    seen: set[str] = set()
    labelled = []
    for feedback in outcomes:
        label = label_of(feedback.outcome)
        if label is None or feedback.decision_id in seen:
            continue
        seen.add(feedback.decision_id)
        labelled.append((feedback, label))
    return labelled


def _replay_event(leads: dict[str, _Lead], event: LeadEvent) -> None:
    identity = lead_identity(event.lead, event.source)
    if identity is None:
        return
    known = leads.get(identity)
    update = apply_event(known.profile if known else None, event, identity, event.occurred_at)
    if update.is_duplicate:
        return
    scored_at = event.occurred_at if known is None else max(known.scored_at, event.occurred_at)
    leads[identity] = _Lead(profile=update.profile, scored_at=scored_at)


def _features_by_half_life(
    lead: _Lead, enrichment: Enrichment, models: Mapping[str, ModelSettings]
) -> dict[float, LeadFeatures]:
    return {
        settings.half_life_days: profile_features(
            lead.profile, enrichment, lead.scored_at, half_life_days=settings.half_life_days
        )
        for settings in models.values()
    }
