"""E-mail addresses as forms send them: trimmed, lowercased, their domain normalised."""

import re
from functools import lru_cache

from service.data_files import read_data
from service.domains import normalize_domain
from service.free_text import CACHE_SIZE, clean_text

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
# Addresses people type when they have none to give (data/placeholder_emails.json).
_PLACEHOLDER_EMAILS: frozenset[str] = frozenset(read_data("placeholder_emails.json"))


@lru_cache(maxsize=CACHE_SIZE)
def normalize_email(value: str | None) -> str | None:
    """The address trimmed and lowercased, its domain normalised; None if blank or a placeholder.

    The local part is lowercased too: mailbox providers treat it case-insensitively in practice, and
    one person must not become two leads because a form capitalised their address.
    """
    text = clean_text(value)
    if text is None:
        return None
    text = text.lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    if not _EMAIL_SHAPE.match(text):
        return None
    local, _, domain_part = text.rpartition("@")
    domain = normalize_domain(domain_part)
    if domain is None:
        return None
    email = f"{local}@{domain}"
    return None if email in _PLACEHOLDER_EMAILS else email


def email_domain(email: str | None) -> str | None:
    """The normalised domain of an email address, or None when there is no usable address."""
    normalized = normalize_email(email)
    if normalized is None:
        return None
    return normalized.rpartition("@")[2]
