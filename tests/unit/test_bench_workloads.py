"""The workloads by name: the synthetic feed or the real-shaped one, reps with capacity for
the real-shaped one; both key a share of their records by the lead's identity."""

from datetime import timedelta
from functools import cache
from pathlib import Path

import orjson
import pytest

from agents.tools.synthetic import DEFAULT_START, Record, SyntheticFeed
from agents.tools.synthetic_accounts import synthetic_accounts
from bench.loading import bench_reps
from bench.options import parse_args, run_settings
from bench.website_traffic import RealShapedFeed
from bench.workloads import (
    IDENTITY_KEYED,
    REAL_SHAPED_REP_CAPACITY,
    WORKLOADS,
    Feed,
    make_feed,
    rep_capacity,
)
from schemas.accounts import Account
from tests.unit.intake_keys import intake_identity, keyed_share

NOW = DEFAULT_START + timedelta(days=1)


@cache
def accounts() -> tuple[Account, ...]:
    return tuple(synthetic_accounts(200, 3))


def test_workloads_are_chosen_by_name() -> None:
    assert isinstance(make_feed("synthetic", 1, accounts()), SyntheticFeed)
    assert isinstance(make_feed("real-shaped", 1, accounts()), RealShapedFeed)
    assert rep_capacity("synthetic") is None
    assert rep_capacity("real-shaped") == REAL_SHAPED_REP_CAPACITY


def test_bench_reps_get_a_daily_capacity_only_when_asked() -> None:
    free = bench_reps(50)
    capped = bench_reps(50, capacity=7)
    rotating = [rep for rep in capped if rep.rep_id.startswith("rep-bench-")]

    assert all(rep.daily_capacity is None and rep.working_hours is None for rep in free)
    assert rotating
    assert {rep.daily_capacity for rep in rotating} == {7}
    # The demo reps keep their own capacities (inside sales takes 30 to 40 leads a day).
    inside = [rep for rep in capped if rep.rep_id.startswith("rep-is-")]
    assert {rep.daily_capacity for rep in inside} == {30, 40}
    assert all(rep.working_hours is None for rep in capped)


# --- keys: the lead's external id, or its identity as intake computes it -----------------------


def made(feed: Feed, n: int) -> tuple[Record, ...]:
    return tuple(feed.events(n, DEFAULT_START, timedelta(milliseconds=50)))


def test_the_synthetic_workload_keys_every_valid_event_by_the_identity_intake_computes() -> None:
    batch = made(make_feed("synthetic", 5, accounts(), garbage_share=0.05), 2000)

    for key, value, headers in batch:
        identity = intake_identity((key, value, headers), NOW)
        assert key == identity or (identity is None and not key.startswith((b"email:", b"ext:")))
    assert keyed_share(batch, NOW) == 1.0


def test_the_real_shaped_workload_keys_four_in_five_by_identity_and_the_rest_by_id() -> None:
    batch = made(make_feed("real-shaped", 5, accounts(), garbage_share=0.05), 4000)

    assert 0.75 < keyed_share(batch, NOW) < 0.85
    for key, value, headers in batch:
        identity = intake_identity((key, value, headers), NOW)
        if identity is None:  # garbage keeps the lead's id
            assert key.startswith(b"web-")
        else:
            assert key == identity or key == orjson.loads(value)["lead"]["external_id"].encode()


def test_a_share_given_to_the_bench_overrides_the_workloads() -> None:
    for workload in WORKLOADS:
        for share in (0.0, 0.5, 1.0):
            batch = made(make_feed(workload, 5, accounts(), identity_keyed=share), 2000)
            assert abs(keyed_share(batch, NOW) - share) < 0.05


def test_the_bench_records_the_identity_keyed_share_of_its_workload() -> None:
    def recorded(*argv: str) -> object:
        return run_settings(parse_args(list(argv)), Path("logs"))["identity_keyed"]

    assert recorded() == IDENTITY_KEYED["synthetic"] == 1.0
    assert recorded("--workload", "real-shaped") == IDENTITY_KEYED["real-shaped"] == 0.8
    assert recorded("--workload", "real-shaped", "--identity-keyed", "0.3") == 0.3
    with pytest.raises(SystemExit):
        parse_args(["--identity-keyed", "2"])
