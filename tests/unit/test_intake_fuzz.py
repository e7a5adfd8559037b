"""Thousands of malformed records from a seeded generator (dev/faults/fuzz.py): intake never
raises, rejects each with a reason its kind allows, and every dead letter can be published."""

import base64
from datetime import UTC, datetime
from typing import get_args

import pytest

from dev.faults.fuzz import (
    EXPECTED_REASONS,
    KINDS,
    RAW_HEADER_REASONS,
    labelled_records,
    malformed_records,
    raw_header_records,
)
from schemas.deadletters import DeadLetterReason
from service.dead_letters import DEFAULT_BUDGET, Headers
from service.intake import Rejection, build_dead_letter, decode_lead_event

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
REASONS = frozenset(get_args(DeadLetterReason))
# The producer's max request size; the letter's JSON and its Kafka key travel in one record.
PRODUCER_LIMIT = 1_000_000


def dead_letter_size(
    rejection: Rejection, key: bytes | None, value: bytes | None, headers: Headers
) -> int:
    letter = build_dead_letter(
        rejection,
        topic="leads.events.v1",
        partition=0,
        offset=0,
        key=key,
        value=value,
        headers=headers,
        failed_at=NOW,
    )
    kafka_key = base64.b64decode(letter.key_b64 or "") if letter.key_truncated else key
    return len(letter.model_dump_json()) + len(kafka_key or b"")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_malformed_record_is_rejected_with_its_reason_and_a_publishable_letter(
    seed: int,
) -> None:
    for kind, (key, value, headers) in labelled_records(2_000, seed):
        result = decode_lead_event(value, headers, NOW)

        assert isinstance(result, Rejection), (kind, value[:200] if value else value)
        assert result.reason in REASONS
        assert result.reason in EXPECTED_REASONS[kind], (kind, result)
        assert dead_letter_size(result, key, value, headers) < PRODUCER_LIMIT


def test_header_names_that_are_not_utf8_are_rejected_as_invalid_headers() -> None:
    for key, value, raw_headers in raw_header_records(500, seed=4):
        # What the worker's patched fetcher hands over (agents/plumbing/aiokafka_fixes.py).
        headers = [(name.decode("utf-8", "surrogateescape"), raw) for name, raw in raw_headers]

        result = decode_lead_event(value, headers, NOW)

        assert isinstance(result, Rejection)
        assert result.reason in RAW_HEADER_REASONS
        letter = build_dead_letter(
            result,
            topic="t",
            partition=0,
            offset=0,
            key=key,
            value=value,
            headers=headers,
            failed_at=NOW,
        )
        kept = [
            (base64.b64decode(h.key_b64) if h.key_b64 else h.key.encode()) for h in letter.headers
        ]
        assert kept == [name for name, _ in raw_headers]


def test_the_generator_covers_every_kind_and_repeats_itself_for_a_seed() -> None:
    kinds = {kind for kind, _ in labelled_records(len(KINDS), seed=9)}

    assert kinds == set(KINDS)
    assert malformed_records(300, seed=5) == malformed_records(300, seed=5)
    assert malformed_records(300, seed=5) != malformed_records(300, seed=6)


def test_values_up_to_the_brokers_limit_are_in_the_mix_and_bounded_in_their_letters() -> None:
    sizes = sorted(len(value or b"") for _, value, _ in malformed_records(3_000, seed=8))

    assert sizes[-1] >= 900_000
    assert DEFAULT_BUDGET < sizes[-1] < 1_048_576
