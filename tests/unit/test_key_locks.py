"""Per-key locks: holders of one key take turns, other keys never wait, nothing is kept."""

import asyncio

from agents.plumbing.key_locks import KeyLocks


async def test_holders_of_one_key_take_turns() -> None:
    locks = KeyLocks()
    order: list[str] = []

    async def hold(name: str) -> None:
        async with locks.hold(b"jane"):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))

    assert order == ["a in", "a out", "b in", "b out"]


async def test_another_key_does_not_wait() -> None:
    locks = KeyLocks()
    entered = asyncio.Event()

    async with locks.hold(b"jane"), locks.hold(b"joe"):
        entered.set()

    assert entered.is_set()


async def test_a_key_nobody_holds_or_awaits_is_forgotten() -> None:
    locks = KeyLocks()

    async with locks.hold(b"jane"):
        assert len(locks) == 1
    assert len(locks) == 0


async def test_a_failing_holder_releases_the_key() -> None:
    locks = KeyLocks()
    try:
        async with locks.hold(b"jane"):
            raise RuntimeError("processing failed")
    except RuntimeError:
        pass

    async with locks.hold(b"jane"):
        assert len(locks) == 1
    assert len(locks) == 0
