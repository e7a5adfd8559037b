"""Which lane a keyed lead record is replayed in, when its input record may have gone direct.

A lead's profile keeps a position per lane (`schemas.profiles.LeadProfile.position`): the keyed
topic's offsets, and per input topic the offsets of records applied directly
(`agents/plumbing/direct.py`). A keyed record is normally positioned in the keyed lane. It is a
replay in the direct lane only when its input record itself was applied directly before: read
again after a crash, that input record took the keyed path the second time.
"""

from schemas.pipeline import KeyedLeadEvent
from schemas.profiles import KEYED_LANE, LeadProfile


def keyed_record_lane(
    previous: LeadProfile | None, record: KeyedLeadEvent, partition: int, offset: int
) -> tuple[str, int]:
    """The lane and offset of the keyed record at `offset` of keyed `partition`.

    It belongs to the keyed lane when that lane already applied it (its position reached
    `offset`), when its input record could not go direct (keyed otherwise than by the lead's
    identity, or in another partition), or when the direct lane has not reached the input
    record. Otherwise the input record was applied directly, and the keyed copy is that
    record's replay."""
    source = record.source
    if (
        previous is None
        or offset <= previous.position(KEYED_LANE)
        or not record.keyed_by_identity
        or source.partition != partition
        or source.offset > previous.position(source.topic)
    ):
        return KEYED_LANE, offset
    return source.topic, source.offset
