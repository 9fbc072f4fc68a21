"""Job fairs (专场招聘): staff organise them, employers join with vacancies, job seekers sign up
and book remote interview slots that employers offer.

Who organises, publishes, cancels and edits a fair is declared once, in
``jobs.constants.FAIR_WORKFLOW``; ``transition`` and ``authorize`` check it on the locked fair row.
Drafting a fair is not a move (there is no record yet): the organising area is checked against the
same ``FAIR_ORGANISERS`` rule here. Employers and job seekers act through their own account. Places
and slots are taken under a row lock, so the last place or a free slot cannot be taken twice by two
people at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.constants import (
    DESCRIPTION_MAX,
    FAIR_AREA_LEVELS,
    FAIR_CANCEL_REASON_MAX,
    FAIR_CAPACITY_MAX,
    FAIR_ORGANISERS,
    FAIR_TITLE_MAX,
    FAIR_VENUE_MAX,
    FAIR_WORKFLOW,
    MEETING_LINK_MAX,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    FairStatus,
    FairTargetGroup,
    JobsEvent,
    VacancyStatus,
)
from jobs.models import Employer, FairParticipation, FairSignup, InterviewSlot, JobFair, SeekerProfile, Vacancy
from jobs.selectors.fairs import employer_may_join_fairs, fair_is_open
from portal.audit import audit_record
from portal.constants import AccountType
from portal.models import Area, User
from portal.reference.models import Industry
from portal.scoping import assert_in_scope
from portal.workflow import authorize, transition

https_only = URLValidator(schemes=["https"])


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _raise_if(errors: dict[str, list[ValidationError]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- Organising (staff) -----------------------------------------------------------------------


def _fair_errors(
    *, title: str, starts_at: datetime.datetime | None, ends_at: datetime.datetime | None, venue: str,
    is_online: bool, target_group: str, industry: Industry | None, description: str, capacity: int | None,
    area: Area | None,
) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not title:
        add("title", _("Enter the title of the fair."), "required")
    elif len(title) > FAIR_TITLE_MAX:
        add("title", _("The title can have at most %(max)d characters.") % {"max": FAIR_TITLE_MAX}, "max_length")
    if starts_at is None:
        add("starts_at", _("Enter when the fair starts."), "required")
    elif starts_at <= timezone.now():
        add("starts_at", _("The fair must start in the future."), "past")
    if ends_at is None:
        add("ends_at", _("Enter when the fair ends."), "required")
    elif starts_at is not None and ends_at <= starts_at:
        add("ends_at", _("The fair must end after it starts."), "order")
    if is_online and venue:
        add("venue", _("An online fair has no venue: clear the venue or untick “online”."), "venue_or_online")
    elif not is_online and not venue:
        add("venue", _("Enter the venue, or tick “online” for an online fair."), "venue_or_online")
    elif len(venue) > FAIR_VENUE_MAX:
        add("venue", _("The venue can have at most %(max)d characters.") % {"max": FAIR_VENUE_MAX}, "max_length")
    if target_group not in FairTargetGroup.values:
        add("target_group", _("Choose a target group."), "invalid_choice")
    elif target_group == FairTargetGroup.INDUSTRY and industry is None:
        add("industry", _("Choose the industry of an industry fair."), "required")
    if len(description) > DESCRIPTION_MAX:
        add("description", _("The description can have at most %(max)d characters.") % {"max": DESCRIPTION_MAX},
            "max_length")
    if capacity is not None and capacity < 1:
        add("capacity", _("Seeker places must be at least 1, or empty for no limit."), "min_value")
    elif capacity is not None and capacity > FAIR_CAPACITY_MAX:
        add("capacity", _("Seeker places can be at most %(max)d, or empty for no limit.")
            % {"max": FAIR_CAPACITY_MAX}, "max_value")
    if area is None:
        add("area", _("Choose the organising area."), "required")
    elif area.level not in FAIR_AREA_LEVELS:
        add("area", _("A fair is organised by a city, district or street."), "level")
    return errors


def _fair_values(*, title, starts_at, ends_at, venue, is_online, target_group, industry, description, capacity,
                 area) -> dict:
    values = {
        "title": (title or "").strip(), "starts_at": starts_at, "ends_at": ends_at, "venue": (venue or "").strip(),
        "is_online": bool(is_online), "target_group": target_group, "industry": industry,
        "description": (description or "").strip(), "capacity": capacity, "area": area,
    }
    if values["target_group"] != FairTargetGroup.INDUSTRY:
        values["industry"] = None  # only an industry fair names an industry
    return values


@transaction.atomic
def fair_create(
    *, actor: User, title: str, starts_at: datetime.datetime | None, ends_at: datetime.datetime | None,
    venue: str = "", is_online: bool = False, target_group: str = FairTargetGroup.GENERAL,
    industry: Industry | None = None, description: str = "", capacity: int | None = None, area: Area | None,
) -> JobFair:
    """A clerk or administrator drafts a fair organised by an area in their scope."""
    if area is not None:
        _assert_may_organise(actor, area)
    values = _fair_values(title=title, starts_at=starts_at, ends_at=ends_at, venue=venue, is_online=is_online,
                          target_group=target_group, industry=industry, description=description,
                          capacity=capacity, area=area)
    _raise_if(_fair_errors(**values))
    fair = JobFair.objects.create(**values, status=FairStatus.DRAFT, organised_by=actor)
    audit_record(event_type=JobsEvent.FAIR_CREATED, actor=actor, obj=fair,
                 new={**values, "area": area.code, "status": fair.status})
    return fair


@transaction.atomic
def fair_update(
    *, actor: User, fair: JobFair, title: str, starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None, venue: str = "", is_online: bool = False,
    target_group: str = FairTargetGroup.GENERAL, industry: Industry | None = None, description: str = "",
    capacity: int | None = None, area: Area | None,
) -> JobFair:
    """Change a draft fair (the ``edit`` action). Once published, a fair's terms are fixed: cancel it
    instead. Moving it to another organising area needs that area in the actor's scope too."""
    row = JobFair.objects.select_for_update(of=("self",)).select_related("area").get(pk=fair.pk)
    authorize(instance=row, workflow=FAIR_WORKFLOW, action="edit", actor=actor, code="not_draft")
    if area is not None:
        _assert_may_organise(actor, area)
    values = _fair_values(title=title, starts_at=starts_at, ends_at=ends_at, venue=venue, is_online=is_online,
                          target_group=target_group, industry=industry, description=description,
                          capacity=capacity, area=area)
    _raise_if(_fair_errors(**values))
    old = {name: getattr(row, name) for name, value in values.items() if getattr(row, name) != value}
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    if old:
        audit_record(event_type=JobsEvent.FAIR_UPDATED, actor=actor, obj=row, old=old,
                     new={name: values[name] for name in old})
    return row


def _assert_may_organise(actor: User, area: Area) -> None:
    """The organising area chosen for a new or moved fair: 404 unless the actor organises fairs there."""
    assert_in_scope(actor, area, roles=FAIR_ORGANISERS.roles, levels=FAIR_ORGANISERS.levels)


def _not_ended(fair: JobFair) -> None:
    if fair.ends_at <= timezone.now():
        raise ValidationError(_("This fair has already ended and cannot be published."), code="ended")


def fair_publish(*, actor: User, fair: JobFair) -> JobFair:
    """Publish a draft that has not ended yet (checked on the locked row)."""
    return transition(instance=fair, workflow=FAIR_WORKFLOW, to=FairStatus.PUBLISHED, actor=actor, check=_not_ended)


def fair_cancel(*, actor: User, fair: JobFair, reason: str = "") -> JobFair:
    """Cancel a draft or a published fair, with an optional reason kept in its history."""
    reason = (reason or "").strip()
    if len(reason) > FAIR_CANCEL_REASON_MAX:
        raise _error("reason", _("The reason can have at most %(max)d characters.") % {"max": FAIR_CANCEL_REASON_MAX},
                     "max_length")
    return transition(instance=fair, workflow=FAIR_WORKFLOW, to=FairStatus.CANCELLED, actor=actor, note=reason)


# --- Taking part (employers and job seekers) --------------------------------------------------


def _open_fair_or_error(fair: JobFair) -> None:
    """Joining, signing up and booking need an open fair (``fair_is_open``); say why it is not."""
    if fair_is_open(fair):
        return
    if fair.status != FairStatus.PUBLISHED:
        raise ValidationError(_("This fair is not open: it is not published or has been cancelled."),
                              code="not_open")
    raise ValidationError(_("This fair has already ended."), code="ended")


def _employer_of(actor: User) -> Employer:
    if actor.account_type != AccountType.EMPLOYER:
        raise PermissionDenied(_("Only employers can do this."))
    employer = Employer.objects.filter(account=actor).first()
    if employer is None:
        raise ValidationError(_("Register your organisation first."), code="no_employer")
    return employer


def _seeker_of(actor: User, *, lock: bool = False) -> SeekerProfile:
    if actor.account_type != AccountType.JOB_SEEKER:
        raise PermissionDenied(_("Only job seekers can do this."))
    profiles = SeekerProfile.objects.filter(account=actor)
    profile = (profiles.select_for_update() if lock else profiles).first()
    if profile is None:
        raise ValidationError(_("Fill in your job seeker profile first."), code="no_profile")
    return profile


@transaction.atomic
def fair_join(*, actor: User, fair: JobFair, vacancies: Iterable[Vacancy]) -> FairParticipation:
    """A verified employer takes part in an open fair with some of its public vacancies, once."""
    employer = _employer_of(actor)
    if not employer_may_join_fairs(employer):
        raise ValidationError(_("Your organisation must be verified by the district before it can join a fair."),
                              code="not_verified")
    fair = JobFair.objects.select_for_update().get(pk=fair.pk)
    _open_fair_or_error(fair)
    vacancies = list(vacancies)
    if not vacancies:
        raise _error("vacancies", _("Choose at least one of your published vacancies."), "required")
    today = timezone.localdate()
    for vacancy in vacancies:
        if vacancy.employer_id != employer.pk or vacancy.status != VacancyStatus.PUBLISHED \
                or vacancy.closing_date < today:
            raise _error("vacancies", _("“%(title)s” is not one of your published vacancies.") % {
                "title": vacancy.title}, "invalid_vacancy")
        if fair.target_group == FairTargetGroup.INDUSTRY and vacancy.industry_id != fair.industry_id:
            raise _error("vacancies", _("“%(title)s” is not in the industry of this fair.") % {
                "title": vacancy.title}, "industry_mismatch")
    if FairParticipation.objects.filter(fair=fair, employer=employer).exists():
        raise ValidationError(_("Your organisation has already joined this fair."), code="duplicate")
    try:
        with transaction.atomic():
            participation = FairParticipation.objects.create(fair=fair, employer=employer)
    except IntegrityError as exc:  # a second request of the same employer racing the first
        raise ValidationError(_("Your organisation has already joined this fair."), code="duplicate") from exc
    participation.vacancies.set(vacancies)
    audit_record(event_type=JobsEvent.FAIR_EMPLOYER_JOINED, actor=actor, obj=participation, area=fair.area,
                 new={"fair": fair.pk, "employer": employer.pk, "vacancies": sorted(v.pk for v in vacancies)})
    return participation


@transaction.atomic
def fair_sign_up(*, actor: User, fair: JobFair) -> FairSignup:
    """A job seeker takes one of the fair's places, once.

    The fair row is locked while the places are counted, so two people asking for the last place
    at the same moment are served one after the other and the second is told the fair is full.
    """
    seeker = _seeker_of(actor)
    fair = JobFair.objects.select_for_update().get(pk=fair.pk)
    _open_fair_or_error(fair)
    if FairSignup.objects.filter(fair=fair, seeker=seeker).exists():
        raise ValidationError(_("You have already signed up for this fair."), code="duplicate")
    if fair.capacity is not None and FairSignup.objects.filter(fair=fair).count() >= fair.capacity:
        raise ValidationError(_("This fair is full: all %(capacity)d places are taken.") % {
            "capacity": fair.capacity}, code="full")
    try:
        with transaction.atomic():
            signup = FairSignup.objects.create(fair=fair, seeker=seeker)
    except IntegrityError as exc:
        raise ValidationError(_("You have already signed up for this fair."), code="duplicate") from exc
    audit_record(event_type=JobsEvent.FAIR_SEEKER_SIGNED_UP, actor=actor, obj=signup, area=fair.area,
                 new={"fair": fair.pk, "seeker": seeker.pk})
    return signup


def _slot_end(starts_at: datetime.datetime, minutes: int) -> datetime.datetime:
    return starts_at + datetime.timedelta(minutes=minutes)


@transaction.atomic
def interview_slot_offer(
    *, actor: User, fair: JobFair, starts_at: datetime.datetime | None, minutes: int | None, meeting_link: str,
    vacancy: Vacancy | None = None,
) -> InterviewSlot:
    """A participating employer offers a remote interview slot within the fair's time, with an
    https meeting link."""
    employer = _employer_of(actor)
    fair = JobFair.objects.select_for_update().get(pk=fair.pk)  # not cancelled while the slot is offered
    participation = FairParticipation.objects.filter(fair=fair, employer=employer).first()
    if participation is None:
        raise ValidationError(_("Join the fair before offering interview slots."), code="not_participating")
    _open_fair_or_error(fair)
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    meeting_link = (meeting_link or "").strip()
    if minutes is None:
        add("minutes", _("Enter the length of the interview in minutes."), "required")
    elif not SLOT_MINUTES_MIN <= minutes <= SLOT_MINUTES_MAX:
        add("minutes", _("An interview lasts from %(min)d to %(max)d minutes.") % {
            "min": SLOT_MINUTES_MIN, "max": SLOT_MINUTES_MAX}, "range")
    length = 0 if "minutes" in errors else minutes  # check the end only with a sensible length
    if starts_at is None:
        add("starts_at", _("Enter when the interview starts."), "required")
    elif starts_at <= timezone.now():
        add("starts_at", _("The interview must start in the future."), "past")
    elif starts_at < fair.starts_at or _slot_end(starts_at, length) > fair.ends_at:
        add("starts_at", _("The interview must take place within the fair, from %(start)s to %(end)s.") % {
            "start": timezone.localtime(fair.starts_at).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(fair.ends_at).strftime("%Y-%m-%d %H:%M")}, "outside_fair")
    if not meeting_link:
        add("meeting_link", _("Enter the meeting link."), "required")
    elif len(meeting_link) > MEETING_LINK_MAX:
        add("meeting_link", _("The link can have at most %(max)d characters.") % {"max": MEETING_LINK_MAX},
            "max_length")
    else:
        try:
            https_only(meeting_link)
        except ValidationError:
            add("meeting_link", _("Enter a secure meeting link that starts with https://."), "https_only")
    if vacancy is not None and not participation.vacancies.filter(pk=vacancy.pk).exists():
        add("vacancy", _("Choose one of the vacancies you brought to this fair."), "invalid_vacancy")
    _raise_if(errors)
    slot = InterviewSlot.objects.create(participation=participation, vacancy=vacancy, starts_at=starts_at,
                                        minutes=minutes, meeting_link=meeting_link)
    audit_record(event_type=JobsEvent.INTERVIEW_SLOT_OFFERED, actor=actor, obj=slot, area=fair.area,
                 new={"fair": fair.pk, "starts_at": starts_at, "minutes": minutes,
                      "vacancy": vacancy.pk if vacancy else None})
    return slot


@transaction.atomic
def interview_slot_book(*, actor: User, slot: InterviewSlot) -> InterviewSlot:
    """A job seeker signed up for the fair books one free slot.

    The seeker's profile is locked first (so one person's bookings are checked for overlap one at
    a time), then the slot (so two people cannot book the same slot): whoever comes second sees
    the slot taken. Last the fair, so it is not cancelled between the check and the booking.
    """
    seeker = _seeker_of(actor, lock=True)
    slot = InterviewSlot.objects.select_for_update(of=("self",)).get(pk=slot.pk)
    fair = JobFair.objects.select_for_update(of=("self",)).get(participations=slot.participation_id)
    _open_fair_or_error(fair)
    if not FairSignup.objects.filter(fair=fair, seeker=seeker).exists():
        raise ValidationError(_("Sign up for the fair before booking an interview."), code="not_signed_up")
    if slot.booked_by_id is not None:
        if slot.booked_by_id == seeker.pk:
            raise ValidationError(_("You have already booked this interview slot."), code="duplicate")
        raise ValidationError(_("Someone else has just booked this interview slot; please choose another."),
                              code="taken")
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This interview slot has already started."), code="past")
    ends_at = _slot_end(slot.starts_at, slot.minutes)
    # Slots last at most SLOT_MINUTES_MAX, so only those starting that long before can overlap.
    nearby = InterviewSlot.objects.filter(
        booked_by=seeker, starts_at__lt=ends_at,
        starts_at__gt=slot.starts_at - datetime.timedelta(minutes=SLOT_MINUTES_MAX))
    for other in nearby:
        if _slot_end(other.starts_at, other.minutes) > slot.starts_at:
            raise ValidationError(_("You already have an interview at %(time)s that overlaps this one.") % {
                "time": timezone.localtime(other.starts_at).strftime("%Y-%m-%d %H:%M")}, code="overlap")
    slot.booked_by = seeker
    slot.booked_at = timezone.now()
    slot.save(update_fields=["booked_by", "booked_at"])
    audit_record(event_type=JobsEvent.INTERVIEW_SLOT_BOOKED, actor=actor, obj=slot, area=fair.area,
                 new={"fair": fair.pk, "seeker": seeker.pk, "starts_at": slot.starts_at})
    return slot
