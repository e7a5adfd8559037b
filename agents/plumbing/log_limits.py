"""Repeated log lines at a bounded rate: each distinct message lets a few through per interval.

With the broker away, aiokafka and Faust log the same connection error for every retry: 43,754
ERROR lines in about 20 s were measured. `RepeatLimit` lets each (logger, level, message
template) through `burst` times per `interval` seconds; past that it counts, and the first line of
that kind in a later interval is preceded by one summary: "suppressed K similar messages".
CRITICAL lines (an exit without commit) always pass, and so do the summaries.

Faust's worker replaces the root handlers when it sets up logging, so the filter goes onto the
handlers from the worker's `on_setup_root_logger` (`limited_worker`), then onto every handler.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import faust

SUMMARY_FLAG: Final = "leadrouter_log_summary"
_DECISION: Final = "leadrouter_log_passes"
# Distinct messages remembered; past it, windows that ended are forgotten (then all of them).
_MAX_KEYS: Final = 2048
_TEMPLATE_CHARS: Final = 300

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Window:
    started: float
    passed: int = 0
    suppressed: int = 0


class RepeatLimit(logging.Filter):
    """A logging filter for handlers: at most `burst` records per message per `interval` s."""

    def __init__(
        self,
        burst: int = 10,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        summary_logger: logging.Logger = log,
    ) -> None:
        super().__init__()
        self.burst = burst
        self.interval = interval
        self._clock = clock
        self._summary_logger = summary_logger
        self._windows: dict[tuple[str, int, str], _Window] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        # One record reaches every handler; decide once, so two handlers do not count it twice.
        decided: bool | None = getattr(record, _DECISION, None)
        if decided is None:
            decided = self._decide(record)
            setattr(record, _DECISION, decided)
        return decided

    def _decide(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.CRITICAL or getattr(record, SUMMARY_FLAG, False):
            return True
        key = (record.name, record.levelno, str(record.msg)[:_TEMPLATE_CHARS])
        now = self._clock()
        window = self._windows.get(key)
        if window is None or now - window.started >= self.interval:
            if window is not None and window.suppressed:
                self._summarise(record, window, now)
            if window is None and len(self._windows) >= _MAX_KEYS:
                self._forget(now)
            window = self._windows[key] = _Window(started=now)
        if window.passed < self.burst:
            window.passed += 1
            return True
        window.suppressed += 1
        return False

    def _summarise(self, record: logging.LogRecord, window: _Window, now: float) -> None:
        self._summary_logger.log(
            record.levelno,
            "suppressed %d similar messages from %s in %.0f s: %s",
            window.suppressed,
            record.name,
            now - window.started,
            str(record.msg)[:_TEMPLATE_CHARS],
            extra={SUMMARY_FLAG: True},
        )

    def _forget(self, now: float) -> None:
        for key in [k for k, w in self._windows.items() if now - w.started >= self.interval]:
            del self._windows[key]
        if len(self._windows) >= _MAX_KEYS:
            self._windows.clear()


def install_repeat_limit(logger: logging.Logger, limit: RepeatLimit) -> None:
    """Put `limit` on every handler of `logger` (once each)."""
    for handler in logger.handlers:
        if limit not in handler.filters:
            handler.addFilter(limit)


def limited_worker(limit: RepeatLimit) -> type[Any]:
    """A Faust worker class that puts `limit` on the root handlers once logging is set up."""

    class LimitedWorker(faust.Worker):
        def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            install_repeat_limit(logger, limit)

    return LimitedWorker
