"""The accounts view stores each account as it was upserted, its domains normalised, and claims
no free mail domain for it."""

from tests.unit.account_fixtures import account as _account
from tests.unit.account_fixtures import account_index as _index


def test_free_mail_never_matches_by_domain_even_if_an_account_lists_it() -> None:
    index = _index(_account("sloppy", "Sloppy Data Ltd", "gmail.com", "sloppy.io"))
    assert index.match("gmail.com", None, None) is None
    assert index.match("yahoo.co.uk", "gmail.com", None) is None
    match = index.match("gmail.com", None, "Sloppy Data")
    assert match is not None
    assert match.method == "company_name"


def test_account_domains_are_normalised_like_lead_domains() -> None:
    index = _index(_account("a1", "München GmbH", "https://www.MÜNCHEN.de/", "Acme.COM."))
    assert index.match("xn--mnchen-3ya.de", None, None) is not None
    assert index.match("münchen.de", None, None) is not None
    assert index.match("acme.com", None, None) is not None


def test_get_returns_the_account_as_upserted_with_normalised_domains() -> None:
    index = _index(
        _account(
            "a1",
            "Acme Inc",
            "WWW.Acme.com",
            "not a domain",
            "acme.com",
            industry="Banking",
            employee_count=12_000,
            annual_revenue=3.5e9,
            country="Germany",
            region="Bavaria",
        )
    )
    account = index.get("a1")
    assert account is not None
    assert account.domains == ("acme.com",)
    assert (account.industry, account.employee_count, account.annual_revenue) == (
        "Banking",
        12_000,
        3.5e9,
    )
    assert (account.country, account.region) == ("Germany", "Bavaria")
    assert index.get("missing") is None
    assert "a1" in index


def test_awkward_text_survives_storage_unchanged() -> None:
    name = "Ünïcödé \x1f\x00 Name, Ltd. 株式会社"
    index = _index(_account("id with spaces", name, industry="x" * 5000))
    account = index.get("id with spaces")
    assert account is not None
    assert account.name == name
    assert account.industry == "x" * 5000
