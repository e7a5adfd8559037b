"""Tables of words and weights kept in a JSON data file next to the code that draws from them,
read once into tuples. The file maps each table's name to `{"_about": why, "values": ...}`; the
notes are for whoever edits the file, and keys starting with `_` are not tables.
"""

from typing import Any

from service.data_files import read_package_data


class DataTables:
    """The tables of data/`name` in `package` (a dotted package name)."""

    def __init__(self, package: str, name: str) -> None:
        self._tables: dict[str, Any] = read_package_data(package, name)

    def values(self, table: str) -> Any:
        """The table's values as the JSON has them."""
        return self._tables[table]["values"]

    def strings(self, *tables: str) -> list[tuple[str, ...]]:
        """Lists of words, as tuples: one per table named, in that order."""
        return [tuple(self.values(table)) for table in tables]

    def rows(self, table: str) -> tuple[tuple[Any, ...], ...]:
        """A list of rows, each a tuple."""
        return tuple(tuple(row) for row in self.values(table))

    def weighted(self, table: str) -> tuple[tuple[Any, ...], ...]:
        """Rows whose last item is a weight: tuples, the weight a float."""
        return tuple((*row[:-1], float(row[-1])) for row in self.values(table))

    def weighted_groups(self, table: str) -> tuple[tuple[float, tuple[str, ...]], ...]:
        """[weight, words] pairs: (float, tuple of words)."""
        return tuple((float(weight), tuple(words)) for weight, words in self.values(table))

    def string_groups(self, table: str) -> dict[str, tuple[str, ...]]:
        """An object of word lists: a dict of tuples."""
        return {key: tuple(words) for key, words in self.values(table).items()}
