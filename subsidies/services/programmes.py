"""Programmes as data: create a programme with its first version, change its description, save a
new version of its rules.

A version's parameters are checked by ``subsidies.rules.validate_parameters`` (every bad key named).
A version that an application used is never edited: a change of rules is a new version with its
effective date, and a new version may not take effect on or before the date of an application that
used an earlier one (that application's rules would no longer be "the version in force on its
date"). Who may do this is declared once, ``PROGRAMME_MAINTAINERS`` (city-level officials and
administrators).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from policy.models import PolicyDocument
from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import OutOfScope, has_staff_role, scope_paths
from subsidies.constants import PROGRAMME_MAINTAINERS, ProgrammeKind, SubsidiesEvent
from subsidies.models import Application, Programme, ProgrammeVersion
from subsidies.rules import validate_parameters

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
NAME_MAX = 100
DESCRIPTION_MAX = 2000
SOURCE_MAX = 300


def is_programme_maintainer(actor: User | None) -> bool:
    """May the user create programmes and save versions (the links and pages ask this)?"""
    return has_staff_role(actor, PROGRAMME_MAINTAINERS.roles, PROGRAMME_MAINTAINERS.levels)


def _assert_maintainer(actor: User | None) -> None:
    if not is_programme_maintainer(actor):
        raise OutOfScope(_("Not found."))


def audit_area(actor: User | None) -> Area | None:
    """Where a programme's audit events belong: the city the maintainer acts for (programmes are
    city-wide), so the city's administrators read them in the audit trail."""
    prefixes = scope_paths(actor, PROGRAMME_MAINTAINERS.roles, PROGRAMME_MAINTAINERS.levels)
    for city in Area.objects.filter(level=AreaLevel.CITY).order_by("code"):
        if any(city.path.startswith(prefix) for prefix in prefixes):
            return city
    return None


def _text(errors: dict, field: str, value: Any, limit: int, *, required: bool) -> str:
    value = str(value or "").strip()
    if "\x00" in value:
        errors.setdefault(field, []).append(ValidationError(_("This text contains a character that is not allowed."),
                                                            code="invalid"))
    elif required and not value:
        errors.setdefault(field, []).append(ValidationError(_("This field is required."), code="required"))
    elif len(value) > limit:
        errors.setdefault(field, []).append(ValidationError(
            _("This can be at most %(max)s characters (now %(length)s).") % {"max": limit, "length": len(value)},
            code="max_length"))
    return value


def _descriptive(errors: dict, *, name, description, policy_document) -> dict:
    values = {"name": _text(errors, "name", name, NAME_MAX, required=True),
              "description": _text(errors, "description", description, DESCRIPTION_MAX, required=False),
              "policy_document": policy_document}
    if policy_document is not None and not isinstance(policy_document, PolicyDocument):
        errors.setdefault("policy_document", []).append(ValidationError(_("Unknown policy document."),
                                                                        code="unknown"))
    return values


def _checked_parameters(errors: dict, kind: str, parameters: Any) -> dict:
    try:
        return validate_parameters(kind, parameters)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
        return {}


def _check_effective_from(errors: dict, programme: Programme | None, effective_from: Any,
                          exclude: ProgrammeVersion | None = None) -> None:
    if not isinstance(effective_from, datetime.date):
        errors.setdefault("effective_from", []).append(ValidationError(_("Give the date the rules take effect."),
                                                                       code="required"))
        return
    if programme is None:
        return
    taken = programme.versions.filter(effective_from=effective_from).exclude(pk=getattr(exclude, "pk", None))
    if taken.exists():
        errors.setdefault("effective_from", []).append(ValidationError(
            _("Version %(number)s already takes effect on %(date)s: choose another date.")
            % {"number": taken.first().number, "date": effective_from}, code="duplicate"))
        return
    # An application keeps the version in force on its date; a version taking effect on or before an
    # application that used an earlier version would make that untrue.
    later = (Application.objects.filter(programme=programme, applied_on__gte=effective_from,
                                        version__effective_from__lt=effective_from)
             .order_by("-applied_on").values_list("applied_on", flat=True).first())
    if later is not None:
        errors.setdefault("effective_from", []).append(ValidationError(
            _("Applications of %(date)s were decided under an earlier version: a new version takes effect after "
              "%(date)s.") % {"date": later}, code="before_applications"))


@transaction.atomic
def programme_create(*, actor: User, code: str, name: str, kind: str, effective_from: datetime.date,
                     parameters: dict, source: str, description: str = "",
                     policy_document: PolicyDocument | None = None, active: bool = True) -> Programme:
    """A new programme of ``kind`` with its version 1 (the rules from ``effective_from``)."""
    _assert_maintainer(actor)
    errors: dict[str, list[ValidationError]] = {}
    code = str(code or "").strip().lower()
    if not CODE_RE.fullmatch(code):
        errors["code"] = [ValidationError(_("A code is 2 to 40 lower-case letters, digits and hyphens, starting "
                                            "with a letter or digit."), code="invalid")]
    elif Programme.objects.filter(code=code).exists():
        errors["code"] = [ValidationError(_("Another programme has this code."), code="duplicate")]
    if kind not in ProgrammeKind.values:
        errors["kind"] = [ValidationError(_("Choose the kind of programme."), code="invalid_choice")]
    values = _descriptive(errors, name=name, description=description, policy_document=policy_document)
    source = _text(errors, "source", source, SOURCE_MAX, required=True)
    _check_effective_from(errors, None, effective_from)
    clean = _checked_parameters(errors, kind, parameters) if kind in ProgrammeKind.values else {}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            programme = Programme.objects.create(code=code, kind=kind, active=bool(active), **values)
    except IntegrityError as exc:  # a parallel create took the code
        raise ValidationError({"code": [ValidationError(_("Another programme has this code."),
                                                        code="duplicate")]}) from exc
    audit_record(event_type=SubsidiesEvent.PROGRAMME_SAVED, actor=actor, obj=programme, area=audit_area(actor),
                 new={"code": code, "kind": kind, "active": programme.active, "name": programme.name,
                      "policy_document": programme.policy_document_id})
    version = ProgrammeVersion.objects.create(programme=programme, number=1, effective_from=effective_from,
                                              parameters=clean, source=source, created_by=actor)
    audit_record(event_type=SubsidiesEvent.PROGRAMME_VERSION_SAVED, actor=actor, obj=version, area=audit_area(actor),
                 new={"programme": programme.pk, "number": 1, "effective_from": effective_from,
                      "parameters": clean, "source": source})
    return programme


@transaction.atomic
def programme_update(*, actor: User, programme: Programme, name: str, description: str = "",
                     policy_document: PolicyDocument | None = None, active: bool = True) -> Programme:
    """Change what describes a programme (its name, text, policy, whether it takes applications);
    its rules change only through a new version."""
    _assert_maintainer(actor)
    row = Programme.objects.select_for_update().get(pk=programme.pk)
    errors: dict[str, list[ValidationError]] = {}
    values = {**_descriptive(errors, name=name, description=description, policy_document=policy_document),
              "active": bool(active)}
    if errors:
        raise ValidationError(errors)
    old = {"name": row.name, "description": row.description, "policy_document": row.policy_document_id,
           "active": row.active}
    for field, value in values.items():
        setattr(row, field, value)
    row.save(update_fields=list(values))
    audit_record(event_type=SubsidiesEvent.PROGRAMME_SAVED, actor=actor, obj=row, area=audit_area(actor), old=old,
                 new={"name": row.name, "description": row.description, "policy_document": row.policy_document_id,
                      "active": row.active})
    return row


@transaction.atomic
def programme_version_save(*, actor: User, programme: Programme, effective_from: datetime.date, parameters: dict,
                           source: str) -> ProgrammeVersion:
    """A new version of the programme's rules, in force from ``effective_from``."""
    _assert_maintainer(actor)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)  # numbers versions one at a time
    errors: dict[str, list[ValidationError]] = {}
    source = _text(errors, "source", source, SOURCE_MAX, required=True)
    _check_effective_from(errors, programme, effective_from)
    clean = _checked_parameters(errors, programme.kind, parameters)
    if errors:
        raise ValidationError(errors)
    number = (programme.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ProgrammeVersion.objects.create(programme=programme, number=number, effective_from=effective_from,
                                              parameters=clean, source=source, created_by=actor)
    audit_record(event_type=SubsidiesEvent.PROGRAMME_VERSION_SAVED, actor=actor, obj=version, area=audit_area(actor),
                 new={"programme": programme.pk, "number": number, "effective_from": effective_from,
                      "parameters": clean, "source": source})
    return version


@transaction.atomic
def programme_version_update(*, actor: User, version: ProgrammeVersion, effective_from: datetime.date,
                             parameters: dict, source: str) -> ProgrammeVersion:
    """Correct a version no application has used yet (a typing error); once used it is refused with
    ``version_in_use``: save a new version instead."""
    _assert_maintainer(actor)
    Programme.objects.select_for_update().get(pk=version.programme_id)
    row = ProgrammeVersion.objects.select_for_update().get(pk=version.pk)
    if Application.objects.filter(version=row).exists():
        raise ValidationError(_("Applications were decided under version %(number)s, so it cannot change: save a "
                                "new version with the date the new rules take effect.") % {"number": row.number},
                              code="version_in_use")
    errors: dict[str, list[ValidationError]] = {}
    source = _text(errors, "source", source, SOURCE_MAX, required=True)
    _check_effective_from(errors, row.programme, effective_from, exclude=row)
    clean = _checked_parameters(errors, row.programme.kind, parameters)
    if errors:
        raise ValidationError(errors)
    old = {"effective_from": row.effective_from, "parameters": row.parameters, "source": row.source}
    row.effective_from, row.parameters, row.source = effective_from, clean, source
    row.save(update_fields=["effective_from", "parameters", "source"])
    audit_record(event_type=SubsidiesEvent.PROGRAMME_VERSION_SAVED, actor=actor, obj=row, area=audit_area(actor), old=old,
                 new={"effective_from": effective_from, "parameters": clean, "source": source})
    return row
