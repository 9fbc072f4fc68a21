"""The site shell: who the visitor is (audiences), the navigation apps registered, the role home."""

from __future__ import annotations

from functools import lru_cache

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from portal import registry
from portal.constants import AccountType, StaffRole
from portal.registry import (
    ADMINISTRATOR,
    CLERK,
    EMPLOYER,
    OFFICIAL,
    PUBLIC,
    SEEKER,
    STAFF,
    SUPERUSER,
)
from portal.scoping import has_staff_role

# The groups of the opened phone menu (and of the workbench's tools), in the registry's sections.
# ``key`` lets a template pick a group (the workbench lists the staff and administration tools).


def audiences_of(user) -> set[str]:
    """The audiences a user belongs to: public always; the account's type; staff roles from active grants."""
    found = {PUBLIC}
    if user is None or not user.is_authenticated:
        return found
    if user.account_type == AccountType.JOB_SEEKER:
        found.add(SEEKER)
    if user.account_type == AccountType.EMPLOYER:
        found.add(EMPLOYER)
    if has_staff_role(user):
        found.add(STAFF)
        for role, audience in ((StaffRole.CLERK, CLERK), (StaffRole.OFFICIAL, OFFICIAL),
                               (StaffRole.ADMINISTRATOR, ADMINISTRATOR)):
            if has_staff_role(user, [role]):
                found.add(audience)
    if user.is_superuser:
        found.add(SUPERUSER)
    return found


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def is_staff_member(user) -> bool:
    audiences = audiences_of(user)
    return STAFF in audiences or SUPERUSER in audiences


def home_url_for(user) -> str:
    """Where a user lands after login: staff on the workbench, others on their account type's home."""
    audiences = audiences_of(user)
    if is_staff_member(user):
        return reverse("staff:workbench")
    homes = registry.homes()
    for audience in (SEEKER, EMPLOYER):
        if audience in audiences and audience in homes:
            url = _url(homes[audience])
            if url:
                return url
    return reverse("home")


@lru_cache(maxsize=None)
def _view_class(url: str):
    """The class-based view a navigation entry's URL opens (URLs do not change while running)."""
    try:
        return getattr(resolve(url).func, "view_class", None)
    except Resolver404:
        return None


def page_admits(url: str, user) -> bool:
    """Whether the page at ``url`` lets ``user`` in, by the page's own check (``admits``, the one
    its dispatch applies), so no navigation entry leads to a 403. Pages without one admit all."""
    admits = getattr(_view_class(url), "admits", None)
    return admits is None or admits(user)


def navigation(request):
    user = getattr(request, "user", None)
    audiences = audiences_of(user)
    current = request.path if request is not None else ""
    nav = []
    for entry in registry.navigation_entries():
        if not audiences.intersection(entry.audiences):
            continue
        url = _url(entry.url_name)
        if url is None or not page_admits(url, user):
            continue
        nav.append({"url": url, "label": entry.label, "section": entry.section})
    # The current item is the longest URL that the path starts with (/jobs/ vs /jobs/me/profile/).
    matches = [item["url"] for item in nav
               if current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))]
    best = max(matches, key=len, default=None)
    for item in nav:
        item["current"] = item["url"] == best
    return {"nav_items": nav, "nav_sections": _sections(nav),
            "is_staff_member": bool(audiences.intersection((STAFF, SUPERUSER))),
            "home_url": home_url_for(user)}


def _sections(nav: list[dict]) -> list[dict]:
    """The navigation in its registered sections (entries come sorted by section already)."""
    sections: list[dict] = []
    for item in nav:
        if not sections or sections[-1]["section"] != item["section"]:
            key, label = registry.SECTIONS.get(item["section"], (f"section-{item['section']}", ""))
            sections.append({"section": item["section"], "key": key, "label": label, "items": []})
        sections[-1]["items"].append(item)
    return sections
