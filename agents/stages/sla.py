"""The assign stage's SLA clocks: started by a routed lead, stopped by feedback, escalated.

A clock lives in table `sla-clocks`, keyed by decision id, on the qualified topic's partition of
that id: `SlaStarted` (from the assign stage), `SlaFeedback` (from the feedback stage) and
`SlaStepTaken` records are all keyed by the decision id, so feedback finds its clock without
knowing the queue. The sweep timer never acts: when a clock is due it sends an `SlaBreach`
command keyed by the clock's queue (repeated until the clock moves on; a repeat is harmless),
and the partition that owns the queue handles it as an ordinary event, tracked by the delivery
guard and made idempotent by the assignment ledger (`<decision_id>!esc<step>`): a command read
again after a crash finds its entry and sends the same records again.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from agents.plumbing.expiry import Expiring, json_time, partition_of, register_expiry
from agents.plumbing.outputs import Output, Send
from agents.plumbing.runtime import Runtime
from agents.plumbing.tables import DurableTable, durable_table
from agents.plumbing.topics import SLA_CLOCKS_TABLE
from schemas.feedback import NEGATIVE_OUTCOMES
from schemas.sla import (
    SLA_COMMAND,
    SlaBreach,
    SlaClock,
    SlaCredit,
    SlaFeedback,
    SlaStarted,
    SlaStepTaken,
)
from service.sla import is_due, next_step
from service.sla_clocks import clock_ladder

log = logging.getLogger(__name__)
# A breach command is sent again if its clock has not moved on after this long.
RESEND_AFTER_S = 5.0

Escalate = Callable[[SlaBreach, int], Awaitable[None]]
Credit = Callable[[SlaCredit, int], Awaitable[None]]
# Sales' verdicts that say the lead was not a fit: the rep gets the turn back.
NOT_A_FIT = frozenset({"rejected", "disqualified"})


def is_command(value: bytes) -> bool:
    """SLA commands share the qualified topic with qualified leads (which have no `kind`)."""
    return value.startswith(b'{"kind":')


class SlaClocks:
    """The clock table with its handlers and the sweep that turns breaches into commands."""

    def __init__(self, runtime: Runtime, qualified: Output, source_topic: str) -> None:
        self.runtime = runtime
        self.qualified = qualified
        self.source_topic = source_topic
        self.table: DurableTable = durable_table(runtime, SLA_CLOCKS_TABLE)
        # The step whose breach command was sent last for a clock, and when (monotonic).
        self._sent: dict[bytes, tuple[int, float]] = {}
        # When the next step of each open clock of the partitions assigned here is due, so a
        # sweep looks only at clocks that are due; rebuilt from the table when the assignment
        # changes (recovery fills the table without going through the handlers).
        self._due: dict[bytes, datetime] = {}
        self._indexed_for: frozenset[int] | None = None
        metrics = runtime.metrics
        self._time_to_accept = metrics.time_to_accept

    def started(self, clock: SlaClock) -> Send:
        """For the assign stage to send with the routed lead: start the decision's clock."""
        return Send(
            self.qualified,
            clock.decision_id.encode(),
            SlaStarted(clock=clock).model_dump_json().encode(),
        )

    async def step_taken(self, step: SlaStepTaken) -> None:
        await self.qualified.send(
            key=step.decision_id.encode(), value=step.model_dump_json().encode()
        )

    async def handle(
        self, value: bytes, partition: int, escalate: Escalate, credit: Credit
    ) -> None:
        command = SLA_COMMAND.validate_json(value)
        if isinstance(command, SlaBreach):
            await escalate(command, partition)
        elif isinstance(command, SlaCredit):
            await credit(command, partition)
        elif isinstance(command, SlaStarted):
            await self._started(command.clock, partition)
        elif isinstance(command, SlaFeedback):
            await self._feedback(command, partition)
        else:
            await self._stepped(command, partition)

    def _get(self, decision_id: str) -> SlaClock | None:
        raw = self.table.get(decision_id.encode())
        return None if raw is None else SlaClock.model_validate_json(raw)

    async def _put(self, clock: SlaClock, partition: int) -> None:
        if clock.closed is not None:
            clock = clock.model_copy(update={"lead": None})  # nothing more to re-route
        key = clock.decision_id.encode()
        self._index(key, clock)
        await self.table.put(key, clock.model_dump_json().encode(), partition)

    def _index(self, key: bytes, clock: SlaClock) -> None:
        step = None
        if clock.closed is None:
            step = next_step(clock_ladder(clock), clock.due_at, clock.steps_done, clock.reminded)
        if step is None:
            self._due.pop(key, None)
            self._sent.pop(key, None)
        else:
            self._due[key] = step.at

    def _reindex(self) -> None:
        delivery = self.runtime.delivery
        partitions = self.runtime.settings.topics.partitions
        managed = frozenset(
            p
            for p in range(partitions)
            if delivery is not None and delivery.manages((self.source_topic, p))
        )
        if managed == self._indexed_for:
            return
        self._indexed_for = managed
        self._due.clear()
        for key, raw in list(self.table.table.data.items()):
            if b'"closed":null' in raw and partition_of(key, partitions) in managed:
                self._index(key, SlaClock.model_validate_json(raw))

    async def _started(self, clock: SlaClock, partition: int) -> None:
        known = self._get(clock.decision_id)
        if known is not None and known.lead_identity:
            return  # started already (a repeated start)
        if known is not None:
            # The feedback arrived before the start: the clock starts stopped.
            clock = clock.model_copy(update={"closed": known.closed, "closed_at": known.closed_at})
            self._observe(clock)
        await self._put(clock, partition)

    async def _feedback(self, feedback: SlaFeedback, partition: int) -> None:
        known = self._get(feedback.decision_id)
        if known is not None and known.closed is not None:
            return  # stopped already: accepted earlier, or re-routed away
        if known is None:
            # Not started yet: remember the verdict, the start applies it.
            placeholder = SlaClock(
                decision_id=feedback.decision_id,
                lead_identity="",
                queue="",
                rep_id=feedback.rep_id,
                routed_at=feedback.occurred_at,
                due_at=feedback.occurred_at,
                closed=feedback.outcome,
                closed_at=feedback.occurred_at,
            )
            await self._put(placeholder, partition)
            return
        if feedback.outcome == "converted" or feedback.outcome in NEGATIVE_OUTCOMES:
            closed = feedback.outcome
        else:
            closed = "accepted"
        clock = known.model_copy(update={"closed": closed, "closed_at": feedback.occurred_at})
        self._observe(clock)
        await self._put(clock, partition)
        if feedback.outcome in NOT_A_FIT and known.rep_id is not None:
            credit = SlaCredit(
                decision_id=known.decision_id,
                queue=known.queue,
                rep_id=known.rep_id,
                reason=feedback.outcome,
                at=feedback.occurred_at,
            )
            await self.qualified.send(
                key=known.queue.encode(), value=credit.model_dump_json().encode()
            )

    def _observe(self, clock: SlaClock) -> None:
        if clock.closed in ("accepted", "converted") and clock.closed_at is not None:
            seconds = (clock.closed_at - clock.routed_at).total_seconds()
            self._time_to_accept.labels(queue=clock.queue).observe(max(0.0, seconds))

    async def _stepped(self, step: SlaStepTaken, partition: int) -> None:
        known = self._get(step.decision_id)
        if known is None or known.closed is not None or known.steps_done >= step.step:
            return
        update: dict[str, Any] = {"steps_done": step.step}
        if step.action == "remind":
            update["reminded"] = True
        if step.closed is not None or step.action == "breached":
            update["closed"] = step.closed or "breached"
            update["closed_at"] = step.at
        clock = known.model_copy(update=update)
        after = next_step(clock_ladder(clock), clock.due_at, clock.steps_done, True)
        if clock.closed is None and after is None:
            clock = clock.model_copy(update={"closed": "exhausted", "closed_at": step.at})
        await self._put(clock, partition)

    async def sweep(self, now: datetime) -> int:
        """Send a breach command for every due clock of a partition assigned here."""
        self._reindex()
        sent = 0
        for key in [key for key, at in self._due.items() if at <= now]:
            raw = self.table.get(key)
            if raw is None or b'"closed":null' not in raw:
                self._due.pop(key, None)
                continue
            clock = SlaClock.model_validate_json(raw)
            step = next_step(clock_ladder(clock), clock.due_at, clock.steps_done, clock.reminded)
            if step is None or not is_due(step, now):
                continue
            last = self._sent.get(key)
            if (
                last is not None
                and last[0] == step.step
                and time.monotonic() - last[1] < RESEND_AFTER_S
            ):
                continue
            self._sent[key] = (step.step, time.monotonic())
            command = SlaBreach(
                decision_id=clock.decision_id, step=step.step, action=step.action, clock=clock
            )
            # Outside any event, on purpose: the command is idempotent by its ledger entry, and
            # the sweep sends it again until the clock records the step.
            await self.qualified.send(
                key=clock.queue.encode(), value=command.model_dump_json().encode()
            )
            sent += 1
        return sent

    def register(self) -> None:
        runtime = self.runtime
        settings = runtime.settings
        register_expiry(
            runtime,
            [
                Expiring(
                    name=SLA_CLOCKS_TABLE,
                    table=self.table,
                    source_topic=self.source_topic,
                    ttl=timedelta(days=settings.limits.ledger_ttl_days),
                    stamp=json_time("routed_at"),
                )
            ],
            settings.limits.expiry_sweep_s,
        )

        @runtime.app.timer(interval=settings.limits.sla_sweep_s)
        async def sweep_sla_clocks() -> None:
            sent = await self.sweep(runtime.clock())
            if sent:
                log.info("sla: %d breach commands sent", sent)
