"""Reads of the core records that a user triggers."""

from __future__ import annotations

from portal.models import Area, RoleGrant, User


def user_active_grants(*, user: User) -> list[RoleGrant]:
    if not user.is_authenticated:
        return []
    return list(RoleGrant.objects.active().filter(user=user).select_related("area").order_by("area_path", "role"))


def area_with_ancestors(*, code: str | None) -> list[Area]:
    """The area and its ancestors from the root down, for the area picker; empty if unknown."""
    if not code:
        return []
    area = Area.objects.filter(code=code).first()
    if area is None:
        return []
    return [*area.ancestors(), area]


def area_children(*, parent: Area | None) -> list[Area]:
    return list(Area.objects.filter(parent=parent).order_by("code"))
