"""Field types shared by the workspace models: ids, partial dates, fuzzy memberships, and the
strict base model (unknown fields forbidden, frozen)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = ["Id", "LanguageCode", "Membership", "NonEmptyStr", "PartialDate", "date_bounds"]

_ID_RE = r"^[A-Za-z][A-Za-z0-9_\-]*$"
Id = Annotated[str, Field(pattern=_ID_RE, min_length=1, max_length=80)]
#: The pattern of a :data:`LanguageCode` (the discourse engine's ``is_language_code``).
LANGUAGE_CODE_RE = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
LanguageCode = Annotated[str, Field(pattern=LANGUAGE_CODE_RE, max_length=35)]
"""A lower-case language code (BCP 47 style): ``en``, ``ru``, ``uk``, ``tr``, ``pt-BR``."""
NonEmptyStr = Annotated[str, Field(min_length=1)]
Membership = Annotated[float, Field(ge=0.0, le=1.0)]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _coerce_partial_date(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    if isinstance(value, int):
        value = f"{value:04d}"
    if isinstance(value, dt.datetime):
        value = value.date().isoformat()
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    m = _DATE_RE.match(value.strip())
    if not m:
        raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
    year, month, day = m.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"invalid month in date {value!r}")
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f"invalid day in date {value!r}")
    return value.strip()


#: A date known to the year, month or day: ``1956``, ``1956-10`` or ``1956-10-24``.
PartialDate = Annotated[str, BeforeValidator(_coerce_partial_date)]


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Return the earliest and latest calendar day a :data:`PartialDate` can mean.

    >>> date_bounds("1956-10")
    (datetime.date(1956, 10, 1), datetime.date(1956, 10, 31))
    """
    m = _DATE_RE.match(value)
    if not m:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = m.groups()
    y = int(year)
    if month is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    mo = int(month)
    if day is None:
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    d = dt.date(y, mo, int(day))
    return d, d


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
