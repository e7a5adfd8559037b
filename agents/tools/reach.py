"""The check every command that talks to Kafka makes first."""

import asyncio
import sys

from agents.plumbing.settings import Settings


def reach_broker(settings: Settings) -> bool:
    """Check the broker answers and accepts our credentials; on failure print why, in one line."""
    from agents.plumbing.preflight import BrokerConnectionError, check_broker

    try:
        asyncio.run(check_broker(settings.kafka))
    except BrokerConnectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return False
    return True
