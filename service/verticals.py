"""The sales vertical of a company, read from its industry (free text or a NAICS code)."""

import re
from functools import lru_cache

from schemas.enrichment import Vertical
from service.phrases import CACHE_SIZE, has_phrase, phrase_pattern, words_of

# Checked in this order; the first vertical with a phrase in the industry text wins. Specific
# phrases come before general ones ("retail banking" is banking; "pharmacy" is a shop).
_VERTICAL_PHRASE_LISTS: tuple[tuple[Vertical, tuple[str, ...]], ...] = (
    ("Retailers", ("pharmacy", "pharmacies", "drugstore", "drug store", "drugstores")),
    (
        "Pharmaceuticals",
        (
            "pharma",
            "pharmaceutical",
            "pharmaceuticals",
            "biopharma",
            "biopharmaceutical",
            "biotech",
            "biotechnology",
            "life science",
            "life sciences",
            "lifesciences",
            "drug",
            "drugs",
            "medical device",
            "medical devices",
            "vaccines",
            "clinical research",
        ),
    ),
    (
        "Financial Services",
        (
            "financial",
            "finance",
            "banking",
            "bank",
            "banks",
            "insurance",
            "reinsurance",
            "insurtech",
            "fintech",
            "fin tech",
            "investment",
            "investments",
            "investment management",
            "asset management",
            "wealth management",
            "capital markets",
            "private equity",
            "venture capital",
            "credit",
            "lending",
            "mortgage",
            "payments",
            "brokerage",
            "accounting",
            "fsi",
            "bfsi",
        ),
    ),
    (
        "Automobiles",
        (
            "automotive",
            "automobile",
            "automobiles",
            "auto",
            "autos",
            "auto parts",
            "car",
            "cars",
            "motor vehicle",
            "motor vehicles",
            "vehicle",
            "vehicles",
            "trucks",
            "electric vehicles",
        ),
    ),
    (
        "Marketing Organizations",
        (
            "advertising",
            "marketing",
            "marketing agency",
            "marketing services",
            "market research",
            "public relations",
            "pr agency",
            "digital agency",
            "creative agency",
            "media agency",
            "media buying",
            "adtech",
            "martech",
        ),
    ),
    (
        "Consulting",
        (
            "consulting",
            "consultancy",
            "consultants",
            "management consulting",
            "professional services",
            "advisory",
            "it services",
            "outsourcing",
        ),
    ),
    (
        "Travel and Leisure",
        (
            "travel",
            "tourism",
            "hospitality",
            "hotel",
            "hotels",
            "airline",
            "airlines",
            "aviation",
            "cruise",
            "cruises",
            "leisure",
            "resort",
            "resorts",
            "restaurant",
            "restaurants",
            "food service",
            "recreation",
        ),
    ),
    (
        "Retailers",
        (
            "retail",
            "retailer",
            "retailers",
            "ecommerce",
            "e commerce",
            "online retail",
            "supermarket",
            "supermarkets",
            "grocery",
            "department store",
            "department stores",
        ),
    ),
    (
        "Consumer Products",
        (
            "cpg",
            "fmcg",
            "consumer goods",
            "consumer product",
            "consumer products",
            "consumer packaged goods",
            "consumer electronics",
            "food and beverage",
            "food and beverages",
            "food production",
            "beverages",
            "cosmetics",
            "personal care",
            "household",
            "apparel",
            "fashion",
            "toys",
            "luxury goods",
        ),
    ),
    (
        "Entertainment",
        (
            "entertainment",
            "media",
            "gaming",
            "games",
            "video games",
            "computer games",
            "film",
            "motion pictures",
            "movies",
            "music",
            "broadcasting",
            "broadcast",
            "television",
            "radio",
            "streaming",
            "publishing",
            "sports",
            "gambling",
            "casinos",
        ),
    ),
    (
        "Sales Organizations",
        (
            "sales",
            "sales organization",
            "sales organizations",
            "sales outsourcing",
            "direct selling",
            "direct sales",
            "telesales",
            "wholesale",
            "reseller",
            "resellers",
        ),
    ),
)

_VERTICALS = tuple(
    (vertical, phrase_pattern(phrases)) for vertical, phrases in _VERTICAL_PHRASE_LISTS
)

# NAICS codes (2 to 6 digits) as CRMs export them; the longest known prefix decides.
_NAICS_PREFIXES: dict[str, Vertical] = {
    "3254": "Pharmaceuticals",
    "3391": "Pharmaceuticals",
    "52": "Financial Services",
    "5412": "Financial Services",
    "3361": "Automobiles",
    "3362": "Automobiles",
    "3363": "Automobiles",
    "4411": "Automobiles",
    "4231": "Automobiles",
    "5418": "Marketing Organizations",
    "54191": "Marketing Organizations",
    "5416": "Consulting",
    "481": "Travel and Leisure",
    "483112": "Travel and Leisure",
    "5615": "Travel and Leisure",
    "713": "Travel and Leisure",
    "721": "Travel and Leisure",
    "722": "Travel and Leisure",
    "44": "Retailers",
    "45": "Retailers",
    "311": "Consumer Products",
    "312": "Consumer Products",
    "315": "Consumer Products",
    "316": "Consumer Products",
    "3256": "Consumer Products",
    "3352": "Consumer Products",
    "3399": "Consumer Products",
    "512": "Entertainment",
    "515": "Entertainment",
    "5111": "Entertainment",
    "711": "Entertainment",
    "7132": "Entertainment",
    "42": "Sales Organizations",
}
_NAICS_CODE = re.compile(r"^(?:naics\s*)?(\d{2,6})$")


@lru_cache(maxsize=CACHE_SIZE)
def vertical_from_industry(industry: str | None) -> Vertical:
    """The one sales vertical an industry belongs to, from free text or a NAICS code.

    Free text is matched on whole words and phrases ("Biotech", "Life Sciences", "pharma" are
    Pharmaceuticals; "Banking", "Insurance", "FinTech" Financial Services; "Hospitality",
    "Airlines" Travel and Leisure; "E-commerce" Retailers; "Media", "Gaming" Entertainment; "CPG",
    "FMCG" Consumer Products; "Advertising", "Marketing agency" Marketing Organizations;
    "Management consulting" Consulting). Healthcare providers, software, manufacturing and
    anything unrecognised are "Other".
    """
    words = words_of(industry)
    if words is None:
        return "Other"
    code = _NAICS_CODE.match(words.strip())
    if code is not None:
        digits = code.group(1)
        for length in range(len(digits), 1, -1):
            vertical = _NAICS_PREFIXES.get(digits[:length])
            if vertical is not None:
                return vertical
        return "Other"
    for vertical, phrases in _VERTICALS:
        if has_phrase(words, phrases):
            return vertical
    return "Other"
