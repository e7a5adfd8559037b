"""The function a person works in, read from their job title."""

from functools import lru_cache

from schemas.enrichment import Department
from service.phrases import CACHE_SIZE, has_phrase, phrase_pattern, words_of
from service.seniority import NOT_SENIORITY, VP

_EXECUTIVE = phrase_pattern(
    (
        "ceo",
        "chief executive",
        "founder",
        "cofounder",
        "owner",
        "president",
        "chairman",
        "chairwoman",
        "chairperson",
        "managing director",
        "managing partner",
        "board member",
        "entrepreneur",
    )
)
# Checked in this order: the function a title names wins over the kind of work, so
# "Sales Engineer" is sales, "Marketing Operations" is marketing and "IT Procurement" procurement.
_DEPARTMENT_PHRASES: tuple[tuple[Department, tuple[str, ...]], ...] = (
    (
        "legal",
        ("legal", "counsel", "attorney", "lawyer", "paralegal", "compliance", "clo", "solicitor"),
    ),
    ("procurement", ("procurement", "purchasing", "buyer", "sourcing", "vendor management")),
    (
        "hr",
        (
            "hr",
            "human resources",
            "people",
            "talent",
            "recruiter",
            "recruiting",
            "recruitment",
            "chro",
            "payroll",
            "learning and development",
        ),
    ),
    (
        "finance",
        (
            "finance",
            "financial",
            "cfo",
            "accounting",
            "accountant",
            "controller",
            "comptroller",
            "treasury",
            "treasurer",
            "fpa",
            "audit",
            "auditor",
            "tax",
            "bookkeeper",
        ),
    ),
    (
        "marketing",
        (
            "marketing",
            "marketer",
            "cmo",
            "brand",
            "demand generation",
            "demand gen",
            "lead generation",
            "growth",
            "content",
            "seo",
            "sem",
            "communications",
            "pr",
            "public relations",
            "campaign",
            "campaigns",
            "social media",
            "digital marketing",
            "events",
            "product marketing",
        ),
    ),
    (
        "sales",
        (
            "sales",
            "cro",
            "account executive",
            "ae",
            "account manager",
            "key account",
            "business development",
            "bdr",
            "sdr",
            "revenue",
            "commercial",
            "partnerships",
            "channel",
            "presales",
        ),
    ),
    (
        "it",
        (
            "it",
            "information technology",
            "cio",
            "ciso",
            "infrastructure",
            "sysadmin",
            "system administrator",
            "systems administrator",
            "network",
            "security",
            "helpdesk",
            "help desk",
            "service desk",
        ),
    ),
    (
        "engineering",
        (
            "engineer",
            "engineering",
            "developer",
            "software",
            "cto",
            "devops",
            "architect",
            "programmer",
            "data scientist",
            "rd",
            "qa",
            "research and development",
        ),
    ),
    (
        "operations",
        (
            "operations",
            "ops",
            "coo",
            "supply chain",
            "logistics",
            "facilities",
            "customer success",
            "customer service",
            "support",
            "production",
        ),
    ),
)


_DEPARTMENTS = tuple(
    (department, phrase_pattern(phrases)) for department, phrases in _DEPARTMENT_PHRASES
)


@lru_cache(maxsize=CACHE_SIZE)
def department_from_title(title: str | None) -> Department:
    """The function a person works in, from their job title.

    Company leaders (CEO, Founder, Owner, President, Managing Director...) are "executive";
    other chiefs belong to their function (a CFO is finance, a CMO marketing). A real title that
    names no known function is "other"; no title or a placeholder is "unknown".
    """
    words = words_of(title)
    if words is None:
        return "unknown"
    words = words.split(" to ", 1)[0] + " "
    leader_words = NOT_SENIORITY.sub("", words)
    if has_phrase(leader_words, _EXECUTIVE) and not has_phrase(words, VP):
        return "executive"
    for department, phrases in _DEPARTMENTS:
        if has_phrase(words, phrases):
            return department
    return "other"
