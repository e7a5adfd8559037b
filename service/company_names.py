"""Company-name keys for account matching, and the rule that accepts a fuzzy name match."""

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from schemas.enrichment import AccountUnmatchedReason
from service.company_name_forms import GLUED_LEGAL_FORMS, company_name_forms

# A fuzzy match must never name a wrong account, so it is strict: a lead's name must be long
# enough that one typo is a small part of it, score at least _MATCH_SCORE against one account's
# name (fuzz.ratio on compact names: 100 is equal; one missing or extra letter in ten letters
# is about 95, one wrong letter in ten is 90) and beat every other name by _MARGIN. A best
# score from _WEAK_SCORE up is reported as a weak match rather than as no account at all.
MIN_FUZZY_LENGTH = 6
_MATCH_SCORE = 90.0
_MARGIN = 5.0
_WEAK_SCORE = 75.0
_CACHE_SIZE = 8192


class CompanyNameKeys(NamedTuple):
    """A company name as matching reads it: `spaced` keeps word breaks ("kan code"); `compact`
    drops them ("kancode"), so hyphen, spacing and punctuation variants agree; `glued` are the
    compact spellings with some of its legal forms kept ("Bluth Company" -> "bluthcompany")."""

    spaced: str
    compact: str
    glued: tuple[str, ...]


class FuzzyPick(NamedTuple):
    """What the fuzzy rule decided: the positions (in the candidates given, in order) that hold
    the one accepted name, or none and why."""

    positions: tuple[int, ...]
    reason: AccountUnmatchedReason | None


@lru_cache(maxsize=_CACHE_SIZE)
def company_name_keys(value: str | None) -> CompanyNameKeys | None:
    """The spaced and compact matching keys of a company name; None when nothing identifying
    is left (see `normalize_company_name`). "Kan-code", "Kan code", "KanCode" and "Kan.Code
    Ltd" all have the compact key "kancode"."""
    forms = company_name_forms(value)
    if not forms:
        return None
    *longer, spaced = forms
    return CompanyNameKeys(
        spaced, spaced.replace(" ", ""), tuple(f.replace(" ", "") for f in longer)
    )


# Longest first, so "gmbhandcokg" is tried before "kg".
_GLUED_FORMS = tuple(sorted(GLUED_LEGAL_FORMS, key=len, reverse=True))


@lru_cache(maxsize=_CACHE_SIZE)
def glued_legal_form_stems(compact: str) -> tuple[str, ...]:
    """The compact names a name may stand for if it glued a legal form onto its last word
    ("BluthCompany" -> "bluth"); the caller checks that the account's own name has that form."""
    return tuple(
        compact[: -len(form)]
        for form in _GLUED_FORMS
        if len(compact) > len(form) and compact.endswith(form)
    )


def fuzzy_block_key(compact: str) -> str | None:
    """The block a compact name is filed under for fuzzy lookup: its first three letters. Only
    names fuzzy matching may accept have one (MIN_FUZZY_LENGTH letters or more)."""
    return compact[:3] if len(compact) >= MIN_FUZZY_LENGTH else None


def pick_fuzzy_name(compact: str, names: Sequence[str]) -> FuzzyPick:
    """The one name among `names` that a lead's compact company name can only mean.

    Accepted when it scores at least 90 of 100 and at least 5 points above every other name;
    two names scoring alike are "ambiguous_name", a best score under 90 "weak_name_match"
    (from 75) or "no_such_account". Accounts sharing the accepted name are all returned, in
    the order given, so the caller applies its own rule for equal names.
    """
    if len(compact) < MIN_FUZZY_LENGTH or not names:
        return FuzzyPick((), "no_such_account")
    results = process.extract(
        compact, names, scorer=fuzz.ratio, score_cutoff=_WEAK_SCORE, limit=None
    )
    if not results:
        return FuzzyPick((), "no_such_account")
    best_name, best_score, _ = results[0]
    if best_score < _MATCH_SCORE:
        return FuzzyPick((), "weak_name_match")
    runner_up = next((score for name, score, _ in results if name != best_name), None)
    if runner_up is not None and best_score - runner_up < _MARGIN:
        return FuzzyPick((), "ambiguous_name")
    return FuzzyPick(tuple(sorted(i for name, _, i in results if name == best_name)), None)
