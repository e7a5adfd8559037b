"""The learned conversion model: deterministic, serialisable, explainable, calibrated, and
silent until it has learned enough."""

import json
import math
import random

import pytest

from service.learning.features import LeadFeatures
from service.learning.logistic import FtrlSettings
from service.learning.metrics import brier_score, roc_auc
from service.learning.model import CALIBRATION, ConversionModel, ModelKind, ModelSettings

KINDS: tuple[ModelKind, ...] = ("logistic", "naive_bayes")
SOURCES = ("referral", "paid search", "live chat", "organic search")
SOURCE_EFFECT = {"referral": 1.5, "paid search": 0.0, "live chat": -1.5, "organic search": 0.3}


def synthetic_leads(count: int, seed: int) -> list[tuple[LeadFeatures, bool]]:
    """Leads whose conversion depends on the lead source and on page views, plus a noise group."""
    rng = random.Random(seed)
    leads = []
    for _ in range(count):
        source = rng.choice(SOURCES)
        views = rng.randint(0, 12)
        logit = -0.9 + SOURCE_EFFECT[source] + 0.25 * views - 0.1 * 6
        features = LeadFeatures(
            categories={"lead_source": source, "country": rng.choice(("us", "de", "in"))},
            numbers={"page_views": math.log1p(views)} if views else {},
            banded=("page_views",),
        )
        leads.append((features, rng.random() < 1.0 / (1.0 + math.exp(-logit))))
    return leads


LEADS = synthetic_leads(3000, seed=3)
TRAIN, TEST = LEADS[:2000], LEADS[2000:]


def trained(kind: ModelKind, leads: list[tuple[LeadFeatures, bool]] = TRAIN) -> ConversionModel:
    model = ConversionModel(ModelSettings(kind=kind, min_outcomes=100))
    for features, converted in leads:
        model.learn(features, converted)
    return model


MODELS = {kind: trained(kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_outcomes_in_the_same_order_give_byte_identical_models(kind: ModelKind) -> None:
    assert trained(kind).to_bytes() == MODELS[kind].to_bytes()
    assert trained(kind).version == MODELS[kind].version


@pytest.mark.parametrize("kind", KINDS)
def test_a_model_survives_a_round_trip_through_its_bytes(kind: ModelKind) -> None:
    model = MODELS[kind]

    again = ConversionModel.from_bytes(model.to_bytes())

    assert again.to_bytes() == model.to_bytes()
    assert again.version == model.version
    assert again.settings == model.settings
    features = TEST[0][0]
    assert again.conversion_probability(features) == model.conversion_probability(features)


@pytest.mark.parametrize("kind", KINDS)
def test_a_restored_model_learns_on_exactly_like_the_original(kind: ModelKind) -> None:
    original = trained(kind, TRAIN[:500])
    restored = ConversionModel.from_bytes(original.to_bytes())
    for features, converted in TRAIN[500:700]:
        original.learn(features, converted)
        restored.learn(features, converted)

    assert restored.to_bytes() == original.to_bytes()


def test_the_state_is_compact_canonical_json_with_a_version() -> None:
    data = MODELS["logistic"].to_bytes()

    assert data == json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()
    assert f'"version":"{MODELS["logistic"].version}"'.encode() in data
    assert len(data) < 10_000


def test_the_version_counts_outcomes_and_changes_with_every_outcome_learned() -> None:
    model = trained("logistic", TRAIN[:10])
    before = model.version

    model.learn(*TRAIN[10])

    assert before.startswith("10-")
    assert model.version.startswith("11-")
    assert model.version != before


def test_altered_or_foreign_bytes_are_refused() -> None:
    data = MODELS["logistic"].to_bytes()

    with pytest.raises(ValueError, match="version"):
        ConversionModel.from_bytes(data.replace(b'"outcomes":2000', b'"outcomes":2001'))
    with pytest.raises(ValueError, match="not a conversion model"):
        ConversionModel.from_bytes(b"not json")
    with pytest.raises(ValueError, match="format"):
        ConversionModel.from_bytes(b'{"format": 99}')


def test_a_model_is_not_ready_until_it_learned_min_outcomes() -> None:
    model = ConversionModel(ModelSettings(min_outcomes=3))
    features = TRAIN[0][0]
    readiness = []
    for lead_features, converted in TRAIN[:3]:
        readiness.append(model.predict(features).is_ready)
        model.learn(lead_features, converted)

    assert readiness == [False, False, False]
    assert model.predict(features).is_ready
    assert model.is_ready


def test_a_new_model_says_even_odds_and_is_not_ready() -> None:
    prediction = ConversionModel().predict(TRAIN[0][0])

    assert prediction.conversion_probability == 0.5
    assert not prediction.is_ready
    assert prediction.model_version.startswith("0-")


@pytest.mark.parametrize("kind", KINDS)
def test_explanation_contributions_sum_to_the_logit(kind: ModelKind) -> None:
    model = MODELS[kind]
    for features, _ in TEST[:50]:
        lines = model.explain(features)
        assert math.isclose(sum(value for _, value in lines), model.logit(features), abs_tol=1e-9)
        assert math.isclose(
            1.0 / (1.0 + math.exp(-model.logit(features))), model.conversion_probability(features)
        )


def test_the_explanation_names_the_facts_largest_effect_first_after_the_baseline() -> None:
    features = LeadFeatures(categories={"lead_source": "referral", "country": "de"}, numbers={})

    lines = MODELS["logistic"].explain(features)

    names = [name for name, _ in lines]
    assert names[:2] == ["(bias)", CALIBRATION]
    assert names[2] == "lead_source=referral"
    assert lines[2][1] > 0
    effects = [abs(value) for _, value in lines[2:]]
    assert effects == sorted(effects, reverse=True)


def test_live_chat_leads_learn_a_negative_contribution() -> None:
    features = LeadFeatures(categories={"lead_source": "live chat"}, numbers={})

    for kind in KINDS:
        contributions = dict(MODELS[kind].explain(features))
        assert contributions["lead_source=live chat"] < 0


@pytest.mark.parametrize("kind", KINDS)
def test_learned_probabilities_beat_the_base_rate_brier_on_held_out_leads(kind: ModelKind) -> None:
    model = MODELS[kind]
    labels = [converted for _, converted in TEST]
    probabilities = [model.conversion_probability(features) for features, _ in TEST]
    rate = sum(labels) / len(labels)

    assert brier_score(probabilities, labels) < rate * (1 - rate) - 0.01
    assert roc_auc(probabilities, labels) > 0.7


def test_calibration_brings_naive_bayes_closer_to_the_observed_rates() -> None:
    uncalibrated = ConversionModel(ModelSettings(kind="naive_bayes", calibrate=False))
    for features, converted in TRAIN:
        uncalibrated.learn(features, converted)
    labels = [converted for _, converted in TEST]

    def brier(model: ConversionModel) -> float:
        return brier_score([model.conversion_probability(f) for f, _ in TEST], labels)

    assert brier(MODELS["naive_bayes"]) <= brier(uncalibrated)


def test_a_logistic_model_keeps_at_most_max_features() -> None:
    model = ConversionModel(ModelSettings(ftrl=FtrlSettings(max_features=3)))
    for number in range(10):
        model.learn(LeadFeatures(categories={"campaign": f"c{number}"}, numbers={}), True)

    state = model.to_bytes()

    assert state.count(b'"campaign=') == 2  # the bias and the first two campaigns
