"""aiokafka's failed requests that it sends again are logged at WARNING; errors that will not cure
themselves, and every other line, stay ERRORs."""

import logging

import pytest
from aiokafka.errors import (
    GroupCoordinatorNotAvailableError,
    NotLeaderForPartitionError,
    TopicAuthorizationFailedError,
)

from agents.plumbing import log_levels

FETCHER = "aiokafka.consumer.fetcher"
COORDINATOR = "aiokafka.consumer.group_coordinator"


@pytest.fixture(autouse=True)
def installed(caplog: pytest.LogCaptureFixture) -> None:
    log_levels.install()
    log_levels.install()  # a second install adds nothing
    caplog.set_level(logging.INFO)


def levels(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.levelname for record in caplog.records]


def test_an_offset_request_that_will_be_retried_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logging.getLogger(FETCHER).error(log_levels.FAILED_OFFSETS, 1, NotLeaderForPartitionError())

    assert levels(caplog) == ["WARNING"]
    assert "NotLeaderForPartitionError" in caplog.records[0].getMessage()


def test_a_coordinator_lookup_that_will_be_retried_is_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logging.getLogger(COORDINATOR).error(
        log_levels.FAILED_COORDINATOR, GroupCoordinatorNotAvailableError()
    )

    assert levels(caplog) == ["WARNING"]


def test_an_error_that_will_not_cure_itself_stays_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logging.getLogger(FETCHER).error(log_levels.FAILED_OFFSETS, 1, TopicAuthorizationFailedError())

    assert levels(caplog) == ["ERROR"]


def test_other_error_lines_keep_their_level(caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger(FETCHER).error("Unexpected error %s", NotLeaderForPartitionError())
    logging.getLogger(COORDINATOR).error(log_levels.FAILED_OFFSETS, 1, NotLeaderForPartitionError())

    assert levels(caplog) == ["ERROR", "ERROR"]


def test_each_logger_gets_the_filter_once() -> None:
    for name in (FETCHER, COORDINATOR):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, log_levels.RetriableAsWarning) for f in filters) == 1
