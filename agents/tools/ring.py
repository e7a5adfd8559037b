"""A ring of the last items added, as the synthetic feeds keep their active leads: appended
until it is full, then each new item overwrites the oldest."""

from typing import Generic, TypeVar

_T = TypeVar("_T")


class Ring(Generic[_T]):
    """The last `capacity` items added, in a list: `add` appends until the ring is full, then
    overwrites the oldest. `ring[i]` is the item at list position i; `newest(back)` the one
    added `back` adds before the last one."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: list[_T] = []
        self._oldest = 0  # the position replaced next once the ring is full

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, position: int) -> _T:
        return self._items[position]

    def add(self, item: _T) -> None:
        if len(self._items) < self.capacity:
            self._items.append(item)
        else:
            self._items[self._oldest] = item
            self._oldest = (self._oldest + 1) % self.capacity

    def newest(self, back: int) -> _T:
        """The item added `back` adds before the last one (0: the last), counting back past
        the oldest to the newest again."""
        count = len(self._items)
        newest = (self._oldest - 1) % count if count == self.capacity else count - 1
        return self._items[(newest - back) % count]
