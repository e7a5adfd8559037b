"""The key intake gives a feed's record: its lead's identity, as the direct path expects it."""

from collections.abc import Sequence
from datetime import datetime

from agents.tools.synthetic import Record
from service.identity import lead_identity
from service.intake import Rejection, decode_lead_event


def intake_identity(record: Record, now: datetime) -> bytes | None:
    """The identity intake computes for the record's event; None if it rejects the record."""
    _, value, headers = record
    event = decode_lead_event(value, headers, now)
    if isinstance(event, Rejection):
        return None
    identity = lead_identity(event.lead, event.source)
    return None if identity is None else identity.encode()


def keyed_share(batch: Sequence[Record], now: datetime) -> float:
    """Share of the valid records keyed by their lead's identity."""
    identities = [(record[0], intake_identity(record, now)) for record in batch]
    valid = [(key, identity) for key, identity in identities if identity is not None]
    return sum(key == identity for key, identity in valid) / len(valid)
