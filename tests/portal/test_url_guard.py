"""Guard for every later module: no staff page or viewset may skip jurisdiction scoping.

Every view of the project is either built on the scoped base (``portal.scoped_views``) without
replacing its ``get_queryset``, or is marked ``scope_exempt`` with a reason. Nothing under
``staff/`` or ``api/staff/`` may be exempt.
"""

from portal.scoped_views import ScopedMixin, StaffRequiredMixin
from tests.url_walk import all_routes


def _is_scoped(view) -> bool:
    return isinstance(view, type) and issubclass(view, ScopedMixin)


def _exempt_reason(view) -> str | None:
    own = view.__dict__ if isinstance(view, type) else getattr(view, "__dict__", {})
    return own.get("scope_exempt")


def test_every_staff_route_is_built_on_the_scoped_base():
    staff_routes = [r for r in all_routes() if r.is_staff]
    assert staff_routes, "the URL walk found no staff routes at all"
    unscoped = [f"{r.route} → {r.view}" for r in staff_routes if not _is_scoped(r.view)]
    assert unscoped == [], "staff routes not built on portal.scoped_views:\n" + "\n".join(unscoped)


def test_staff_pages_also_require_a_staff_role():
    pages = [r for r in all_routes() if r.route.startswith("staff/")]
    missing = [r.route for r in pages if not issubclass(r.view, StaffRequiredMixin)]
    assert missing == []


def test_no_scoped_view_replaces_the_scoped_queryset():
    offenders = [
        f"{r.route} → {r.view.__qualname__}"
        for r in all_routes()
        if _is_scoped(r.view) and r.view.get_queryset is not ScopedMixin.get_queryset
    ]
    assert offenders == [], "override get_base_queryset instead of get_queryset:\n" + "\n".join(offenders)


def test_every_other_project_view_is_explicitly_exempt_with_a_reason():
    unmarked = [
        f"{r.route} → {getattr(r.view, '__qualname__', r.view)}"
        for r in all_routes()
        if r.is_project_code and not _is_scoped(r.view) and not _exempt_reason(r.view)
    ]
    assert unmarked == [], "views neither scoped nor marked scope_exempt:\n" + "\n".join(unmarked)


def test_nothing_under_staff_is_exempt():
    exempt_staff = [r.route for r in all_routes() if r.is_staff and _exempt_reason(r.view)]
    assert exempt_staff == []


def test_the_guard_sees_an_unscoped_view(monkeypatch):
    """The walk would catch a staff view that forgot the base (a check that can fail)."""
    from django.urls import path
    from django.views.generic import ListView

    from portal import urls
    from portal.models import RoleGrant

    class Forgetful(ListView):
        model = RoleGrant

    monkeypatch.setattr(urls, "urlpatterns", [*urls.urlpatterns, path("staff/forgetful/", Forgetful.as_view())])
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        routes = [r for r in all_routes() if r.route == "staff/forgetful/"]
        assert routes and not _is_scoped(routes[0].view)
    finally:
        clear_url_caches()
