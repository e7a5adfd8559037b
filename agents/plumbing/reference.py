"""The reference data a worker holds whole: accounts, reps, the routing policy and the
conversion model in force."""

import asyncio
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from agents.plumbing.metrics import Metrics
from agents.plumbing.views import CompactedView
from schemas.accounts import Account
from schemas.learning import PublishedModel
from schemas.reps import Rep
from service.accounts import AccountIndex
from service.connect_envelope import read_model
from service.learning.scoring import DEFAULT_TOP, LearnedModel
from service.learning.training import model_of
from service.policy import Policy, load_policy
from service.rules import RulesetError

log = logging.getLogger(__name__)


def default_rules_text() -> str:
    return resources.files("service").joinpath("data/default_rules.yaml").read_text()


@dataclass
class ReferenceData:
    """Mutable views the agents read; updated only by the view followers and the rules watcher."""

    metrics: Metrics
    policy: Policy
    accounts: AccountIndex = field(default_factory=AccountIndex)
    reps: dict[str, Rep] = field(default_factory=dict)
    views: list[CompactedView] = field(default_factory=list)
    # The latest model the trainer published (None before the first), and how many learned
    # facts a score names.
    published: PublishedModel | None = None
    model: LearnedModel | None = None
    learned_top: int = DEFAULT_TOP

    async def wait_ready(self, warn_every: float = 15.0) -> None:
        """Block until every view has caught up, so no lead is routed on partial data; a
        warning every `warn_every` seconds names the views still loading and where they are."""
        waited = 0.0
        while pending := [view for view in self.views if not view.ready.is_set()]:
            try:
                await asyncio.wait_for(_all_set([view.ready for view in pending]), warn_every)
            except TimeoutError:
                waited += warn_every
                log.warning(
                    "still waiting for reference views after %.0f s: %s",
                    waited,
                    "; ".join(
                        f"{view.topic} ({view.records_applied} records, {view.step})"
                        for view in pending
                    ),
                )

    @classmethod
    def start(cls, metrics: Metrics, rules_file: Path | None) -> "ReferenceData":
        """Start with the rules file (or the shipped default); a bad file stops the worker."""
        text = rules_file.read_text() if rules_file else default_rules_text()
        policy = load_policy(text, str(rules_file or "shipped default rules"))
        metrics.ruleset_reloads.labels(result="rejected")  # the series exists from the start
        reference = cls(metrics=metrics, policy=policy)
        reference._announce(policy)
        return reference

    def apply_account(self, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            if key is not None:
                self.accounts.remove(key.decode())
        else:
            self.accounts.upsert(read_model(Account, value))
        self.metrics.accounts_view_size.set(len(self.accounts))

    def apply_rep(self, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            if key is not None:
                self.reps.pop(key.decode(), None)
        else:
            rep = read_model(Rep, value)
            self.reps[rep.rep_id] = rep
        self.metrics.reps_view_size.set(len(self.reps))

    def apply_rules(self, key: bytes | None, value: bytes | None) -> None:
        if value is None:
            return  # a deleted ruleset leaves the one in force: routing never stops
        self.reload_rules(value.decode(), "rules topic")

    def apply_model(self, key: bytes | None, value: bytes | None) -> None:
        """A model the trainer published. Only one further along the examples replaces the one
        in force: a trainer that lost its partition may publish an older state late."""
        if value is None:
            return  # a deleted model leaves the one in force
        try:
            published = PublishedModel.model_validate_json(value)
            current = self.published
            if current is not None and published.next_offset <= current.next_offset:
                return
            model = model_of(published)
        except (ValidationError, ValueError) as error:
            log.error("model record rejected, the model in force keeps serving: %s", error)
            return
        self.published = published
        previous = self.model
        self.model = LearnedModel(model=model, version=published.version, top=self.learned_top)
        if previous is not None:
            self.metrics.model_info.remove(previous.version, str(previous.is_ready).lower())
        self.metrics.model_info.labels(
            version=published.version, ready=str(published.is_ready).lower()
        ).set(1)
        self.metrics.model_outcomes.set(published.outcomes)
        nan = float("nan")
        calibration = published.calibration_error
        self.metrics.model_calibration_error.set(nan if calibration is None else calibration)
        self.metrics.model_auc.set(nan if published.auc is None else published.auc)
        if previous is None or previous.version != published.version:
            log.info(
                "conversion model %s in force (%d outcomes, %s)",
                published.version,
                published.outcomes,
                "ready" if published.is_ready else "cold start",
            )

    def reload_rules(self, text: str, source: str) -> bool:
        """Swap in a new ruleset; an invalid one is rejected and the previous keeps serving."""
        try:
            policy = load_policy(text, source)
        except RulesetError as error:
            self.metrics.ruleset_reloads.labels(result="rejected").inc()
            log.error("ruleset rejected, version %s keeps serving: %s", self.policy.version, error)
            return False
        self._announce(policy)
        return True

    def _announce(self, policy: Policy) -> None:
        previous = self.policy.version if hasattr(self, "policy") else None
        self.policy = policy
        self.metrics.prepare_queues(policy.ruleset.queues)
        if previous is not None and previous != policy.version:
            self.metrics.ruleset_info.remove(previous)
        self.metrics.ruleset_info.labels(version=policy.version).set(1)
        self.metrics.ruleset_reloads.labels(result="ok").inc()
        log.info("ruleset %s in force (%d rules)", policy.version, len(policy.ruleset.rules))


async def _all_set(events: list[asyncio.Event]) -> None:
    """Until every event is set. Not `asyncio.gather`: a gather cancelled by a worker stopping
    meanwhile ends with an exception nobody retrieves, which asyncio logs as an ERROR."""
    for event in events:
        await event.wait()
