"""What the real-shaped workload's website traffic (`bench.website_traffic`) is made of: where
leads come from and their campaigns, the site's pages and forms, and the names, job titles and
countries people type into those forms.

The values are in data/website_vocabulary.json, with a note on each table; they are read once,
here, into tuples (order and repeats matter: a seed gives the same feed only with the same tables).
"""

from typing import Any, Final

from service.data_files import read_package_data

_TABLES: Final = read_package_data("bench", "website_vocabulary.json")


def _values(name: str) -> Any:
    return _TABLES[name]["values"]


def _strings(name: str) -> tuple[str, ...]:
    return tuple(_values(name))


# (lead source, utm_source, utm_medium, share of new leads)
SOURCES: Final[tuple[tuple[str, str | None, str | None, float], ...]] = tuple(
    (source, utm_source, utm_medium, float(share))
    for source, utm_source, utm_medium, share in _values("sources")
)
CAMPAIGNS: Final = _strings("campaigns")
SITE: Final[str] = _values("site")
LANDING: Final = _strings("landing")
BROWSING: Final = _strings("browsing")
PRICING: Final = _strings("pricing")
# (activity type, form name, path)
FORMS: Final[tuple[tuple[str, str, str], ...]] = tuple(
    (kind, form, path) for kind, form, path in _values("forms")
)
# (activity type, path)
HAND_RAISERS: Final[tuple[tuple[str, str], ...]] = tuple(
    (kind, path) for kind, path in _values("hand_raisers")
)
FIRST_NAMES: Final = _strings("first_names")
LAST_NAMES: Final = _strings("last_names")
TITLES: Final = _strings("titles")
BUYER_TITLES: Final = _strings("buyer_titles")
COUNTRIES: Final = _strings("countries")
FREE_MAIL: Final = _strings("free_mail")
