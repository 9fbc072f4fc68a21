"""Jurisdiction: the one place that decides which records a user may see or act on.

Every staff member holds role grants, each on one area; they act on that area's subtree.
An area's ``path`` is the significant prefix of its division code (``4201`` for the city,
``420102`` for a district, ``420102001`` for a street), so "within my subtree" is one
``startswith`` filter on an indexed column. Area-owned models keep a copy in ``area_path``.

Rules:
- Out of scope reads as not found (``OutOfScope`` is a 404), the same as missing.
- Fail closed: anonymous users, users without an active staff grant, unknown roles and records
  without an area see nothing.
- The default manager is not filtered; pages and viewsets get scoping from the bases in
  ``portal.scoped_views``, and a test walks the URL resolver to make sure every staff view is
  built on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import Area, User

ALL_AREAS = ""  # the prefix every path starts with: a superuser's scope


class OutOfScope(Http404):
    """A record or area outside the user's jurisdiction; answered exactly like a missing one."""


def _active_grants(user) -> list:
    """The user's active staff grants, cached on the user object for the request.

    Read through the user's own relation, so this module needs nothing from ``portal.models``
    (which builds on it): jurisdiction is the bottom layer of the kernel.
    """
    cached = getattr(user, "_active_grants_cache", None)
    if cached is None:
        cached = list(user.role_grants.active().select_related("area"))
        user._active_grants_cache = cached
    return cached


def forget_cached_scope(user) -> None:
    """Drop the cached grants after the user's grants change."""
    if hasattr(user, "_active_grants_cache"):
        del user._active_grants_cache


def scope_paths(user, roles: Iterable[str] | None = None, levels: Iterable[str] | None = None) -> list[str]:
    """Area path prefixes the user acts on, optionally only through the given staff roles and
    through grants held at the given area levels (a district clerk verifies employers; a
    community clerk does not).

    A superuser (the system administrator) acts on everything. Anyone else acts only through
    active grants; no grant means an empty list, which filters to nothing.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return [ALL_AREAS]
    wanted = set(roles) if roles is not None else None
    at_levels = set(levels) if levels is not None else None
    paths = sorted({
        grant.area.path for grant in _active_grants(user)
        if (wanted is None or grant.role in wanted) and (at_levels is None or grant.area.level in at_levels)
    })
    # Drop paths already covered by a shorter one, so the filter has as few terms as possible.
    return [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def has_staff_role(user, roles: Iterable[str] | None = None, levels: Iterable[str] | None = None) -> bool:
    return bool(scope_paths(user, roles, levels))


def area_in_scope(user, area: Area | None, roles: Iterable[str] | None = None,
                  levels: Iterable[str] | None = None) -> bool:
    if area is None:
        return False
    return any(area.path.startswith(prefix) for prefix in scope_paths(user, roles, levels))


def assert_in_scope(user, area: Area | None, roles: Iterable[str] | None = None,
                    levels: Iterable[str] | None = None) -> None:
    """For creates and transitions: raise ``OutOfScope`` (a 404) unless the area is in scope."""
    if not area_in_scope(user, area, roles, levels):
        raise OutOfScope(_("Not found."))


class ScopedQuerySet(models.QuerySet):
    """Queryset for area-owned models; ``visible_to`` is the only jurisdiction filter."""

    def visible_to(self, user: User, roles: Iterable[str] | None = None,
                   levels: Iterable[str] | None = None) -> ScopedQuerySet:
        prefixes = scope_paths(user, roles, levels)
        if not prefixes:
            return self.none()
        if ALL_AREAS in prefixes:
            return self.all()
        field = self.model.scope_path_field
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{field}__startswith": prefix})
        # A record without an area has an empty path; startswith a non-empty prefix excludes it.
        return self.filter(condition)

    def within(self, area: Area) -> ScopedQuerySet:
        """Records in an area's subtree (callers have already checked the area is in scope)."""
        return self.filter(**{f"{self.model.scope_path_field}__startswith": area.path})


class AreaOwnedModel(models.Model):
    """Base for every record that belongs to a place: its area and an indexed copy of the path."""

    area = models.ForeignKey("portal.Area", on_delete=models.PROTECT, verbose_name=_("area"), related_name="+")
    area_path = models.CharField(_("area path"), max_length=12, db_index=True, editable=False)

    scope_path_field = "area_path"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The path copy is derived data; keep it in step with the area on every save.
        self.area_path = self.area.path if self.area_id else ""
        super().save(*args, **kwargs)
