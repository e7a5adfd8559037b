"""What the synthetic feed (`agents.tools.synthetic`) draws its leads, companies and activities
from: names, job titles, countries and industries as people type them into forms, the marketing
systems that publish leads, their campaigns and links, and how often each kind of engagement
happens. `agents.tools.synthetic_accounts` names its accounts from the same words.

The values are in data/synthetic_vocabulary.json, with a note on each table; they are read once,
here (order and repeats matter: a seed gives the same feed only with the same tables).
"""

from typing import Final

from agents.tools.data_tables import DataTables

_TABLES: Final = DataTables("agents.tools", "synthetic_vocabulary.json")

# What leads do: (activity type, weight); a lead created without an activity type is an import.
ACTIVITY_WEIGHTS: Final[tuple[tuple[str, float], ...]] = _TABLES.weighted("activity_weights")
CREATION_WEIGHTS: Final[tuple[tuple[str | None, float], ...]] = _TABLES.weighted("creation_weights")
# Who they are: (weight, job titles) by seniority, (weight, countries) by territory, regions
# by country, and words.
SENIORITY_TITLES: Final = _TABLES.weighted_groups("seniority_titles")
COUNTRIES: Final = _TABLES.weighted_groups("countries")
REGIONS: Final = _TABLES.string_groups("regions")
FIRST_NAMES, LAST_NAMES, FREE_MAIL, INTERESTS = _TABLES.strings(
    "first_names", "last_names", "free_mail", "interests"
)
# The companies they work at: names are stem + ending + suffix (+ legal form), and their domains.
INDUSTRIES, NAME_STEMS, NAME_ENDINGS, NAME_SUFFIXES, LEGAL_FORMS, TLDS = _TABLES.strings(
    "industries", "name_stems", "name_endings", "name_suffixes", "legal_forms", "tlds"
)
# Where leads come from: (source, external id prefix, weight), campaigns, links and contexts.
SOURCES: Final[tuple[tuple[str, str, float], ...]] = _TABLES.weighted("sources")
CAMPAIGNS, UTM_SOURCES, UTM_MEDIUMS, USER_AGENTS = _TABLES.strings(
    "campaigns", "utm_sources", "utm_mediums", "user_agents"
)
SITE: Final[str] = _TABLES.values("site")
PAGES: Final = _TABLES.string_groups("pages")
