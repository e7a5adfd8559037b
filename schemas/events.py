"""Lead events published by marketing systems (web forms, marketing automation, ad platforms).

Schema 1.1 adds, all optional so that 1.0 events stay valid: a generic `page_view` activity,
`duration_seconds` and `page_count` on activities, and the lead's attribution (lead source, UTM
parameters, form and landing page). Readers are tolerant: any 1.x version is accepted.
"""

import re
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from schemas.base import InputModel

SUPPORTED_SCHEMA_MAJOR = 1
# The newest contract this reader knows; an event without a version is a 1.0 event.
CURRENT_SCHEMA_VERSION = "1.1"
# Bounds every free-text field so one oversized value cannot bloat state or outputs.
MAX_TEXT = 512
MAX_URL = 2048

EventType = Literal["lead.created", "lead.updated", "lead.activity"]
ActivityType = Literal[
    "form_submit",
    "demo_request",
    "page_view",
    "pricing_page_view",
    "webinar_attended",
    "email_click",
    "email_open",
    "content_download",
    "trial_signup",
    "contact_sales",
    "unsubscribe",
]

# Deliberately simple: one @, a dotted domain, no spaces. Deliverability is not our job.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Text = str | None


class LeadAttributes(InputModel):
    """What marketing knows about the person and their company; every field is optional."""

    external_id: Text = Field(default=None, max_length=MAX_TEXT)
    email: Text = Field(default=None, max_length=320)
    first_name: Text = Field(default=None, max_length=MAX_TEXT)
    last_name: Text = Field(default=None, max_length=MAX_TEXT)
    job_title: Text = Field(default=None, max_length=MAX_TEXT)
    company_name: Text = Field(default=None, max_length=MAX_TEXT)
    website: Text = Field(default=None, max_length=MAX_URL, description="company website or domain")
    phone: Text = Field(default=None, max_length=64)
    country: Text = Field(default=None, max_length=MAX_TEXT)
    region: Text = Field(default=None, max_length=MAX_TEXT, description="state or region")
    employee_count: int | None = Field(default=None, ge=0, le=10_000_000)
    annual_revenue: float | None = Field(default=None, ge=0, le=1e13)
    industry: Text = Field(default=None, max_length=MAX_TEXT, description="as the source wrote it")
    product_interest: Text = Field(default=None, max_length=MAX_TEXT)
    do_not_email: bool = False
    do_not_call: bool = False
    # Attribution (1.1): where the lead came from, as the marketing system recorded it.
    lead_source: Text = Field(
        default=None, max_length=MAX_TEXT, description="e.g. organic search, referral, webinar"
    )
    utm_source: Text = Field(default=None, max_length=MAX_TEXT)
    utm_medium: Text = Field(default=None, max_length=MAX_TEXT)
    utm_campaign: Text = Field(default=None, max_length=MAX_TEXT)
    utm_term: Text = Field(default=None, max_length=MAX_TEXT)
    utm_content: Text = Field(default=None, max_length=MAX_TEXT)
    form_name: Text = Field(
        default=None, max_length=MAX_TEXT, description="the form the lead filled in"
    )
    landing_page: Text = Field(
        default=None, max_length=MAX_URL, description="the page where the lead first arrived"
    )

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _EMAIL.match(value):
            raise ValueError("not an email address")
        return value


class Activity(InputModel):
    """One engagement signal; its weight and decay are decided by scoring configuration."""

    type: ActivityType
    campaign: Text = Field(default=None, max_length=MAX_TEXT)
    url: Text = Field(default=None, max_length=MAX_URL)
    occurred_at: AwareDatetime | None = None
    # 1.1: how long the visit lasted and how many pages it covered (page views, mostly).
    duration_seconds: float | None = Field(default=None, ge=0, le=30 * 86_400)
    page_count: int | None = Field(default=None, ge=0, le=100_000)


class LeadEvent(InputModel):
    """The envelope every marketing system publishes to `leads.events.v1`."""

    event_id: str = Field(min_length=1, max_length=128)
    event_type: EventType
    occurred_at: AwareDatetime
    source: str = Field(min_length=1, max_length=128, description="the publishing system")
    schema_version: str = Field(default="1.0", max_length=16)
    lead: LeadAttributes
    activity: Activity | None = None

    @field_validator("schema_version")
    @classmethod
    def _supported_version(cls, value: str) -> str:
        major = value.split(".", 1)[0]
        if not major.isdigit() or int(major) != SUPPORTED_SCHEMA_MAJOR:
            raise ValueError(f"unsupported schema_version {value!r}; this reader takes 1.x")
        return value

    @model_validator(mode="after")
    def _activity_matches_type(self) -> "LeadEvent":
        if self.event_type == "lead.activity" and self.activity is None:
            raise ValueError("a lead.activity event needs an activity")
        if not (self.lead.email or self.lead.external_id):
            raise ValueError("a lead needs an email or an external_id to be identified")
        return self
