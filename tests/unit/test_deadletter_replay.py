"""Dead-letter replay: which letters are selected, and the exact record each one re-publishes."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from agents.tools.cli import build_parser
from schemas.deadletters import DeadLetter, DeadLetterHeader
from service.deadletter_replay import (
    Replay,
    ReplayFilter,
    ReplayTally,
    Skipped,
    plan_replay,
    read_dead_letter,
)
from service.intake import Rejection, build_dead_letter

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
EVENTS = "staging.leads.events.v1"
DEAD = "staging.leads.deadletter.v1"
INPUTS = frozenset({EVENTS, "staging.sales.feedback.v1"})
VALUE = b'{"event_id": "evt-1", "padding": "' + b"x" * 2000 + b'"}'
HEADERS: list[tuple[str, bytes | None]] = [("ce_id", b"evt-1"), ("trace", b"\x00\xff")]


def letter(
    reason: str = "too_large",
    *,
    failed_at: datetime = NOW,
    topic: str = EVENTS,
    key: bytes | None = b"lead-key",
    value: bytes | None = VALUE,
    message: str = "the value is 2021 bytes; the limit is 1024",
) -> DeadLetter:
    built = build_dead_letter(
        Rejection(reason, message),  # type: ignore[arg-type]
        topic=topic,
        partition=2,
        offset=17,
        key=key,
        value=value,
        headers=HEADERS,
        failed_at=failed_at,
    )
    return built


def plan(dead_letter: DeadLetter) -> Replay | Skipped:
    return plan_replay(dead_letter, input_topics=INPUTS, dead_letter_topic=DEAD)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_a_dead_letter_replays_its_original_key_value_and_headers_byte_for_byte() -> None:
    replay = plan(letter())

    assert isinstance(replay, Replay)
    assert (replay.topic, replay.key, replay.value) == (EVENTS, b"lead-key", VALUE)
    assert replay.headers == (("ce_id", b"evt-1"), ("trace", b"\x00\xff"))


def test_a_record_without_a_key_is_replayed_without_one() -> None:
    replay = plan(letter(key=None))

    assert isinstance(replay, Replay)
    assert replay.key is None


def test_no_filter_selects_every_letter() -> None:
    assert ReplayFilter().matches(letter("not_json"))


def test_the_reason_filter_selects_only_letters_with_one_of_its_reasons() -> None:
    selection = ReplayFilter(reasons=frozenset({"too_large", "invalid_email"}))

    assert selection.matches(letter("too_large"))
    assert selection.matches(letter("invalid_email"))
    assert not selection.matches(letter("not_json"))


def test_since_selects_letters_that_failed_at_or_after_it() -> None:
    selection = ReplayFilter(since=NOW)

    assert selection.matches(letter(failed_at=NOW))
    assert selection.matches(letter(failed_at=NOW + timedelta(seconds=1)))
    assert not selection.matches(letter(failed_at=NOW - timedelta(microseconds=1)))


def test_reason_and_since_must_both_hold() -> None:
    selection = ReplayFilter(reasons=frozenset({"too_large"}), since=NOW)

    assert not selection.matches(letter("too_large", failed_at=NOW - timedelta(days=1)))
    assert not selection.matches(letter("not_json", failed_at=NOW))


def test_a_letter_from_the_dead_letter_topic_itself_is_never_replayed() -> None:
    assert plan(letter(topic=DEAD)) == Skipped("dead_letter_topic", letter(topic=DEAD))


def test_a_letter_from_a_topic_leadrouter_does_not_read_is_not_replayed() -> None:
    skipped = plan(letter(topic="leads.events.v1"))  # another deployment's (no prefix)

    assert isinstance(skipped, Skipped)
    assert skipped.reason == "not_an_input_topic"


def test_a_truncated_letter_is_skipped() -> None:
    truncated = letter().model_copy(
        update={"value_truncated": True, "value_b64": b64(VALUE[:100]), "value_size": len(VALUE)}
    )

    assert plan(truncated) == Skipped("truncated", truncated)


def test_a_value_that_matches_its_recorded_size_and_digest_is_replayed() -> None:
    checked = letter().model_copy(
        update={"value_size": len(VALUE), "value_sha256": hashlib.sha256(VALUE).hexdigest()}
    )

    assert isinstance(plan(checked), Replay)


@pytest.mark.parametrize(
    "update",
    [{"value_size": len(VALUE) - 1}, {"value_sha256": hashlib.sha256(b"other").hexdigest()}],
)
def test_a_value_that_does_not_match_its_recorded_size_or_digest_is_skipped(
    update: dict[str, object],
) -> None:
    skipped = plan(letter().model_copy(update=update))

    assert isinstance(skipped, Skipped)
    assert skipped.reason == "digest_mismatch"


def test_a_header_name_kept_as_bytes_is_replayed_when_it_is_text() -> None:
    header = DeadLetterHeader(key="x-?", value_b64=b64(b"v"), key_b64=b64("x-é".encode()))
    replay = plan(letter().model_copy(update={"headers": (header,)}))

    assert isinstance(replay, Replay)
    assert replay.headers == (("x-é", b"v"),)


def test_a_header_name_that_is_not_utf8_cannot_be_sent_and_is_skipped() -> None:
    header = DeadLetterHeader(key="x-\ufffd", value_b64=b64(b"v"), key_b64=b64(b"x-\xff"))
    skipped = plan(letter().model_copy(update={"headers": (header,)}))

    assert isinstance(skipped, Skipped)
    assert skipped.reason == "header_name_not_utf8"


def test_a_tombstone_is_not_replayed() -> None:
    tombstone = letter(
        "not_json", value=None, message="the record has no value (a tombstone); expected ..."
    )

    assert plan(tombstone) == Skipped("tombstone", tombstone)


def test_broken_base64_makes_a_letter_unreadable() -> None:
    broken = letter().model_copy(update={"value_b64": "not base64!"})

    assert plan(broken) == Skipped("unreadable", broken)


def test_a_record_of_the_dead_letter_topic_that_is_not_a_dead_letter_is_unreadable() -> None:
    assert read_dead_letter(b"{not json") is None
    assert read_dead_letter(None) is None
    assert read_dead_letter(letter().model_dump_json().encode()) == letter()


def test_the_tally_recognises_a_record_already_replayed_in_the_same_run() -> None:
    tally = ReplayTally()
    first, again, other = (
        plan(letter()),
        plan(letter(failed_at=NOW + timedelta(hours=1))),
        plan(letter(key=b"other")),
    )
    assert isinstance(first, Replay)
    assert isinstance(again, Replay)
    assert isinstance(other, Replay)

    assert [tally.is_repeat(first), tally.is_repeat(again), tally.is_repeat(other)] == [
        False,
        True,
        False,
    ]


def test_the_summary_counts_what_was_sent_and_why_the_rest_was_skipped() -> None:
    tally = ReplayTally(read=6, not_selected=1, sent=2)
    tally.sent_by_topic[EVENTS] = 2
    tally.skipped.update({"truncated": 2, "not_an_input_topic": 1})

    lines = tally.summary_lines(dry_run=False)

    assert lines[0] == "read 6 dead letter(s): sent 2, skipped 3, not selected 1"
    assert f"  sent 2 to {EVENTS}" in lines
    assert any(line.startswith("  skipped 2: ") and "(truncated)" in line for line in lines)
    assert tally.summary_lines(dry_run=True)[0].startswith("read 6 dead letter(s): would send 2")


def test_the_replay_command_takes_reasons_a_moment_and_dry_run() -> None:
    args = build_parser().parse_args(
        [
            "deadletters",
            "replay",
            "--reason",
            "too_large",
            "--reason",
            "not_json",
            "--since",
            "2026-11-20T12:00:00",
            "--dry-run",
        ]
    )

    assert (args.reason, args.since, args.dry_run) == (["too_large", "not_json"], NOW, True)


def test_since_also_takes_a_duration_ago() -> None:
    args = build_parser().parse_args(["deadletters", "replay", "--since", "2h"])

    assert timedelta(hours=2) - timedelta(seconds=5) < datetime.now(UTC) - args.since
    assert datetime.now(UTC) - args.since < timedelta(hours=2) + timedelta(seconds=5)


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["deadletters", "replay", "--reason", "bored"])
