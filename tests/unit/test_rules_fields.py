from schemas.enrichment import AccountMatch, Enrichment
from schemas.events import LeadAttributes
from schemas.scores import Score
from service.rules.fields import FIELDS


def test_every_scalar_field_of_the_contracts_is_offered() -> None:
    for name in LeadAttributes.model_fields:
        assert f"lead.{name}" in FIELDS
    for name in ("fit", "engagement", "total", "grade", "sales_ready", "threshold"):
        assert f"score.{name}" in FIELDS
    for name in AccountMatch.model_fields:
        if name != "account_team":
            assert f"enrichment.account.{name}" in FIELDS
    assert {f"enrichment.{name}" for name in Enrichment.model_fields} <= set(FIELDS)


def test_collections_are_not_offered() -> None:
    assert "score.breakdown" not in FIELDS
    assert "enrichment.account.account_team" not in FIELDS


def test_literal_fields_carry_their_choices() -> None:
    assert FIELDS["enrichment.territory"].choices == frozenset(
        {"NA", "EMEA", "APAC", "LATAM", "UNKNOWN"}
    )
    assert FIELDS["enrichment.territory"].optional is False


def test_fields_under_an_optional_record_are_optional() -> None:
    tier = FIELDS["enrichment.account.tier"]
    assert tier.optional is True
    assert tier.getter(LeadAttributes(), Enrichment(), _any_score()) is None


def test_number_and_boolean_kinds_follow_the_annotations() -> None:
    assert FIELDS["lead.employee_count"].kind == "int"
    assert FIELDS["lead.annual_revenue"].kind == "float"
    assert FIELDS["score.sales_ready"].kind == "bool"
    assert FIELDS["enrichment.account"].kind == "object"


def _any_score() -> Score:
    return Score(
        fit=0, engagement=0, total=0, grade="D", sales_ready=False, threshold=60, breakdown=()
    )
