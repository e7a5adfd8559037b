"""Experiment: `bench.batch_step`'s decision inside a Faust agent, a batch or an event per step.

`bench.batch_step` reads with aiokafka's `getmany`. This reads the same kind of input through
a Faust agent with leadrouter's Faust settings and send path (`Output`), so that the two tell
apart what Faust's per-message delivery costs and what deciding one event per step costs:
- batches (the default): `stream.take_events(--batch, within=--within)`; every changelog value
  of the batch is sent and acknowledged, then every output;
- `--per-event`: `stream.events()`; each event's changelog value and outputs are sent at once,
  nothing awaited (a lower bound: the router waits for the changelog value before the outputs);
- `--channel`: no stream and no agent. Faust's consumer and conductor fetch and dispatch as
  always (the same group membership, flow control and rebalances), but the input topic is a
  `BatchTopic`: the conductor hands it each message, which it appends to a list instead of
  making an event and putting it on a stream's queue; one task takes everything gathered so far
  as a batch, as in the default mode. It measures what a batch design could save by keeping
  Faust's consumer and leaving its per-message stream.

Like `bench.batch_step` it is not the service: no commits of its own (Faust's), no delivery
guard, lease, replay or assign stage. It prints events/s and CPU per event (the whole process,
Faust's consumer thread included) from the first event to the last, then stops.

Usage: python -m bench.batch_step_faust --bootstrap HOST:PORT [--events 40000] [--batch 500]
       [--within 0.05] [--per-event | --channel]
"""

import argparse
import asyncio
import atexit
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

import faust

from agents.plumbing.app import create_faust_app
from agents.plumbing.event_loop import use_event_loop
from agents.plumbing.outputs import Output
from agents.plumbing.settings import KafkaSettings, Settings, TopicSettings
from bench.batch_step import Decider, Position, Send, prepare
from bench.passthrough_faust import raw_topic
from bench.workers import free_port


class Stepper:
    """Decides events and sends their records; reports once every loaded event was decided."""

    def __init__(self, decider: Decider, app: Any, loaded: int) -> None:
        self.decider = decider
        self.outputs = {topic: Output(app, topic) for topic in decider.names.values()}
        self.loaded = loaded
        self.done = 0
        self.started_cpu = self.started_wall = 0.0

    def decide(self, message: Any, now: datetime) -> tuple[Send | None, list[Send]]:
        if not self.done:
            self.started_cpu, self.started_wall = time.process_time(), time.perf_counter()
        position = Position(
            message.topic, message.partition, message.offset, round(message.timestamp * 1000)
        )
        self.done += 1
        return self.decider.decide_record(message.value, message.headers or (), position, now)

    async def send(self, sends: list[Send], partition: int | None = None) -> list[Any]:
        return [
            await self.outputs[topic].send(key or None, body, partition=partition)
            for topic, key, body in sends
        ]

    def finished(self, how: str) -> bool:
        if self.done < self.loaded:
            return False
        cpu = time.process_time() - self.started_cpu
        wall = time.perf_counter() - self.started_wall
        print(
            f"faust, {how}: {self.done:,} events, {self.done / wall:,.0f} events/s, "
            f"{cpu / self.done * 1000:.3f} ms of CPU per event",
            flush=True,
        )
        os.kill(os.getpid(), signal.SIGTERM)
        return True


class BatchTopic(faust.Topic):
    """A raw-bytes topic that gathers the messages the conductor delivers, for `take`."""

    def __init__(self, app: Any, name: str) -> None:
        super().__init__(
            app,
            topics=[name],
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
        )
        self.gathered: list[Any] = []
        self.arrived = asyncio.Event()
        self.decode = self._as_is  # type: ignore[method-assign]  # Faust sets its own per instance

    @property
    def queue(self) -> Any:
        return self  # the conductor asks `full()` and calls `put_nowait_enhanced`

    def full(self) -> bool:
        return False

    def put_nowait_enhanced(self, value: Any, **_: Any) -> None:
        self.gathered.append(value)
        self.arrived.set()

    async def _as_is(self, message: Any, *, propagate: bool = False) -> Any:
        return message  # no event: `Stepper.decide` reads what it needs from the message

    async def take(self, most: int) -> list[Any]:
        """Up to `most` gathered messages, waiting for one if none is."""
        while not self.gathered:
            self.arrived.clear()
            await self.arrived.wait()
        batch, self.gathered = self.gathered[:most], self.gathered[most:]
        return batch


async def decide_batches(stepper: "Stepper", messages: list[Any], how: str) -> bool:
    """Decide the events of `messages`, send their changelog values, then once acknowledged
    their outputs; whether every loaded event was decided."""
    now = datetime.now(UTC)
    acknowledged: list[Any] = []
    outputs: list[Send] = []
    for message in messages:
        changelog, sends = stepper.decide(message, now)
        if changelog is not None:
            acknowledged += await stepper.send([changelog], message.partition)
        outputs += sends
    await asyncio.gather(*acknowledged)
    await asyncio.gather(*await stepper.send(outputs))
    return stepper.finished(how)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--within", type=float, default=0.05)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--per-event", action="store_true")
    how.add_argument("--channel", action="store_true")
    args = parser.parse_args()
    decider, loaded = asyncio.run(prepare(args.bootstrap, args.events, args.partitions, args.seed))
    datadir = tempfile.mkdtemp(prefix="batchstep-faust-")
    atexit.register(shutil.rmtree, datadir, ignore_errors=True)  # the tables' store, thrown away
    settings = Settings(
        app_id=decider.names["input"],
        kafka=KafkaSettings(bootstrap_servers=args.bootstrap),
        topics=TopicSettings(prefix=decider.names["input"], partitions=args.partitions),
        datadir=datadir,
    )
    use_event_loop(settings.tuning.event_loop)
    app = create_faust_app(settings)
    stepper = Stepper(decider, app, loaded)
    if args.channel:
        gathering = BatchTopic(app, decider.names["input"])
        app.topics.add(gathering)

        @app.task  # type: ignore[untyped-decorator]
        async def take() -> None:
            while not await decide_batches(
                stepper, await gathering.take(args.batch), f"gathered batches of up to {args.batch}"
            ):
                pass

        sys.argv = [sys.argv[0], "worker", "-l", "warn", "--web-port", str(free_port())]
        app.main()
        return
    source = raw_topic(app, decider.names["input"])

    @app.agent(source, name="batchstep", concurrency=1)
    async def step(stream: Any) -> None:
        if args.per_event:
            async for event in stream.events():
                changelog, sends = stepper.decide(event.message, datetime.now(UTC))
                if changelog is not None:
                    await stepper.send([changelog], event.message.partition)
                await stepper.send(sends)
                if stepper.finished("an event per step"):
                    return
            return
        async for events in stream.take_events(args.batch, within=args.within):
            messages = [event.message for event in events]
            if await decide_batches(stepper, messages, f"batches of up to {args.batch}"):
                return

    sys.argv = [sys.argv[0], "worker", "-l", "warn", "--web-port", str(free_port())]
    app.main()


if __name__ == "__main__":
    main()
