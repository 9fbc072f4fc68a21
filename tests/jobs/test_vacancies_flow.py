"""The whole journey through the pages: register, verify, post, return, resubmit, publish, close, expire."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.constants import CloseReason, EmployerStatus, JobsEvent, VacancyStatus
from jobs.models import Employer, Vacancy
from jobs.services.vacancies import vacancies_expire
from portal.constants import StaffRole
from portal.models import AuditEvent
from tests.conftest import make_staff
from tests.jobs.factories import credit_code

pytestmark = pytest.mark.django_db


def vacancy_form(tree, **overrides) -> dict:
    return {"title": "小区保安员", "occupation": "3-02", "industry": "K", "area_district": tree.d1.code,
            "area_street": tree.s1.code, "area_community": "", "headcount": "2", "salary_min": "3200",
            "salary_max": "4000", "education": "none", "experience_years": "0", "working_time": "shifts",
            "description": "负责小区门岗值守与巡逻。", "contact_name": "李主管", "contact_phone": "027-85550000",
            "closing_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(), **overrides}


def test_employer_and_district_clerk_take_a_vacancy_from_registration_to_closing(tree, employer):
    boss, clerk = Client(), Client()
    boss.force_login(employer)
    district_clerk = make_staff(StaffRole.CLERK, tree.d1)
    clerk.force_login(district_clerk)

    # The employer registers its organisation; the district clerk verifies it.
    boss.post(reverse("jobs:employer-profile"), {
        "name": "武汉楚天物业服务有限公司", "credit_code": credit_code(93001), "industry": "K",
        "area_district": tree.d1.code, "area_street": tree.s1.code, "area_community": tree.c1.code,
        "contact_name": "李主管", "contact_phone": "027-85550000"})
    org = Employer.objects.get(account=employer)
    assert org.status == EmployerStatus.PENDING
    queue = clerk.get(reverse("staff-jobs:employer-list"), {"status": "pending"}).context["employers"]
    assert [e.pk for e in queue] == [org.pk]
    clerk.post(reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk}))
    org.refresh_from_db()
    assert org.status == EmployerStatus.VERIFIED

    # The employer posts a vacancy at street level; it waits in the district's review queue.
    boss.post(reverse("jobs:employer-vacancy-create"), vacancy_form(tree))
    vacancy = Vacancy.objects.get(employer=org)
    assert vacancy.area == tree.s1 and vacancy.status == VacancyStatus.PENDING
    assert [v.pk for v in clerk.get(reverse("staff-jobs:vacancy-review")).context["vacancies"]] == [vacancy.pk]
    assert not Vacancy.objects.public().filter(pk=vacancy.pk).exists()

    # Returned with a reason, edited, resubmitted.
    clerk.post(reverse("staff-jobs:vacancy-return", kwargs={"pk": vacancy.pk}),
               {"return-reason": "请写明夜班补贴"})
    home = boss.get(reverse("jobs:employer-home")).content.decode()
    assert "请写明夜班补贴" in home
    boss.post(reverse("jobs:employer-vacancy-edit", kwargs={"pk": vacancy.pk}),
              vacancy_form(tree, benefits="夜班补贴每晚50元"))
    boss.post(reverse("jobs:employer-vacancy-resubmit", kwargs={"pk": vacancy.pk}))
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.benefits) == (VacancyStatus.PENDING, "夜班补贴每晚50元")

    # Published: now public.
    clerk.post(reverse("staff-jobs:vacancy-publish", kwargs={"pk": vacancy.pk}))
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PUBLISHED
    assert list(Vacancy.objects.public()) == [vacancy]

    # Filled: the employer closes it; it leaves the public list.
    boss.post(reverse("jobs:employer-vacancy-close", kwargs={"pk": vacancy.pk}), {"close-reason": "filled"})
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.close_reason) == (VacancyStatus.CLOSED, CloseReason.FILLED)
    assert not Vacancy.objects.public().exists()

    history = clerk.get(reverse("staff-jobs:vacancy-detail", kwargs={"pk": vacancy.pk})).context["history"]
    assert [(h.from_status, h.to_status) for h in history] == [
        ("pending", "returned"), ("returned", "pending"), ("pending", "published"), ("published", "closed")]
    events = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {JobsEvent.EMPLOYER_REGISTERED, JobsEvent.EMPLOYER_STATUS_CHANGED,
            JobsEvent.VACANCY_POSTED, JobsEvent.VACANCY_UPDATED,
            JobsEvent.VACANCY_STATUS_CHANGED} <= events


def test_a_published_vacancy_expires_after_its_closing_date(tree, employer):
    boss, clerk = Client(), Client()
    boss.force_login(employer)
    clerk.force_login(make_staff(StaffRole.CLERK, tree.d1))
    boss.post(reverse("jobs:employer-profile"), {
        "name": "武汉江城保安服务有限公司", "credit_code": credit_code(93002), "industry": "N",
        "area_community": tree.c2.code, "contact_name": "周队长", "contact_phone": "027-85550001"})
    org = Employer.objects.get(account=employer)
    clerk.post(reverse("staff-jobs:employer-verify", kwargs={"pk": org.pk}))
    boss.post(reverse("jobs:employer-vacancy-create"),
              vacancy_form(tree, closing_date=timezone.localdate().isoformat()))
    vacancy = Vacancy.objects.get()
    clerk.post(reverse("staff-jobs:vacancy-publish", kwargs={"pk": vacancy.pk}))
    assert Vacancy.objects.public().count() == 1

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert vacancies_expire(today=tomorrow) == 1
    assert vacancies_expire(today=tomorrow) == 0
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.close_reason) == (VacancyStatus.CLOSED, CloseReason.EXPIRED)
    assert "status-closed" in boss.get(reverse("jobs:employer-home")).content.decode()
