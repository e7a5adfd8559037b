"""How much memory and time an AccountIndex of N synthetic accounts costs, and how fast match() is.

Usage: .venv/bin/python bench/accounts_memory.py [N]   (default 1,000,000)
"""

import gc
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from schemas.accounts import Account
from service.accounts import AccountIndex

_TIERS = ("standard", "standard", "standard", "strategic", "key")
_INDUSTRIES = ("Banking", "Retail", "Software", "Biotech", "Automotive", "Media", None)
_COUNTRIES = ("US", "DE", "GB", "FR", "JP", "BR", None)


def rss_bytes() -> int:
    """Current resident set size (not the peak), from /proc on Linux."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * 4096


def synthetic_accounts(count: int) -> Iterator[Account]:
    for number in range(count):
        yield Account(
            account_id=f"001A{number:014d}",
            name=f"Company {number} Holdings Inc.",
            domains=(f"company{number}.com", f"company{number}-group.co.uk"),
            industry=_INDUSTRIES[number % len(_INDUSTRIES)],
            employee_count=(number * 37) % 20_000,
            annual_revenue=float((number * 7919) % 900_000_000),
            country=_COUNTRIES[number % len(_COUNTRIES)],
            tier=_TIERS[number % len(_TIERS)],
            owner_rep_id=f"rep-{number % 500:04d}",
        )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    index = AccountIndex()
    gc.collect()
    rss_before = rss_bytes()
    upsert_seconds = 0.0
    started = time.perf_counter()
    for account in synthetic_accounts(count):
        upsert_started = time.perf_counter()
        index.upsert(account)
        upsert_seconds += time.perf_counter() - upsert_started
    load_seconds = time.perf_counter() - started
    gc.collect()
    rss_delta = rss_bytes() - rss_before
    print(f"accounts: {len(index):,}")
    print(f"load: {load_seconds:.1f} s total, of which upsert() {upsert_seconds:.1f} s")
    print(f"RSS delta: {rss_delta / 2**20:.0f} MiB ({rss_delta / max(count, 1):.0f} bytes/account)")

    probes = 100_000
    lookups = [
        (f"eu.company{(n * 7) % count}.com", None, None)
        if n % 3 == 0
        else (None, f"https://www.company{(n * 7) % count}-group.co.uk/about", None)
        if n % 3 == 1
        else ("gmail.com", None, f"COMPANY {(n * 7) % count} HOLDINGS, INC")
        for n in range(probes)
    ]
    started = time.perf_counter()
    found = sum(1 for lookup in lookups if index.match(*lookup) is not None)
    match_seconds = time.perf_counter() - started
    print(f"match(): {match_seconds / probes * 1e6:.1f} µs per call ({found:,}/{probes:,} found)")
    started = time.perf_counter()
    misses = sum(1 for n in range(probes) if index.match(f"nobody{n}.org", None, None) is None)
    miss_seconds = time.perf_counter() - started
    print(f"match() miss: {miss_seconds / probes * 1e6:.1f} µs per call ({misses:,} misses)")


if __name__ == "__main__":
    main()
