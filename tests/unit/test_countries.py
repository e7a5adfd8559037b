import json
from importlib.resources import files
from typing import get_args

import pycountry
import pytest

from schemas.enrichment import Territory
from schemas.events import LeadAttributes
from service.accounts import AccountIndex
from service.config import EnrichmentConfig
from service.countries import (
    _COUNTRY_CODES,
    _country_key,
    country_code_from_country,
    territory_from_country,
    territory_from_region,
)
from service.enrichment import enrich_lead


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


def _data(name: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = json.loads(
        (files("service") / "data" / name).read_text(encoding="utf-8")
    )
    return result


@pytest.mark.parametrize("country", list(pycountry.countries), ids=lambda c: c.alpha_2)
def test_every_iso_country_is_found_by_its_codes_and_names(country: pycountry.db.Country) -> None:
    written = [country.alpha_3, country.name, getattr(country, "common_name", country.name)]
    if country.alpha_2 != "NA":  # "NA" reads as "not applicable"
        written.append(country.alpha_2)
    assert {country_code_from_country(value) for value in written} == {country.alpha_2}


@pytest.mark.parametrize(
    ("misspelt", "code"),
    [
        ("Germnay", "DE"),
        ("Phillipines", "PH"),
        ("Untied States", "US"),
        ("Untied Kingdom", "GB"),
        ("Columbia", "CO"),
        ("Swizerland", "CH"),
        ("Argentinia", "AR"),
        ("Brazill", "BR"),
        ("Netherland", "NL"),
    ],
)
def test_common_misspellings_find_their_country(misspelt: str, code: str) -> None:
    assert country_code_from_country(misspelt) == code


@pytest.mark.parametrize("misspelt", ["Austrlia", "Nigera", "Inida"])
def test_a_misspelling_close_to_two_countries_or_too_short_is_not_guessed(misspelt: str) -> None:
    # Austrlia: Australia or Austria? Nigera: Nigeria or Niger? Inida: too short to guess.
    assert country_code_from_country(misspelt) is None


@pytest.mark.parametrize(
    ("region", "territory"),
    [
        ("Asia/Pacific Region", "APAC"),
        ("APAC", "APAC"),
        ("Asia Pacific", "APAC"),
        ("Oceania", "APAC"),
        ("Europe", "EMEA"),
        ("EMEA", "EMEA"),
        ("EU", "EMEA"),
        ("Middle East", "EMEA"),
        ("DACH", "EMEA"),
        ("Latin America", "LATAM"),
        ("LATAM", "LATAM"),
        ("Caribbean", "LATAM"),
        ("North America", "NA"),
    ],
)
def test_regions_give_a_territory_but_no_country(region: str, territory: Territory) -> None:
    assert territory_from_region(region) == territory
    assert country_code_from_country(region) is None


@pytest.mark.parametrize("value", [None, "", "N/A", "Germany", "Narnia", "Americas"])
def test_anything_but_a_known_region_has_no_region_territory(value: str | None) -> None:
    assert territory_from_region(value) == "UNKNOWN"


def test_the_data_files_name_only_known_codes_and_territories() -> None:
    iso = {country.alpha_2 for country in pycountry.countries} | {"XK"}
    aliases = _data("country_aliases.json")
    territories = _data("territories.json")
    regions = _data("regions.json")
    assert set(aliases) <= iso
    assert set(territories) == set(regions) == set(get_args(Territory)) - {"UNKNOWN"}
    placed = [code for codes in territories.values() for code in codes]
    assert len(placed) == len(set(placed))  # a country sits in one territory
    assert set(placed) <= iso
    # Only uninhabited places have no territory.
    assert iso - set(placed) == {"AQ", "BV", "GS", "HM", "TF"}


def test_no_region_name_is_also_a_way_of_writing_a_country() -> None:
    # "NAM" is Namibia's alpha-3 code, so it cannot also mean North America.
    for names in _data("regions.json").values():
        for name in names:
            assert _country_key(name) not in _COUNTRY_CODES, name


def test_every_alias_finds_its_country_and_its_territory() -> None:
    for code, names in _data("country_aliases.json").items():
        for name in names:
            assert country_code_from_country(name) == code, name
        assert territory_from_country(code) != "UNKNOWN"


def test_a_lead_that_gives_only_a_region_still_gets_its_territory() -> None:
    config = EnrichmentConfig()
    lead = LeadAttributes(email="jo@example.org", country="Asia/Pacific Region")
    enrichment = enrich_lead(lead, AccountIndex(), config)
    assert (enrichment.country_code, enrichment.territory) == (None, "APAC")
    typo = enrich_lead(LeadAttributes(country="Germnay"), AccountIndex(), config)
    assert (typo.country_code, typo.territory) == ("DE", "EMEA")
