"""The synthetic feed keys its records by the lead's external id or, a share of them, by its
identity as intake computes it."""

import argparse
from functools import cache

import pytest

from agents.tools.feed_keys import identity_key, share_argument
from agents.tools.synthetic import Record, SyntheticFeed
from schemas.events import LeadEvent
from tests.unit.feed_records import NOW, accounts, default_events, records
from tests.unit.intake_keys import intake_identity


@cache
def keyed_records(share: float, garbage_share: float = 0.0, seed: int = 11) -> tuple[Record, ...]:
    feed = SyntheticFeed(seed, accounts(), garbage_share=garbage_share, identity_keyed=share)
    return tuple(feed.events(3000))


def test_by_default_every_record_is_keyed_by_the_leads_external_id() -> None:
    for (key, _, _), event in zip(records(), default_events(), strict=True):
        assert isinstance(event, LeadEvent)
        assert key == (event.lead.external_id or "").encode()


def test_fully_identity_keyed_every_valid_record_is_keyed_by_the_identity_intake_computes() -> None:
    valid = [
        (record, identity)
        for record in keyed_records(1.0, garbage_share=0.1)
        if (identity := intake_identity(record, NOW)) is not None
    ]

    assert [record[0] for record, _ in valid] == [identity for _, identity in valid]
    assert len(valid) > 2500
    # Leads with an email and leads known only by the source's id; plain JSON and CloudEvents.
    assert {identity.split(b":")[0] for _, identity in valid} == {b"email", b"ext"}
    assert any(name == "ce_id" for record, _ in valid for name, _ in record[2])


def test_the_identity_keyed_share_changes_valid_records_keys_and_nothing_else() -> None:
    keyed = keyed_records(1.0, garbage_share=0.1)
    plain = keyed_records(0.0, garbage_share=0.1)

    assert [record[1:] for record in keyed] == [record[1:] for record in plain]
    garbage = [
        (by_identity[0], by_id[0])
        for by_identity, by_id in zip(keyed, plain, strict=True)
        if intake_identity(by_identity, NOW) is None
    ]
    assert len(garbage) > 200
    assert all(key == kept for key, kept in garbage)  # garbage keeps its key


def test_half_identity_keyed_one_leads_events_arrive_keyed_both_ways() -> None:
    ways: dict[bytes, list[bool]] = {}
    for record in keyed_records(0.5):
        identity = intake_identity(record, NOW)
        assert identity is not None
        ways.setdefault(identity, []).append(record[0] == identity)

    both = [identity for identity, seen in ways.items() if set(seen) == {True, False}]
    assert len(both) > 10
    by_identity = [way for seen in ways.values() for way in seen]
    assert 0.45 < sum(by_identity) / len(by_identity) < 0.55


def test_identity_keys_are_the_same_for_the_same_seed() -> None:
    again = tuple(SyntheticFeed(11, accounts(), identity_keyed=0.5).events(3000))

    assert again == keyed_records(0.5)
    assert [key for key, _, _ in keyed_records(0.5, seed=12)] != [
        key for key, _, _ in keyed_records(0.5)
    ]


def test_an_identity_keyed_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        SyntheticFeed(1, accounts(), identity_keyed=1.5)
    for text in ("1.5", "-0.1", "nan", "most"):
        with pytest.raises(argparse.ArgumentTypeError):
            share_argument(text)
    assert share_argument("0.25") == 0.25


def test_the_identity_key_is_the_identity_intake_computes_and_none_without_one() -> None:
    assert identity_key({"external_id": " Ab-1 ", "email": "Jane@ACME.com "}, "hubspot") == (
        b"email:jane@acme.com"
    )
    assert identity_key({"external_id": "ab-1"}, " HubSpot ") == b"ext:hubspot:ab-1"
    assert identity_key({"external_id": "n/a"}, "hubspot") is None
    assert identity_key({"email": "jane at acme.com", "external_id": "1"}, "hubspot") is None
