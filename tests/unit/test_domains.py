import itertools

import pytest

from service.company_name_forms import normalize_company_name
from service.domains import (
    is_free_email_domain,
    normalize_domain,
    parent_domains,
    registrable_domain,
)
from service.email_addresses import normalize_email


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


def test_odd_input_never_raises_and_normalised_domains_are_stable() -> None:
    pieces = ["a", ".", "-", "ü", "ß", "@", ":", "/", "\u200d", "\uff0e", "xn--", "🙂", "\x00"]
    for combo in itertools.product(pieces, repeat=3):
        text = "".join(combo)
        for value in (text, f"{text}.com", f"x@{text}.de", f"https://{text}.org/"):
            domain = normalize_domain(value)
            assert domain is None or normalize_domain(domain) == domain
            normalize_email(value)
            normalize_company_name(value)
