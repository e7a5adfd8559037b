"""A library's log lines at the level their meaning deserves.

aiokafka logs some failed requests at ERROR and then sends them again, when Kafka calls the error
retriable:
- the fetcher's offset requests ("Failed fetch offsets from <node>: <error>",
  `_update_fetch_positions` in `aiokafka/consumer/fetcher.py`). A partition created a moment
  before is answered with `NotLeaderForPartitionError` until its broker has taken the leadership;
- the group coordinator's lookup ("Group Coordinator Request failed: <error>",
  `ensure_coordinator_known` in `aiokafka/consumer/group_coordinator.py`). A broker that has just
  started answers `GroupCoordinatorNotAvailableError` until its offsets topic is ready.
So a worker's first start on new topics, or on a new broker, logged ERRORs for conditions that
cured themselves within a second. `RetriableAsWarning` logs such a line at WARNING when its error
is retriable; any other error, and every other line, keeps its level.
"""

import logging
from typing import Final

from aiokafka.errors import KafkaError

FAILED_OFFSETS: Final = "Failed fetch offsets from %s: %s"
FAILED_COORDINATOR: Final = "Group Coordinator Request failed: %s"
# The loggers, and the messages of theirs whose error (the last argument) aiokafka retries.
RETRIED: Final = {
    "aiokafka.consumer.fetcher": frozenset({FAILED_OFFSETS}),
    "aiokafka.consumer.group_coordinator": frozenset({FAILED_COORDINATOR}),
}


class RetriableAsWarning(logging.Filter):
    def __init__(self, messages: frozenset[str]) -> None:
        super().__init__()
        self._messages = messages

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if (
            record.levelno == logging.ERROR
            and record.msg in self._messages
            and isinstance(args, tuple)
            and args
            and isinstance(args[-1], KafkaError)
            and args[-1].retriable
        ):
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True


def install() -> None:
    """Put the filter on each of those aiokafka loggers (once)."""
    for name, messages in RETRIED.items():
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RetriableAsWarning) for existing in logger.filters):
            logger.addFilter(RetriableAsWarning(messages))
