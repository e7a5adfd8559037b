"""What the real-shaped workload's website traffic (`bench.website_traffic`) is made of: where
leads come from and their campaigns, the site's pages and forms, and the names, job titles and
countries people type into those forms.

The values are in data/website_vocabulary.json, with a note on each table; they are read once,
here (order and repeats matter: a seed gives the same feed only with the same tables).
"""

from typing import Final

from agents.tools.data_tables import DataTables

_TABLES: Final = DataTables("bench", "website_vocabulary.json")

# (lead source, utm_source, utm_medium, share of new leads)
SOURCES: Final[tuple[tuple[str, str | None, str | None, float], ...]] = _TABLES.weighted("sources")
SITE: Final[str] = _TABLES.values("site")
CAMPAIGNS, LANDING, BROWSING, PRICING = _TABLES.strings(
    "campaigns", "landing", "browsing", "pricing"
)
# (activity type, form name, path) and (activity type, path)
FORMS: Final[tuple[tuple[str, str, str], ...]] = _TABLES.rows("forms")
HAND_RAISERS: Final[tuple[tuple[str, str], ...]] = _TABLES.rows("hand_raisers")
FIRST_NAMES, LAST_NAMES, TITLES, BUYER_TITLES, COUNTRIES, FREE_MAIL = _TABLES.strings(
    "first_names", "last_names", "titles", "buyer_titles", "countries", "free_mail"
)
