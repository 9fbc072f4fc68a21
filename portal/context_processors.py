"""Navigation by role for the site shell."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.constants import AccountType, StaffRole
from portal.scoping import has_staff_role

# (url name, label, who sees it: one audience or a tuple of them). Entries whose URL does not
# exist are skipped.
PUBLIC, SEEKER, EMPLOYER, STAFF, CLERK, ADMINISTRATOR, SUPERUSER = (
    "public", "seeker", "employer", "staff", "clerk", "administrator", "superuser")
NAV = [
    ("home", _("Home"), PUBLIC),
    ("jobs:search", _("Find a job"), PUBLIC),
    ("jobs:fair-list", _("Job fairs"), PUBLIC),
    ("jobs:agency-list", _("Licensed agencies"), PUBLIC),
    ("jobs:my-profile", _("My profile"), SEEKER),
    ("jobs:my-applications", _("My applications"), SEEKER),
    ("jobs:my-matches", _("Suggested jobs"), SEEKER),
    ("jobs:employer-home", _("My organisation"), EMPLOYER),
    ("staff:workbench", _("Workbench"), STAFF),
    ("staff-jobs:vacancy-review", _("Vacancy review"), CLERK),
    ("staff-jobs:employer-list", _("Employers"), (CLERK, ADMINISTRATOR)),
    ("staff-jobs:referral-list", _("Referrals"), CLERK),
    ("staff-jobs:seeker-list", _("Job seekers"), CLERK),
    ("staff-jobs:fair-list", _("Manage job fairs"), (CLERK, ADMINISTRATOR)),
    ("staff-jobs:agency-list", _("Agency supervision"), STAFF),
    # --- registration ---
    ("staff-registration:overview", _("Registration"), STAFF),
    ("staff-registration:person-list", _("Persons"), CLERK),
    ("registration:me", _("My registration"), SEEKER),
    ("staff-registration:case-list", _("Hard-to-employ cases"), CLERK),
    ("staff-registration:commitment-list", _("Referral commitments"), CLERK),
    # --- end registration ---
    # --- policy ---
    ("policy:document-search", _("Policies"), PUBLIC),
    ("policy:guide-list", _("Service guides"), PUBLIC),
    ("policy:course-list", _("Training courses"), PUBLIC),
    ("staff-policy:document-list", _("Policy editing"), STAFF),
    # --- end policy ---
    ("staff:grant-list", _("Staff accounts"), ADMINISTRATOR),
    ("staff:audit-list", _("Audit trail"), ADMINISTRATOR),
    ("admin:index", _("System administration"), SUPERUSER),
    ("api:docs", _("API"), PUBLIC),
]


def _audiences(user) -> set[str]:
    found = {PUBLIC}
    if user is None or not user.is_authenticated:
        return found
    if user.account_type == AccountType.JOB_SEEKER:
        found.add(SEEKER)
    if user.account_type == AccountType.EMPLOYER:
        found.add(EMPLOYER)
    if has_staff_role(user):
        found.add(STAFF)
    if has_staff_role(user, [StaffRole.CLERK]):
        found.add(CLERK)
    if has_staff_role(user, [StaffRole.ADMINISTRATOR]):
        found.add(ADMINISTRATOR)
    if user.is_superuser:
        found.add(SUPERUSER)
    return found


def navigation(request):
    user = getattr(request, "user", None)
    audiences = _audiences(user)
    current = request.path if request is not None else ""
    nav = []
    for name, label, audience in NAV:
        wanted = audience if isinstance(audience, tuple) else (audience,)
        if not audiences.intersection(wanted):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        nav.append({"url": url, "label": label})
    # The current item is the longest URL that the path starts with (/jobs/ vs /jobs/me/profile/).
    matches = [item["url"] for item in nav if current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))]
    best = max(matches, key=len, default=None)
    for item in nav:
        item["current"] = item["url"] == best
    return {"nav_items": nav, "is_staff_member": STAFF in audiences}
