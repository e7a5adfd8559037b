"""Countries and sales territories from what people type: names, ISO codes, regions, typos."""

from functools import lru_cache
from typing import get_args

import pycountry
from rapidfuzz import fuzz, process

from schemas.enrichment import Territory
from service.data_files import read_data
from service.phrases import CACHE_SIZE, words_of

# A misspelt country name ("Germnay", "Phillipines", "Untied States") is accepted when it is
# close to one country's name and clearly closer to it than to any other country's: fuzz.ratio
# from _FUZZY_SCORE, _FUZZY_MARGIN points ahead. Codes and short names are never guessed at.
_FUZZY_SCORE = 85.0
_FUZZY_MARGIN = 5.0
_FUZZY_MIN_LENGTH = 5


def _country_key(value: str | None) -> str | None:
    words = words_of(value)
    if words is None:
        return None
    words = words.replace(" st ", " saint ")
    if words.startswith(" the ") and len(words) > len(" the  "):
        words = words[len(" the") :]
    return words.strip()


def _load_country_codes() -> dict[str, str]:
    """Every way of writing a country, as a key, to its ISO alpha-2 code: ISO 3166's codes and
    names (through pycountry), then the extra names in data/country_aliases.json ("UK",
    "Deutschland", "Holland", "Kosovo"), which win where they disagree."""
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for field in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            key = _country_key(getattr(country, field, None))
            if key is not None:  # "NA" (Namibia) reads as a placeholder
                codes.setdefault(key, country.alpha_2)
    aliases: dict[str, list[str]] = read_data("country_aliases.json")
    for code, names in aliases.items():
        for name in (code, *names):
            key = _country_key(name)
            if key is not None:
                codes[key] = code
    return codes


def _load_territories(name: str, read_key: bool) -> dict[str, Territory]:
    """data/territories.json (ISO codes) or data/regions.json (region names) by territory."""
    known: dict[str, Territory] = {territory: territory for territory in get_args(Territory)}
    table: dict[str, list[str]] = read_data(name)
    territories: dict[str, Territory] = {}
    for territory, values in table.items():
        for value in values:
            key = _country_key(value) if read_key else value
            if key is not None:
                territories[key] = known[territory]
    return territories


_COUNTRY_CODES = _load_country_codes()
_TERRITORIES = _load_territories("territories.json", read_key=False)
_REGIONS = _load_territories("regions.json", read_key=True)
_FUZZY_KEYS = tuple(
    key for key in _COUNTRY_CODES if len(key) >= _FUZZY_MIN_LENGTH and key not in _REGIONS
)


@lru_cache(maxsize=CACHE_SIZE)
def country_code_from_country(country: str | None) -> str | None:
    """The ISO 3166 alpha-2 code for a country written as a name, an alpha-2 or alpha-3 code, a
    common variant ("USA", "U.S.", "United States of America", "UK", "Deutschland", "The
    Netherlands", "Korea, Republic of") or a small misspelling ("Germnay", "Phillipines");
    None for blanks, placeholders, regions ("Europe", "Asia/Pacific Region") and unknown names.

    "NA" is read as "not applicable", not Namibia: forms use it far more often that way.
    """
    key = _country_key(country)
    if key is None or key in _REGIONS:
        return None
    code = _COUNTRY_CODES.get(key)
    return code if code is not None else _fuzzy_country_code(key)


def _fuzzy_country_code(key: str) -> str | None:
    if len(key) < _FUZZY_MIN_LENGTH:
        return None
    results = process.extract(
        key, _FUZZY_KEYS, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE, limit=None
    )
    if not results:
        return None
    best, score, _ = results[0]
    code = _COUNTRY_CODES[best]
    runner_up = next((s for name, s, _ in results if _COUNTRY_CODES[name] != code), None)
    if runner_up is not None and score - runner_up < _FUZZY_MARGIN:
        return None
    return code


def territory_from_country(country_code: str | None) -> Territory:
    """The sales territory (NA, LATAM, EMEA, APAC) of an ISO alpha-2 code; UNKNOWN otherwise.

    NA is the US and Canada (with Bermuda, Greenland and Saint Pierre); LATAM is Mexico, Central
    and South America and the Caribbean; EMEA is Europe (including Russia, Turkey and the
    Caucasus), the Middle East and Africa; APAC is the rest of Asia (including Central Asia) and
    Oceania. data/territories.json is the one place to move a country.
    """
    if country_code is None:
        return "UNKNOWN"
    return _TERRITORIES.get(country_code.strip().upper(), "UNKNOWN")


@lru_cache(maxsize=CACHE_SIZE)
def territory_from_region(region: str | None) -> Territory:
    """The sales territory a region's name stands for ("Asia/Pacific Region", "APAC", "Europe",
    "EMEA", "Middle East", "Latin America", "North America"; data/regions.json); UNKNOWN for
    anything else, countries included."""
    key = _country_key(region)
    return "UNKNOWN" if key is None else _REGIONS.get(key, "UNKNOWN")
