from typing import get_args

import pytest

from schemas.enrichment import Vertical
from service.verticals import vertical_from_industry


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
