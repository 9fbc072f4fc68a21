"""The parameters a programme version holds, by programme kind, and how they are checked.

A version's ``parameters`` is a JSON object; this module declares, for each kind, which keys it has,
what they mean, their type and bounds, and checks a version's parameters before it is saved (every
bad key named). Amounts are fen; shares are exact fractions written "2/3"; time limits are working
days per review step.

The demo's values (``DEMO_VERSIONS`` in ``subsidies/demo.py``) cite the policy they come from or say
plainly that they are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from subsidies.constants import AMOUNT_MAX_FEN, STEP_OF_STATUS, DocumentKind, ProgrammeKind


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    type: str  # "fen", "int", "fraction", "codes", "documents", "step_days"
    minimum: int = 0
    maximum: int = AMOUNT_MAX_FEN


STEP_NAMES = tuple(dict.fromkeys([*STEP_OF_STATUS.values(), "approve_for_city"]))

COMMON = (
    Param("city_approval_above_fen", _("The city approves too above this amount (fen)"), "fen", 1),
    Param("step_days", _("Time limit of each review step (working days)"), "step_days", 1, 60),
    Param("required_documents", _("Supporting documents required"), "documents"),
)

BY_KIND: dict[str, tuple[Param, ...]] = {
    ProgrammeKind.SOCIAL_INSURANCE: (
        Param("share", _("Share of the contributions actually paid"), "fraction"),
        Param("monthly_cap_fen", _("Most paid per month (fen)"), "fen", 1),
        Param("max_months", _("Most months in all"), "int", 1, 600),
        Param("retirement_window_years", _("Paid until retirement for those this close to it (years)"), "int", 0, 20),
        Param("categories", _("Hard-to-employ categories covered"), "codes"),
    ),
    ProgrammeKind.GRADUATE_SOCIAL_INSURANCE: (
        Param("monthly_cap_fen", _("Most paid per month (fen)"), "fen", 1),
        Param("max_months", _("Most months in all"), "int", 1, 120),
        Param("graduated_within_years", _("Graduated at most this many years before the hire"), "int", 0, 10),
        Param("employer_max_staff", _("Small enterprise: at most this many staff"), "int", 1, 100000),
    ),
    ProgrammeKind.PUBLIC_WELFARE_POST: (
        Param("monthly_amount_fen", _("Paid per month (fen)"), "fen", 1),
        Param("max_months", _("Most months in all"), "int", 1, 600),
        Param("retirement_window_years", _("Paid until retirement for those this close to it (years)"), "int", 0, 20),
    ),
    ProgrammeKind.JOB_REFERRAL: (
        Param("amount_per_placement_fen", _("Paid per placement (fen)"), "fen", 1),
        Param("placement_within_days", _("Applied for at most this many days after the placement"), "int", 1, 3650),
    ),
    ProgrammeKind.STARTUP_LOAN: (
        Param("loan_cap_fen", _("Largest loan (fen)"), "fen", 1),
        Param("max_term_months", _("Longest term (months)"), "int", 1, 120),
        Param("subsidy_rate", _("Interest subsidised per year (share of the loan)"), "fraction"),
    ),
}


def params_of(kind: str) -> tuple[Param, ...]:
    return (*COMMON, *BY_KIND[kind])


def parse_fraction(value: Any) -> Fraction:
    """"2/3", "0.0345" or 1 as an exact fraction; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError("not a fraction") from None


def validate_parameters(kind: str, parameters: Any) -> dict:
    """The parameters of a version of a ``kind`` programme, checked and normalised; a ValidationError
    names every missing, unknown or bad key (as ``parameters.<key>``)."""
    if not isinstance(parameters, dict):
        raise ValidationError({"parameters": [ValidationError(_("Give the parameters as an object."),
                                                              code="invalid")]})
    declared = {param.name: param for param in params_of(kind)}
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[str, Any] = {}

    def bad(name: str, message, code: str = "invalid") -> None:
        errors.setdefault(f"parameters.{name}", []).append(ValidationError(message, code=code))

    for name in sorted(set(parameters) - set(declared)):
        bad(name, _("Unknown parameter for this kind of programme."), "unknown")
    for name, param in declared.items():
        if name not in parameters:
            bad(name, _("Missing: %(label)s.") % {"label": param.label}, "required")
            continue
        value = parameters[name]
        if param.type in ("fen", "int"):
            if isinstance(value, bool) or not isinstance(value, int):
                bad(name, _("Give a whole number."))
            elif not param.minimum <= value <= param.maximum:
                bad(name, _("Give a number from %(min)s to %(max)s.") % {"min": param.minimum, "max": param.maximum},
                    "range")
            else:
                clean[name] = value
        elif param.type == "fraction":
            try:
                share = parse_fraction(value)
            except ValueError:
                bad(name, _("Give a share such as 2/3 or 0.05."))
                continue
            if not 0 < share <= 1:
                bad(name, _("A share is more than 0 and at most 1."), "range")
            else:
                clean[name] = str(share)
        elif param.type == "codes":
            if not isinstance(value, list) or not all(isinstance(code, str) and code for code in value):
                bad(name, _("Give a list of codes."))
            else:
                clean[name] = sorted(set(value))
        elif param.type == "documents":
            if not isinstance(value, list) or any(code not in DocumentKind.values for code in value):
                bad(name, _("Give a list of document kinds: %(kinds)s.") % {"kinds": ", ".join(DocumentKind.values)})
            else:
                clean[name] = sorted(set(value))
        elif param.type == "step_days":
            if (not isinstance(value, dict) or set(value) != set(STEP_NAMES)
                    or any(isinstance(days, bool) or not isinstance(days, int)
                           or not param.minimum <= days <= param.maximum for days in value.values())):
                bad(name, _("Give the working days of each step (%(steps)s), each from %(min)s to %(max)s.")
                    % {"steps": ", ".join(STEP_NAMES), "min": param.minimum, "max": param.maximum})
            else:
                clean[name] = dict(value)
    if errors:
        raise ValidationError(errors)
    return clean
