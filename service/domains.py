"""Web domains as leads and accounts give them: the bare host, its registrable part, free mail."""

import re
from functools import lru_cache

import idna

from service.data_files import read_data
from service.free_text import CACHE_SIZE

# Dotted labels of letters, digits and inner hyphens; the last label has a letter (not an IP).
_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z"
)
_WWW = re.compile(r"^www\d*\.")
_MAX_DOMAIN = 253

# Second-level labels under which country registries sell names (acme.co.uk, acme.com.au). Without
# the public suffix list this is the rule that keeps subdomain walking from reaching "co.uk"
# (data/second_level_labels.json).
_SECOND_LEVEL_LABELS: frozenset[str] = frozenset(read_data("second_level_labels.json"))
# Free and personal mailbox providers' domains (data/free_email_domains.json).
FREE_EMAIL_DOMAINS: frozenset[str] = frozenset(read_data("free_email_domains.json"))
# Providers that register the same mailbox brand under many country suffixes (yahoo.co.uk,
# hotmail.fr, gmx.at): any registrable domain whose first label is one of these is free mail
# (data/free_email_brands.json).
_FREE_EMAIL_BRANDS: frozenset[str] = frozenset(read_data("free_email_brands.json"))


@lru_cache(maxsize=CACHE_SIZE)
def normalize_domain(value: str | None) -> str | None:
    """The bare, lowercase, ASCII (punycode) host name in a URL, a domain or an email address.

    Scheme, user info, `www.`, port, path, query, fragment and trailing dots are removed;
    international names become punycode (münchen.de -> xn--mnchen-3ya.de). Anything that is not
    a dotted host name with a letter in its top-level label (IP addresses, "localhost",
    company names typed into a website field) gives None.
    """
    if value is None:
        return None
    if _HOST.match(value) and not value.startswith("www") and len(value) <= _MAX_DOMAIN:
        return value  # already normalised: the common case for account and email domains
    host = value.strip().strip("<>\"'").lower()
    if host.startswith("mailto:"):
        host = host[len("mailto:") :]
    if "://" in host:
        host = host.split("://", 1)[1]
    elif host.startswith("//"):
        host = host[2:]
    for separator in "/?#":
        host = host.split(separator, 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    stripped = _WWW.sub("", host)
    if "." in stripped:
        host = stripped
    if not host.isascii():
        host = _to_punycode(host) or ""
    return host if _is_host_name(host) else None


def _to_punycode(host: str) -> str | None:
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        pass
    try:
        # The codec implements the older IDNA 2003 rules; some names only it accepts.
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _is_host_name(host: str) -> bool:
    return len(host) <= _MAX_DOMAIN and _HOST.match(host) is not None


def registrable_domain(domain: str) -> str:
    """The part of a normalised domain a company registers: acme.com for eu.acme.com, and
    acme.co.uk for shop.acme.co.uk (country registries selling under co/com/org/... are known)."""
    labels = domain.split(".")
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL_LABELS:
        keep = 3
    return ".".join(labels[-keep:])


@lru_cache(maxsize=CACHE_SIZE)
def parent_domains(domain: str) -> tuple[str, ...]:
    """The domain itself, then each parent up to and including its registrable domain."""
    labels = domain.split(".")
    keep = registrable_domain(domain).count(".") + 1
    return tuple(".".join(labels[start:]) for start in range(max(len(labels) - keep, 0) + 1))


@lru_cache(maxsize=CACHE_SIZE)
def is_free_email_domain(domain: str | None) -> bool:
    """Whether a normalised domain belongs to a free or personal mailbox provider.

    Providers' country variants count too (yahoo.co.uk, hotmail.fr, gmx.at), and so do their
    subdomains; a company can never be identified by such a domain.
    """
    if not domain:
        return False
    if domain in FREE_EMAIL_DOMAINS:
        return True
    registrable = registrable_domain(domain)
    return registrable in FREE_EMAIL_DOMAINS or registrable.split(".", 1)[0] in _FREE_EMAIL_BRANDS
