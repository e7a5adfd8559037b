"""The JSON envelope of a synthetic lead event (`agents.tools.synthetic`): its id, type and time,
the lead, what the lead did (the activity, with its campaign and link) and the request context
marketing systems attach. Activity links and contexts are drawn once, `_CONTEXTS` of each, so an
event has realistic bytes without many draws.
"""

import math
import random
from datetime import UTC, datetime
from typing import Any, Final

from agents.tools.synthetic_draws import Draws
from agents.tools.synthetic_leads import Lead
from agents.tools.synthetic_vocabulary import (
    ACTIVITY_WEIGHTS,
    CAMPAIGNS,
    PAGES,
    SITE,
    USER_AGENTS,
    UTM_MEDIUMS,
    UTM_SOURCES,
)

# Pre-drawn request contexts and activity links: realistic bytes without many draws per event.
_CONTEXTS: Final = 256


class Envelopes(Draws):
    """Envelopes made by `make(...)`, drawing from `rng` (the contexts and activity links first,
    here)."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self._stamp_second = -1
        self._stamp_prefix = ""
        self._contexts = [self._context() for _ in range(_CONTEXTS)]
        self._activities = {
            name: [self._activity(name) for _ in range(_CONTEXTS)] for name, _ in ACTIVITY_WEIGHTS
        }

    def make(
        self, lead: Lead, event_type: str, activity_type: str | None, now: datetime
    ) -> dict[str, Any]:
        rng = self.rng
        stamp = self._stamp(now)
        envelope: dict[str, Any] = {
            "event_id": f"evt-{rng.getrandbits(64):016x}",
            "event_type": event_type,
            "occurred_at": stamp,
            "source": lead.source,
            "schema_version": "1.0",
            "lead": lead.attributes,
        }
        if activity_type is not None:
            template = self._choose(self._activities[activity_type])
            envelope["activity"] = {**template, "occurred_at": stamp}
        # Context marketing systems attach; leadrouter ignores it (tolerant reader).
        envelope["context"] = self._choose(self._contexts)
        return envelope

    def _stamp(self, now: datetime) -> str:
        """RFC 3339 in UTC to the millisecond; datetime.isoformat would cost a third of an event."""
        second = math.floor(now.timestamp())
        if second != self._stamp_second:
            self._stamp_second = second
            moment = datetime.fromtimestamp(second, UTC)
            self._stamp_prefix = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._stamp_prefix}.{now.microsecond // 1000:03d}Z"

    def _activity(self, activity_type: str) -> dict[str, str]:
        campaign = self._choose(CAMPAIGNS)
        pages = PAGES.get(activity_type)
        if pages:
            url = SITE + self._choose(pages)
        else:  # emails link through the marketing system's tracker
            url = f"{SITE}/l/{campaign}?mkt_tok={self.rng.getrandbits(48):012x}"
        return {"type": activity_type, "campaign": campaign, "url": url}

    def _context(self) -> dict[str, str]:
        return {
            "utm_source": self._choose(UTM_SOURCES),
            "utm_medium": self._choose(UTM_MEDIUMS),
            "utm_campaign": self._choose(CAMPAIGNS),
            "ip": f"203.0.113.{1 + self._below(254)}",
            "user_agent": self._choose(USER_AGENTS),
            "locale": self._choose(("en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR")),
        }
