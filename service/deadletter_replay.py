"""Dead-letter replay: which letters to re-publish, and the exact record each one becomes.

A dead letter carries the original key, value and headers as base64. Replaying it re-publishes
those bytes to the topic they were read from, once the producer or the schema is fixed; intake
then decides them again. Only a byte-for-byte copy is ever sent: a letter that cannot give back
the original record is skipped with a reason, never sent approximately.
"""

import base64
import binascii
import hashlib
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Literal

from pydantic import ValidationError

from schemas.deadletters import DeadLetter, DeadLetterHeader, DeadLetterReason

SkipReason = Literal[
    "unreadable",
    "truncated",
    "digest_mismatch",
    "header_name_not_utf8",
    "tombstone",
    "dead_letter_topic",
    "not_an_input_topic",
    "already_sent",
]

SKIP_EXPLANATIONS: Final[dict[SkipReason, str]] = {
    "unreadable": "not a dead letter this version can read",
    "truncated": "the dead letter keeps only a prefix of the original value",
    "digest_mismatch": "the value does not match the size or SHA-256 the dead letter recorded",
    "header_name_not_utf8": "a header name is not valid UTF-8; Kafka clients send names as text",
    "tombstone": "the original record had no value (a tombstone); it would be rejected again",
    "dead_letter_topic": "its source is the dead-letter topic itself",
    "not_an_input_topic": "its source is not a topic leadrouter reads",
    "already_sent": "the same record was already replayed in this run",
}


@dataclass(frozen=True, slots=True)
class ReplayFilter:
    """Which dead letters to replay: any of `reasons` (empty: every reason) that failed at or
    after `since` (None: any time)."""

    reasons: frozenset[DeadLetterReason] = frozenset()
    since: datetime | None = None

    def matches(self, letter: DeadLetter) -> bool:
        if self.reasons and letter.reason not in self.reasons:
            return False
        return self.since is None or letter.failed_at >= self.since


@dataclass(frozen=True, slots=True)
class Replay:
    """The original record, byte for byte, and the dead letter it came from."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    letter: DeadLetter

    @property
    def fingerprint(self) -> str:
        """Identical records have the same fingerprint (topic, key, value and headers)."""
        digest = hashlib.sha256()
        parts: list[bytes] = [self.topic.encode(), b"\x01" if self.key is None else self.key]
        parts += [self.value]
        for name, value in self.headers:
            parts += [name.encode(), value]
        for part in parts:
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: SkipReason
    letter: DeadLetter | None = None


def read_dead_letter(raw: bytes | None) -> DeadLetter | None:
    """The dead letter in a record of the dead-letter topic; None when it is not one."""
    if raw is None:
        return None
    try:
        return DeadLetter.model_validate_json(raw)
    except ValidationError:
        return None


def plan_replay(
    letter: DeadLetter, *, input_topics: Collection[str], dead_letter_topic: str
) -> Replay | Skipped:
    """The record to re-publish for one dead letter, or why it cannot be replayed.

    - Only to a topic leadrouter reads (`input_topics`), never to the dead-letter topic itself.
    - Only the whole original value: a truncated letter, or one whose value does not match the
      size and SHA-256 it recorded, is skipped; so is a tombstone (it has no value to send).
    - Header names go back as the text they were; a name that was not valid UTF-8 cannot be
      sent by a Kafka client, so its letter is skipped.
    """
    if letter.source_topic == dead_letter_topic:
        return Skipped("dead_letter_topic", letter)
    if letter.source_topic not in input_topics:
        return Skipped("not_an_input_topic", letter)
    if letter.value_truncated:
        return Skipped("truncated", letter)
    try:
        key = None if letter.key_b64 is None else _unb64(letter.key_b64)
        value = _unb64(letter.value_b64)
        headers = tuple(
            (_header_name(header), _unb64(header.value_b64)) for header in letter.headers
        )
    except UnicodeDecodeError:  # a ValueError too: caught first
        return Skipped("header_name_not_utf8", letter)
    except binascii.Error:
        return Skipped("unreadable", letter)
    if not _matches_digest(letter, value):
        return Skipped("digest_mismatch", letter)
    if not value and "tombstone" in letter.message:
        return Skipped("tombstone", letter)
    return Replay(letter.source_topic, key, value, headers, letter)


@dataclass
class ReplayTally:
    """What one replay run did with each record of the dead-letter topic."""

    read: int = 0
    not_selected: int = 0
    sent: int = 0
    skipped: Counter[SkipReason] = field(default_factory=Counter)
    sent_by_topic: Counter[str] = field(default_factory=Counter)
    _fingerprints: set[str] = field(default_factory=set, repr=False)

    def is_repeat(self, replay: Replay) -> bool:
        """True for a record identical to one already replayed in this run (the first time a
        record is seen it is remembered)."""
        fingerprint = replay.fingerprint
        if fingerprint in self._fingerprints:
            return True
        self._fingerprints.add(fingerprint)
        return False

    def summary_lines(self, *, dry_run: bool) -> list[str]:
        verb = "would send" if dry_run else "sent"
        lines = [
            f"read {self.read} dead letter(s): {verb} {self.sent}, skipped "
            f"{sum(self.skipped.values())}, not selected {self.not_selected}"
        ]
        lines += [
            f"  {verb} {count} to {topic}" for topic, count in sorted(self.sent_by_topic.items())
        ]
        lines += [
            f"  skipped {count}: {SKIP_EXPLANATIONS[reason]} ({reason})"
            for reason, count in sorted(self.skipped.items())
        ]
        return lines


def _header_name(header: DeadLetterHeader) -> str:
    if header.key_b64 is None:
        return header.key
    return _unb64(header.key_b64).decode("utf-8")


def _matches_digest(letter: DeadLetter, value: bytes) -> bool:
    if letter.value_size is not None and letter.value_size != len(value):
        return False
    return letter.value_sha256 is None or (
        hashlib.sha256(value).hexdigest() == letter.value_sha256.lower()
    )


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
