"""The trainer's state: each example once, in offset order; published and restored exactly."""

from datetime import UTC, datetime

import pytest

from schemas.learning import PublishedModel, ServedOutcome, TrainingExample
from service.learning.model import ModelSettings
from service.learning.training import Trainer, model_of, served_quality

SETTINGS = ModelSettings(min_outcomes=3)


def example(
    number: int, *, converted: bool | None = None, predicted: float | None = None
) -> TrainingExample:
    is_won = number % 3 == 0 if converted is None else converted
    return TrainingExample(
        decision_id=f"d{number}",
        outcome="converted" if is_won else "lost",
        converted=is_won,
        categories={"lead_source": "referral" if is_won else "ads", "seniority": "vp"},
        numbers={"count:demo_request": 0.69},
        predicted=predicted,
        labelled_at=datetime(2026, 11, 21, tzinfo=UTC),
    )


def learned(count: int) -> Trainer:
    trainer = Trainer.fresh(SETTINGS)
    for offset in range(count):
        trainer.apply(offset, example(offset))
    return trainer


def test_examples_are_learned_in_offset_order_and_a_replayed_offset_changes_nothing() -> None:
    trainer = learned(5)
    version = trainer.model.version

    assert trainer.apply(3, example(3)) == "replayed"
    assert trainer.apply(4, example(4)) == "replayed"
    assert trainer.model.version == version
    assert trainer.model.outcomes_learned == 5
    assert trainer.next_offset == 5


def test_the_same_decision_sent_twice_is_learned_once() -> None:
    trainer = learned(2)

    assert trainer.apply(2, example(1)) == "duplicate"
    assert trainer.model.outcomes_learned == 2
    assert trainer.next_offset == 3


def test_a_restored_trainer_goes_on_exactly_as_one_that_never_stopped() -> None:
    straight = learned(8)
    restored = Trainer.from_published(learned(5).publish())
    for offset in range(3, 8):  # read again from before the published offset
        restored.apply(offset, example(offset))

    assert restored.publish() == straight.publish()
    assert restored.publish().model_dump_json() == straight.publish().model_dump_json()


def test_the_published_record_names_the_version_readiness_and_next_offset() -> None:
    published = learned(4).publish()

    assert published.version == learned(4).model.version
    assert published.version.startswith("4-")
    assert published.outcomes == 4
    assert published.is_ready
    assert published.next_offset == 4
    assert model_of(published).version == published.version
    assert not learned(2).publish().is_ready


def test_an_altered_published_state_is_refused() -> None:
    published = learned(3).publish()
    other = learned(4).publish()

    with pytest.raises(ValueError, match="version"):
        model_of(published.model_copy(update={"version": other.version}))
    with pytest.raises(ValueError, match="base64"):
        model_of(published.model_copy(update={"state": "not base64!"}))


def test_skipping_offsets_removed_by_retention_carries_on_from_there() -> None:
    trainer = learned(2)
    trainer.skip_to(10)

    assert trainer.apply(9, example(9)) == "replayed"
    assert trainer.apply(10, example(10)) == "learned"
    assert trainer.next_offset == 11


def test_only_probabilities_served_by_a_ready_model_join_the_rolling_window() -> None:
    trainer = Trainer.fresh(SETTINGS, window=3)
    for offset in range(5):
        trainer.apply(offset, example(offset, predicted=None if offset == 0 else 0.1 * offset))

    recent = trainer.publish().recent
    assert [round(item.predicted, 3) for item in recent] == [0.2, 0.3, 0.4]


def served(pairs: list[tuple[float, bool]]) -> list[ServedOutcome]:
    return [ServedOutcome(predicted=p, converted=c) for p, c in pairs]


def test_served_quality_needs_enough_outcomes_of_both_kinds() -> None:
    assert served_quality(served([(0.5, True), (0.5, False)] * 9)) is None
    assert served_quality(served([(0.5, True)] * 30)) is None
    assert served_quality(served([(0.5, True), (0.5, False)] * 10)) is not None


def test_calibrated_probabilities_have_no_calibration_error_and_a_perfect_ranking_auc_1() -> None:
    # 20% of the 0.2 leads and 80% of the 0.8 leads convert.
    pairs = [(0.2, n < 2) for n in range(10)] + [(0.8, n < 8) for n in range(10)]

    quality = served_quality(served(pairs))

    assert quality is not None
    assert quality.calibration_error == pytest.approx(0.0, abs=1e-12)
    assert 0.5 < quality.auc < 1.0
    ranked = served_quality(served([(0.9, True)] * 10 + [(0.1, False)] * 10))
    assert ranked is not None
    assert ranked.auc == 1.0
    assert ranked.calibration_error == pytest.approx(0.1)


def test_overconfident_probabilities_show_their_calibration_error() -> None:
    pairs = [(0.9, n < 5) for n in range(10)] + [(0.1, n < 5) for n in range(10)]

    quality = served_quality(served(pairs))

    assert quality is not None
    assert quality.calibration_error == pytest.approx(0.4)
    assert quality.auc == 0.5


def test_the_published_record_is_valid_json_for_the_model_topic() -> None:
    published = learned(3).publish()

    assert PublishedModel.model_validate_json(published.model_dump_json()) == published
