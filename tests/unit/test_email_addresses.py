import pytest

from service.email_addresses import email_domain, normalize_email


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
