import pytest

from schemas.enrichment import Seniority
from service.seniority import seniority_from_title


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
