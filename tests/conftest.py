"""Every test runs the domain's current code: a compiled module older than its source would be
imported instead of it (agents/plumbing/native.py), so the session stops first, naming it."""

import pytest

from agents.plumbing.native import domain_package, native_state, stale_message


def pytest_sessionstart(session: pytest.Session) -> None:
    package = domain_package()
    stale = native_state(package).stale
    if stale:
        pytest.exit(stale_message(package, stale), returncode=4)
