"""Reads of the core records that a user triggers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from portal import registry
from portal.context_processors import audiences_of
from portal.models import Area, AuditEvent, RoleGrant, User
from portal.reference.models import Industry, Occupation


def user_active_grants(*, user: User) -> list[RoleGrant]:
    if not user.is_authenticated:
        return []
    return list(RoleGrant.objects.active().filter(user=user).select_related("area").order_by("area_path", "role"))


def area_with_ancestors(*, code: str | None) -> list[Area]:
    """The area and its ancestors from the root down, for the area picker; empty if unknown."""
    if not code:
        return []
    area = area_by_code(code=code)
    if area is None:
        return []
    return [*area.ancestors(), area]


def area_children(*, parent: Area | None) -> list[Area]:
    return list(Area.objects.filter(parent=parent).order_by("code"))


def area_by_code(*, code: str) -> Area | None:
    return Area.objects.filter(code=str(code)).first()


def industry_by_code(*, code: str) -> Industry | None:
    return Industry.objects.filter(code=str(code)).first()


def occupation_by_code(*, code: str) -> Occupation | None:
    return Occupation.objects.filter(code=str(code)).select_related("parent").first()


def area_first_of_level(*, level: str) -> Area | None:
    return Area.objects.filter(level=level).order_by("code").first()


def area_tree() -> QuerySet[Area]:
    """Every area with whether it has children, for browsing the public tree."""
    children = Area.objects.filter(parent=OuterRef("pk"))
    return Area.objects.annotate(has_children=Exists(children)).order_by("code")


def areas_all() -> QuerySet[Area]:
    """Every area, for a form that picks one by code (publishing regions, issuing bodies)."""
    return Area.objects.all()


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def audit_history(*, obj, fetched_by: User, limit: int = 50) -> list[AuditEvent]:
    """Audit events about one record, as far as the reader's scope reaches."""
    return list(AuditEvent.objects.visible_to(fetched_by)
                .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .select_related("actor")[:limit])


@dataclass(frozen=True)
class TodoCount:
    key: str
    label: str
    url: str
    count: int
    overdue: bool


def todo_counters(*, user: User) -> list[TodoCount]:
    """The registered to-do counters that apply to the user (a counter answering None does not),
    overdue ones with something in them first, then in registration order."""
    audiences = audiences_of(user)
    found = []
    for order, counter in enumerate(registry.counters()):
        if not audiences.intersection(counter.audiences):
            continue
        count = counter.count(user)
        if count is None:
            continue
        found.append((not (counter.overdue and count > 0), counter.order, order,
                      TodoCount(key=counter.key, label=counter.label, count=count, overdue=counter.overdue,
                                url=reverse(counter.url_name) + (f"?{counter.url_query}" if counter.url_query else ""))))
    return [item[-1] for item in sorted(found, key=lambda item: item[:3])]


@dataclass(frozen=True)
class ShownPanel:
    key: str
    title: str
    template_name: str
    context: dict


def own_page_panels(*, user: User) -> list[ShownPanel]:
    """The panels apps registered for the user's own page, each with its context; panels with
    nothing for this user are left out."""
    audiences = audiences_of(user)
    shown = []
    for panel in registry.panels():
        if not audiences.intersection(panel.audiences):
            continue
        context = panel.context(user)
        if context is not None:
            shown.append(ShownPanel(key=panel.key, title=panel.title, template_name=panel.template_name,
                                    context=context))
    return shown


# --- The public home page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownHomeSection:
    key: str
    title: str
    template_name: str
    context: dict


def home_area_of(*, user: User) -> Area | None:
    """Where a signed-in reader lives, as the apps that record it answer (a job seeker's profile,
    then their registration); None for anyone else, and for anonymous readers without a query."""
    if user is None or not user.is_authenticated:
        return None
    for area_of in registry.home_areas():
        area = area_of(user)
        if area is not None:
            return area
    return None


def home_page_sections(*, user: User) -> list[ShownHomeSection]:
    """The sections apps registered for the public home page, each with its context, for this
    reader and where they live. Every section reads public information only."""
    area = home_area_of(user=user)
    return [ShownHomeSection(key=section.key, title=section.title, template_name=section.template_name,
                             context=section.context(user, area))
            for section in registry.home_sections()]
