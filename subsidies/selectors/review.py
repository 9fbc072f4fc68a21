"""Reads of the review: the clerks' queue, one application with its timeline, money and audit trail,
and the workbench counters.

The queue is every application in the reader's subtree (``visible_to``, through the scoped views),
with what waits for the reader's own step first: ``awaits_me`` is ``portal.workflow.awaiting`` over
the forward steps, the same declared table ``available_moves`` and ``transition`` read, as one
subquery. Rows carry their last status change's actor (``with_previous_actor``) so the moves of
each row (the bulk approval's check boxes, the API's ``moves``) cost no query per row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.models import AuditEvent, User
from portal.workflow import awaiting, status_history, takes_part, with_previous_actor
from subsidies.constants import APPLICATION_WORKFLOW, STEP_OF_STATUS, ApplicationStatus, SubsidiesEvent
from subsidies.models import Application, FundEntry, SupportingDocument

# The steps that move an application forward: what "awaiting my step" counts.
FORWARD_STEPS = ("accept", "review", "approve", "approve_for_city", "city_approve", "disburse")


def staff_applications() -> QuerySet[Application]:
    """Base of the review pages, with what a row shows (the scoped views narrow it with ``visible_to``)."""
    return Application.objects.select_related("programme", "person", "area", "employer", "agency")


def awaiting_me(*, fetched_by: User) -> QuerySet[Application]:
    """The applications on which the reader may now take a forward step (one query)."""
    return awaiting(Application.objects.all(), user=fetched_by, workflow=APPLICATION_WORKFLOW, steps=FORWARD_STEPS)


def queue_annotate(queryset: QuerySet[Application], *, fetched_by: User) -> QuerySet[Application]:
    """``awaits_me`` and the previous actor on each row; what waits for the reader's step first, then by
    due date (soonest first, none last)."""
    mine = awaiting_me(fetched_by=fetched_by).filter(pk=OuterRef("pk"))
    return (with_previous_actor(queryset).annotate(awaits_me=Exists(mine.values("pk")))
            .order_by("-awaits_me", F("due_on").asc(nulls_last=True), "-submitted_at", "-id"))


def queue_order(queryset: QuerySet[Application], sort: str | None) -> QuerySet[Application]:
    """The queue's order by choice: ``due`` (soonest first), ``-due`` (latest first), ``submitted``
    (newest first); anything else keeps the default (mine first, then due date)."""
    if sort == "due":
        return queryset.order_by(F("due_on").asc(nulls_last=True), "id")
    if sort == "-due":
        return queryset.order_by(F("due_on").desc(nulls_last=True), "-id")
    if sort == "submitted":
        return queryset.order_by("-submitted_at", "-id")
    return queryset


def applications_for_staff(*, fetched_by: User) -> QuerySet[Application]:
    """Every application in the reader's subtree, as the queue shows them."""
    return queue_annotate(staff_applications().visible_to(fetched_by), fetched_by=fetched_by)


def application_for_staff(*, fetched_by: User, pk) -> Application | None:
    """One application in the reader's subtree with what its page shows; None when missing or out of scope."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (with_previous_actor(staff_applications().visible_to(fetched_by))
            .select_related("version", "entered_by", "applicant_account")
            .prefetch_related(Prefetch("documents", queryset=SupportingDocument.objects.select_related("uploaded_by")))
            .filter(pk=pk).first())


# --- Counters -------------------------------------------------------------------------------------


def applications_awaiting_my_step_count(*, fetched_by: User) -> int | None:
    """How many applications wait for a step the reader may take now (one query); None for someone who
    takes no step of the review."""
    if not takes_part(fetched_by, APPLICATION_WORKFLOW, FORWARD_STEPS):
        return None
    return awaiting_me(fetched_by=fetched_by).count()


def applications_overdue_count(*, fetched_by: User) -> int | None:
    """Of those, how many are flagged overdue (one query); None for someone who takes no step."""
    if not takes_part(fetched_by, APPLICATION_WORKFLOW, FORWARD_STEPS):
        return None
    return awaiting_me(fetched_by=fetched_by).filter(overdue_since__isnull=False).count()


# --- One application ------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One step of the application's life: when, what it became, by whom, the note, and the due date
    the next step had from then (late when it was taken, or is still open, after that date)."""

    at: datetime.datetime
    status: str
    label: str
    actor: User | None = None
    note: str = ""
    due_on: datetime.date | None = None
    late: bool = False
    current: bool = False
    step: str = ""


@dataclass
class Timeline:
    entries: list[TimelineEntry] = field(default_factory=list)
    overdue_since: datetime.date | None = None


def application_timeline(*, application: Application, today: datetime.date | None = None) -> Timeline:
    """The submission and every status change with the due date each set for the step that followed,
    marking a step taken (or still open) after its due date. Two queries whatever the length: the
    status changes, and the audit events that hold the due dates."""
    today = today or timezone.localdate()
    labels = dict(ApplicationStatus.choices)
    changes = status_history(instance=application)
    events = list(AuditEvent.objects.filter(
        object_type=application._meta.label_lower, object_id=str(application.pk),
        event_type__in=[SubsidiesEvent.APPLICATION_SUBMITTED, SubsidiesEvent.APPLICATION_STATUS_CHANGED])
        .order_by("occurred_at", "id").values_list("event_type", "new_values"))
    submitted_due = next((new.get("due_on") for kind, new in events
                          if kind == SubsidiesEvent.APPLICATION_SUBMITTED and isinstance(new, dict)), None)
    dues = [new.get("due_on") if isinstance(new, dict) else None
            for kind, new in events if kind == SubsidiesEvent.APPLICATION_STATUS_CHANGED]
    entries = [TimelineEntry(at=application.submitted_at, status=ApplicationStatus.SUBMITTED,
                             label=labels[ApplicationStatus.SUBMITTED], actor=application.entered_by,
                             due_on=_date(submitted_due), step=STEP_OF_STATUS.get(ApplicationStatus.SUBMITTED, ""))]
    for index, change in enumerate(changes):
        due = dues[index] if index < len(dues) else None
        entries.append(TimelineEntry(at=change.changed_at, status=change.to_status,
                                     label=labels.get(change.to_status, change.to_status), actor=change.actor,
                                     note=change.note, due_on=_date(due), step=STEP_OF_STATUS.get(change.to_status, "")))
    if not changes and application.due_on is not None:
        entries[0].due_on = entries[0].due_on or application.due_on
    for this, following in zip(entries, [*entries[1:], None]):
        if this.due_on is None or not this.step:
            continue
        taken_on = timezone.localdate(following.at) if following is not None else today
        this.late = taken_on > this.due_on
    entries[-1].current = True
    # The current step's due date is the record's own (a resubmission or a recomputation may have set it).
    if application.status in STEP_OF_STATUS and application.due_on is not None:
        entries[-1].due_on = application.due_on
        entries[-1].late = today > application.due_on
    return Timeline(entries=entries, overdue_since=application.overdue_since)


def _date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def application_fund_entries(*, application: Application) -> list[FundEntry]:
    """The district fund's ledger entries of this application (reserved, paid, released), oldest first."""
    return list(FundEntry.objects.filter(application=application).select_related("fund", "fund__area", "actor")
                .order_by("created_at", "id"))


# Facts a programme asks for that no record holds (``Application.details``), as the page names them.
DETAIL_LABELS = {
    "staff_count": gettext_lazy("Staff of the enterprise"),
    "graduation_year": gettext_lazy("Year of graduation"),
}


@dataclass
class DetailLine:
    label: str
    value: str


def details_in_words(application: Application) -> list[DetailLine]:
    """The stated details of an application, each with its label (unknown keys by their name)."""
    details = application.details if isinstance(application.details, dict) else {}
    return [DetailLine(label=str(DETAIL_LABELS.get(key, key)), value=str(value)) for key, value in details.items()]
