from typing import Any, get_args

import pytest

from schemas.accounts import AccountTier
from schemas.enrichment import AccountMatch, Department, Seniority, Territory, Vertical
from service.config import EnrichmentConfig
from service.firmographics import (
    country_code_from_country,
    department_from_title,
    sales_motion,
    seniority_from_title,
    size_band,
    territory_from_country,
    vertical_from_industry,
)


@pytest.mark.parametrize(
    ("title", "seniority"),
    [
        ("CEO", "c_level"),
        ("ceo & co-founder", "c_level"),
        ("Chief Revenue Officer", "c_level"),
        ("CFO", "c_level"),
        ("CTO", "c_level"),
        ("CMO", "c_level"),
        ("COO", "c_level"),
        ("CRO", "c_level"),
        ("Founder", "c_level"),
        ("Owner", "c_level"),
        ("Business Owner", "c_level"),
        ("President", "c_level"),
        ("Managing Director", "c_level"),
        ("Vice President, Sales", "vp"),
        ("Vice-President Marketing", "vp"),
        ("VP Engineering", "vp"),
        ("SVP, Finance", "vp"),
        ("EVP Operations", "vp"),
        ("Senior Vice President & General Manager", "vp"),
        ("Director of IT", "director"),
        ("Sr. Director, Demand Generation", "director"),
        ("Head of Marketing", "director"),
        ("General Manager", "director"),
        ("Chief of Staff", "director"),
        ("Marketing Manager", "manager"),
        ("Sr Mgr, Sales Ops", "manager"),
        ("Team Lead", "manager"),
        ("Engineering Team Leader", "manager"),
        ("Support Supervisor", "manager"),
        ("Software Engineer", "individual_contributor"),
        ("Analyst", "individual_contributor"),
        ("Product Owner", "individual_contributor"),
        ("Lead Generation Specialist", "individual_contributor"),
        ("Executive Assistant to the CEO", "individual_contributor"),
        ("Director of Product", "director"),
        ("Electrical Engineer", "individual_contributor"),
        ("  HEAD OF SALES  ", "director"),
        (None, "unknown"),
        ("", "unknown"),
        ("Select", "unknown"),
        ("-- Select --", "unknown"),
        ("N/A", "unknown"),
    ],
)
def test_seniority_is_read_from_the_job_title(title: str | None, seniority: Seniority) -> None:
    assert seniority_from_title(title) == seniority


def test_acronyms_only_count_as_whole_words() -> None:
    # "cto" is inside "director", "coo" inside "coordinator": neither is an executive.
    assert seniority_from_title("Coordinator") == "individual_contributor"
    assert seniority_from_title("Director") == "director"


@pytest.mark.parametrize(
    ("title", "department"),
    [
        ("CEO", "executive"),
        ("Founder", "executive"),
        ("President", "executive"),
        ("Vice President of Sales", "sales"),
        ("CFO", "finance"),
        ("Chief Marketing Officer", "marketing"),
        ("CTO", "engineering"),
        ("CIO", "it"),
        ("Account Executive", "sales"),
        ("Sales Engineer", "sales"),
        ("Business Development Representative", "sales"),
        ("Marketing Operations Manager", "marketing"),
        ("Demand Gen Manager", "marketing"),
        ("IT Manager", "it"),
        ("Network Administrator", "it"),
        ("Senior Software Engineer", "engineering"),
        ("R&D Director", "engineering"),
        ("FP&A Analyst", "finance"),
        ("Controller", "finance"),
        ("HR Business Partner", "hr"),
        ("Talent Acquisition Lead", "hr"),
        ("General Counsel", "legal"),
        ("IT Procurement Specialist", "procurement"),
        ("Buyer", "procurement"),
        ("Supply Chain Manager", "operations"),
        ("Customer Success Manager", "operations"),
        ("Product Owner", "other"),
        ("Teacher", "other"),
        ("Select", "unknown"),
        (None, "unknown"),
    ],
)
def test_department_is_read_from_the_job_title(title: str | None, department: Department) -> None:
    assert department_from_title(title) == department


@pytest.mark.parametrize(
    ("industry", "vertical"),
    [
        ("Biotech", "Pharmaceuticals"),
        ("Biotechnology", "Pharmaceuticals"),
        ("Life Sciences", "Pharmaceuticals"),
        ("pharma", "Pharmaceuticals"),
        ("Pharmaceuticals", "Pharmaceuticals"),
        ("Medical Devices", "Pharmaceuticals"),
        ("Banking", "Financial Services"),
        ("Insurance", "Financial Services"),
        ("FinTech", "Financial Services"),
        ("Retail Banking", "Financial Services"),
        ("Financial Services", "Financial Services"),
        ("Automotive", "Automobiles"),
        ("Automobiles", "Automobiles"),
        ("Auto Insurance", "Financial Services"),
        ("Hospitality", "Travel and Leisure"),
        ("Airlines/Aviation", "Travel and Leisure"),
        ("Travel & Tourism", "Travel and Leisure"),
        ("Retail", "Retailers"),
        ("E-commerce", "Retailers"),
        ("eCommerce", "Retailers"),
        ("Pharmacy", "Retailers"),
        ("Media", "Entertainment"),
        ("Gaming", "Entertainment"),
        ("Computer Games", "Entertainment"),
        ("Motion Pictures & Film", "Entertainment"),
        ("CPG", "Consumer Products"),
        ("FMCG", "Consumer Products"),
        ("Food & Beverages", "Consumer Products"),
        ("Consumer Goods", "Consumer Products"),
        ("Advertising", "Marketing Organizations"),
        ("Marketing agency", "Marketing Organizations"),
        ("Marketing & Advertising", "Marketing Organizations"),
        ("Social media marketing", "Marketing Organizations"),
        ("Management consulting", "Consulting"),
        ("Professional Services", "Consulting"),
        ("Sales Organizations", "Sales Organizations"),
        ("Wholesale", "Sales Organizations"),
        ("Software", "Other"),
        ("Hospital & Health Care", "Other"),
        ("Information Technology & Services", "Other"),
        ("Unknown", "Other"),
        ("Select", "Other"),
        (None, "Other"),
        ("financial_services", "Financial Services"),
        ("  BANKING  ", "Financial Services"),
    ],
)
def test_vertical_is_read_from_industry_text(industry: str | None, vertical: Vertical) -> None:
    assert vertical_from_industry(industry) == vertical


@pytest.mark.parametrize(
    ("code", "vertical"),
    [
        ("52", "Financial Services"),
        ("524126", "Financial Services"),
        ("325412", "Pharmaceuticals"),
        ("NAICS 3254", "Pharmaceuticals"),
        ("336111", "Automobiles"),
        ("441110", "Automobiles"),
        ("452210", "Retailers"),
        ("541810", "Marketing Organizations"),
        ("541611", "Consulting"),
        ("721110", "Travel and Leisure"),
        ("713210", "Entertainment"),
        ("512110", "Entertainment"),
        ("311812", "Consumer Products"),
        ("423430", "Sales Organizations"),
        ("511110", "Entertainment"),
        ("511210", "Other"),
        ("611310", "Other"),
        ("7", "Other"),
    ],
)
def test_vertical_is_read_from_naics_codes(code: str, vertical: Vertical) -> None:
    assert vertical_from_industry(code) == vertical


def test_every_vertical_is_reachable() -> None:
    samples = (
        "Sales",
        "Pharma",
        "Consulting",
        "Automotive",
        "Banking",
        "Advertising",
        "CPG",
        "Hospitality",
        "Retail",
        "Media",
        "Mining",
    )
    assert {vertical_from_industry(sample) for sample in samples} == set(get_args(Vertical))


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("U.S.A.", "US"),
        ("us", "US"),
        ("United States of America", "US"),
        ("  united   states ", "US"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("GBR", "GB"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("de", "DE"),
        ("The Netherlands", "NL"),
        ("Holland", "NL"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("St. Lucia", "LC"),
        ("Bosnia & Herzegovina", "BA"),
        ("México", "MX"),
        ("Brasil", "BR"),
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Türkiye", "TR"),
        ("UAE", "AE"),
        ("Hong Kong SAR", "HK"),
        ("People's Republic of China", "CN"),
        ("中国", "CN"),
        ("Viet Nam", "VN"),
        ("Czechia", "CZ"),
        ("Russian Federation", "RU"),
        ("New Zealand", "NZ"),
        ("Namibia", "NA"),
    ],
)
def test_countries_are_read_from_names_codes_and_variants(country: str, code: str) -> None:
    assert country_code_from_country(country) == code


@pytest.mark.parametrize(
    "country", [None, "", "Select", "N/A", "NA", "Unknown", "Narnia", "Europe", "XX", "123"]
)
def test_unknown_countries_and_placeholders_have_no_code(country: str | None) -> None:
    assert country_code_from_country(country) is None


# ISO alpha-2 codes of UN member and observer states except Namibia ("NA" reads as N/A).
_SOVEREIGN_STATES = (
    "AF AL DZ AD AO AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI "
    "KH CM CA CV CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER "
    "EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL "
    "IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH "
    "MR MU MX FM MD MC MN ME MA MZ MM NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE "
    "PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK "
    "SD SR SE CH SY TW TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY UZ VU VA VE "
    "VN YE ZM ZW"
)


def test_the_country_table_covers_the_world() -> None:
    codes = {country_code_from_country(code) for code in _SOVEREIGN_STATES.split()}
    assert None not in codes
    assert len(codes) >= 190


@pytest.mark.parametrize(
    ("code", "territory"),
    [
        ("US", "NA"),
        ("CA", "NA"),
        ("us", "NA"),
        ("MX", "LATAM"),
        ("BR", "LATAM"),
        ("AR", "LATAM"),
        ("PA", "LATAM"),
        ("JM", "LATAM"),
        ("DO", "LATAM"),
        ("GB", "EMEA"),
        ("DE", "EMEA"),
        ("RU", "EMEA"),
        ("TR", "EMEA"),
        ("AE", "EMEA"),
        ("IL", "EMEA"),
        ("ZA", "EMEA"),
        ("NG", "EMEA"),
        ("EG", "EMEA"),
        ("JP", "APAC"),
        ("CN", "APAC"),
        ("IN", "APAC"),
        ("SG", "APAC"),
        ("AU", "APAC"),
        ("NZ", "APAC"),
        ("FJ", "APAC"),
        ("XX", "UNKNOWN"),
        (None, "UNKNOWN"),
    ],
)
def test_territory_follows_the_country(code: str | None, territory: Territory) -> None:
    assert territory_from_country(code) == territory


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "unknown"),
        (0, "unknown"),
        (1, "1-49"),
        (49, "1-49"),
        (50, "50-199"),
        (199, "50-199"),
        (200, "200-999"),
        (999, "200-999"),
        (1000, "1000-4999"),
        (4999, "1000-4999"),
        (5000, "5000+"),
        (10_000_000, "5000+"),
    ],
)
def test_size_band_edges(employees: int | None, band: str) -> None:
    assert size_band(employees) == band


def _account(tier: AccountTier) -> AccountMatch:
    return AccountMatch(
        account_id="a1", name="Acme", method="email_domain", tier=tier, customer_status="prospect"
    )


def test_big_companies_are_enterprise_by_head_count_or_revenue() -> None:
    config = EnrichmentConfig()
    assert sales_motion(1000, None, None, config) == "enterprise"
    assert sales_motion(999, None, None, config) == "transactional"
    assert sales_motion(None, 250_000_000, None, config) == "enterprise"
    assert sales_motion(10, 249_999_999.0, None, config) == "transactional"
    assert sales_motion(10_000_000, 1e13, None, config) == "enterprise"


def test_key_and_strategic_accounts_are_enterprise_whatever_their_size() -> None:
    config = EnrichmentConfig()
    assert sales_motion(5, None, _account("key"), config) == "enterprise"
    assert sales_motion(5, None, _account("strategic"), config) == "enterprise"
    assert sales_motion(5, None, _account("standard"), config) == "transactional"


def test_unknown_size_is_transactional() -> None:
    assert sales_motion(None, None, None, EnrichmentConfig()) == "transactional"


def test_enterprise_thresholds_come_from_config() -> None:
    config = EnrichmentConfig(enterprise_min_employees=200, enterprise_tiers=("key",))
    assert sales_motion(200, None, None, config) == "enterprise"
    assert sales_motion(5, None, _account("strategic"), config) == "transactional"


_CACHED = (
    seniority_from_title,
    department_from_title,
    vertical_from_industry,
    country_code_from_country,
)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_a_value_asked_again_gets_the_answer_it_got_first(function: Any) -> None:
    values: tuple[str | None, ...] = (None, "", "Select", "VP Sales", "Assistant to the CEO")
    values += ("Head of R&D", "USA", "naics 5411", "Biotech", "Korea, Republic of", "NA")
    for value in values:
        first = function(value)
        assert function(value) == first == function.__wrapped__(value)


@pytest.mark.parametrize("function", _CACHED, ids=lambda function: function.__name__)
def test_the_firmographics_caches_are_bounded(function: Any) -> None:
    assert function.cache_info().maxsize is not None
