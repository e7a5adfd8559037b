"""Every test runs the domain's current code: a compiled module older than its source would be
imported instead of it (agents/plumbing/native.py), so the session stops first, naming it."""

import pytest

from agents.plumbing.native import stale_build_error


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = stale_build_error()
    if stale is not None:
        pytest.exit(stale, returncode=4)
