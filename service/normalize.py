"""Normalisation of what marketing systems send: emails, domains, company names, free text."""

import re
import unicodedata
from functools import lru_cache

import idna

# Values people type (or forms default to) when they have nothing to say. Compared after casefolding
# and trimming surrounding punctuation, so "-- Select --" and "Select" are the same placeholder.
_PLACEHOLDERS = frozenset(
    {
        "",
        "select",
        "select one",
        "please select",
        "choose",
        "choose one",
        "please choose",
        "n/a",
        "n.a",
        "na",
        "none",
        "null",
        "nil",
        "nan",
        "undefined",
        "unknown",
        "not applicable",
        "not available",
        "not provided",
        "tbd",
        "test",
        "other (please specify)",
    }
)
# Extra placeholders seen in person and company names only ("0" is a fine answer elsewhere).
_NAME_PLACEHOLDERS = frozenset(
    {
        "0",
        "x",
        "xx",
        "xxx",
        "asdf",
        "abc",
        "name",
        "first name",
        "last name",
        "company",
        "none given",
    }
)
_PLACEHOLDER_EMAILS = frozenset(
    {
        "test@test.com",
        "none@none.com",
        "na@na.com",
        "noemail@noemail.com",
        "no@email.com",
        "email@email.com",
        "asdf@asdf.com",
    }
)
_EDGE_PUNCTUATION = " \t-_.?*#/\\|~=+:;,'\"()[]{}<>"
_WHITESPACE = re.compile(r"\s+")

# Dotted labels of letters, digits and inner hyphens; the last label has a letter (not an IP).
_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z"
)
_WWW = re.compile(r"^www\d*\.")
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
_MAX_DOMAIN = 253

# Second-level labels under which country registries sell names (acme.co.uk, acme.com.au). Without
# the public suffix list this is the rule that keeps subdomain walking from reaching "co.uk".
_SECOND_LEVEL_LABELS = frozenset(
    {"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "gouv", "mil", "ltd"}
    | {"plc", "sch", "nom", "biz", "info", "nic", "firm", "gen", "ind", "web"}
)

FREE_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "me.com",
        "mac.com",
        "msn.com",
        "live.com",
        "live.co.uk",
        "live.ca",
        "live.fr",
        "live.de",
        "live.nl",
        "live.it",
        "live.be",
        "live.se",
        "live.dk",
        "live.no",
        "live.at",
        "live.ie",
        "live.in",
        "live.jp",
        "live.cn",
        "live.com.au",
        "live.com.mx",
        "live.com.ar",
        "passport.com",
        "proton.me",
        "pm.me",
        "protonmail.ch",
        "tutanota.com",
        "tutanota.de",
        "tuta.io",
        "fastmail.com",
        "fastmail.fm",
        "hey.com",
        "hushmail.com",
        "mailbox.org",
        "posteo.de",
        "mail.com",
        "email.com",
        "usa.com",
        "inbox.com",
        "web.de",
        "t-online.de",
        "freenet.de",
        "arcor.de",
        "mail.ru",
        "inbox.ru",
        "list.ru",
        "bk.ru",
        "rambler.ru",
        "ya.ru",
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "naver.com",
        "hanmail.net",
        "daum.net",
        "rediff.com",
        "libero.it",
        "virgilio.it",
        "tiscali.it",
        "alice.it",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "laposte.net",
        "sfr.fr",
        "seznam.cz",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "interia.pl",
        "uol.com.br",
        "bol.com.br",
        "terra.com.br",
        "bigpond.com",
        "optusnet.com.au",
        "comcast.net",
        "verizon.net",
        "att.net",
        "sbcglobal.net",
        "bellsouth.net",
        "cox.net",
        "charter.net",
        "earthlink.net",
        "btinternet.com",
        "sky.com",
        "virginmedia.com",
        "ntlworld.com",
        "shaw.ca",
        "rogers.com",
        "sympatico.ca",
        "telus.net",
        "aim.com",
        "zoho.eu",
    }
)
# Providers that register the same mailbox brand under many country suffixes (yahoo.co.uk,
# hotmail.fr, gmx.at): any registrable domain whose first label is one of these is free mail.
_FREE_EMAIL_BRANDS = frozenset(
    {
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "rocketmail",
        "hotmail",
        "outlook",
        "windowslive",
        "aol",
        "gmx",
        "yandex",
        "protonmail",
        "icloud",
        "zohomail",
        "rediffmail",
    }
)

_LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split())
    for phrase in (
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "kgaa",
        "se",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "sl",
        "bv",
        "nv",
        "pvt",
        "pty",
        "pte",
        "kk",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "sro",
        "ltda",
        "pvt ltd",
        "private limited",
        "pty ltd",
        "pte ltd",
        "co ltd",
        "sa de cv",
        "s de rl",
        "and co",
        "gmbh and co kg",
        "sp z oo",
        "kabushiki kaisha",
    )
)
_LONGEST_SUFFIX = max(len(phrase) for phrase in _LEGAL_SUFFIXES)
_SUFFIX_ENDINGS = frozenset(phrase[-1] for phrase in _LEGAL_SUFFIXES)
# The legal forms written without spaces ("coltd", "gmbhandcokg"), for names that glue one on.
GLUED_LEGAL_FORMS = frozenset("".join(phrase) for phrase in _LEGAL_SUFFIXES)
# Dots and apostrophes join ("S.A." -> "sa", "McDonald's" -> "mcdonalds"); other punctuation splits.
_JOINING = str.maketrans("", "", ".'\u2019`")
_NON_WORD = re.compile(r"[^\w]+|_")

# The normalisations below are pure functions of one short string, and a lead's values repeat:
# each event of a lead carries them again, and one event reads them in intake, in the profile
# merge, in enrichment and in account matching. The caches are bounded.
_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def clean_text(value: str | None, *, is_name: bool = False) -> str | None:
    """A free-text value with blanks collapsed, or None when it is blank or a placeholder.

    Placeholders are what forms send when nobody chose anything ("Select", "-- select --",
    "N/A", "none", "null", "unknown", "-", "?", "test"); for person and company names, throwaway
    answers such as "0", "x" or "asdf" count as placeholders too.
    """
    if value is None:
        return None
    text = _WHITESPACE.sub(" ", value).strip()
    key = text.casefold().strip(_EDGE_PUNCTUATION)
    if key in _PLACEHOLDERS or (is_name and key in _NAME_PLACEHOLDERS):
        return None
    return text


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
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


def registrable_domain(domain: str) -> str:
    """The part of a normalised domain a company registers: acme.com for eu.acme.com, and
    acme.co.uk for shop.acme.co.uk (country registries selling under co/com/org/... are known)."""
    labels = domain.split(".")
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL_LABELS:
        keep = 3
    return ".".join(labels[-keep:])


@lru_cache(maxsize=_CACHE_SIZE)
def parent_domains(domain: str) -> tuple[str, ...]:
    """The domain itself, then each parent up to and including its registrable domain."""
    labels = domain.split(".")
    keep = registrable_domain(domain).count(".") + 1
    return tuple(".".join(labels[start:]) for start in range(max(len(labels) - keep, 0) + 1))


@lru_cache(maxsize=_CACHE_SIZE)
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


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_company_name(value: str | None) -> str | None:
    """A company name reduced to the words that identify it, for matching; None if nothing is left.

    Casefolded, accents and punctuation removed, "&" read as "and", runs of single letters joined
    ("J. P. Morgan" -> "jp morgan"), a leading "the" and trailing legal forms dropped (Inc, Ltd,
    LLC, GmbH, S.A., Pvt Ltd, Private Limited, PLC, Corp, Co, KK, Oy, AB, ...), repeatedly, so
    "Acme Holdings Co., Ltd." and "ACME Holdings" agree. A name that is only a legal form is kept.
    """
    forms = company_name_forms(value)
    return forms[-1] if forms else None


@lru_cache(maxsize=_CACHE_SIZE)
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


def strip_accents(text: str) -> str:
    """The text without diacritics ("Société Générale" -> "Societe Generale")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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
