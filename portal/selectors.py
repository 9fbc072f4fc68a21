"""Reads of the core records that a user triggers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from portal.models import Area, AuditEvent, RoleGrant, User


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


def area_first_of_level(*, level: str) -> Area | None:
    return Area.objects.filter(level=level).order_by("code").first()


def area_tree() -> QuerySet[Area]:
    """Every area with whether it has children, for browsing the public tree."""
    children = Area.objects.filter(parent=OuterRef("pk"))
    return Area.objects.annotate(has_children=Exists(children)).order_by("code")


def user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def audit_history(*, obj, fetched_by: User, limit: int = 50) -> list[AuditEvent]:
    """Audit events about one record, as far as the reader's scope reaches."""
    return list(AuditEvent.objects.visible_to(fetched_by)
                .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
                .select_related("actor")[:limit])
