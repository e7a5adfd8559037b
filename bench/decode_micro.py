"""Microseconds per record for intake's decode (`service.intake.decode_lead_event`) over the
synthetic feed's records, as the router reads them: the best of `--rounds` passes.

Usage: .venv/bin/python -m bench.decode_micro [--records 20000] [--rounds 5]
"""

import argparse
import time
from datetime import UTC, datetime, timedelta

from agents.tools.synthetic import SyntheticFeed
from bench.accounts_memory import synthetic_accounts
from service.intake import Rejection, decode_lead_event

START = datetime(2026, 12, 1, tzinfo=UTC)
INTERVAL = timedelta(milliseconds=50)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    feed = SyntheticFeed(args.seed, list(synthetic_accounts(1_000)), garbage_share=0.01)
    records = list(feed.events(args.records, START, INTERVAL))
    now = START + INTERVAL * args.records + timedelta(hours=1)
    best = float("inf")
    rejected = 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        decoded = [decode_lead_event(value, headers, now) for _, value, headers in records]
        best = min(best, time.perf_counter() - started)
        rejected = sum(isinstance(item, Rejection) for item in decoded)
    print(
        f"decode: {best / len(records) * 1e6:.1f} µs per record over {len(records):,} records "
        f"({rejected:,} rejected), best of {args.rounds}"
    )


if __name__ == "__main__":
    main()
