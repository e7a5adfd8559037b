"""Free text as forms send it: blanks collapsed, placeholder answers dropped, accents stripped."""

import re
import unicodedata
from functools import lru_cache

from service.data_files import read_data

# Values people type (or forms default to) when they have nothing to say (data/placeholders.json).
# Compared after casefolding and trimming surrounding punctuation, so "-- Select --" and "Select"
# are the same placeholder.
_PLACEHOLDERS: frozenset[str] = frozenset(read_data("placeholders.json"))
# Extra placeholders seen in person and company names only ("0" is a fine answer elsewhere;
# data/name_placeholders.json).
_NAME_PLACEHOLDERS: frozenset[str] = frozenset(read_data("name_placeholders.json"))
_EDGE_PUNCTUATION = " \t-_.?*#/\\|~=+:;,'\"()[]{}<>"
_WHITESPACE = re.compile(r"\s+")

# The normalisations of free text, e-mail addresses, domains and company names are pure
# functions of one short string, and a lead's values repeat: each event of a lead carries them
# again, and one event reads them in intake, in the profile merge, in enrichment and in account
# matching. The caches are bounded.
CACHE_SIZE = 8192


@lru_cache(maxsize=CACHE_SIZE)
def clean_text(value: str | None, *, is_name: bool = False) -> str | None:
    """A free-text value with blanks collapsed, or None when it is blank or a placeholder.

    Placeholders are what forms send when nobody chose anything ("Select", "-- select --",
    "N/A", "none", "null", "unknown", "-", "?", "test"); for person and company names, throwaway
    answers such as "0", "x" or "asdf" count as placeholders too.
    """
    if value is None:
        return None
    text = _WHITESPACE.sub(" ", value).strip()
    key = text.casefold().strip(_EDGE_PUNCTUATION)
    if key in _PLACEHOLDERS or (is_name and key in _NAME_PLACEHOLDERS):
        return None
    return text


def strip_accents(text: str) -> str:
    """The text without diacritics ("Société Générale" -> "Societe Generale")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
