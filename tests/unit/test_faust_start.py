"""A worker's tables start recovering at once; other Faust apps keep Faust's pause."""

import asyncio
from typing import Any

import faust
import pytest

from agents.plumbing import faust_start


class FakeRecovery:
    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def start(self) -> None:
        self.started.set()


def tables_of(app: faust.App) -> tuple[Any, FakeRecovery]:
    """The app's table manager, with a recovery that only notes that it started."""
    manager: Any = app.tables
    recovery = FakeRecovery()
    manager._recovery = recovery

    async def no_channels() -> None:
        return None

    manager._update_channels = no_channels
    return manager, recovery


async def test_an_installed_apps_tables_start_recovery_without_a_pause() -> None:
    app = faust.App("start-prompt", autodiscover=False)
    faust_start.install(app)
    manager, recovery = tables_of(app)

    await asyncio.wait_for(manager.on_start(), timeout=0.5)

    assert recovery.started.is_set()


async def test_another_app_keeps_faust_pause_before_recovery() -> None:
    faust_start.install(faust.App("start-prompt-too", autodiscover=False))  # patched, not this
    manager, recovery = tables_of(faust.App("start-faust", autodiscover=False))

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(manager.on_start(), timeout=0.5)

    assert not recovery.started.is_set()
