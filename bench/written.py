"""What a Faust consumer (the router or the three-stage passthrough) wrote per input event: its
records and bytes, its topics and its tables' changelogs included (the notes of its run)."""

from collections.abc import Sequence
from pathlib import Path

from agents.plumbing.topics import PROFILES_TABLE, TABLES, changelog_topic
from bench.broker import logged_bytes
from bench.topics import TopicProbe


def changelogs_of(app_id: str) -> list[str]:
    """The changelog topics of the app's tables."""
    return [changelog_topic(app_id, table) for table in TABLES]


async def records_written(probe: TopicProbe, written: Sequence[str], app_id: str) -> int:
    """Every record a Faust consumer wrote: its topics and its tables' changelogs."""
    return sum((await probe.counts([*written, *changelogs_of(app_id)])).values())


def bytes_note(data: Path, written: Sequence[str], app_id: str, events: int) -> str:
    """The bytes a Faust consumer wrote per input event, as its topics' logs hold them."""
    profiles = changelog_topic(app_id, PROFILES_TABLE)
    sizes = logged_bytes(data, [*written, *changelogs_of(app_id)])
    per_event = sum(sizes.values()) / events / 1000 if events else 0.0
    profile = sizes[profiles] / events / 1000 if events else 0.0
    return (
        f"bytes written per input event: {per_event:.1f} kB, the profile changelog {profile:.1f} "
        "kB (the broker's logs)"
    )


def records_note(written: int, events: int) -> str:
    per_event = written / events if events else 0.0
    return f"records written per input event: {per_event:.2f} (table changelogs included)"
