"""Escalation steps, on the partition that owns the lead's queue: remind, or withdraw and
re-route. Each step is decided once: its ledger entry (`<decision_id>!esc<step>`) is
acknowledged before anything is sent, so a command read again (a replay, a repeated sweep)
sends the same records again and never a second re-route.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import orjson
from pydantic import BaseModel, ConfigDict

from agents.plumbing.outputs import Output
from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime
from agents.plumbing.tables import DurableTable
from schemas.sla import LeadWithdrawn, SlaBreach, SlaCredit, SlaNotice, SlaStepTaken
from service.credits import return_turn
from service.decision_ids import escalation_decision_id
from service.queue_state import QueueState
from service.sla import escalation_why

log = logging.getLogger(__name__)


class StepEntry(BaseModel):
    """What the ledger remembers of an escalation step."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    queue: str
    routed_at: datetime  # when the step was decided (named like the ledger's expiry stamp)
    action: str
    why: str
    next_decision_id: str | None = None
    credit: int = 0


def step_key(decision_id: str, step: int) -> bytes:
    return f"{decision_id}!esc{step}".encode()


class Escalations:
    def __init__(
        self,
        runtime: Runtime,
        reference: ReferenceData,
        ledger: DurableTable,
        queue_states: DurableTable,
        outputs: dict[str, Output],
        queue_topic_for: Callable[[str], Awaitable[Output]],
    ) -> None:
        self.runtime = runtime
        self.reference = reference
        self.ledger = ledger
        self.queue_states = queue_states
        self.outputs = outputs
        self.queue_topic_for = queue_topic_for

    async def escalate(self, command: SlaBreach, partition: int) -> None:
        key = step_key(command.decision_id, command.step)
        known = self.ledger.get(key)
        if known is not None:
            entry = StepEntry.model_validate_json(known)
            log.info("escalation %s seen again: the same outputs again", key.decode())
        else:
            entry = await self._decide(command, key, partition)
        await self._send(command, entry)

    async def _decide(self, command: SlaBreach, key: bytes, partition: int) -> StepEntry:
        clock = command.clock
        now = self.runtime.clock()
        ladder = clock.escalation
        max_steps = ladder.max_steps if ladder is not None else 1
        metrics = self.runtime.metrics
        if not clock.reminded:
            metrics.sla_breaches.labels(queue=clock.queue).inc()
        metrics.escalations.labels(
            queue=clock.queue, action=command.action, step=str(command.step)
        ).inc()
        if command.action != "reroute" or clock.lead is None:
            verb = "reminded" if command.action == "remind" else "reported"
            why = (
                f"SLA breached: decision {clock.decision_id} ({clock.rep_id or 'nobody'}) not "
                f"accepted by {clock.due_at.isoformat()}; escalation step {command.step} of "
                f"{max_steps}: {verb}"
            )
            entry = StepEntry(queue=clock.queue, routed_at=now, action=command.action, why=why)
            await (await self.ledger.put(key, entry.model_dump_json().encode(), partition))
            return entry
        next_id = escalation_decision_id(clock.decision_id, command.step)
        why = escalation_why(
            decision_id=clock.decision_id,
            rep_id=clock.rep_id,
            due_at=clock.due_at,
            step=command.step,
            max_steps=max_steps,
            excluded=clock.excluded_reps,
            target=clock.queue,
        )
        entry = StepEntry(
            queue=clock.queue, routed_at=now, action="reroute", why=why, next_decision_id=next_id
        )
        # The ledger first: a crash after it re-sends this re-route, never decides another.
        await (await self.ledger.put(key, entry.model_dump_json().encode(), partition))
        credit = await self._return_turn(clock.queue, clock.rep_id, now, partition, "escalation")
        if credit:
            entry = entry.model_copy(update={"credit": credit})
            await self.ledger.put(key, entry.model_dump_json().encode(), partition)
        return entry

    async def credit(self, command: SlaCredit, partition: int) -> None:
        """A rejected lead: the rep's turn back, once per decision (its ledger entry)."""
        key = f"{command.decision_id}!credit".encode()
        if self.ledger.get(key) is not None:
            return
        now = self.runtime.clock()
        entry = StepEntry(
            queue=command.queue,
            routed_at=now,
            action="credit",
            why=f"decision {command.decision_id} {command.reason} by sales",
        )
        await (await self.ledger.put(key, entry.model_dump_json().encode(), partition))
        await self._return_turn(command.queue, command.rep_id, now, partition, command.reason)

    async def _return_turn(
        self, queue: str, rep_id: str | None, now: datetime, partition: int, reason: str
    ) -> int:
        """The rep the lead was taken from gets their turn back (capped per day)."""
        config = self.reference.policy.ruleset.queues.get(queue)
        if rep_id is None or config is None or config.strategy != "weighted_round_robin":
            return 0
        raw = self.queue_states.get(queue.encode())
        state = QueueState() if raw is None else QueueState.from_dict(orjson.loads(raw))
        returned = return_turn(queue, state, rep_id, self.reference.reps, now)
        if returned is None:
            return 0
        new_state, credits_today = returned
        await self.queue_states.put(queue.encode(), orjson.dumps(new_state.to_dict()), partition)
        self.runtime.metrics.credits.labels(queue=queue, reason=reason).inc()
        return credits_today

    async def _send(self, command: SlaBreach, entry: StepEntry) -> None:
        clock = command.clock
        ladder = clock.escalation
        identity = clock.lead_identity.encode()
        notice = SlaNotice(
            decision_id=clock.decision_id,
            lead_identity=clock.lead_identity,
            queue=clock.queue,
            rep_id=clock.rep_id,
            action=command.action,
            step=command.step,
            max_steps=ladder.max_steps if ladder is not None else 1,
            due_at=clock.due_at,
            at=entry.routed_at,
            why=entry.why,
            next_decision_id=entry.next_decision_id,
        )
        closed = None
        if entry.next_decision_id is not None and clock.lead is not None:
            closed = "rerouted"
            withdrawn = LeadWithdrawn(
                decision_id=clock.decision_id,
                lead_identity=clock.lead_identity,
                queue=clock.queue,
                rep_id=clock.rep_id,
                withdrawn_at=entry.routed_at,
                reason=entry.why,
                next_decision_id=entry.next_decision_id,
            )
            # Withdrawn before the new decision is made: never two reps at once.
            topic = await self.queue_topic_for(clock.queue)
            await topic.send(key=identity, value=withdrawn.model_dump_json().encode())
            lead = clock.lead
            then_queue = ladder.then_queue if ladder is not None else None
            moved = lead.model_copy(
                update={
                    "decision_id": entry.next_decision_id,
                    "excluded_reps": clock.excluded_reps,
                    "escalation_step": command.step,
                    "escalated_from": clock.decision_id,
                    "overflow": then_queue or lead.overflow,
                    "overflowed_from": (),
                    "passed_over": (),
                    "reason": f"{lead.reason}; {entry.why}",
                }
            )
            await self.outputs["qualified"].send(
                key=moved.queue.encode(), value=moved.model_dump_json().encode()
            )
        elif command.action == "breached":
            closed = "breached"
        await self.outputs["sla"].send(key=identity, value=notice.model_dump_json().encode())
        step = SlaStepTaken(
            decision_id=clock.decision_id,
            step=command.step,
            action=command.action,
            closed=closed,
            at=entry.routed_at,
        )
        await self.outputs["qualified"].send(
            key=clock.decision_id.encode(), value=step.model_dump_json().encode()
        )
