"""What the synthetic feed (`agents.tools.synthetic`) draws its leads, companies and activities
from: names, job titles, countries and industries as people type them into forms, the marketing
systems that publish leads, their campaigns and links, and how often each kind of engagement
happens. `agents.tools.synthetic_accounts` names its accounts from the same words.

The values are in data/synthetic_vocabulary.json, with a note on each table; they are read once,
here, into tuples (order and repeats matter: a seed gives the same feed only with the same tables).
"""

from typing import Any, Final

from service.data_files import read_package_data

_TABLES: Final = read_package_data("agents.tools", "synthetic_vocabulary.json")


def _values(name: str) -> Any:
    return _TABLES[name]["values"]


def _strings(name: str) -> tuple[str, ...]:
    return tuple(_values(name))


def _string_groups(name: str) -> dict[str, tuple[str, ...]]:
    return {key: tuple(values) for key, values in _values(name).items()}


def _weighted_groups(name: str) -> tuple[tuple[float, tuple[str, ...]], ...]:
    return tuple((float(weight), tuple(values)) for weight, values in _values(name))


# (activity type, weight); a creation without an activity type is an import.
ACTIVITY_WEIGHTS: Final[tuple[tuple[str, float], ...]] = tuple(
    (name, float(weight)) for name, weight in _values("activity_weights")
)
CREATION_WEIGHTS: Final[tuple[tuple[str | None, float], ...]] = tuple(
    (name, float(weight)) for name, weight in _values("creation_weights")
)
SENIORITY_TITLES: Final = _weighted_groups("seniority_titles")
COUNTRIES: Final = _weighted_groups("countries")
REGIONS: Final = _string_groups("regions")
INDUSTRIES: Final = _strings("industries")
FREE_MAIL: Final = _strings("free_mail")
FIRST_NAMES: Final = _strings("first_names")
LAST_NAMES: Final = _strings("last_names")
NAME_STEMS: Final = _strings("name_stems")
NAME_ENDINGS: Final = _strings("name_endings")
NAME_SUFFIXES: Final = _strings("name_suffixes")
LEGAL_FORMS: Final = _strings("legal_forms")
TLDS: Final = _strings("tlds")
# (source, external id prefix, weight)
SOURCES: Final[tuple[tuple[str, str, float], ...]] = tuple(
    (name, prefix, float(weight)) for name, prefix, weight in _values("sources")
)
CAMPAIGNS: Final = _strings("campaigns")
UTM_SOURCES: Final = _strings("utm_sources")
UTM_MEDIUMS: Final = _strings("utm_mediums")
USER_AGENTS: Final = _strings("user_agents")
SITE: Final[str] = _values("site")
PAGES: Final = _string_groups("pages")
INTERESTS: Final = _strings("interests")
