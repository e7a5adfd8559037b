"""The model every worker follows: the reference view of leadrouter.model.v1, and its topics."""

import math
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from agents.plumbing.admin import topic_specs
from agents.plumbing.metrics import Metrics
from agents.plumbing.reference import ReferenceData
from agents.plumbing.settings import Settings
from schemas.learning import TrainingExample
from service.learning.model import ModelSettings
from service.learning.training import Trainer


def published(count: int) -> bytes:
    trainer = Trainer.fresh(ModelSettings(min_outcomes=3))
    for offset in range(count):
        trainer.apply(
            offset,
            TrainingExample(
                decision_id=f"d{offset}",
                outcome="converted" if offset % 2 else "lost",
                converted=bool(offset % 2),
                categories={"seniority": "vp"},
                numbers={},
                labelled_at=datetime(2026, 11, 21, tzinfo=UTC),
            ),
        )
    return trainer.publish().model_dump_json().encode()


def reference() -> tuple[ReferenceData, CollectorRegistry]:
    registry = CollectorRegistry()
    metrics = Metrics.create(registry)
    metrics.prepare_reasons()
    return ReferenceData.start(metrics, None), registry


def test_a_published_model_is_put_in_force_and_announced() -> None:
    data, registry = reference()

    data.apply_model(b"model", published(4))

    assert data.model is not None
    assert data.model.is_ready
    assert data.model.version.startswith("4-")
    labels = {"version": data.model.version, "ready": "true"}
    assert registry.get_sample_value("leadrouter_model_info", labels) == 1
    assert registry.get_sample_value("leadrouter_model_outcomes") == 4


def test_an_older_state_published_late_does_not_replace_the_newer_one() -> None:
    data, registry = reference()
    data.apply_model(b"model", published(4))
    newer = data.model

    data.apply_model(b"model", published(2))

    assert data.model is newer
    assert newer is not None
    old_labels = {"version": newer.version, "ready": "true"}
    assert registry.get_sample_value("leadrouter_model_info", old_labels) == 1


def test_a_newer_state_replaces_the_model_and_its_info_series() -> None:
    data, registry = reference()
    data.apply_model(b"model", published(2))
    cold = data.model
    assert cold is not None

    data.apply_model(b"model", published(5))

    assert data.model is not None
    assert data.model.version.startswith("5-")
    cold_labels = {"version": cold.version, "ready": "false"}
    assert registry.get_sample_value("leadrouter_model_info", cold_labels) is None


def test_an_invalid_model_record_or_a_tombstone_leaves_the_model_in_force() -> None:
    data, _ = reference()
    data.apply_model(b"model", published(3))
    in_force = data.model

    data.apply_model(b"model", b"{not json")
    data.apply_model(b"model", None)

    assert data.model is in_force


def test_quality_gauges_are_nan_until_the_trainer_measured_them() -> None:
    data, registry = reference()
    data.apply_model(b"model", published(3))

    calibration = registry.get_sample_value("leadrouter_model_calibration_error")
    assert calibration is not None
    assert math.isnan(calibration)


def test_the_examples_topic_has_one_partition_and_the_model_topic_is_compacted() -> None:
    specs = {spec.name: spec for spec in topic_specs(Settings(), queues=["inside-sales"])}

    assert specs["leadrouter.model.examples.v1"].partitions == 1
    assert not specs["leadrouter.model.examples.v1"].compacted
    assert specs["leadrouter.model.v1"].compacted
    assert specs["leads.events.v1"].partitions == Settings().topics.partitions
