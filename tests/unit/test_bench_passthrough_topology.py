"""The three-stage baseline counts an overflow record's hops from its key."""

from bench.passthrough_topology import hop_of


def test_a_record_not_passed_on_yet_has_made_no_hop() -> None:
    assert hop_of(None) == 0
    assert hop_of(b"inside-sales") == 0


def test_an_overflow_record_says_how_many_hops_it_made_in_its_key() -> None:
    assert hop_of(b"overflow-3") == 3
