"""A flood of poison on a real worker: malformed records of every kind, a 900 KB value and header
names that are not UTF-8, interleaved with valid leads. Each malformed record is dead-lettered
with its reason, each valid lead is decided, and the worker never exits or restarts."""

import base64
import hashlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from dev.faults.fuzz import (
    EXPECTED_REASONS,
    RAW_HEADER_REASONS,
    labelled_records,
    raw_header_records,
    send_raw,
)
from tests.integration.kafka import Record, WorkerProcess, consume, produce
from tests.integration.pipeline_data import as_record, transactional_lead

Fingerprint = tuple[str | None, str]


def fingerprint(key: bytes | None, value: bytes | None) -> Fingerprint:
    digest = hashlib.sha256(value or b"").hexdigest()
    return (None if key is None else hashlib.sha256(key).hexdigest(), digest)


def letter_fingerprint(letter: dict[str, Any]) -> Fingerprint:
    if letter["key_truncated"]:
        key: str | None = letter["key_sha256"]
    elif letter["key_b64"] is None:
        key = None
    else:
        key = hashlib.sha256(base64.b64decode(letter["key_b64"])).hexdigest()
    if letter["value_truncated"]:
        return key, letter["value_sha256"]
    return key, hashlib.sha256(base64.b64decode(letter["value_b64"])).hexdigest()


async def test_a_flood_of_malformed_records_is_dead_lettered_and_never_stops_the_worker(
    start_worker: Callable[..., WorkerProcess], bootstrap: str, prefix: str
) -> None:
    worker = start_worker(prefix=prefix)
    events = worker.topic("leads.events.v1")

    malformed = labelled_records(300, seed=10)
    malformed.append(("too_large", (b"big", b'{"pad":"' + b"x" * 899_990 + b'"}', [])))
    raw = raw_header_records(6, seed=10)
    valid_events = [transactional_lead(n, "evt-poison") for n in range(40)]
    valid = [as_record(event) for event in valid_events]
    mixed: list[Record] = [record for _, record in malformed] + valid
    random.Random(10).shuffle(mixed)
    allowed: dict[Fingerprint, set[str]] = defaultdict(set)
    produced: Counter[Fingerprint] = Counter()
    for kind, (key, value, _) in malformed:
        allowed[fingerprint(key, value)] |= EXPECTED_REASONS[kind]
        produced[fingerprint(key, value)] += 1
    for key, value, _ in raw:
        allowed[fingerprint(key, value)] |= RAW_HEADER_REASONS
        produced[fingerprint(key, value)] += 1

    half = len(mixed) // 2
    await produce(bootstrap, events, mixed[:half])
    send_raw(bootstrap, events, raw)
    await produce(bootstrap, events, mixed[half:])

    expected_letters = len(malformed) + len(raw)
    letters = [
        json.loads(r.value)
        for r in await consume(
            bootstrap, worker.topic("leads.deadletter.v1"), expected_letters, timeout=180
        )
    ]
    decisions = [
        json.loads(r.value)
        for r in await consume(bootstrap, worker.topic("leads.decisions.v1"), 40, timeout=60)
    ]

    assert worker.process is not None
    assert worker.process.poll() is None, f"the worker exited {worker.process.returncode}"
    log = worker.logs()
    assert log.count("Ready") == 1, "the worker started once"
    for sign in ("exiting without committing", "UnicodeDecodeError", "crashed"):
        assert sign not in log
    assert sorted(d["lead_identity"] for d in decisions) == sorted(
        f"email:{lead['lead']['email']}" for lead in valid_events
    ), "every valid event decided once"
    assert len(letters) == expected_letters
    received = Counter(letter_fingerprint(letter) for letter in letters)
    assert received == produced, "every malformed record dead-lettered once, nothing else"
    wrong = [
        (letter["reason"], letter["message"])
        for letter in letters
        if letter["reason"] not in allowed[letter_fingerprint(letter)]
    ]
    assert wrong == []
    big_key = base64.b64encode(b"big").decode()  # the fuzz may draw 900,000 bytes too
    big = [letter for letter in letters if letter["key_b64"] == big_key]
    assert [(letter["value_size"], letter["value_truncated"]) for letter in big] == [
        (900_000, True)
    ]
    invalid_names = [
        header
        for letter in letters
        if letter["reason"] == "invalid_header"
        for header in letter["headers"]
        if header["key_b64"] is not None
    ]
    assert len(invalid_names) == len(raw)
