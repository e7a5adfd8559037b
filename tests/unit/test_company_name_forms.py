import pytest

from service.company_name_forms import normalize_company_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme", "acme"),
        ("ACME, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("Acme LLC", "acme"),
        ("Acme L.L.C.", "acme"),
        ("Acme LLP", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme AG", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme SA", "acme"),
        ("Acme S. A.", "acme"),
        ("Acme SAS", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme N.V.", "acme"),
        ("Acme Pvt Ltd", "acme"),
        ("Acme Pvt. Ltd.", "acme"),
        ("Acme Private Limited", "acme"),
        ("Acme PLC", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Co.", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme K.K.", "acme"),
        ("Acme Oy", "acme"),
        ("Acme AB", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Grupo Acme, S.A. de C.V.", "grupo acme"),
        ("Acme Sp. z o.o.", "acme"),
        ("The Acme Company", "acme"),
        ("  acme   holdings  inc ", "acme holdings"),
        ("Société Générale S.A.", "societe generale"),
        ("J. P. Morgan", "jp morgan"),
        ("J.P. Morgan Chase & Co.", "jp morgan chase"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("McDonald's Corporation", "mcdonalds"),
    ],
)
def test_company_names_lose_case_punctuation_and_legal_forms(raw: str, expected: str) -> None:
    assert normalize_company_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "bare"),
    [
        ("Gekko & Co Ltd", "Gekko & Co"),
        ("Gekko & Co. Ltd.", "Gekko"),
        ("Gekko and Company, Inc.", "Gekko"),
        ("Gekko & Company Limited", "Gekko Ltd"),
        ("Gekko GmbH & Co. KG", "Gekko GmbH"),
        ("Gekko Holdings & Co., Ltd.", "Gekko Holdings"),
    ],
)
def test_a_chain_of_legal_forms_is_dropped_whole_on_both_sides(raw: str, bare: str) -> None:
    normalized = normalize_company_name(raw)
    assert normalized == normalize_company_name(bare)
    assert normalized in ("gekko", "gekko holdings")


def test_an_and_inside_the_name_stays() -> None:
    assert normalize_company_name("Procter & Gamble Co") == "procter and gamble"
    assert normalize_company_name("Smith & Sons Ltd") == "smith and sons"


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert normalize_company_name("Limited") == "limited"
    assert normalize_company_name("The Company Ltd") == "company"


@pytest.mark.parametrize(
    "raw", [None, "", "  ", "N/A", "-- Select --", "0", "xxx", "?", "@@@", "!!!", "·"]
)
def test_placeholder_company_names_are_none(raw: str | None) -> None:
    assert normalize_company_name(raw) is None
