"""Kafka keys of the synthetic feeds' records: the lead's external id, or its identity.

A marketing system keys a lead's records by its own id for it (`hs-00000042`). A record keyed by
the lead's identity instead, byte for byte what intake computes (`email:jane@acme.com`,
`ext:hubspot:123`, see `service.identity.lead_identity`), lands in the partition the default
partitioner gives that identity, so the worker can take it without re-keying it. A feed keys a
share of its records that way, decided record by record, so one lead's events arrive both ways.
"""

import argparse
import random
from collections.abc import Mapping
from typing import Any, Final

from pydantic import ValidationError

from schemas.events import LeadAttributes
from service.identity import lead_identity

# What `leadrouter demo feed` and the fault suite key by identity: most records, not all, so one
# lead's events arrive both ways.
MIXED_IDENTITY_KEYED: Final = 0.8


def identity_key(attributes: Mapping[str, Any], source: str) -> bytes | None:
    """The identity intake gives a lead with these attributes published by `source`, as key
    bytes; None when intake would give it none (or reject its attributes)."""
    try:
        lead = LeadAttributes.model_validate(attributes)
    except ValidationError:
        return None
    identity = lead_identity(lead, source)
    return None if identity is None else identity.encode()


class KeyChooser:
    """Picks each record's key: the lead's identity for `share` (0 to 1) of the records, its
    usual key for the rest and whenever it has no identity.

    The choice draws from a generator of its own, seeded from the feed's seed: the same seed
    gives the same keys, and a feed's values are the same whatever the share. With a share of
    0 or 1 nothing is drawn.
    """

    def __init__(self, share: float, seed: int) -> None:
        if not 0.0 <= share <= 1.0:
            raise ValueError("the identity-keyed share is between 0 and 1")
        self.share = share
        self._random = random.Random(f"identity-keyed/{seed}").random

    def identity(self, attributes: Mapping[str, Any], source: str) -> bytes | None:
        """The lead's identity key when some records are keyed by it (validation costs)."""
        return identity_key(attributes, source) if self.share > 0.0 else None

    def choose(self, key: bytes, identity: bytes | None) -> bytes:
        if identity is None or self.share <= 0.0:
            return key
        if self.share >= 1.0 or self._random() < self.share:
            return identity
        return key


def share_argument(text: str) -> float:
    """argparse type of `--identity-keyed SHARE`: a number from 0 to 1."""
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1")
    return share
