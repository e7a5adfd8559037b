"""Firmographics read from what a lead typed: seniority, department, vertical, country, size."""

import re
from collections.abc import Iterable
from functools import lru_cache

from schemas.enrichment import (
    AccountMatch,
    Department,
    Motion,
    Seniority,
    SizeBand,
    Territory,
    Vertical,
)
from service.config import EnrichmentConfig
from service.normalize import clean_text, strip_accents

_NON_WORD = re.compile(r"[^\w]+|_")
# Short abbreviations keep their ampersand joined: R&D, FP&A, P&G, AT&T.
_JOINED_AMPERSAND = re.compile(r"\b(\w{1,2})&(\w{1,2})\b")


# Titles, industries and countries repeat a lot: the functions of one of them (the words, the
# seniority, department, vertical, country code) are pure and their caches bounded.
_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def _words(value: str | None) -> str | None:
    """Lowercase words without accents or punctuation, padded with spaces for phrase matching.

    "Sr. V.P., Sales & Marketing" -> " sr vp sales and marketing ": a phrase is found by looking
    for " vp " so that "cto" never matches inside "director".
    """
    text = clean_text(value)
    if text is None:
        return None
    text = strip_accents(text.casefold())
    text = _JOINED_AMPERSAND.sub(r"\1\2", text)
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "").replace(".", "")
    words = [word for word in _NON_WORD.split(text) if word]
    return f" {' '.join(words)} " if words else None


def _phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern finding any of the phrases as whole words in `_words` output."""
    alternatives = sorted((re.escape(phrase) for phrase in phrases), key=len, reverse=True)
    return re.compile(f" (?:{'|'.join(alternatives)})(?= )")


def _has_any(words: str, phrases: re.Pattern[str]) -> bool:
    return phrases.search(words) is not None


# --- seniority -----------------------------------------------------------------------------------

# Checked in this order; the first rule whose phrases occur in the title decides.
_NOT_SENIORITY = _phrases(("product owner", "process owner", "lead generation", "lead gen"))
_C_LEVEL = _phrases(
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
_VP = _phrases(("vp", "svp", "evp", "avp", "vice president", "vicepresident", "vice pres"))
_DIRECTOR = _phrases(("director", "dir", "head", "general manager", "gm"))
_MANAGER = _phrases(("manager", "mgr", "lead", "leader", "supervisor", "team lead", "foreman"))
_CHIEF_OF_STAFF = _phrases(("chief of staff",))


@lru_cache(maxsize=_CACHE_SIZE)
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
    words = _words(title)
    if words is None:
        return "unknown"
    # "Assistant to the CEO" is not the CEO: whoever the title serves does not count.
    words = words.split(" to ", 1)[0] + " "
    if _has_any(words, _CHIEF_OF_STAFF):
        return "director"
    words = _NOT_SENIORITY.sub("", words)
    if _has_any(words, _VP):
        return "vp"
    if _has_any(words, _C_LEVEL):
        return "c_level"
    if _has_any(words, _DIRECTOR):
        return "director"
    if _has_any(words, _MANAGER):
        return "manager"
    return "individual_contributor"


# --- department ----------------------------------------------------------------------------------

_EXECUTIVE = _phrases(
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


_DEPARTMENTS = tuple((department, _phrases(phrases)) for department, phrases in _DEPARTMENT_PHRASES)


@lru_cache(maxsize=_CACHE_SIZE)
def department_from_title(title: str | None) -> Department:
    """The function a person works in, from their job title.

    Company leaders (CEO, Founder, Owner, President, Managing Director...) are "executive";
    other chiefs belong to their function (a CFO is finance, a CMO marketing). A real title that
    names no known function is "other"; no title or a placeholder is "unknown".
    """
    words = _words(title)
    if words is None:
        return "unknown"
    words = words.split(" to ", 1)[0] + " "
    leader_words = _NOT_SENIORITY.sub("", words)
    if _has_any(leader_words, _EXECUTIVE) and not _has_any(words, _VP):
        return "executive"
    for department, phrases in _DEPARTMENTS:
        if _has_any(words, phrases):
            return department
    return "other"


# --- vertical ------------------------------------------------------------------------------------

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

_VERTICALS = tuple((vertical, _phrases(phrases)) for vertical, phrases in _VERTICAL_PHRASE_LISTS)

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


@lru_cache(maxsize=_CACHE_SIZE)
def vertical_from_industry(industry: str | None) -> Vertical:
    """The one sales vertical an industry belongs to, from free text or a NAICS code.

    Free text is matched on whole words and phrases ("Biotech", "Life Sciences", "pharma" are
    Pharmaceuticals; "Banking", "Insurance", "FinTech" Financial Services; "Hospitality",
    "Airlines" Travel and Leisure; "E-commerce" Retailers; "Media", "Gaming" Entertainment; "CPG",
    "FMCG" Consumer Products; "Advertising", "Marketing agency" Marketing Organizations;
    "Management consulting" Consulting). Healthcare providers, software, manufacturing and
    anything unrecognised are "Other".
    """
    words = _words(industry)
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
        if _has_any(words, phrases):
            return vertical
    return "Other"


# --- country and territory -----------------------------------------------------------------------

# ISO 3166 alpha-2, alpha-3, sales territory, then the names people write (English first, then
# common local and older names; a country may take more than one line). Territories: NA is the
# US and Canada (with Bermuda, Greenland and Saint Pierre); LATAM is Mexico, Central and South
# America and the Caribbean; EMEA is Europe (including Russia, Turkey and the Caucasus), the
# Middle East and Africa; APAC is the rest of Asia (including Central Asia) and Oceania. This
# table is the one place to move a country.
_COUNTRY_TABLE = """
US USA NA united states; united states of america; america; usa; us of a; estados unidos; etats unis
CA CAN NA canada
BM BMU NA bermuda
GL GRL NA greenland
PM SPM NA saint pierre and miquelon
MX MEX LATAM mexico; mejico; estados unidos mexicanos
GT GTM LATAM guatemala
BZ BLZ LATAM belize
SV SLV LATAM el salvador
HN HND LATAM honduras
NI NIC LATAM nicaragua
CR CRI LATAM costa rica
PA PAN LATAM panama
CU CUB LATAM cuba
JM JAM LATAM jamaica
HT HTI LATAM haiti
DO DOM LATAM dominican republic; republica dominicana
PR PRI LATAM puerto rico
BS BHS LATAM bahamas
BB BRB LATAM barbados
TT TTO LATAM trinidad and tobago; trinidad
AG ATG LATAM antigua and barbuda; antigua
DM DMA LATAM dominica
GD GRD LATAM grenada
KN KNA LATAM saint kitts and nevis; saint kitts
LC LCA LATAM saint lucia
VC VCT LATAM saint vincent and the grenadines; saint vincent
AW ABW LATAM aruba
CW CUW LATAM curacao
KY CYM LATAM cayman islands
VG VGB LATAM british virgin islands
VI VIR LATAM us virgin islands; united states virgin islands
TC TCA LATAM turks and caicos islands; turks and caicos
AI AIA LATAM anguilla
GP GLP LATAM guadeloupe
MQ MTQ LATAM martinique
GF GUF LATAM french guiana
CO COL LATAM colombia
VE VEN LATAM venezuela; bolivarian republic of venezuela
EC ECU LATAM ecuador
PE PER LATAM peru
BO BOL LATAM bolivia; plurinational state of bolivia
BR BRA LATAM brazil; brasil
PY PRY LATAM paraguay
UY URY LATAM uruguay
AR ARG LATAM argentina
CL CHL LATAM chile
GY GUY LATAM guyana
SR SUR LATAM suriname
FK FLK LATAM falkland islands
GB GBR EMEA united kingdom; uk; great britain; britain; england; scotland; wales
GB GBR EMEA northern ireland; united kingdom of great britain and northern ireland
IE IRL EMEA ireland; republic of ireland; eire
FR FRA EMEA france
DE DEU EMEA germany; deutschland; allemagne; alemania; federal republic of germany
NL NLD EMEA netherlands; holland; nederland; kingdom of the netherlands
BE BEL EMEA belgium; belgique; belgie
LU LUX EMEA luxembourg; luxemburg
CH CHE EMEA switzerland; schweiz; suisse; svizzera
AT AUT EMEA austria; osterreich
IT ITA EMEA italy; italia
ES ESP EMEA spain; espana
PT PRT EMEA portugal
AD AND EMEA andorra
MC MCO EMEA monaco
SM SMR EMEA san marino
VA VAT EMEA vatican; vatican city; holy see
LI LIE EMEA liechtenstein
MT MLT EMEA malta
GI GIB EMEA gibraltar
GG GGY EMEA guernsey
JE JEY EMEA jersey
IM IMN EMEA isle of man
FO FRO EMEA faroe islands
AX ALA EMEA aland islands
DK DNK EMEA denmark; danmark
SE SWE EMEA sweden; sverige
NO NOR EMEA norway; norge
FI FIN EMEA finland; suomi
IS ISL EMEA iceland
EE EST EMEA estonia; eesti
LV LVA EMEA latvia
LT LTU EMEA lithuania
PL POL EMEA poland; polska
CZ CZE EMEA czech republic; czechia; cesko; ceska republika
SK SVK EMEA slovakia; slovak republic
HU HUN EMEA hungary; magyarorszag
SI SVN EMEA slovenia
HR HRV EMEA croatia; hrvatska
BA BIH EMEA bosnia and herzegovina; bosnia
RS SRB EMEA serbia
ME MNE EMEA montenegro
MK MKD EMEA north macedonia; macedonia
AL ALB EMEA albania
XK XKX EMEA kosovo
GR GRC EMEA greece; hellas; el
CY CYP EMEA cyprus
BG BGR EMEA bulgaria
RO ROU EMEA romania
MD MDA EMEA moldova; republic of moldova
UA UKR EMEA ukraine
BY BLR EMEA belarus
RU RUS EMEA russia; russian federation; rossiya; россия
GE GEO EMEA georgia
AM ARM EMEA armenia
AZ AZE EMEA azerbaijan
TR TUR EMEA turkey; turkiye
IL ISR EMEA israel
PS PSE EMEA palestine; state of palestine; palestinian territories
JO JOR EMEA jordan
LB LBN EMEA lebanon
SY SYR EMEA syria; syrian arab republic
IQ IRQ EMEA iraq
IR IRN EMEA iran; islamic republic of iran; iran islamic republic of
SA SAU EMEA saudi arabia; kingdom of saudi arabia; ksa
AE ARE EMEA united arab emirates; uae; emirates
QA QAT EMEA qatar
BH BHR EMEA bahrain
KW KWT EMEA kuwait
OM OMN EMEA oman
YE YEM EMEA yemen
EG EGY EMEA egypt
LY LBY EMEA libya
TN TUN EMEA tunisia
DZ DZA EMEA algeria
MA MAR EMEA morocco
MR MRT EMEA mauritania
ML MLI EMEA mali
NE NER EMEA niger
TD TCD EMEA chad
SD SDN EMEA sudan
SS SSD EMEA south sudan
ER ERI EMEA eritrea
DJ DJI EMEA djibouti
ET ETH EMEA ethiopia
SO SOM EMEA somalia
KE KEN EMEA kenya
UG UGA EMEA uganda
RW RWA EMEA rwanda
BI BDI EMEA burundi
TZ TZA EMEA tanzania; united republic of tanzania
MZ MOZ EMEA mozambique
MW MWI EMEA malawi
ZM ZMB EMEA zambia
ZW ZWE EMEA zimbabwe
BW BWA EMEA botswana
NA NAM EMEA namibia
ZA ZAF EMEA south africa; rsa; republic of south africa
LS LSO EMEA lesotho
SZ SWZ EMEA eswatini; swaziland
AO AGO EMEA angola
CD COD EMEA democratic republic of the congo; dr congo; drc; congo kinshasa
CD COD EMEA congo democratic republic of the
CG COG EMEA republic of the congo; congo; congo brazzaville
GA GAB EMEA gabon
GQ GNQ EMEA equatorial guinea
CM CMR EMEA cameroon
CF CAF EMEA central african republic
NG NGA EMEA nigeria
BJ BEN EMEA benin
TG TGO EMEA togo
GH GHA EMEA ghana
CI CIV EMEA ivory coast; cote divoire
BF BFA EMEA burkina faso
LR LBR EMEA liberia
SL SLE EMEA sierra leone
GN GIN EMEA guinea
GW GNB EMEA guinea bissau
SN SEN EMEA senegal
GM GMB EMEA gambia
CV CPV EMEA cape verde; cabo verde
ST STP EMEA sao tome and principe
MG MDG EMEA madagascar
MU MUS EMEA mauritius
SC SYC EMEA seychelles
KM COM EMEA comoros
RE REU EMEA reunion
CN CHN APAC china; peoples republic of china; prc; mainland china; zhongguo; 中国
HK HKG APAC hong kong; hong kong sar; hong kong sar china; hksar
MO MAC APAC macau; macao
TW TWN APAC taiwan; republic of china; chinese taipei; taiwan province of china
JP JPN APAC japan; nippon; 日本
KR KOR APAC south korea; korea; republic of korea; korea republic of; korea south; 대한민국
KP PRK APAC north korea; dprk; democratic peoples republic of korea; korea north
MN MNG APAC mongolia
IN IND APAC india; bharat
PK PAK APAC pakistan
BD BGD APAC bangladesh
LK LKA APAC sri lanka
NP NPL APAC nepal
BT BTN APAC bhutan
MV MDV APAC maldives
AF AFG APAC afghanistan
KZ KAZ APAC kazakhstan
UZ UZB APAC uzbekistan
TM TKM APAC turkmenistan
KG KGZ APAC kyrgyzstan
TJ TJK APAC tajikistan
TH THA APAC thailand
VN VNM APAC vietnam; viet nam
LA LAO APAC laos; lao pdr; lao peoples democratic republic
KH KHM APAC cambodia
MM MMR APAC myanmar; burma
MY MYS APAC malaysia
SG SGP APAC singapore
ID IDN APAC indonesia
PH PHL APAC philippines
BN BRN APAC brunei; brunei darussalam
TL TLS APAC timor leste; east timor
AU AUS APAC australia
NZ NZL APAC new zealand; aotearoa
PG PNG APAC papua new guinea
FJ FJI APAC fiji
SB SLB APAC solomon islands
VU VUT APAC vanuatu
NC NCL APAC new caledonia
PF PYF APAC french polynesia
WS WSM APAC samoa
TO TON APAC tonga
KI KIR APAC kiribati
FM FSM APAC micronesia; federated states of micronesia
MH MHL APAC marshall islands
PW PLW APAC palau
NR NRU APAC nauru
TV TUV APAC tuvalu
GU GUM APAC guam
MP MNP APAC northern mariana islands
AS ASM APAC american samoa
CK COK APAC cook islands
"""


def _country_key(value: str | None) -> str | None:
    words = _words(value)
    if words is None:
        return None
    words = words.replace(" st ", " saint ")
    if words.startswith(" the ") and len(words) > len(" the  "):
        words = words[len(" the") :]
    return words.strip()


def _load_countries() -> tuple[dict[str, str], dict[str, Territory]]:
    codes: dict[str, str] = {}
    territories: dict[str, Territory] = {}
    territory_names: dict[str, Territory] = {
        "NA": "NA",
        "EMEA": "EMEA",
        "APAC": "APAC",
        "LATAM": "LATAM",
    }
    for line in _COUNTRY_TABLE.strip().splitlines():
        alpha2, alpha3, territory, names = line.split(" ", 3)
        territories[alpha2] = territory_names[territory]
        for name in (alpha2, alpha3, *names.split(";")):
            key = _country_key(name)
            if key is None:  # "NA" (Namibia) reads as a placeholder
                continue
            if codes.setdefault(key, alpha2) != alpha2:
                raise ValueError(f"country name {name!r} is listed twice")
    return codes, territories


_COUNTRY_CODES, _TERRITORIES = _load_countries()


@lru_cache(maxsize=_CACHE_SIZE)
def country_code_from_country(country: str | None) -> str | None:
    """The ISO 3166 alpha-2 code for a country written as a name, an alpha-2 or alpha-3 code, or a
    common variant ("USA", "U.S.", "United States of America", "UK", "Deutschland", "The
    Netherlands", "Korea, Republic of"); None for blanks, placeholders and unknown names.

    "NA" is read as "not applicable", not Namibia: forms use it far more often that way.
    """
    key = _country_key(country)
    if key is None:
        return None
    return _COUNTRY_CODES.get(key)


def territory_from_country(country_code: str | None) -> Territory:
    """The sales territory (NA, LATAM, EMEA, APAC) of an ISO alpha-2 code; UNKNOWN otherwise."""
    if country_code is None:
        return "UNKNOWN"
    return _TERRITORIES.get(country_code.strip().upper(), "UNKNOWN")


# --- size and motion -----------------------------------------------------------------------------

_SIZE_BANDS: tuple[tuple[int, SizeBand], ...] = (
    (5000, "5000+"),
    (1000, "1000-4999"),
    (200, "200-999"),
    (50, "50-199"),
    (1, "1-49"),
)


def size_band(employee_count: int | None) -> SizeBand:
    """The company-size band of a head count; a missing or zero head count is "unknown" (forms
    send 0 when the field was left empty)."""
    if employee_count is None:
        return "unknown"
    for lower_bound, band in _SIZE_BANDS:
        if employee_count >= lower_bound:
            return band
    return "unknown"


def sales_motion(
    employee_count: int | None,
    annual_revenue: float | None,
    account: AccountMatch | None,
    config: EnrichmentConfig,
) -> Motion:
    """Enterprise when the company is big (head count or revenue at or above the configured
    thresholds) or its matched account is in an enterprise tier (key, strategic); else
    transactional. Unknown size alone never makes a lead enterprise."""
    if account is not None and account.tier in config.enterprise_tiers:
        return "enterprise"
    if employee_count is not None and employee_count >= config.enterprise_min_employees:
        return "enterprise"
    if annual_revenue is not None and annual_revenue >= config.enterprise_min_revenue:
        return "enterprise"
    return "transactional"
