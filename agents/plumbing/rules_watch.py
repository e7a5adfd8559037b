"""Hot reload of the ruleset from its file: checked every few seconds by modification time."""

import asyncio
import logging
from pathlib import Path

from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime

log = logging.getLogger(__name__)
WATCH_INTERVAL_SECONDS = 2.0


def register_rules_watch(runtime: Runtime, reference: ReferenceData, path: Path) -> None:
    seen = {"mtime": path.stat().st_mtime if path.exists() else 0.0}

    @runtime.app.timer(WATCH_INTERVAL_SECONDS, name="rules-file-watch")
    async def watch_rules_file() -> None:
        try:
            mtime = (await asyncio.to_thread(path.stat)).st_mtime
        except FileNotFoundError:
            return
        if mtime == seen["mtime"]:
            return
        seen["mtime"] = mtime
        reference.reload_rules(await asyncio.to_thread(path.read_text), str(path))
