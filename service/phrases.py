"""Words and phrases in free text (titles, industries, countries), matched as whole words."""

import re
from collections.abc import Iterable
from functools import lru_cache

from service.free_text import clean_text, strip_accents

_NON_WORD = re.compile(r"[^\w]+|_")
# Short abbreviations keep their ampersand joined: R&D, FP&A, P&G, AT&T.
_JOINED_AMPERSAND = re.compile(r"\b(\w{1,2})&(\w{1,2})\b")


# Titles, industries and countries repeat a lot: the functions of one of them (the words, the
# seniority, department, vertical, country code) are pure and their caches bounded.
CACHE_SIZE = 8192


@lru_cache(maxsize=CACHE_SIZE)
def words_of(value: str | None) -> str | None:
    """Lowercase words without accents or punctuation, padded with spaces for phrase matching.

    "Sr. V.P., Sales & Marketing" -> " sr vp sales and marketing ": a phrase is found by looking
    for " vp " so that "cto" never matches inside "director".
    """
    text = clean_text(value)
    if text is None:
        return None
    text = strip_accents(text.casefold())
    text = _JOINED_AMPERSAND.sub(r"\1\2", text)
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "").replace(".", "")
    words = [word for word in _NON_WORD.split(text) if word]
    return f" {' '.join(words)} " if words else None


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern finding any of the phrases as whole words in `words_of` output."""
    alternatives = sorted((re.escape(phrase) for phrase in phrases), key=len, reverse=True)
    return re.compile(f" (?:{'|'.join(alternatives)})(?= )")


def has_phrase(words: str, phrases: re.Pattern[str]) -> bool:
    return phrases.search(words) is not None
