"""Company names reduced to the words that identify them, their legal forms dropped one by one."""

import re
from functools import lru_cache

from service.data_files import read_data
from service.free_text import CACHE_SIZE, clean_text, strip_accents

# The legal forms a company name may end with (Inc, Ltd, GmbH & Co KG, Sp z o.o., ...), as the
# words they normalise to (data/legal_forms.json).
_LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split()) for phrase in read_data("legal_forms.json")
)
_LONGEST_SUFFIX = max(len(phrase) for phrase in _LEGAL_SUFFIXES)
_SUFFIX_ENDINGS = frozenset(phrase[-1] for phrase in _LEGAL_SUFFIXES)
# The legal forms written without spaces ("coltd", "gmbhandcokg"), for names that glue one on.
GLUED_LEGAL_FORMS = frozenset("".join(phrase) for phrase in _LEGAL_SUFFIXES)
# Dots and apostrophes join ("S.A." -> "sa", "McDonald's" -> "mcdonalds"); other punctuation splits.
_JOINING = str.maketrans("", "", ".'\u2019`")
_NON_WORD = re.compile(r"[^\w]+|_")


@lru_cache(maxsize=CACHE_SIZE)
def normalize_company_name(value: str | None) -> str | None:
    """A company name reduced to the words that identify it, for matching; None if nothing is left.

    Casefolded, accents and punctuation removed, "&" read as "and", runs of single letters joined
    ("J. P. Morgan" -> "jp morgan"), a leading "the" and trailing legal forms dropped (Inc, Ltd,
    LLC, GmbH, S.A., Pvt Ltd, Private Limited, PLC, Corp, Co, KK, Oy, AB, ...), repeatedly, so
    "Acme Holdings Co., Ltd." and "ACME Holdings" agree. A name that is only a legal form is kept.
    """
    forms = company_name_forms(value)
    return forms[-1] if forms else None


@lru_cache(maxsize=CACHE_SIZE)
def company_name_forms(value: str | None) -> tuple[str, ...]:
    """The normalised company name with its trailing legal forms dropped one at a time, longest
    first: "Bluth Company, Inc." -> ("bluth company inc", "bluth company", "bluth"). The last
    form is `normalize_company_name`'s; empty when nothing identifying is left."""
    text = clean_text(value, is_name=True)
    if text is None:
        return ()
    text = strip_accents(text.casefold())
    text = text.replace("&", " and ").replace("+", " and ").translate(_JOINING)
    tokens = [token for token in _NON_WORD.split(text) if token]
    if any(len(token) == 1 for token in tokens):
        tokens = _join_initials(tokens)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    if not tokens:
        return ()
    return tuple(" ".join(stage) for stage in _legal_suffix_stages(tokens))


def _join_initials(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            joined.append("".join(run))
            run = []
        if token:
            joined.append(token)
    return joined


def _legal_suffix_stages(tokens: list[str]) -> list[list[str]]:
    """The tokens, then the tokens after each trailing legal form is dropped ("& Co Ltd",
    "and Company, Inc.", "GmbH & Co. KG" are chains of them): an "and" left dangling between
    two legal forms goes with them, so "Gekko & Co Ltd" and "Gekko & Co" both end as "gekko".
    The first word always stays."""
    stages = [tokens]
    while tokens[-1] in _SUFFIX_ENDINGS:
        for size in range(min(_LONGEST_SUFFIX, len(tokens) - 1), 0, -1):
            if tuple(tokens[-size:]) in _LEGAL_SUFFIXES:
                tokens = tokens[:-size]
                break
        else:
            break
        if len(tokens) > 1 and tokens[-1] == "and":
            tokens = tokens[:-1]
        stages.append(tokens)
    return stages
