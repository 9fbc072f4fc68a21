"""Reads of hard-to-employ cases and cross-district handovers, for clerks.

``cases_visible_to`` is the one widening of ordinary scoping in this app: the cases in the
clerk's subtree, plus the cases their subtree handed to another district (accepted handovers whose
sending area is in scope), which the sending district keeps seeing read-only. Pages show the steps
``portal.workflow.available_moves`` finds (none for a case seen as history); every service checks again.
Handovers show their steps the same way (``HANDOVER_WORKFLOW``: the receiving district decides).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from portal.constants import AreaLevel, StaffRole
from portal.models import Area, StatusChange, User
from portal.scoping import area_in_scope, has_staff_role, scope_paths
from portal.workflow import awaiting, status_history
from registration.constants import HARDSHIP_WORKFLOW, HandoverStatus
from registration.models import CaseHandover, HardshipCase, HardshipCategory, Person

CLERK = [StaffRole.CLERK]
PICKER_LIMIT = 20


def hardship_categories() -> list[HardshipCategory]:
    return list(HardshipCategory.objects.filter(active=True).order_by("code"))


def hardship_categories_by_codes(*, codes) -> list[HardshipCategory]:
    codes = [str(c) for c in codes or []]
    return list(HardshipCategory.objects.filter(code__in=codes)) if codes else []


# --- Persons to take in ---------------------------------------------------------------------------


def persons_for_intake(*, fetched_by: User, q: str, limit: int = PICKER_LIMIT) -> list[Person]:
    """Persons living in the community clerk's area found by full identity number, name or phone."""
    from registration.identity import identity_lookup_hash

    q = (q or "").strip()
    if not q:
        return []
    persons = Person.objects.visible_to(fetched_by, roles=CLERK, levels=[AreaLevel.COMMUNITY])
    lookup = identity_lookup_hash(q)
    condition = Q(name__icontains=q) | Q(phone__startswith=q)
    if lookup is not None:
        condition = Q(id_hash=lookup)
    return list(persons.filter(condition).select_related("area").order_by("name", "id")[:limit])


def person_for_intake(*, fetched_by: User, pk) -> Person | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (Person.objects.visible_to(fetched_by, roles=CLERK, levels=[AreaLevel.COMMUNITY])
            .select_related("area").filter(pk=pk).first())


# --- Cases ----------------------------------------------------------------------------------------


def staff_cases() -> QuerySet[HardshipCase]:
    """Base of the case pages, with what a list row shows."""
    return (HardshipCase.objects.select_related("person", "area", "submitted_by", "commitment")
            .prefetch_related(Prefetch("categories", queryset=HardshipCategory.objects.order_by("code"))))


def cases_visible_to(*, fetched_by: User) -> QuerySet[HardshipCase]:
    """Cases in the clerk's scope, plus those their scope handed over to another district."""
    in_scope = HardshipCase.objects.visible_to(fetched_by, roles=CLERK).values("pk")
    handed = (CaseHandover.objects.visible_to(fetched_by, roles=CLERK)
              .filter(status=HandoverStatus.ACCEPTED).values("case_id"))
    return staff_cases().filter(Q(pk__in=in_scope) | Q(pk__in=handed))


def case_for_staff(*, fetched_by: User, pk) -> HardshipCase | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return cases_visible_to(fetched_by=fetched_by).filter(pk=pk).first()


def case_in_scope(*, user: User, case: HardshipCase) -> bool:
    return area_in_scope(user, case.area, roles=CLERK)


def case_history(*, case: HardshipCase) -> list[StatusChange]:
    """The case's status changes, each with ``from_label`` and ``to_label``."""
    return status_history(instance=case)


# The forward steps of identification: what the workbench counts as waiting for a clerk.
FORWARD_STEPS = ("review", "approve")


def cases_awaiting_step_count(*, fetched_by: User) -> int | None:
    """Cases on which the clerk may take the next forward step now (an intake to review for a
    street clerk, a reviewed case to approve for a district clerk), as ``available_moves`` would
    offer it; one query. None for someone who is no clerk."""
    if not has_staff_role(fetched_by, CLERK):  # every clerk takes part in identification, if only by intake
        return None
    return awaiting(HardshipCase.objects.all(), user=fetched_by, workflow=HARDSHIP_WORKFLOW,
                    steps=FORWARD_STEPS).count()


def case_handovers(*, case: HardshipCase) -> list[CaseHandover]:
    """The case's handovers (for a reader who may see the case)."""
    return list(CaseHandover.objects.filter(case=case).select_related("area", "to_district", "proposed_by",
                                                                       "decided_by"))


# --- Handovers ------------------------------------------------------------------------------------


def staff_handovers() -> QuerySet[CaseHandover]:
    return CaseHandover.objects.select_related("case", "case__person", "area", "to_district", "proposed_by",
                                               "decided_by")


def _incoming_condition(user: User) -> Q:
    prefixes = scope_paths(user, roles=CLERK)
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(to_path__startswith=prefix)
    return condition


def handovers_incoming(*, fetched_by: User) -> QuerySet[CaseHandover]:
    """Handovers addressed to a district in the clerk's scope."""
    return staff_handovers().filter(_incoming_condition(fetched_by)).order_by("-proposed_at", "-id")


def handovers_outgoing(*, fetched_by: User) -> QuerySet[CaseHandover]:
    """Handovers sent from the clerk's scope."""
    return staff_handovers().visible_to(fetched_by, roles=CLERK).order_by("-proposed_at", "-id")


def handovers_for_staff(*, fetched_by: User) -> QuerySet[CaseHandover]:
    """Incoming and outgoing together."""
    outgoing = CaseHandover.objects.visible_to(fetched_by, roles=CLERK).values("pk")
    return (staff_handovers().filter(Q(pk__in=outgoing) | _incoming_condition(fetched_by))
            .order_by("-proposed_at", "-id"))


def handover_for_staff(*, fetched_by: User, pk) -> CaseHandover | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return handovers_for_staff(fetched_by=fetched_by).filter(pk=pk).first()


def districts_except(*, area: Area) -> list[Area]:
    """Districts a case can be handed to: every district but the case's own."""
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).exclude(code=area.path[:6].ljust(12, "0"))
                .order_by("code"))


def handling_areas(*, district: Area) -> list[Area]:
    """Streets and communities of a district, ordered so each street comes before its communities."""
    return list(Area.objects.filter(path__startswith=district.path, level__in=[AreaLevel.STREET,
                                                                                 AreaLevel.COMMUNITY])
                .order_by("code"))


def district_by_code(*, code) -> Area | None:
    if not code:
        return None
    return Area.objects.filter(code=str(code), level=AreaLevel.DISTRICT).first()
