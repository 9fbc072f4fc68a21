"""Validators for codes used by the HR market."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: the unified social credit code uses 31 characters (no I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Refuse a unified social credit code with a wrong length, character or check character."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="length")
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(_("The code contains characters that are not allowed: %(chars)s."),
                              code="charset", params={"chars": "".join(bad)})
    if credit_code_check_character(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."), code="check")
