"""Account and role services: every write to accounts and grants goes through here."""

from __future__ import annotations

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.constants import (
    LEVEL_ORDER,
    ROLE_LEVELS,
    AccountType,
    AuditEventType,
    StaffRole,
)
from portal.models import Area, RoleGrant, User
from portal.scoping import OutOfScope, forget_cached_scope, scope_paths

PUBLIC_ACCOUNT_TYPES = {AccountType.JOB_SEEKER, AccountType.EMPLOYER}


def _check_new_account(*, username: str, password: str, user: User) -> None:
    errors: dict[str, list] = {}
    if not username:
        errors["username"] = [ValidationError(_("Enter a username."), code="required")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [ValidationError(_("This username is already taken."), code="duplicate")]
    try:
        user.full_clean(exclude=["password", "username", "last_login"])
    except ValidationError as exc:
        for name, messages in exc.error_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)


def _save_new_user(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # two sign-ups racing for one name: the database decides
        raise ValidationError({"username": [ValidationError(_("This username is already taken."),
                                                            code="duplicate")]}) from exc
    return user


@transaction.atomic
def user_sign_up(
    *, username: str, password: str, account_type: str, full_name: str = "", phone: str = "", email: str = "",
    ip_address: str | None = None,
) -> User:
    """Public sign-up for job seekers and employers."""
    if account_type not in PUBLIC_ACCOUNT_TYPES:
        raise ValidationError({"account_type": [ValidationError(_("Choose job seeker or employer."), code="invalid")]})
    user = User(username=username.strip(), full_name=full_name.strip(), phone=phone.strip(), email=email.strip(),
                account_type=account_type)
    _check_new_account(username=user.username, password=password, user=user)
    _save_new_user(user, password)
    audit_record(event_type=AuditEventType.USER_SIGNED_UP, actor=user, obj=user,
                 new={"username": user.username, "account_type": account_type}, ip_address=ip_address)
    return user


def _check_grant(*, actor: User, role: str, area: Area, valid_from: datetime.date,
                 valid_to: datetime.date | None) -> None:
    """May ``actor`` grant ``role`` on ``area``? Raises ValidationError with field messages."""
    if role not in StaffRole.values:
        raise ValidationError({"role": [ValidationError(_("Unknown role."), code="invalid")]})
    if area.level not in ROLE_LEVELS[StaffRole(role)]:
        raise ValidationError({"area": [ValidationError(
            _("The %(role)s role can only be granted at: %(levels)s (not %(level)s).") % {
                "role": StaffRole(role).label,
                "levels": " / ".join(str(lv.label) for lv in LEVEL_ORDER if lv in ROLE_LEVELS[StaffRole(role)]),
                "level": area.get_level_display(),
            }, code="level")]})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": [ValidationError(_("The end date cannot be before the start date."),
                                                            code="order")]})
    if not actor.is_superuser:
        # An administrator grants only below their own tier and inside their own subtree.
        admin_paths = scope_paths(actor, roles=[StaffRole.ADMINISTRATOR])
        if not any(area.path.startswith(p) and area.path != p for p in admin_paths):
            raise ValidationError({"area": [ValidationError(
                _("You can only grant roles in areas below your own administrator area."), code="out_of_scope")]})


@transaction.atomic
def role_grant_create(
    *, actor: User, user: User, role: str, area: Area, valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleGrant:
    valid_from = valid_from or timezone.localdate()
    _check_grant(actor=actor, role=role, area=area, valid_from=valid_from, valid_to=valid_to)
    if user.account_type != AccountType.STAFF:
        raise ValidationError({"user": [ValidationError(_("Staff roles can only be granted to staff accounts."), code="invalid")]})
    grant = RoleGrant(user=user, role=role, area=area, granted_by=actor, valid_from=valid_from, valid_to=valid_to)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:
        raise ValidationError({"role": [ValidationError(
            _("This person already holds this role in this area."), code="duplicate")]}) from exc
    audit_record(event_type=AuditEventType.ROLE_GRANTED, actor=actor, obj=grant,
                 new={"user": user.username, "role": role, "area": area.code,
                      "valid_from": valid_from, "valid_to": valid_to})
    forget_cached_scope(user)
    return grant


@transaction.atomic
def staff_account_create(
    *, actor: User, username: str, password: str, full_name: str, role: str, area: Area,
    phone: str = "", email: str = "", valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> RoleGrant:
    """An administrator creates a staff account with its first role grant, all or nothing."""
    valid_from = valid_from or timezone.localdate()
    _check_grant(actor=actor, role=role, area=area, valid_from=valid_from, valid_to=valid_to)
    user = User(username=username.strip(), full_name=full_name.strip(), phone=phone.strip(), email=email.strip(),
                account_type=AccountType.STAFF)
    _check_new_account(username=user.username, password=password, user=user)
    _save_new_user(user, password)
    audit_record(event_type=AuditEventType.STAFF_ACCOUNT_CREATED, actor=actor, obj=user, area=area,
                 new={"username": user.username, "full_name": user.full_name})
    return role_grant_create(actor=actor, user=user, role=role, area=area, valid_from=valid_from, valid_to=valid_to)


@transaction.atomic
def role_grant_revoke(*, actor: User, grant: RoleGrant) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("area", "user").get(pk=grant.pk)
    admin_paths = [""] if actor.is_superuser else scope_paths(actor, roles=[StaffRole.ADMINISTRATOR])
    if not any(grant.area_path.startswith(p) and grant.area_path != p for p in admin_paths):
        raise OutOfScope()
    if grant.revoked_at is not None:
        raise ValidationError(_("This role was already revoked."), code="already_revoked")
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(event_type=AuditEventType.ROLE_REVOKED, actor=actor, obj=grant,
                 old={"revoked_at": None}, new={"revoked_at": grant.revoked_at})
    forget_cached_scope(grant.user)
    return grant


def role_grants_expire(*, on: datetime.date | None = None) -> int:
    """Record in the audit trail each grant whose period has ended; safe to rerun."""
    on = on or timezone.localdate()
    count = 0
    with transaction.atomic():
        due = (RoleGrant.objects.select_for_update(skip_locked=True)
               .filter(revoked_at__isnull=True, valid_to__lt=on, expiry_recorded_at__isnull=True)
               .select_related("area", "user"))
        for grant in due:
            grant.expiry_recorded_at = timezone.now()
            grant.save(update_fields=["expiry_recorded_at"])
            audit_record(event_type=AuditEventType.ROLE_EXPIRED, actor=None, obj=grant,
                         new={"valid_to": grant.valid_to})
            count += 1
    return count


def user_login_record(*, user: User, ip_address: str | None) -> None:
    audit_record(event_type=AuditEventType.USER_LOGGED_IN, actor=user, obj=user, ip_address=ip_address)


def user_logout_record(*, user: User, ip_address: str | None) -> None:
    audit_record(event_type=AuditEventType.USER_LOGGED_OUT, actor=user, obj=user, ip_address=ip_address)


def user_login_failed_record(*, username: str, ip_address: str | None, channel: str = "form",
                             locked_out: bool = False) -> None:
    """A failed login on the form or the token endpoint (``channel``: form, api); ``locked_out`` when
    the account or address is locked after it (or was already)."""
    audit_record(event_type=AuditEventType.USER_LOGIN_FAILED, actor=None,
                 new={"username": str(username)[:150], "channel": channel, "locked_out": locked_out},
                 ip_address=ip_address)


@transaction.atomic
def user_password_change(*, user: User, old_password: str, new_password: str,
                         ip_address: str | None = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [ValidationError(_("Your old password was entered incorrectly."),
                                                                code="password_incorrect")]})
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.error_list}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(event_type=AuditEventType.USER_PASSWORD_CHANGED, actor=user, obj=user, ip_address=ip_address)
    return user


@transaction.atomic
def api_token_issue(*, user: User, ip_address: str | None = None) -> str:
    """The user's API token, created and audited on first request."""
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(event_type=AuditEventType.API_TOKEN_ISSUED, actor=user, obj=user, ip_address=ip_address)
    return token.key
