"""Navigation by role for the site shell."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.constants import StaffRole
from portal.scoping import has_staff_role


def navigation(request):
    user = getattr(request, "user", None)
    items = [(reverse("home"), _("Home"))]
    is_staff_member = user is not None and has_staff_role(user)
    if user is not None and user.is_authenticated:
        if is_staff_member:
            items.append((reverse("staff:workbench"), _("Workbench")))
        if has_staff_role(user, [StaffRole.ADMINISTRATOR]):
            items.append((reverse("staff:grant-list"), _("Staff accounts")))
            items.append((reverse("staff:audit-list"), _("Audit trail")))
        if user.is_superuser:
            items.append((reverse("admin:index"), _("System administration")))
    items.append((reverse("api:docs"), _("API")))
    current = request.path if request is not None else ""
    nav = [{"url": url, "label": label, "current": url == current or (url != "/" and current.startswith(url))}
           for url, label in items]
    return {"nav_items": nav, "is_staff_member": is_staff_member}
