"""Service guides (业务指南) with their processes (服务流程), and service windows.

A guide is city-wide: city-level staff (or a province root) write it. A window belongs to one
area; editors of the district (or the city) above it keep its address, phone and hours. Guides and
windows have no status, so no workflow: who may write them is the rules ``GUIDE_EDITORS`` and
``WINDOW_EDITORS`` of ``policy.constants``, which the pages ask through the functions below.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.constants import (
    ADDRESS_MAX,
    FEES_MAX,
    GUIDE_EDITORS,
    GUIDE_TEXT_MAX,
    HOURS_MAX,
    MATERIAL_MAX,
    MATERIALS_MAX,
    PHONE_MAX,
    STEP_DETAIL_MAX,
    STEP_TITLE_MAX,
    STEPS_MAX,
    TITLE_MAX,
    WINDOW_EDITORS,
    WINDOW_NAME_MAX,
    WORKING_DAYS_MAX,
    PolicyEvent,
    Service,
)
from policy.models import PolicyDocument, ServiceGuide, ServiceWindow
from portal.audit import audit_record
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.scoping import OutOfScope, has_staff_role, scope_paths

WINDOW_FIELDS = [("name", WINDOW_NAME_MAX), ("address", ADDRESS_MAX), ("phone", PHONE_MAX), ("hours", HOURS_MAX)]


# --- Who may write -----------------------------------------------------------------------------


def is_guide_editor(actor: User | None) -> bool:
    """Does the user write service guides anywhere (the "write the guide" links and page)?"""
    return has_staff_role(actor, GUIDE_EDITORS.roles, GUIDE_EDITORS.levels)


def is_window_editor(actor: User | None) -> bool:
    """Does the user keep service windows anywhere (the "add a window" link and page)?"""
    return has_staff_role(actor, WINDOW_EDITORS.roles, WINDOW_EDITORS.levels)


def may_edit_guide(actor: User | None, guide: ServiceGuide) -> bool:
    return GUIDE_EDITORS.allows(actor, guide)


def may_edit_window(actor: User | None, window: ServiceWindow) -> bool:
    return WINDOW_EDITORS.allows(actor, window)


def _assert(allowed: bool) -> None:
    if not allowed:
        raise OutOfScope(_("Not found."))


def guide_home_area(actor: User) -> Area | None:
    """Where a new guide belongs: the city the actor edits guides for (the system administrator: the
    first city of the tree)."""
    prefixes = scope_paths(actor, GUIDE_EDITORS.roles, GUIDE_EDITORS.levels)
    if not prefixes:
        return None
    cities = Area.objects.filter(level=AreaLevel.CITY).order_by("code")
    for city in cities:
        if any(city.path.startswith(prefix) for prefix in prefixes):
            return city
    return None


def _clean_materials(materials, errors: dict) -> list[str]:
    items = [" ".join(str(item).split()) for item in (materials or []) if str(item).strip()]
    if len(items) > MATERIALS_MAX:
        errors.setdefault("materials", []).append(ValidationError(
            _("At most %(max)d items.") % {"max": MATERIALS_MAX}, code="max_items"))
    for item in items:
        if len(item) > MATERIAL_MAX:
            errors.setdefault("materials", []).append(ValidationError(
                _("Each item may have at most %(max)d characters.") % {"max": MATERIAL_MAX}, code="max_length"))
            break
    return items


def _clean_steps(steps, errors: dict) -> list[dict]:
    def add(message, code):
        errors.setdefault("steps", []).append(ValidationError(message, code=code))

    clean = []
    for number, step in enumerate(steps or [], start=1):
        if not isinstance(step, dict):
            add(_("Step %(n)d is not a step.") % {"n": number}, "invalid")
            continue
        title = " ".join(str(step.get("title") or "").split())
        detail = str(step.get("detail") or "").strip()
        days = step.get("days", 0)
        if not title:
            add(_("Step %(n)d needs a name.") % {"n": number}, "required")
        elif len(title) > STEP_TITLE_MAX or len(detail) > STEP_DETAIL_MAX:
            add(_("Step %(n)d is too long.") % {"n": number}, "max_length")
        try:
            days = int(days if days not in (None, "") else 0)
        except (TypeError, ValueError):
            add(_("Step %(n)d: the working days must be a whole number.") % {"n": number}, "invalid_days")
            continue
        if not 0 <= days <= WORKING_DAYS_MAX:
            add(_("Step %(n)d: between 0 and %(max)d working days.") % {"n": number, "max": WORKING_DAYS_MAX},
                "invalid_days")
        clean.append({"title": title, "detail": detail, "days": days})
    if not clean and "steps" not in errors:
        add(_("Describe at least one step."), "required")
    if len(clean) > STEPS_MAX:
        add(_("At most %(max)d steps.") % {"max": STEPS_MAX}, "max_items")
    return clean


def _guide_values(*, service, title, eligibility, materials, steps, time_limit_days, summary, fees, policy) -> dict:
    """The values as stored, or a ValidationError naming every bad field."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if service not in Service.values:
        add("service", _("Choose a service."), "invalid_choice")
    title = " ".join((title or "").split())
    eligibility = (eligibility or "").strip()
    summary = (summary or "").strip()
    fees = (fees or "").strip()
    if not title:
        add("title", _("This field is required."), "required")
    elif len(title) > TITLE_MAX:
        add("title", _("At most %(max)d characters.") % {"max": TITLE_MAX}, "max_length")
    if not eligibility:
        add("eligibility", _("Say who may apply."), "required")
    for field, value in (("eligibility", eligibility), ("summary", summary)):
        if len(value) > GUIDE_TEXT_MAX:
            add(field, _("At most %(max)d characters.") % {"max": GUIDE_TEXT_MAX}, "max_length")
    if len(fees) > FEES_MAX:
        add("fees", _("At most %(max)d characters.") % {"max": FEES_MAX}, "max_length")
    materials = _clean_materials(materials, errors)
    steps = _clean_steps(steps, errors)
    if time_limit_days is None:
        add("time_limit_days", _("Enter the time limit in working days."), "required")
    elif not 1 <= time_limit_days <= WORKING_DAYS_MAX:
        add("time_limit_days", _("Between 1 and %(max)d working days.") % {"max": WORKING_DAYS_MAX}, "range")
    elif "steps" not in errors and sum(step["days"] for step in steps) > time_limit_days:
        add("steps", _("The steps take %(days)d working days, more than the time limit of %(limit)d.") % {
            "days": sum(step["days"] for step in steps), "limit": time_limit_days}, "over_time_limit")
    if policy is not None and policy.published_version_id is None:
        add("policy", _("Choose a published policy document."), "unpublished")
    if errors:
        raise ValidationError(errors)
    return {"service": service, "title": title, "summary": summary, "eligibility": eligibility,
            "materials": materials, "steps": steps, "time_limit_days": time_limit_days, "fees": fees,
            "policy": policy}


@transaction.atomic
def guide_create(
    *, actor: User, service: str, title: str, eligibility: str, materials: list[str], steps: list[dict],
    time_limit_days: int | None, summary: str = "", fees: str = "", policy: PolicyDocument | None = None,
) -> ServiceGuide:
    """Write the guide of a service that has none yet in the actor's city."""
    area = guide_home_area(actor)
    _assert(area is not None and GUIDE_EDITORS.allows(actor, ServiceGuide(area=area)))
    values = _guide_values(service=service, title=title, eligibility=eligibility, materials=materials, steps=steps,
                           time_limit_days=time_limit_days, summary=summary, fees=fees, policy=policy)
    duplicate = ValidationError({"service": [ValidationError(_("This service already has a guide."),
                                                             code="duplicate")]})
    if ServiceGuide.objects.filter(service=service, area=area).exists():
        raise duplicate
    try:
        with transaction.atomic():
            guide = ServiceGuide.objects.create(area=area, updated_by=actor, **values)
    except IntegrityError as exc:  # the same service's guide written at the same moment
        raise duplicate from exc
    audit_record(event_type=PolicyEvent.SERVICE_GUIDE_SAVED, actor=actor, obj=guide, new=values)
    return guide


@transaction.atomic
def guide_update(
    *, actor: User, guide: ServiceGuide, title: str, eligibility: str, materials: list[str], steps: list[dict],
    time_limit_days: int | None, summary: str = "", fees: str = "", policy: PolicyDocument | None = None,
) -> ServiceGuide:
    """Change a guide (its service stays)."""
    row = ServiceGuide.objects.select_for_update(of=("self",)).select_related("area").get(pk=guide.pk)
    _assert(may_edit_guide(actor, row))
    values = _guide_values(service=row.service, title=title, eligibility=eligibility, materials=materials,
                           steps=steps, time_limit_days=time_limit_days, summary=summary, fees=fees, policy=policy)
    old = {name: getattr(row, name) for name, value in values.items() if getattr(row, name) != value}
    if not old:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor
    row.updated_at = timezone.now()
    row.save()
    audit_record(event_type=PolicyEvent.SERVICE_GUIDE_SAVED, actor=actor, obj=row, old=old,
                 new={name: values[name] for name in old})
    return row


@transaction.atomic
def window_save(*, actor: User, area: Area | None, name: str, address: str, phone: str, hours: str,
                services: list[str] | None = None) -> ServiceWindow:
    """Write the service window of an area (one per area: saving again changes it)."""
    if area is None:
        raise ValidationError({"area": [ValidationError(_("Choose the area of the window."), code="required")]})
    _assert(WINDOW_EDITORS.allows(actor, ServiceWindow(area=area)))
    values = {"name": " ".join((name or "").split()), "address": (address or "").strip(),
              "phone": (phone or "").strip(), "hours": (hours or "").strip()}
    errors: dict[str, list[ValidationError]] = {}
    for field, max_length in WINDOW_FIELDS:
        if not values[field]:
            errors.setdefault(field, []).append(ValidationError(_("This field is required."), code="required"))
        elif len(values[field]) > max_length:
            errors.setdefault(field, []).append(ValidationError(
                _("At most %(max)d characters.") % {"max": max_length}, code="max_length"))
    services = sorted(set(services or []))
    unknown = [s for s in services if s not in Service.values]
    if unknown:
        errors.setdefault("services", []).append(ValidationError(
            _("Unknown services: %(names)s.") % {"names": ", ".join(unknown)}, code="invalid_choice"))
    if errors:
        raise ValidationError(errors)
    values["services"] = services
    window = ServiceWindow.objects.select_for_update().filter(area=area).first()
    if window is None:
        try:
            with transaction.atomic():
                window = ServiceWindow.objects.create(area=area, updated_by=actor, **values)
        except IntegrityError as exc:
            raise ValidationError({"area": [ValidationError(_("This area already has a window."),
                                                            code="duplicate")]}) from exc
        old = {}
    else:
        old = {k: getattr(window, k) for k, v in values.items() if getattr(window, k) != v}
        for key, value in values.items():
            setattr(window, key, value)
        window.updated_by = actor
        window.updated_at = timezone.now()
        window.save()
    audit_record(event_type=PolicyEvent.SERVICE_WINDOW_SAVED, actor=actor, obj=window, old=old,
                 new={k: values[k] for k in (old or values)})
    return window
