"""The vocabulary data files of the synthetic feeds: every table has a note, and its loader reads
every table into a name of its own."""

from types import ModuleType

import pytest

import agents.tools.synthetic_vocabulary
import bench.website_vocabulary
from service.data_files import read_package_data

VOCABULARIES = [
    (agents.tools.synthetic_vocabulary, "agents.tools", "synthetic_vocabulary.json"),
    (bench.website_vocabulary, "bench", "website_vocabulary.json"),
]


@pytest.mark.parametrize(("module", "package", "name"), VOCABULARIES)
def test_every_table_has_a_note_and_a_name_in_its_loader(
    module: ModuleType, package: str, name: str
) -> None:
    tables = read_package_data(package, name)
    assert isinstance(tables.pop("_about"), str)
    for table, content in tables.items():
        assert set(content) == {"_about", "values"}, table
        assert content["_about"].strip(), table
    exported = {each.lower() for each in vars(module) if each.isupper() and each[0] != "_"}
    assert exported == set(tables)


def test_the_tables_keep_their_types() -> None:
    vocabulary = agents.tools.synthetic_vocabulary
    assert vocabulary.CREATION_WEIGHTS[-1] == (None, 19.0)
    assert all(type(weight) is float for _, weight in vocabulary.ACTIVITY_WEIGHTS)
    assert all(isinstance(words, tuple) for _, words in vocabulary.SENIORITY_TITLES)
    assert all(isinstance(pages, tuple) for pages in vocabulary.PAGES.values())
    assert isinstance(vocabulary.FIRST_NAMES, tuple)
    assert bench.website_vocabulary.SOURCES[2] == ("Direct Traffic", None, None, 14.0)
    assert bench.website_vocabulary.HAND_RAISERS[0] == ("demo_request", "/demo")
