"""Lead identity: the key that ties every event about one person to one profile."""

from schemas.events import LeadAttributes
from service.email_addresses import normalize_email
from service.free_text import clean_text


def lead_identity(attributes: LeadAttributes, source: str) -> str | None:
    """The lead's identity: its normalised email, else the publishing system's own id for it.

    An email identifies a person across systems ("email:jane@acme.com"); an external id only
    within the system that issued it, so it is qualified by the source ("ext:hubspot:123").
    None when neither is usable (blank or placeholder values do not identify anyone).
    """
    email = normalize_email(attributes.email)
    if email is not None:
        return f"email:{email}"
    external_id = clean_text(attributes.external_id)
    # Source names are system names, not form input: only case and blanks are normalised.
    source_name = source.strip().lower()
    if external_id is None or not source_name:
        return None
    return f"ext:{source_name}:{external_id}"
