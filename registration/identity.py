"""Resident identity numbers (GB 11643-1999) and how they are kept.

An 18-character number is a 6-digit address code (the place of first registration, which may
no longer exist: never checked against today's divisions), an 8-digit birth date, a 3-digit
sequence (odd for men) and an ISO 7064 MOD 11-2 check character (0-9 or X). A 15-digit number
of the first generation has a 2-digit year and no check character; it is converted by inserting
"19" before the year and computing the check character.

Storage (see ``registration.models.Person``): ``identity_hash`` (HMAC-SHA256 keyed by
settings.PERSONAL_DATA_HASH_KEY) for exact lookup, ``identity_encrypt`` (Fernet with
settings.PERSONAL_DATA_ENCRYPTION_KEY) for the whole number shown to staff of the area, and
``identity_mask`` for everything else. Changing the hash key makes every stored lookup key stale.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.constants import MIN_REGISTRATION_AGE, Sex

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by (weighted sum mod 11)
_EIGHTEEN = re.compile(r"\d{17}[\dX]")
_FIFTEEN = re.compile(r"\d{15}")
_SEPARATORS = re.compile(r"[\s\u3000-]+")
_NUMBER_LIKE = re.compile(r"\d{14,17}[\dX]")


@dataclass(frozen=True)
class IdentityNumber:
    """A checked, normalised 18-character identity number and what it says."""

    number: str
    birth_date: datetime.date
    sex: str
    converted_from_15: bool = False

    @property
    def masked(self) -> str:
        return identity_mask(self.number)


def identity_check_character(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def identity_normalise(raw: str) -> str:
    """Upper-case, without spaces or hyphens; full-width digits and ｘ read as ASCII."""
    text = _SEPARATORS.sub("", (raw or "").strip())
    text = text.translate({0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF58: "X", 0xFF38: "X"})
    return text.upper()


def identity_number_like(raw: str) -> bool:
    """Whether search text is an identity number, or most of one: 15 to 18 digits (the last may be
    X) once spaces and hyphens are gone. Such text never goes into a web address (logs keep them)."""
    return bool(_NUMBER_LIKE.fullmatch(identity_normalise(raw)))


def identity_parse(raw: str, *, today: datetime.date | None = None,
                   min_age: int | None = MIN_REGISTRATION_AGE) -> IdentityNumber:
    """Check an identity number; raise a ValidationError with a specific code and message.

    Codes: ``required``, ``length``, ``characters``, ``birth_date_invalid``, ``birth_date_future``,
    ``check_character``, ``under_age`` (only when ``min_age`` is given).
    """
    today = today or timezone.localdate()
    text = identity_normalise(raw)
    if not text:
        raise ValidationError(_("Enter the identity number."), code="required")
    if len(text) not in (15, 18):
        raise ValidationError(
            _("An identity number has 18 characters (15 for an old first-generation number); this one has "
              "%(count)d."), code="length", params={"count": len(text)})
    converted = len(text) == 15
    if converted:
        if not _FIFTEEN.fullmatch(text):
            raise ValidationError(_("A 15-character identity number contains digits only."), code="characters")
        body = text[:6] + "19" + text[6:]
    else:
        if not _EIGHTEEN.fullmatch(text):
            raise ValidationError(
                _("An identity number contains digits only; only the last of its 18 characters may be X."),
                code="characters")
        body = text[:17]
    digits = body[6:14]
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        birth_date = None
    if birth_date is None or birth_date.year < 1900:
        raise ValidationError(
            _("The birth date in this identity number (%(digits)s) is not a real date."),
            code="birth_date_invalid", params={"digits": f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"})
    if birth_date > today:
        raise ValidationError(
            _("The birth date in this identity number (%(date)s) is in the future."),
            code="birth_date_future", params={"date": birth_date.isoformat()})
    check = identity_check_character(body)
    if not converted and text[17] != check:
        raise ValidationError(
            _("The check character (the last one) does not match the other 17: a character is mistyped."),
            code="check_character")
    if min_age is not None and age_on(birth_date, today) < min_age:
        raise ValidationError(
            _("This person is under %(age)d (born %(date)s) and cannot be registered."),
            code="under_age", params={"age": min_age, "date": birth_date.isoformat()})
    sex = Sex.MALE if int(body[16]) % 2 else Sex.FEMALE
    return IdentityNumber(number=body + check, birth_date=birth_date, sex=sex, converted_from_15=converted)


def identity_mask(number: str) -> str:
    """``420102********123X``: the first 6 and the last 4 characters."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def identity_hash(number: str) -> str:
    """The lookup key of a normalised 18-character number (hex HMAC-SHA256)."""
    return hmac.new(settings.PERSONAL_DATA_HASH_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode() if isinstance(key, str) else key)


def identity_encrypt(number: str) -> str:
    return _fernet(settings.PERSONAL_DATA_ENCRYPTION_KEY).encrypt(number.encode()).decode()


def identity_decrypt(token: str) -> str:
    return _fernet(settings.PERSONAL_DATA_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def identity_lookup_hash(raw: str) -> str | None:
    """The lookup key of what someone typed into a search box, or None when it is no valid number."""
    try:
        return identity_hash(identity_parse(raw, min_age=None).number)
    except ValidationError:
        return None


def identity_make(address: str = "420102", birth_date: datetime.date = datetime.date(1985, 6, 15),
                  sequence: int = 123) -> str:
    """A valid 18-character number (for tests, examples and demo data)."""
    body = f"{address}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + identity_check_character(body)
