"""Demo accounts for every role in two districts, plus scaled-up job seekers for benchmarks.

Each app may add a ``demo.py`` with ``build(*, scale, log)``; the ``demo_data`` command runs
them in INSTALLED_APPS order. Every builder is idempotent: running it twice adds nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext

from portal import services
from portal.constants import AccountType, StaffRole
from portal.models import Area, RoleGrant, User

DEMO_DISTRICTS = {"jiangan": "420102000000", "wuchang": "420106000000"}
SCALE_SEEKERS = 200  # job seekers per unit of --scale


def demo_accounts() -> list[dict]:
    """The documented demo accounts (README lists them)."""
    accounts = [
        {"username": "city_admin", "full_name": "武汉市系统管理员", "role": StaffRole.ADMINISTRATOR, "area": "420100000000"},
        {"username": "city_official", "full_name": "市人社局 王处长", "role": StaffRole.OFFICIAL, "area": "420100000000"},
    ]
    for prefix, district_code in DEMO_DISTRICTS.items():
        district = Area.objects.get(code=district_code)
        street = Area.objects.filter(parent=district).order_by("code").first()
        community = Area.objects.filter(parent=street).order_by("code").first()
        accounts += [
            {"username": f"{prefix}_admin", "full_name": f"{district.name}管理员", "role": StaffRole.ADMINISTRATOR, "area": district.code},
            {"username": f"{prefix}_official", "full_name": f"{district.name}就业局 领导", "role": StaffRole.OFFICIAL, "area": district.code},
            {"username": f"{prefix}_clerk", "full_name": f"{district.name}窗口 经办员", "role": StaffRole.CLERK, "area": district.code},
            {"username": f"{prefix}_street_clerk", "full_name": f"{street.name} 经办员", "role": StaffRole.CLERK, "area": street.code},
            {"username": f"{prefix}_community_clerk", "full_name": f"{community.name} 经办员", "role": StaffRole.CLERK, "area": community.code},
        ]
    return accounts


def build(*, scale: int, log) -> None:
    password = settings.DEMO_PASSWORD
    root, created = User.objects.get_or_create(
        username="admin", defaults={"full_name": "系统管理员", "account_type": AccountType.STAFF,
                                    "is_superuser": True, "is_staff": True})
    if created:
        root.set_password(password)
        root.save()
    log(gettext("admin (system administrator): created") if created
        else gettext("admin (system administrator): exists"))

    for spec in demo_accounts():
        area = Area.objects.get(code=spec["area"])
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            services.staff_account_create(actor=root, username=spec["username"], password=password,
                                          full_name=spec["full_name"], role=spec["role"], area=area)
            state = gettext("created")
        elif not RoleGrant.objects.filter(user=user, role=spec["role"], area=area, revoked_at__isnull=True).exists():
            services.role_grant_create(actor=root, user=user, role=spec["role"], area=area)
            state = gettext("role restored")
        else:
            state = gettext("exists")
        log(gettext("%(username)s (%(role)s · %(area)s): %(state)s") % {
            "username": spec["username"], "role": StaffRole(spec["role"]).label, "area": area.name, "state": state})

    for username, full_name, account_type in [
        ("seeker", "张三", AccountType.JOB_SEEKER),
        ("employer", "武汉江城制造有限公司", AccountType.EMPLOYER),
    ]:
        if not User.objects.filter(username=username).exists():
            services.user_sign_up(username=username, password=password, account_type=account_type, full_name=full_name)
        log(gettext("%(username)s (%(account_type)s)") % {"username": username,
                                                           "account_type": AccountType(account_type).label})

    _scaled_seekers(count=scale * SCALE_SEEKERS, password=password, log=log)


def _scaled_seekers(*, count: int, password: str, log) -> None:
    """Benchmark-sized job seeker accounts, bulk-written with one shared password hash."""
    if count <= 0:
        return
    existing = set(User.objects.filter(username__startswith="seeker_").values_list("username", flat=True))
    wanted = [f"seeker_{i:06d}" for i in range(1, count + 1)]
    missing = [name for name in wanted if name not in existing]
    hashed = make_password(password)
    batch = 2000
    for start in range(0, len(missing), batch):
        chunk = missing[start:start + batch]
        with transaction.atomic():
            User.objects.bulk_create(
                [User(username=name, full_name=f"求职者{name[-6:]}", account_type=AccountType.JOB_SEEKER, password=hashed)
                 for name in chunk],
                ignore_conflicts=True,
            )
        log(gettext("job seekers: %(done)d/%(total)d written") % {"done": min(start + batch, len(missing)),
                                                                   "total": len(missing)}, progress=True)
    log(gettext("job seekers at scale: %(count)d (%(new)d new)") % {"count": count, "new": len(missing)})


