import pytest

from schemas.enrichment import Department
from service.departments import department_from_title


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
