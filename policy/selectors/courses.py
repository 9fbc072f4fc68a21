"""Reads of training courses: the public list of published courses not yet over, and staff lists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.constants import CourseStatus
from policy.models import TrainingCourse
from policy.search import policy_query_runs
from portal.constants import AreaLevel
from portal.models import Area, User
from portal.reference.models import Occupation
from portal.textsearch import QueryRun, fallback_condition

COURSE_TEXT_FIELDS = ["title", "provider", "description", "occupation__name"]


@dataclass(frozen=True)
class CourseFilters:
    q: str = ""
    area: Area | None = None
    occupation: str = ""  # a major group (``6``) or a middle group (``6-18``)
    free_only: bool = False

    @cached_property
    def runs(self) -> list[QueryRun]:
        return policy_query_runs(self.q)


def public_courses() -> QuerySet[TrainingCourse]:
    """Published courses that have not ended, soonest first."""
    return (TrainingCourse.objects.filter(status=CourseStatus.PUBLISHED, ends_on__gte=timezone.localdate())
            .select_related("area", "occupation").order_by("starts_on", "id"))


def course_search(*, fetched_by: User | None, filters: CourseFilters) -> QuerySet[TrainingCourse]:
    """Public courses matching every keyword (title, provider, description, occupation), in an
    area's subtree, for an occupation. Courses are few, so keywords use the index-free lookup."""
    queryset = public_courses()
    for run in filters.runs:
        queryset = queryset.filter(fallback_condition(run, COURSE_TEXT_FIELDS))
    if filters.area is not None:
        queryset = queryset.within(filters.area)
    if filters.occupation:
        if "-" in filters.occupation:
            queryset = queryset.filter(occupation_id=filters.occupation)
        else:
            queryset = queryset.filter(Q(occupation_id=filters.occupation)
                                       | Q(occupation__code__startswith=f"{filters.occupation}-"))
    if filters.free_only:
        queryset = queryset.filter(subsidy__gte=F("cost"))  # the subsidy covers the whole cost
    return queryset


def course_public_detail(*, fetched_by: User | None, pk: int) -> TrainingCourse:
    course = public_courses().filter(pk=pk).first()
    if course is None:
        raise Http404(_("Not found."))
    return course


def district_choices() -> list[tuple[str, str]]:
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").values_list("code", "name"))


def major_occupation_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in
            Occupation.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name")]


def middle_occupations() -> QuerySet[Occupation]:
    return Occupation.objects.filter(parent__isnull=False).order_by("code")


def course_staff_base() -> QuerySet[TrainingCourse]:
    return TrainingCourse.objects.select_related("area", "occupation", "created_by").order_by("-starts_on", "-id")
