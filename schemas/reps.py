"""Sales reps as published on the compacted `crm.reps.v1` topic (key: rep id)."""

from datetime import time

from pydantic import AwareDatetime, Field, field_validator

from schemas.base import InputModel


class WorkingHours(InputModel):
    """Hours in the rep's own time zone; days are ISO weekdays (1 = Monday .. 7 = Sunday)."""

    days: tuple[int, ...] = (1, 2, 3, 4, 5)
    start: time = time(9, 0)
    end: time = time(17, 0)

    @field_validator("days")
    @classmethod
    def _iso_weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("days are ISO weekdays 1..7")
        return value


class OutOfOffice(InputModel):
    start: AwareDatetime
    end: AwareDatetime


class Rep(InputModel):
    rep_id: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=256)
    queues: tuple[str, ...] = ()
    weight: int = Field(default=1, ge=1, le=100, description="share in weighted round robin")
    daily_capacity: int | None = Field(default=None, ge=0, description="leads per local day")
    timezone: str = "UTC"
    working_hours: WorkingHours | None = Field(default=None, description="None: always available")
    out_of_office: tuple[OutOfOffice, ...] = ()
    active: bool = True
