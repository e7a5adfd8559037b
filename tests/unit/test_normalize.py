import itertools
from typing import Any

import pytest

from service.normalize import (
    clean_text,
    email_domain,
    is_free_email_domain,
    normalize_company_name,
    normalize_domain,
    normalize_email,
    parent_domains,
    registrable_domain,
    strip_accents,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jane.Doe@Acme.COM ", "jane.doe@acme.com"),
        ("mailto:jane@acme.com", "jane@acme.com"),
        ("jane@acme.com.", "jane@acme.com"),
        ("jane@münchen.de", "jane@xn--mnchen-3ya.de"),
        ("jane+newsletter@acme.com", "jane+newsletter@acme.com"),
    ],
)
def test_email_is_trimmed_lowercased_and_its_domain_normalised(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "  ", "N/A", "none", "Select", "test@test.com", "jane", "jane@acme", "a b@acme.com"],
)
def test_blank_placeholder_and_malformed_emails_are_none(raw: str | None) -> None:
    assert normalize_email(raw) is None


def test_email_domain_is_the_normalised_part_after_the_at() -> None:
    assert email_domain(" Jane@Mail.ACME.co.uk ") == "mail.acme.co.uk"
    assert email_domain("not an email") is None
    assert email_domain(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("www2.acme.com", "acme.com"),
        ("https://www.acme.com/about?x=1#team", "acme.com"),
        ("http://acme.com:8080/", "acme.com"),
        ("HTTPS://user:secret@Shop.Acme.com:443/cart", "shop.acme.com"),
        ("//acme.com/path", "acme.com"),
        ("acme.com.", "acme.com"),
        ("acme.com/contact", "acme.com"),
        ("acme.com?ref=ad", "acme.com"),
        ("jane@acme.com", "acme.com"),
        ("<https://acme.com>", "acme.com"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("https://MÜNCHEN.de/stadt", "xn--mnchen-3ya.de"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("www.com", "www.com"),
    ],
)
def test_domain_is_the_bare_lowercase_ascii_host(raw: str, expected: str) -> None:
    assert normalize_domain(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "N/A",
        "Select",
        "localhost",
        "Acme Inc",
        "192.168.0.1",
        "http://10.0.0.1:8080/",
        "acme..com",
        "-acme.com",
        "acme_corp.com",
        "a" * 64 + ".com",
        "x." * 130 + "com",
    ],
)
def test_things_that_are_not_domains_are_none(raw: str | None) -> None:
    assert normalize_domain(raw) is None


def test_normalising_a_normalised_domain_changes_nothing() -> None:
    for domain in ("acme.com", "xn--mnchen-3ya.de", "eu.acme.co.uk"):
        assert normalize_domain(domain) == domain


@pytest.mark.parametrize(
    ("domain", "registrable"),
    [
        ("acme.com", "acme.com"),
        ("eu.acme.com", "acme.com"),
        ("a.b.eu.acme.com", "acme.com"),
        ("shop.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au"),
        ("acme.co", "acme.co"),
        ("eu.acme.io", "acme.io"),
    ],
)
def test_registrable_domain_stops_at_country_second_level_labels(
    domain: str, registrable: str
) -> None:
    assert registrable_domain(domain) == registrable


def test_parent_domains_walk_up_to_the_registrable_domain_and_no_further() -> None:
    assert parent_domains("a.eu.acme.com") == ("a.eu.acme.com", "eu.acme.com", "acme.com")
    assert parent_domains("shop.acme.co.uk") == ("shop.acme.co.uk", "acme.co.uk")
    assert parent_domains("acme.com") == ("acme.com",)


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "zohomail.com",
        "mail.yahoo.com",
    ],
)
def test_free_and_personal_mail_domains_are_recognised(domain: str) -> None:
    assert is_free_email_domain(domain)


@pytest.mark.parametrize(
    "domain",
    [None, "", "acme.com", "gmail.acme.com", "mail.acme.com", "yahoo-inc.com", "live.acme.com"],
)
def test_company_domains_are_not_free_mail(domain: str | None) -> None:
    assert not is_free_email_domain(domain)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme", "acme"),
        ("ACME, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("Acme LLC", "acme"),
        ("Acme L.L.C.", "acme"),
        ("Acme LLP", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme AG", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme SA", "acme"),
        ("Acme S. A.", "acme"),
        ("Acme SAS", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme N.V.", "acme"),
        ("Acme Pvt Ltd", "acme"),
        ("Acme Pvt. Ltd.", "acme"),
        ("Acme Private Limited", "acme"),
        ("Acme PLC", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Co.", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme K.K.", "acme"),
        ("Acme Oy", "acme"),
        ("Acme AB", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Grupo Acme, S.A. de C.V.", "grupo acme"),
        ("Acme Sp. z o.o.", "acme"),
        ("The Acme Company", "acme"),
        ("  acme   holdings  inc ", "acme holdings"),
        ("Société Générale S.A.", "societe generale"),
        ("J. P. Morgan", "jp morgan"),
        ("J.P. Morgan Chase & Co.", "jp morgan chase"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("McDonald's Corporation", "mcdonalds"),
    ],
)
def test_company_names_lose_case_punctuation_and_legal_forms(raw: str, expected: str) -> None:
    assert normalize_company_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("Gekko & Co Ltd", "Gekko & Co"),
        ("Gekko & Co. Ltd.", "Gekko"),
        ("Gekko and Company, Inc.", "Gekko"),
        ("Gekko & Company Limited", "Gekko Ltd"),
        ("Gekko GmbH & Co. KG", "Gekko GmbH"),
        ("Gekko Holdings & Co., Ltd.", "Gekko Holdings"),
    ],
)
def test_a_chain_of_legal_forms_is_dropped_whole_on_both_sides(raw: str, bare: str) -> None:
    normalized = normalize_company_name(raw)
    assert normalized == normalize_company_name(bare)
    assert normalized in ("gekko", "gekko holdings")


def test_an_and_inside_the_name_stays() -> None:
    assert normalize_company_name("Procter & Gamble Co") == "procter and gamble"
    assert normalize_company_name("Smith & Sons Ltd") == "smith and sons"


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert normalize_company_name("Limited") == "limited"
    assert normalize_company_name("The Company Ltd") == "company"


@pytest.mark.parametrize(
    "raw", [None, "", "  ", "N/A", "-- Select --", "0", "xxx", "?", "@@@", "!!!", "·"]
)
def test_placeholder_company_names_are_none(raw: str | None) -> None:
    assert normalize_company_name(raw) is None


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


def test_odd_input_never_raises_and_normalised_domains_are_stable() -> None:
    pieces = ["a", ".", "-", "ü", "ß", "@", ":", "/", "\u200d", "\uff0e", "xn--", "🙂", "\x00"]
    for combo in itertools.product(pieces, repeat=3):
        text = "".join(combo)
        for value in (text, f"{text}.com", f"x@{text}.de", f"https://{text}.org/"):
            domain = normalize_domain(value)
            assert domain is None or normalize_domain(domain) == domain
            normalize_email(value)
            normalize_company_name(value)


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
