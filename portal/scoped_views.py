"""The bases every staff page and staff API viewset is built on.

They resolve jurisdiction through ``portal.scoping`` before a handler runs: the queryset is
``visible_to(request.user)``, so an out-of-scope record is simply not found (404).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets

from portal.scoping import ScopedQuerySet, has_staff_role


class ScopedMixin:
    """Resolves jurisdiction before any handler runs.

    Subclasses name ``model`` (or ``queryset``) and may narrow with ``get_base_queryset``; they
    must not override ``get_queryset``: the URL guard test fails if they do.
    ``scope_roles`` limits which staff roles may use the view (None: any staff role).
    """

    scope_roles: Iterable[str] | None = None

    def get_base_queryset(self) -> ScopedQuerySet:
        if getattr(self, "queryset", None) is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get_queryset(self) -> ScopedQuerySet:
        return self.get_base_queryset().visible_to(self.request.user, roles=self.scope_roles)


class StaffRequiredMixin(LoginRequiredMixin):
    scope_roles: Iterable[str] | None = None

    @classmethod
    def admits(cls, user) -> bool:
        """Whether a signed-in user may open the page: a grant of one of ``scope_roles``. The
        navigation asks the same question (``portal.context_processors.page_admits``), so an
        entry is shown exactly to those the page lets in."""
        return bool(user is not None and user.is_authenticated and has_staff_role(user, cls.scope_roles))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.admits(request.user):
            raise PermissionDenied(_("This page is for staff of the service windows."))
        return super().dispatch(request, *args, **kwargs)


class StaffScopedViewMixin(StaffRequiredMixin, ScopedMixin):
    """Base for every staff page: login, a staff role, and the scoped queryset."""


class IsStaffInScope(permissions.BasePermission):
    message = _("This endpoint is for staff.")

    def has_permission(self, request, view) -> bool:
        return has_staff_role(request.user, getattr(view, "scope_roles", None))


class ScopedViewSetMixin(ScopedMixin):
    permission_classes = [permissions.IsAuthenticated, IsStaffInScope]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Base for staff API viewsets that only read."""


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Base for staff API viewsets that add their own actions (which call services)."""


def scope_exempt(reason: str):
    """Mark a view as deliberately outside jurisdiction scoping (public pages, the user's own data).

    The URL guard test accepts only views that are scoped or carry this mark with a reason.
    """

    def mark(view):
        view.scope_exempt = reason
        return view

    return mark
