"""The ring of active leads: the last items added, the oldest overwritten once it is full."""

from agents.tools.ring import Ring


def filled(capacity: int, items: range) -> Ring[int]:
    ring: Ring[int] = Ring(capacity)
    for item in items:
        ring.add(item)
    return ring


def test_a_ring_appends_until_it_is_full() -> None:
    ring = filled(4, range(3))

    assert [ring[position] for position in range(len(ring))] == [0, 1, 2]


def test_a_full_ring_overwrites_its_oldest_item() -> None:
    ring = filled(4, range(6))

    assert len(ring) == 4
    assert [ring[position] for position in range(4)] == [4, 5, 2, 3]


def test_the_newest_items_count_back_from_the_last_one_added() -> None:
    assert [filled(4, range(6)).newest(back) for back in range(5)] == [5, 4, 3, 2, 5]
    assert [filled(4, range(3)).newest(back) for back in range(4)] == [2, 1, 0, 2]
