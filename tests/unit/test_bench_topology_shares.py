"""The three-stage passthrough's mix: shares from the router's counts, stable per-record draws."""

import orjson
import pytest

from bench.topology_shares import (
    MAX_OVERFLOW_HOPS,
    Shares,
    draw,
    lead_key,
    outcome_of,
    overflows,
    qualified_key,
    router_shares,
)


def values(count: int) -> list[bytes]:
    return [orjson.dumps({"event_id": f"evt-{number}", "n": number}) for number in range(count)]


def test_router_counts_give_shares_of_the_keyed_events() -> None:
    shares = router_shares(keyed=1000, qualified=150, queued=100, nurtured=600, decisions=900)

    assert shares is not None
    assert shares.routed == pytest.approx(0.1)
    assert shares.nurtured == pytest.approx(0.6)
    # 900 decisions: 100 by the assign stage, 600 nurtured, 200 for leads already routed.
    assert shares.decided == pytest.approx(0.2)
    # 50 overflow hops for 100 queued leads: a lead is passed on with p = 50 / 150 per hop,
    # which makes p / (1 - p) = 0.5 hops per lead on average.
    assert shares.overflow == pytest.approx(1 / 3)


def test_shares_of_every_event_survive_the_trip_through_the_command_line() -> None:
    shares = router_shares(keyed=2000, qualified=14, queued=14, nurtured=1653, decisions=2000)

    assert shares is not None
    assert shares.routed + shares.nurtured + shares.decided == pytest.approx(1.0)
    again = Shares(*(float(arg.split("=")[1]) for arg in shares.as_args()))
    assert again.routed == pytest.approx(shares.routed, abs=1e-6)


def test_more_outcomes_than_keyed_events_scale_down_to_one_each() -> None:
    shares = router_shares(keyed=100, qualified=20, queued=20, nurtured=90, decisions=130)

    assert shares is not None
    assert shares.routed + shares.nurtured + shares.decided == pytest.approx(1.0)
    assert shares.nurtured == pytest.approx(90 / 130)


def test_no_shares_when_the_router_keyed_nothing() -> None:
    assert router_shares(keyed=0, qualified=0, queued=0, nurtured=0, decisions=0) is None


def test_shares_over_one_are_refused() -> None:
    with pytest.raises(ValueError, match="more than 1"):
        Shares(routed=0.5, nurtured=0.5, decided=0.1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        Shares(routed=0.1, nurtured=0.1, decided=0.1, overflow=1.5)


def test_outcomes_follow_the_shares_and_repeat_for_the_same_bytes() -> None:
    shares = Shares(routed=0.1, nurtured=0.6, decided=0.25)
    batch = values(20_000)

    outcomes: list[str] = [outcome_of(value, shares) for value in batch]

    assert outcomes == [outcome_of(value, shares) for value in batch]
    for outcome, share in (("routed", 0.1), ("nurtured", 0.6), ("decided", 0.25)):
        assert outcomes.count(outcome) / len(batch) == pytest.approx(share, abs=0.015)
    assert outcomes.count("dropped") / len(batch) == pytest.approx(0.05, abs=0.01)


def test_overflow_draws_differ_by_hop_and_stop_at_the_last_hop() -> None:
    shares = Shares(routed=1.0, nurtured=0.0, decided=0.0, overflow=0.5)
    batch = values(10_000)

    first = [overflows(value, 0, shares) for value in batch]
    second = [overflows(value, 1, shares) for value in batch]

    assert sum(first) / len(batch) == pytest.approx(0.5, abs=0.02)
    assert first != second
    assert not any(overflows(value, MAX_OVERFLOW_HOPS, shares) for value in batch)
    assert all(0.0 <= draw(value, 3) < 1.0 for value in batch[:100])


def test_records_are_keyed_by_the_lead_and_qualified_by_country() -> None:
    event = {"lead": {"email": "ada@example.com", "external_id": "mkto-1", "country": "UK"}}
    by_id = {"lead": {"external_id": "mkto-2"}}

    assert lead_key(event) == b"ada@example.com"
    assert lead_key(by_id) == b"mkto-2"
    assert lead_key({"lead": {}}) is None
    assert lead_key(["not", "an", "object"]) is None
    assert qualified_key(event) == b"UK"
    assert qualified_key(by_id) == b"unknown"


def test_shares_travel_as_the_passthroughs_options() -> None:
    shares = Shares(routed=0.1, nurtured=0.2, decided=0.3, overflow=0.4)

    assert shares.as_args() == [
        "--routed=0.100000",
        "--nurtured=0.200000",
        "--decided=0.300000",
        "--overflow=0.400000",
    ]
