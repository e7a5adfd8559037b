"""The learned conversion score: a learner, its calibration, its cold start, its JSON state.

One `ConversionModel` wraps either learner (online logistic regression or naive Bayes) behind
the same questions: is it ready, what is this lead's conversion probability, why. Its state is
compact, canonical JSON (sorted keys, no blanks, floats written exactly), so the same outcomes
in the same order give byte-identical state on every worker; the version names how many
outcomes it learned and a hash of that state.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from hashlib import sha256
from typing import Any, Literal

from service.learning.calibration import PlattScaling
from service.learning.features import DEFAULT_HALF_LIFE_DAYS, LeadFeatures
from service.learning.logistic import FtrlLogistic, FtrlSettings, sigmoid
from service.learning.naive_bayes import NaiveBayes, NaiveBayesSettings

ModelKind = Literal["logistic", "naive_bayes"]
STATE_FORMAT = 1
CALIBRATION = "(calibration)"
_DIGEST_LENGTH = 12


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Which learner, how many outcomes it needs before its score is used (`min_outcomes`; the
    rule score decides until then), the engagement half-life its features use, and whether a
    Platt calibration is learned on top of the learner."""

    kind: ModelKind = "logistic"
    min_outcomes: int = 200
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    calibrate: bool = True
    calibration_rate: float = 0.05
    ftrl: FtrlSettings = field(default_factory=FtrlSettings)
    naive_bayes: NaiveBayesSettings = field(default_factory=NaiveBayesSettings)

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> "ModelSettings":
        return cls(
            kind=state["kind"],
            min_outcomes=int(state["min_outcomes"]),
            half_life_days=float(state["half_life_days"]),
            calibrate=bool(state["calibrate"]),
            calibration_rate=float(state["calibration_rate"]),
            ftrl=FtrlSettings(**state["ftrl"]),
            naive_bayes=NaiveBayesSettings(**state["naive_bayes"]),
        )


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model says about a lead. `is_ready` is False during the cold start: the
    probability is then only informative and the rule score decides."""

    conversion_probability: float
    logit: float
    is_ready: bool
    model_version: str


class ConversionModel:
    """An online conversion model. `learn` changes it in place; nothing else does."""

    __slots__ = ("_calibration", "_learner", "_outcomes", "_settings")

    def __init__(
        self,
        settings: ModelSettings | None = None,
        *,
        learner: FtrlLogistic | NaiveBayes | None = None,
        calibration: PlattScaling | None = None,
        outcomes: int = 0,
    ) -> None:
        self._settings = settings or ModelSettings()
        if learner is None:
            learner = (
                NaiveBayes(self._settings.naive_bayes)
                if self._settings.kind == "naive_bayes"
                else FtrlLogistic(self._settings.ftrl)
            )
        self._learner = learner
        self._calibration = calibration or PlattScaling(rate=self._settings.calibration_rate)
        self._outcomes = outcomes

    @property
    def settings(self) -> ModelSettings:
        return self._settings

    @property
    def outcomes_learned(self) -> int:
        return self._outcomes

    @property
    def is_ready(self) -> bool:
        """Whether enough outcomes were learned for the learned score to decide."""
        return self._outcomes >= self._settings.min_outcomes

    @property
    def version(self) -> str:
        """`<outcomes learned>-<hash of the state>`: equal versions mean equal models."""
        digest = sha256(_canonical(self._state())).hexdigest()[:_DIGEST_LENGTH]
        return f"{self._outcomes}-{digest}"

    def learn(self, features: LeadFeatures, converted: bool) -> None:
        """Learn one outcome: the calibration first sees what the model predicted before it
        knew the outcome, then the learner learns it."""
        raw = self._raw_logit(features)
        if self._settings.calibrate:
            self._calibration = self._calibration.learn(raw, converted)
        if isinstance(self._learner, NaiveBayes):
            self._learner.learn(features.tokens(), converted)
        else:
            self._learner.learn(features.sparse(), converted)
        self._outcomes += 1

    def logit(self, features: LeadFeatures) -> float:
        """The calibrated log-odds that the lead converts."""
        return self._calibration.calibrate(self._raw_logit(features))

    def conversion_probability(self, features: LeadFeatures) -> float:
        """The calibrated probability (0..1) that the lead converts."""
        return sigmoid(self.logit(features))

    def predict(self, features: LeadFeatures) -> Prediction:
        logit = self.logit(features)
        return Prediction(
            conversion_probability=sigmoid(logit),
            logit=logit,
            is_ready=self.is_ready,
            model_version=self.version,
        )

    def explain(self, features: LeadFeatures) -> list[tuple[str, float]]:
        """Why the model says what it says, in log-odds: the baseline (bias or prior, and the
        calibration's offset) first, then each fact about the lead, largest effect first. The
        contributions sum to `logit(features)`."""
        slope = self._calibration.slope
        lines = [(name, slope * value) for name, value in self._raw_contributions(features)]
        baseline, facts = lines[:1], lines[1:]
        facts.sort(key=lambda line: (-abs(line[1]), line[0]))
        return [*baseline, (CALIBRATION, self._calibration.offset), *facts]

    def to_bytes(self) -> bytes:
        """The model as compact, canonical JSON, with its version."""
        return _canonical({**self._state(), "version": self.version})

    @classmethod
    def from_bytes(cls, data: bytes) -> "ConversionModel":
        """A model from `to_bytes`; ValueError when the bytes are not one (or were altered)."""
        try:
            state = json.loads(data)
            if state.get("format") != STATE_FORMAT:
                raise ValueError(f"unknown model state format {state.get('format')!r}")
            settings = ModelSettings.from_state(state["settings"])
            learner: FtrlLogistic | NaiveBayes = (
                NaiveBayes.from_state(state["learner"])
                if settings.kind == "naive_bayes"
                else FtrlLogistic.from_state(state["learner"])
            )
            model = cls(
                settings,
                learner=learner,
                calibration=PlattScaling.from_state(state["calibration"]),
                outcomes=int(state["outcomes"]),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a conversion model state: {error}") from error
        if model.version != state.get("version"):
            raise ValueError("model state does not match its version (altered or corrupt)")
        return model

    def _raw_contributions(self, features: LeadFeatures) -> list[tuple[str, float]]:
        if isinstance(self._learner, NaiveBayes):
            return self._learner.contributions(features.tokens())
        return self._learner.contributions(features.sparse())

    def _raw_logit(self, features: LeadFeatures) -> float:
        return math.fsum(value for _, value in self._raw_contributions(features))

    def _state(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "settings": asdict(self._settings),
            "outcomes": self._outcomes,
            "learner": self._learner.to_state(),
            "calibration": self._calibration.to_state(),
        }


def _canonical(state: Mapping[str, Any]) -> bytes:
    return json.dumps(state, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
