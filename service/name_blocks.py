"""Accounts' compact company names filed by their first letters, so that a fuzzy lookup compares
a lead's name with a bounded few instead of a million."""

from collections.abc import Callable
from typing import NamedTuple

from service.company_names import fuzzy_block_key

# A block holding more names than this is "crowded": a fuzzy lookup there would be slow, and
# keeping only some of its names could hide the runner-up that makes a match ambiguous, so
# crowded blocks answer no candidates at all (and stop storing names, which saves memory).
BLOCK_SIZE = 512
# Names in a block are stored as one UTF-8 buffer (compact names hold no whitespace): about a
# quarter of the memory of a list of str objects.
_SEPARATOR = b"\n"


class Candidates(NamedTuple):
    """The accounts filed in one block, in the order they were filed, with their compact names;
    `crowded` when the block holds too many to compare."""

    account_ids: tuple[str, ...]
    names: tuple[str, ...]
    crowded: bool


_NO_CANDIDATES = Candidates((), (), crowded=False)


class _Block:
    __slots__ = ("ids", "names")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.names: bytearray | None = bytearray()


class NameBlocks:
    """Compact company names by block key (see `fuzzy_block_key`), each block bounded."""

    __slots__ = ("_blocks",)

    def __init__(self) -> None:
        self._blocks: dict[str, _Block] = {}

    def add(self, account_id: str, compact: str) -> None:
        """File an account under its compact name's block (names too short for fuzzy matching
        are not filed)."""
        key = fuzzy_block_key(compact)
        if key is None:
            return
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = _Block()
        block.ids.append(account_id)
        if block.names is None:
            return
        if len(block.ids) > BLOCK_SIZE:
            block.names = None
            return
        if len(block.ids) > 1:
            block.names += _SEPARATOR
        block.names += compact.encode()

    def discard(self, account_id: str, compact: str, compact_name_of: Callable[[str], str]) -> None:
        """Take an account out of the block it was filed under with `compact`; a crowded block
        that is no longer crowded gets its names back from `compact_name_of(account_id)`."""
        key = fuzzy_block_key(compact)
        block = self._blocks.get(key) if key is not None else None
        if key is None or block is None or account_id not in block.ids:
            return
        position = block.ids.index(account_id)
        del block.ids[position]
        if not block.ids:
            del self._blocks[key]
            return
        if block.names is not None:
            names = block.names.split(_SEPARATOR)
            del names[position]
            block.names = bytearray(_SEPARATOR.join(names))
        elif len(block.ids) <= BLOCK_SIZE:
            joined = _SEPARATOR.join(compact_name_of(other).encode() for other in block.ids)
            block.names = bytearray(joined)

    def candidates(self, compact: str) -> Candidates:
        """The accounts filed in the block a lead's compact name falls in."""
        key = fuzzy_block_key(compact)
        block = self._blocks.get(key) if key is not None else None
        if block is None:
            return _NO_CANDIDATES
        if block.names is None:
            return Candidates((), (), crowded=True)
        names = block.names.decode().split(_SEPARATOR.decode())
        return Candidates(tuple(block.ids), tuple(names), crowded=False)
