"""A worker start without the pause faust-streaming 0.15.3 takes before table recovery.

`TableManager.on_start` sleeps one second before it finalises the tables and starts their
recovery, so that tables declared late still make it. Every leadrouter table is declared while
the worker is wired, before the app starts, and one declared after the tables are finalised
raises ("Too late to add tables at this point") rather than being missed. So `install` lets the
app's table manager start at once: a second off every start and restart after a crash.
"""

from typing import Any

from faust.tables.manager import TableManager

_PROMPT = "_leadrouter_prompt_tables"
_faust_on_start = TableManager.on_start


def install(app: Any) -> None:
    """Start `app`'s tables without the pause (other apps in the process keep it)."""
    setattr(app, _PROMPT, True)
    TableManager.on_start = _on_start  # type: ignore[method-assign]


async def _on_start(self: TableManager) -> None:
    if not getattr(self.app, _PROMPT, False):
        await _faust_on_start(self)
        return
    # Faust's own body, without `await self.sleep(1.0)` before it.
    if not self.should_stop:
        await self._update_channels()
        await self.recovery.start()
