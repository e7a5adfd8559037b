"""Derived values: derived once per bytes the table holds, and at most `capacity` of them."""

from agents.plumbing.derived import Derived
from agents.plumbing.outputs import Output
from agents.plumbing.tables import DurableTable
from tests.unit.fake_producer import fake_table


class Counting:
    """A derivation that counts its calls: the bytes' length, and which keys it was called for."""

    def __init__(self) -> None:
        self.calls = 0
        self.keys: list[bytes] = []

    def __call__(self, key: bytes, raw: bytes) -> int:
        self.calls += 1
        self.keys.append(key)
        return len(raw)


def derived_over(data: dict[bytes, bytes], capacity: int = 10) -> tuple[Derived[int], DurableTable]:
    table = DurableTable(fake_table(data), Output(None, "things-changelog"))
    return Derived(table, capacity), table


def test_a_value_is_derived_once_while_the_table_holds_the_same_bytes() -> None:
    derived, _ = derived_over({b"k": b"abc"})
    derive = Counting()

    assert [derived.get(b"k", derive) for _ in range(3)] == [3, 3, 3]
    assert derive.keys == [b"k"]


def test_bytes_replaced_in_the_table_are_derived_again() -> None:
    derived, table = derived_over({b"k": b"abc"})
    derive = Counting()
    derived.get(b"k", derive)

    table.table.data[b"k"] = b"abcdef"

    assert derived.get(b"k", derive) == 6
    assert derive.calls == 2


def test_a_held_value_is_used_without_deriving_and_a_missing_key_is_none() -> None:
    derived, table = derived_over({b"k": b"abc"})
    derive = Counting()
    derived.hold(b"k", table.get(b"k") or b"", 42)

    assert derived.get(b"k", derive) == 42
    assert derived.get(b"gone", derive) is None
    assert derive.calls == 0


def test_at_most_capacity_values_are_held_the_least_recently_used_leave_first() -> None:
    derived, _ = derived_over({b"a": b"1", b"b": b"22", b"c": b"333"}, capacity=2)
    derive = Counting()
    derived.get(b"a", derive)
    derived.get(b"b", derive)
    derived.get(b"a", derive)  # b is now the least recently used

    derived.get(b"c", derive)

    assert len(derived) == 2
    derived.get(b"a", derive)
    assert derive.calls == 3
    derived.get(b"b", derive)
    assert derive.calls == 4
