"""Training courses: written and published by editors of their district, searchable by the public."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policy.constants import CourseStatus
from policy.models import TrainingCourse
from policy.selectors.courses import CourseFilters, course_search
from policy.services import courses as services
from portal.reference.models import Occupation
from tests.policy.factories import TrainingCourseFactory

pytestmark = pytest.mark.django_db


def course_values(area, **overrides) -> dict:
    today = timezone.localdate()
    return {"title": "育婴员培训班", "provider": "江岸区职业培训学校", "occupation": Occupation.objects.get(code="4-10"),
            "starts_on": today + datetime.timedelta(days=7), "ends_on": today + datetime.timedelta(days=37),
            "area": area, "address": "江岸区培训基地", "cost": 1600, "subsidy": 1200, "seats": 30, **overrides}


def codes(exc) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def test_a_district_editor_writes_and_publishes_a_course(tree, district_clerk):
    course = services.course_create(actor=district_clerk, **course_values(tree.s1))
    assert course.status == CourseStatus.DRAFT and course.own_cost == 400
    course = services.course_publish(actor=district_clerk, course=course)
    assert course.status == CourseStatus.PUBLISHED and course.published_at is not None
    course = services.course_cancel(actor=district_clerk, course=course, reason="报名人数不足")
    assert course.status == CourseStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.course_update(actor=district_clerk, course=course, **course_values(tree.s1))


def test_another_district_and_street_windows_cannot_manage_courses(tree, district_clerk, street_clerk,
                                                                  other_district_official):
    course = services.course_create(actor=district_clerk, **course_values(tree.d1))
    with pytest.raises(Http404):
        services.course_publish(actor=other_district_official, course=course)
    with pytest.raises(Http404):
        services.course_create(actor=street_clerk, **course_values(tree.s1))


def test_bad_dates_subsidy_and_seats_are_refused(tree, district_clerk, city_admin):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.course_create(actor=district_clerk, **course_values(
            tree.d1, ends_on=today + datetime.timedelta(days=1), subsidy=2000, seats=0, title=""))
    assert codes(caught.value) == {"title": ["required"], "ends_on": ["order"], "subsidy": ["over_cost"],
                                   "seats": ["range"]}
    with pytest.raises(ValidationError) as caught:
        services.course_create(actor=city_admin, **course_values(tree.city))
    assert codes(caught.value) == {"area": ["level"]}
    assert not TrainingCourse.objects.exists()


def test_the_public_finds_published_courses_by_keyword_district_and_occupation(tree):
    welding = TrainingCourseFactory(title="电焊工培训班", area=tree.c1)
    care = TrainingCourseFactory(title="养老护理员培训班", area=tree.c3, occupation=Occupation.objects.get(code="4-10"),
                                 subsidy=2000)
    TrainingCourseFactory(title="焊工草稿班", status=CourseStatus.DRAFT)
    TrainingCourseFactory(title="焊工往期班", starts_on=timezone.localdate() - datetime.timedelta(days=30),
                          ends_on=timezone.localdate() - datetime.timedelta(days=1))

    def found(**filters):
        return [c.pk for c in course_search(fetched_by=None, filters=CourseFilters(**filters))]

    assert found(q="焊工") == [welding.pk]
    assert found(area=tree.d2) == [care.pk]
    assert found(occupation="4") == [care.pk]
    assert found(free_only=True) == [care.pk]


def test_the_course_pages_list_published_courses_with_constant_queries(client, tree):
    TrainingCourseFactory()
    url = reverse("policy:course-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(6):
        TrainingCourseFactory()
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {})
    assert len(response.context["courses"]) == 7 and len(large) == len(small)
    draft = TrainingCourseFactory(status=CourseStatus.DRAFT)
    assert client.get(reverse("policy:course-detail", args=[draft.pk])).status_code == 404
    course = response.context["courses"][0]
    html = client.get(reverse("policy:course-detail", args=[course.pk])).content.decode()
    assert course.provider in html and "500" in html  # 2000 - 1500 paid by the trainee


def test_staff_add_a_course_through_the_form_and_see_errors_beside_the_fields(client, tree, district_clerk):
    client.force_login(district_clerk)
    today = timezone.localdate()
    data = {"title": "育婴员培训班", "provider": "江岸区职业培训学校", "occupation": "4-10",
            "starts_on": (today + datetime.timedelta(days=7)).isoformat(),
            "ends_on": (today + datetime.timedelta(days=3)).isoformat(), "area_district": tree.d1.code,
            "address": "培训基地", "cost": "1600", "subsidy": "1200", "seats": "30", "description": ""}
    response = client.post(reverse("staff-policy:course-create"), data)
    assert response.status_code == 200 and list(response.context["form"].errors) == ["ends_on"]
    data["ends_on"] = (today + datetime.timedelta(days=37)).isoformat()
    response = client.post(reverse("staff-policy:course-create"), data)
    course = TrainingCourse.objects.get()
    assert response.status_code == 302
    client.post(reverse("staff-policy:course-publish", args=[course.pk]))
    response = client.post(reverse("staff-policy:course-cancel", args=[course.pk]), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["cancel_form"].errors
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
