"""Records of the learned score on leadrouter's own topics: training examples and the model.

`leadrouter.model.examples.v1` (one partition, so one trainer learns them in order) carries a
`TrainingExample` per labelled outcome; `leadrouter.model.v1` (compacted, key `model`) carries
the latest `PublishedModel`, which every worker follows.
"""

from pydantic import AwareDatetime, Field

from schemas.base import OutputModel
from schemas.feedback import FeedbackOutcome


class TrainingExample(OutputModel):
    """One labelled outcome: the lead's features when its decision was made, and the label.

    `predicted` is what the model in force then said (None during its cold start), so the
    trainer can measure how well the served probabilities were calibrated.
    """

    decision_id: str
    outcome: FeedbackOutcome
    converted: bool
    categories: dict[str, str]
    numbers: dict[str, float]
    predicted: float | None = Field(default=None, ge=0, le=1)
    model_version: str | None = None
    labelled_at: AwareDatetime


class ServedOutcome(OutputModel):
    """A probability served at decision time by a ready model, and how the lead turned out."""

    predicted: float = Field(ge=0, le=1)
    converted: bool


class PublishedModel(OutputModel):
    """The trainer's whole state after applying every example before `next_offset`.

    `state` is `ConversionModel.to_bytes()` compressed (zlib) and base64-encoded: a model with
    20,000 features is over Kafka's default 1 MB record limit as plain JSON. `recent` is the
    rolling window the calibration error and AUC are measured on; `recent_decisions` the
    newest decision ids learned, so an example sent twice is learned once. The same examples
    give the same record, byte for byte.
    """

    version: str
    outcomes: int
    is_ready: bool
    next_offset: int = Field(ge=0, description="examples topic offset of the next example")
    state: str
    recent: tuple[ServedOutcome, ...] = ()
    recent_decisions: tuple[str, ...] = ()
    calibration_error: float | None = None
    auc: float | None = None
