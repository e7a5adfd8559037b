from typing import Any

import pytest

from service.company_name_forms import normalize_company_name
from service.domains import is_free_email_domain, normalize_domain, parent_domains
from service.email_addresses import normalize_email
from service.free_text import clean_text, strip_accents


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "Select",
        "-- select --",
        "Please select",
        "N/A",
        "n.a.",
        "NA",
        "none",
        "NULL",
        "Unknown",
        "-",
        "?",
        "test",
        "TBD",
    ],
)
def test_blank_and_placeholder_text_is_none(raw: str | None) -> None:
    assert clean_text(raw) is None


def test_text_keeps_its_case_with_blanks_collapsed() -> None:
    assert clean_text("  Head of\tSales  ") == "Head of Sales"


def test_zero_and_throwaway_answers_are_placeholders_only_for_names() -> None:
    assert clean_text("0") == "0"
    assert clean_text("0", is_name=True) is None
    assert clean_text("asdf", is_name=True) is None
    assert clean_text("Zoe", is_name=True) == "Zoe"


def test_accents_are_stripped_and_ascii_is_untouched() -> None:
    assert strip_accents("Société Générale") == "Societe Generale"
    assert strip_accents("plain") == "plain"


_CACHED = (
    clean_text,
    normalize_domain,
    normalize_email,
    parent_domains,
    is_free_email_domain,
    normalize_company_name,
)
_AWKWARD = (
    None,
    "",
    "  ",
    "N/A",
    " Jane.Doe@Acme.COM ",
    "mailto:mailto:jane@acme.com",
    "jane@www.www.acme.com",
    "www.www.acme.com",
    "https://www.Acme.com/about",
    "münchen.de",
    "yahoo.co.uk",
    "shop.acme.co.uk",
    "ACME, Inc.",
    "J. P. Morgan & Co.",
    "x",
)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_a_normalisation_asked_again_gives_the_answer_it_gave_first(function: Any) -> None:
    for value in _AWKWARD:
        if function is parent_domains and value is None:
            continue
        first = function(value)
        assert function(value) == first == function.__wrapped__(value)
        if function is clean_text:
            assert clean_text(value, is_name=True) == clean_text.__wrapped__(value, is_name=True)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_the_normalisation_caches_are_bounded(function: Any) -> None:
    assert function.cache_info().maxsize is not None


def test_normalising_a_normalised_value_again_can_still_change_it() -> None:
    # Normalisation is not idempotent for doubled prefixes: a cache must not assume it is.
    assert normalize_email("mailto:mailto:Jane@acme.com") == "mailto:jane@acme.com"
    assert normalize_email("mailto:jane@acme.com") == "jane@acme.com"
    assert normalize_domain("www.www.acme.com") == "www.acme.com"
    assert normalize_domain("www.acme.com") == "acme.com"
