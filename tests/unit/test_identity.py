from schemas.events import LeadAttributes
from service.identity import lead_identity


def test_a_lead_with_an_email_is_identified_by_its_normalised_email() -> None:
    attributes = LeadAttributes(email="  Jane.Doe@ACME.com ", external_id="123")
    assert lead_identity(attributes, "hubspot") == "email:jane.doe@acme.com"


def test_the_same_person_from_two_systems_has_one_identity() -> None:
    from_forms = lead_identity(LeadAttributes(email="jane@acme.com"), "webforms")
    from_ads = lead_identity(LeadAttributes(email="JANE@acme.com", external_id="9"), "linkedin")
    assert from_forms == from_ads


def test_without_an_email_the_external_id_is_qualified_by_its_source() -> None:
    attributes = LeadAttributes(external_id=" 00Q123 ")
    assert lead_identity(attributes, "Salesforce") == "ext:salesforce:00Q123"


def test_a_placeholder_email_falls_back_to_the_external_id() -> None:
    attributes = LeadAttributes(email="test@test.com", external_id="42")
    assert lead_identity(attributes, "webforms") == "ext:webforms:42"


def test_a_lead_with_neither_usable_email_nor_external_id_has_no_identity() -> None:
    assert lead_identity(LeadAttributes(external_id="N/A"), "webforms") is None
    assert lead_identity(LeadAttributes(first_name="Jane"), "webforms") is None


def test_a_blank_source_cannot_qualify_an_external_id() -> None:
    assert lead_identity(LeadAttributes(external_id="42"), "  ") is None
