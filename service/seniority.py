"""How senior a person is, read from their job title."""

from functools import lru_cache

from schemas.enrichment import Seniority
from service.phrases import CACHE_SIZE, has_phrase, phrase_pattern, words_of

# Checked in this order; the first rule whose phrases occur in the title decides.
NOT_SENIORITY = phrase_pattern(("product owner", "process owner", "lead generation", "lead gen"))
_C_LEVEL = phrase_pattern(
    (
        "chief",
        "ceo",
        "cfo",
        "cto",
        "cmo",
        "coo",
        "cro",
        "cio",
        "ciso",
        "cdo",
        "cpo",
        "cco",
        "chro",
        "cso",
        "founder",
        "cofounder",
        "owner",
        "chairman",
        "chairwoman",
        "chairperson",
        "managing director",
        "managing partner",
        "president",
    )
)
VP = phrase_pattern(("vp", "svp", "evp", "avp", "vice president", "vicepresident", "vice pres"))
_DIRECTOR = phrase_pattern(("director", "dir", "head", "general manager", "gm"))
_MANAGER = phrase_pattern(
    ("manager", "mgr", "lead", "leader", "supervisor", "team lead", "foreman")
)
_CHIEF_OF_STAFF = phrase_pattern(("chief of staff",))


@lru_cache(maxsize=CACHE_SIZE)
def seniority_from_title(title: str | None) -> Seniority:
    """How senior a person is, from their job title.

    - c_level: Chief ... Officer and its acronyms (CEO, CFO, CTO, CMO, COO, CRO, CIO, ...),
      Founder, Owner, President, Chairman, Managing Director / Managing Partner.
    - vp: Vice President, VP, SVP, EVP, AVP (checked before "President").
    - director: Director, Head (of ...), General Manager, Chief of Staff. "Head of X" runs a
      function but normally reports to a VP, so it sits with directors.
    - manager: Manager, Lead / Team Lead / Leader, Supervisor ("Lead Generation" is not a rank).
    - individual_contributor: any other real title (Engineer, Analyst, Product Owner, Student...).
    - unknown: no title, or a placeholder such as "Select" or "N/A".
    """
    words = words_of(title)
    if words is None:
        return "unknown"
    # "Assistant to the CEO" is not the CEO: whoever the title serves does not count.
    words = words.split(" to ", 1)[0] + " "
    if has_phrase(words, _CHIEF_OF_STAFF):
        return "director"
    words = NOT_SENIORITY.sub("", words)
    if has_phrase(words, VP):
        return "vp"
    if has_phrase(words, _C_LEVEL):
        return "c_level"
    if has_phrase(words, _DIRECTOR):
        return "director"
    if has_phrase(words, _MANAGER):
        return "manager"
    return "individual_contributor"
