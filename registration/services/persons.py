"""Persons (实名登记): register a person at a window, correct the details, show the whole identity
number to staff of the area (read-audited), record the employment and entrepreneurship card
number, and let a job seeker link their account to their person record.

Clerks of any tier register persons whose residence community is in their scope. The identity
number decides who a person is: ``id_hash`` is unique, so of two windows registering the same
number at the same moment exactly one wins and the other is told where the person is (or only
that they are registered in another area, when that area is out of the clerk's scope).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jobs.models import SeekerProfile
from portal.audit import audit_record
from portal.constants import AccountType, AreaLevel, AuditEventType, AuditKind
from portal.models import Area, User
from portal.reference.education import Education
from portal.scoping import OutOfScope, area_in_scope, assert_in_scope, has_staff_role
from registration.constants import (
    CARD_MAX,
    CARD_MIN,
    NAME_MAX,
    PHONE_LENGTH,
    REGISTRATION_ROLES,
    SKILLS_MAX,
    RegistrationEvent,
    Sex,
)
from registration.identity import (
    identity_decrypt,
    identity_encrypt,
    identity_hash,
    identity_mask,
    identity_parse,
)
from registration.models import Person
from registration.retirement import FemaleRetirementCategory

PHONE_PATTERN = re.compile(rf"1\d{{{PHONE_LENGTH - 1}}}")
CARD_PATTERN = re.compile(rf"[0-9A-Za-z-]{{{CARD_MIN},{CARD_MAX}}}")


class DuplicatePerson(ValidationError):
    """The identity number is already registered; ``existing`` is that person when the actor may see them."""

    def __init__(self, message, *, existing: Person | None):
        super().__init__({"identity_number": [ValidationError(message, code="duplicate")]})
        self.existing = existing


def _add(errors: dict, field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _details_errors(*, name: str, phone: str, skills: str, education: str, area: Area | None, sex: str | None,
                    original_retirement_age: int | None, errors: dict) -> None:
    if not name:
        _add(errors, "name", _("Enter the person's name."), "required")
    elif len(name) > NAME_MAX:
        _add(errors, "name", _("At most %(max)d characters.") % {"max": NAME_MAX}, "max_length")
    if phone and not PHONE_PATTERN.fullmatch(phone):
        _add(errors, "phone", _("A mobile phone number has %(length)d digits and starts with 1.")
             % {"length": PHONE_LENGTH}, "invalid")
    if len(skills) > SKILLS_MAX:
        _add(errors, "skills", _("At most %(max)d characters.") % {"max": SKILLS_MAX}, "max_length")
    if education not in Education.values:
        _add(errors, "education", _("Choose the level of education."), "invalid_choice")
    if area is None:
        _add(errors, "area", _("Choose the residence community."), "required")
    elif area.level != AreaLevel.COMMUNITY:
        _add(errors, "area", _("The residence must be a community."), "level")
    if original_retirement_age is not None:
        if original_retirement_age not in FemaleRetirementCategory.values:
            _add(errors, "original_retirement_age", _("Choose 50 or 55."), "invalid_choice")
        elif sex == Sex.MALE:
            _add(errors, "original_retirement_age",
                 _("Only women have a choice of original retirement age; leave it empty for men."), "not_female")


def _existing_person(id_hash: str) -> Person | None:
    return Person.objects.select_related("area").filter(id_hash=id_hash).first()


def _duplicate(actor: User, existing: Person | None) -> DuplicatePerson:
    if existing is not None and area_in_scope(actor, existing.area):
        return DuplicatePerson(
            _("This identity number is already registered: %(name)s, %(number)s, living in %(area)s "
              "(record no. %(pk)d).") % {"name": existing.name, "number": existing.id_masked,
                                          "area": existing.area.name, "pk": existing.pk},
            existing=existing)
    return DuplicatePerson(_("This identity number is already registered in another area."), existing=None)


@transaction.atomic
def person_register(
    *, actor: User, identity_number: str, name: str, area: Area | None, phone: str = "",
    household_area: Area | None = None, education: str = Education.NONE, skills: str = "",
    original_retirement_age: int | None = None,
) -> Person:
    """Register a person living in a community of the clerk's scope."""
    if area is not None:
        assert_in_scope(actor, area, roles=REGISTRATION_ROLES)
    elif not has_staff_role(actor, REGISTRATION_ROLES):
        raise OutOfScope(_("Not found."))  # no area to check; whoever may not register gets 404
    name, phone, skills = (name or "").strip(), (phone or "").strip(), (skills or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    parsed = None
    try:
        parsed = identity_parse(identity_number)
    except ValidationError as exc:
        errors["identity_number"] = exc.error_list
    _details_errors(name=name, phone=phone, skills=skills, education=education, area=area,
                    sex=parsed.sex if parsed else None, original_retirement_age=original_retirement_age,
                    errors=errors)
    if errors:
        raise ValidationError(errors)
    key = identity_hash(parsed.number)
    existing = _existing_person(key)
    if existing is not None:
        raise _duplicate(actor, existing)
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_hash=key, id_encrypted=identity_encrypt(parsed.number), id_masked=identity_mask(parsed.number),
                name=name, sex=parsed.sex, birth_date=parsed.birth_date, phone=phone, household_area=household_area,
                area=area, education=education, skills=skills, original_retirement_age=original_retirement_age,
                created_by=actor)
    except IntegrityError as exc:  # the same number registered at the same moment at another window
        raise _duplicate(actor, _existing_person(key)) from exc
    audit_record(event_type=RegistrationEvent.PERSON_REGISTERED, actor=actor, obj=person,
                 new={"id_masked": person.id_masked, "name": name, "area": area.code,
                      "converted_from_15": parsed.converted_from_15})
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, name: str, area: Area | None, phone: str = "",
    household_area: Area | None = None, education: str = Education.NONE, skills: str = "",
    original_retirement_age: int | None = None,
) -> Person:
    """Correct a person's details. The identity number never changes; moving needs both areas in scope."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    if area is not None:
        assert_in_scope(actor, area, roles=REGISTRATION_ROLES)
    row = Person.objects.select_for_update().get(pk=person.pk)
    values = {"name": (name or "").strip(), "phone": (phone or "").strip(), "skills": (skills or "").strip(),
              "education": education, "area": area, "household_area": household_area,
              "original_retirement_age": original_retirement_age}
    errors: dict[str, list[ValidationError]] = {}
    _details_errors(name=values["name"], phone=values["phone"], skills=values["skills"], education=education,
                    area=area, sex=row.sex, original_retirement_age=original_retirement_age, errors=errors)
    if errors:
        raise ValidationError(errors)
    old = {field: getattr(row, field) for field, value in values.items() if getattr(row, field) != value}
    for field, value in values.items():
        setattr(row, field, value)
    row.save()
    if old:
        audit_record(event_type=RegistrationEvent.PERSON_UPDATED, actor=actor, obj=row, old=old,
                     new={field: values[field] for field in old})
    return row


def person_identity_number_reveal(*, actor: User, person: Person, ip_address: str | None = None) -> str:
    """The whole identity number, for staff whose scope covers the person's area; every view is audited."""
    assert_in_scope(actor, person.area)
    number = identity_decrypt(person.id_encrypted)
    audit_record(event_type=AuditEventType.PERSONAL_DATA_VIEWED, actor=actor, obj=person, kind=AuditKind.READ,
                 new={"field": "identity_number"}, ip_address=ip_address)
    return number


@transaction.atomic
def person_employment_card_record(*, actor: User, person: Person, number: str) -> Person:
    """Record the person's 就业创业证 number: one per person, and no two persons share one."""
    assert_in_scope(actor, person.area, roles=REGISTRATION_ROLES)
    number = (number or "").strip().upper()
    row = Person.objects.select_for_update().get(pk=person.pk)
    if not number:
        raise ValidationError({"employment_card_number": [ValidationError(
            _("Enter the card number."), code="required")]})
    if not CARD_PATTERN.fullmatch(number):
        raise ValidationError({"employment_card_number": [ValidationError(
            _("A card number has %(min)d to %(max)d letters, digits or hyphens.") % {"min": CARD_MIN, "max": CARD_MAX},
            code="invalid")]})
    if row.employment_card_number:
        raise ValidationError({"employment_card_number": [ValidationError(
            _("This person already holds card %(number)s.") % {"number": row.employment_card_number},
            code="already_issued")]})
    taken = ValidationError({"employment_card_number": [ValidationError(
        _("Card number %(number)s belongs to another person.") % {"number": number}, code="duplicate")]})
    if Person.objects.filter(employment_card_number=number).exists():
        raise taken
    row.employment_card_number = number
    try:
        with transaction.atomic():
            row.save(update_fields=["employment_card_number"])
    except IntegrityError as exc:
        raise taken from exc
    audit_record(event_type=RegistrationEvent.EMPLOYMENT_CARD_RECORDED, actor=actor, obj=row,
                 new={"employment_card_number": number})
    return row


@transaction.atomic
def person_account_link(*, user: User, identity_number: str, name: str) -> Person:
    """A job seeker links their account to their person record by identity number and name.

    Nothing says which of the two did not match, so the form cannot be used to probe numbers.
    """
    errors: dict[str, list[ValidationError]] = {}
    if user is None or not user.is_authenticated or user.account_type != AccountType.JOB_SEEKER:
        raise ValidationError(_("Only job seeker accounts can be linked to a person record."), code="not_seeker")
    if Person.objects.filter(account=user).exists():
        raise ValidationError(_("Your account is already linked to a person record."), code="already_linked")
    name = (name or "").strip()
    if not name:
        _add(errors, "name", _("Enter your name as on your identity card."), "required")
    number = None
    try:
        number = identity_parse(identity_number, min_age=None).number
    except ValidationError as exc:
        errors["identity_number"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    person = Person.objects.select_for_update().filter(id_hash=identity_hash(number)).first()
    if person is None or person.name != name:
        raise ValidationError(
            _("No registered person matches this identity number and name. Persons are registered at the "
              "service window of their community."), code="no_match")
    if person.account_id is not None:
        raise ValidationError(_("This person record is already linked to another account. Please ask your "
                                "community's service window."), code="linked_elsewhere")
    person.account = user
    update = ["account"]
    profile = SeekerProfile.objects.filter(account=user).first()
    if person.seeker_profile_id is None and profile is not None:
        person.seeker_profile = profile
        update.append("seeker_profile")
    person.save(update_fields=update)
    audit_record(event_type=RegistrationEvent.PERSON_ACCOUNT_LINKED, actor=user, obj=person,
                 new={"account": user.pk, "seeker_profile": person.seeker_profile_id})
    return person


def personal_data_export_record(*, actor: User, area: Area, ledger: str, on_date, file_format: str,
                                full_numbers: bool, ip_address: str | None = None) -> None:
    """Audit an export of a ledger (call it before the file is produced). Whole identity numbers
    only for staff whose scope covers the area; every export is recorded."""
    assert_in_scope(actor, area)
    audit_record(event_type=AuditEventType.PERSONAL_DATA_EXPORTED, actor=actor, area=area, kind=AuditKind.EXPORT,
                 new={"ledger": ledger, "on_date": on_date, "format": file_format, "full_numbers": full_numbers},
                 ip_address=ip_address)
