"""The trainer's state: a conversion model learning examples in offset order, exactly once.

Examples come from a one-partition topic, so their offsets order them. The state records the
offset of the next example it needs (`next_offset`): an example before it was applied already
(a replay after a restart) and changes nothing, so the state after a given offset is the same
however often examples were read again. The state also keeps the newest decision ids learned
(an example sent twice, e.g. after a crash between its send and the profile's write, is learned
once) and a rolling window of served probabilities with their outcomes, to measure calibration
and ranking on live feedback. `publish` / `from_published` turn it into the record every
worker follows, and back.
"""

import base64
import math
import zlib
from collections import deque
from dataclasses import dataclass
from typing import Literal

from schemas.learning import PublishedModel, ServedOutcome, TrainingExample
from service.learning.features import features_of
from service.learning.metrics import reliability_table, roc_auc
from service.learning.model import ConversionModel, ModelSettings

Applied = Literal["learned", "replayed", "duplicate"]
DEFAULT_WINDOW = 500
DEFAULT_REMEMBERED = 1024
# Fewer served outcomes than this measure nothing worth a gauge.
MIN_QUALITY_SAMPLE = 20


@dataclass(frozen=True, slots=True)
class Quality:
    """Expected calibration error (the count-weighted gap between mean prediction and observed
    rate over ten probability bins) and ROC AUC of the served probabilities."""

    calibration_error: float
    auc: float
    sample: int


def served_quality(recent: tuple[ServedOutcome, ...] | list[ServedOutcome]) -> Quality | None:
    """How well the probabilities served at decision time matched the outcomes; None below
    `MIN_QUALITY_SAMPLE` outcomes or when one class is missing (AUC is undefined then)."""
    labels = [item.converted for item in recent]
    if len(labels) < MIN_QUALITY_SAMPLE or all(labels) or not any(labels):
        return None
    predicted = [item.predicted for item in recent]
    table = reliability_table(predicted, labels)
    error = math.fsum(
        bin_.count * abs(bin_.mean_predicted - bin_.observed_rate) for bin_ in table
    ) / len(labels)
    return Quality(calibration_error=error, auc=roc_auc(predicted, labels), sample=len(labels))


class Trainer:
    """The model and what it needs to apply each example once, in order."""

    __slots__ = ("_recent", "_remembered", "model", "next_offset")

    def __init__(
        self,
        model: ConversionModel,
        *,
        next_offset: int = 0,
        recent: tuple[ServedOutcome, ...] = (),
        remembered: tuple[str, ...] = (),
        window: int = DEFAULT_WINDOW,
        remember: int = DEFAULT_REMEMBERED,
    ) -> None:
        self.model = model
        self.next_offset = next_offset
        self._recent: deque[ServedOutcome] = deque(recent, maxlen=window)
        self._remembered: deque[str] = deque(remembered, maxlen=remember)

    @classmethod
    def fresh(cls, settings: ModelSettings, *, window: int = DEFAULT_WINDOW) -> "Trainer":
        return cls(ConversionModel(settings), window=window)

    def apply(self, offset: int, example: TrainingExample) -> Applied:
        """Apply the example at `offset` of the examples topic.

        Before `next_offset`: already applied, nothing changes. A decision among the newest
        ones learned: a duplicate, skipped. Otherwise the model learns the example's features
        and label, and a probability served by a ready model joins the rolling window.
        """
        if offset < self.next_offset:
            return "replayed"
        self.next_offset = offset + 1
        if example.decision_id in self._remembered:
            return "duplicate"
        self._remembered.append(example.decision_id)
        self.model.learn(features_of(example.categories, example.numbers), example.converted)
        if example.predicted is not None:
            self._recent.append(
                ServedOutcome(predicted=example.predicted, converted=example.converted)
            )
        return "learned"

    def skip_to(self, offset: int) -> None:
        """Examples before `offset` can no longer be read (the topic's retention removed
        them): carry on from there."""
        self.next_offset = max(self.next_offset, offset)

    def publish(self) -> PublishedModel:
        """The whole state as the record every worker follows."""
        recent = tuple(self._recent)
        quality = served_quality(recent)
        return PublishedModel(
            version=self.model.version,
            outcomes=self.model.outcomes_learned,
            is_ready=self.model.is_ready,
            next_offset=self.next_offset,
            state=base64.b64encode(zlib.compress(self.model.to_bytes(), 6)).decode(),
            recent=recent,
            recent_decisions=tuple(self._remembered),
            calibration_error=None if quality is None else quality.calibration_error,
            auc=None if quality is None else quality.auc,
        )

    @classmethod
    def from_published(
        cls, published: PublishedModel, *, window: int = DEFAULT_WINDOW
    ) -> "Trainer":
        return cls(
            model_of(published),
            next_offset=published.next_offset,
            recent=published.recent,
            remembered=published.recent_decisions,
            window=window,
        )


def model_of(published: PublishedModel) -> ConversionModel:
    """The conversion model a published record holds; ValueError when it is not one (or its
    state does not match its version)."""
    try:
        data = zlib.decompress(base64.b64decode(published.state, validate=True))
    except (ValueError, zlib.error) as error:
        raise ValueError(f"model state is not base64 zlib data: {error}") from error
    model = ConversionModel.from_bytes(data)
    if model.version != published.version:
        raise ValueError("published version does not match the model state")
    return model
