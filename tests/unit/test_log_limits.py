"""Repeated log lines pass a few times per interval; then one summary counts the rest."""

import logging

import pytest

from agents.plumbing.log_limits import RepeatLimit, install_repeat_limit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def setup() -> tuple[logging.Logger, Collect, Clock]:
    clock = Clock()
    collect = Collect()
    logger = logging.getLogger("test.log_limits.noisy")
    logger.propagate = False
    logger.handlers = [collect]
    summaries = logging.getLogger("test.log_limits.summary")
    summaries.propagate = False
    summaries.handlers = [collect]
    install_repeat_limit(logger, RepeatLimit(3, 60.0, clock, summary_logger=summaries))
    return logger, collect, clock


def test_a_repeated_message_passes_burst_times_per_interval_then_is_summarised(
    setup: tuple[logging.Logger, Collect, Clock],
) -> None:
    logger, collect, clock = setup
    for attempt in range(10_000):
        logger.error("Unable to connect to node %s", attempt)

    assert collect.lines == [f"Unable to connect to node {n}" for n in range(3)]

    clock.now = 61.0
    logger.error("Unable to connect to node %s", "again")

    assert collect.lines[3].startswith("suppressed 9997 similar messages from test.log_limits")
    assert collect.lines[4] == "Unable to connect to node again"


def test_distinct_messages_and_levels_are_limited_separately(
    setup: tuple[logging.Logger, Collect, Clock],
) -> None:
    logger, collect, _ = setup
    for _ in range(5):
        logger.error("a %s", 1)
        logger.warning("a %s", 1)
        logger.error("b")

    assert len(collect.lines) == 9


def test_critical_lines_always_pass(setup: tuple[logging.Logger, Collect, Clock]) -> None:
    logger, collect, _ = setup
    for _ in range(20):
        logger.critical("exiting without committing")

    assert len(collect.lines) == 20


def test_one_record_through_two_handlers_counts_once() -> None:
    clock = Clock()
    first, second = Collect(), Collect()
    logger = logging.getLogger("test.log_limits.two")
    logger.propagate = False
    logger.handlers = [first, second]
    install_repeat_limit(logger, RepeatLimit(2, 60.0, clock))
    for _ in range(4):
        logger.error("same")

    assert len(first.lines) == len(second.lines) == 2
