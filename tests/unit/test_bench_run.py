"""The bench's notes on what the router wrote per input event."""

from pathlib import Path

from agents.plumbing.topics import PROFILES_TABLE, changelog_topic
from bench.written import bytes_note, changelogs_of


def test_the_bytes_note_counts_the_topics_and_every_changelog_per_input_event(
    tmp_path: Path,
) -> None:
    profiles = changelog_topic("app", PROFILES_TABLE)
    other = next(topic for topic in changelogs_of("app") if topic != profiles)
    for topic, size in (("leads.decisions.v1", 1000), (profiles, 3000), (other, 500)):
        (tmp_path / f"{topic}-0").mkdir()
        (tmp_path / f"{topic}-0" / "00000000000000000000.log").write_bytes(b"x" * size)

    note = bytes_note(tmp_path, ["leads.decisions.v1"], "app", events=2)

    assert note.startswith("bytes written per input event: 2.2 kB, the profile changelog 1.5 kB")
