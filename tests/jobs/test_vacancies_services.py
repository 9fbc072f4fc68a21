"""Vacancy services: posting, review by the district, return and resubmit, closing, nightly expiry."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs import tasks
from jobs.constants import VACANCY_WORKFLOW, CloseReason, EmployerStatus, JobsEvent, VacancyStatus
from jobs.models import Vacancy
from jobs.search import vacancy_search_text
from jobs.services.vacancies import (
    vacancies_expire,
    vacancy_close,
    vacancy_post,
    vacancy_publish,
    vacancy_resubmit,
    vacancy_return,
    vacancy_update,
)
from portal.constants import StaffRole
from portal.models import AuditEvent, StatusChange
from portal.reference.models import Industry, Occupation
from portal.scoping import OutOfScope
from portal.workflow import available_moves, transition
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><b>焊工</b> & 更多'


def codes(exc: ValidationError, field: str) -> list[str]:
    return [error.code for error in exc.error_dict[field]]


def vacancy_fields(tree, **overrides) -> dict:
    return {
        "title": "电焊工", "occupation": Occupation.objects.get(code="6-18"),
        "industry": Industry.objects.get(code="C"), "area": tree.c1, "headcount": 3, "salary_min": 5000,
        "salary_max": 8000, "education": "junior_middle", "experience_years": 1, "working_time": "shifts",
        "description": "持证上岗，钢结构焊接。", "benefits": "五险一金",
        "contact_name": "王经理", "contact_phone": "027-82000000",
        "closing_date": timezone.localdate() + datetime.timedelta(days=20), "is_public_welfare": False,
        "open_to_hard_to_employ": True, "for_graduates": False, **overrides}


def test_verified_employer_posts_a_pending_vacancy_with_search_text(tree, org):
    vacancy = vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree))
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING and vacancy.posted_by == org.account
    assert vacancy.area_path == tree.c1.path and vacancy.published_at is None
    assert vacancy.search_text == vacancy_search_text(title="电焊工", employer_name=org.name,
                                                      description="持证上岗，钢结构焊接。")
    assert "焊工" in vacancy.search_text.split()
    assert not Vacancy.objects.public().filter(pk=vacancy.pk).exists()
    event = AuditEvent.objects.get(event_type=JobsEvent.VACANCY_POSTED)
    assert event.actor == org.account and event.new_values["title"] == "电焊工"


@pytest.mark.parametrize("status", [EmployerStatus.PENDING, EmployerStatus.REJECTED])
def test_an_unverified_employer_cannot_post(tree, status):
    org = EmployerFactory(area=tree.c1, status=status)
    with pytest.raises(ValidationError) as caught:
        vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree))
    assert codes(caught.value, "__all__") == ["not_verified"]
    assert not Vacancy.objects.exists()


def test_employer_posts_only_for_itself(tree, org):
    other = EmployerFactory(area=tree.c1)
    with pytest.raises(OutOfScope):
        vacancy_post(actor=other.account, employer=org, **vacancy_fields(tree))


@pytest.mark.parametrize("overrides, field, code", [
    ({"salary_min": 9000, "salary_max": 8000}, "salary_min", "salary_range"),
    ({"closing_date": timezone.localdate() - datetime.timedelta(days=1)}, "closing_date", "past"),
    ({"title": "焊" * 61}, "title", "max_length"),
    ({"title": "  "}, "title", "required"),
    ({"description": "描" * 5001}, "description", "max_length"),
    ({"area": "district"}, "area", "level"),
    ({"area": None}, "area", "required"),
    ({"occupation": "major"}, "occupation", "level"),
    ({"occupation": None}, "occupation", "required"),
    ({"headcount": 0}, "headcount", "min_value"),
    ({"salary_max": 2_000_000}, "salary_max", "max_value"),
    ({"education": "kindergarten"}, "education", "invalid_choice"),
    ({"contact_phone": "<b>"}, "contact_phone", "invalid"),
])
def test_bad_vacancy_input_is_refused_with_field_codes(tree, org, overrides, field, code):
    if overrides.get("area") == "district":
        overrides["area"] = tree.d1
    if overrides.get("occupation") == "major":
        overrides["occupation"] = Occupation.objects.get(code="6")
    with pytest.raises(ValidationError) as caught:
        vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree, **overrides))
    assert code in codes(caught.value, field)
    assert not Vacancy.objects.exists()


def test_html_in_a_description_is_stored_exactly_as_typed(tree, org):
    vacancy = vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree, description=SCRIPT))
    vacancy.refresh_from_db()
    assert vacancy.description == SCRIPT


def test_clerk_posts_for_a_verified_employer_in_the_clerks_area(tree, org):
    street_clerk = make_staff(StaffRole.CLERK, tree.s1)
    vacancy = vacancy_post(actor=street_clerk, employer=org, **vacancy_fields(tree))
    assert vacancy.posted_by == street_clerk and vacancy.employer == org and vacancy.status == VacancyStatus.PENDING


def test_clerk_cannot_post_for_an_employer_outside_the_area_or_unverified(tree, org):
    with pytest.raises(OutOfScope):
        vacancy_post(actor=make_staff(StaffRole.CLERK, tree.d2), employer=org, **vacancy_fields(tree))
    clerk = make_staff(StaffRole.CLERK, tree.d1)
    with pytest.raises(ValidationError) as caught:
        vacancy_post(actor=clerk, employer=org, **vacancy_fields(tree, area=tree.c3))
    assert codes(caught.value, "area") == ["out_of_scope"]
    pending = EmployerFactory(area=tree.c1, status=EmployerStatus.PENDING)
    with pytest.raises(ValidationError) as caught:
        vacancy_post(actor=clerk, employer=pending, **vacancy_fields(tree))
    assert codes(caught.value, "employer") == ["not_verified"]
    assert not Vacancy.objects.exists()


def test_district_clerk_publishes_and_the_vacancy_becomes_public(tree, org, district_clerk):
    vacancy = vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree))
    published = vacancy_publish(actor=district_clerk, vacancy=vacancy)
    assert published.status == VacancyStatus.PUBLISHED and published.published_at is not None
    assert list(Vacancy.objects.public().filter(employer=org)) == [vacancy]
    change = StatusChange.objects.get(object_type="jobs.vacancy", object_id=str(vacancy.pk))
    assert (change.from_status, change.to_status, change.actor) == ("pending", "published", district_clerk)
    assert AuditEvent.objects.filter(event_type=JobsEvent.VACANCY_STATUS_CHANGED, actor=district_clerk).exists()


@pytest.mark.parametrize("role, attr", [
    (StaffRole.CLERK, "s1"), (StaffRole.CLERK, "c1"), (StaffRole.CLERK, "d2"), (StaffRole.ADMINISTRATOR, "d1"),
])
def test_street_community_and_other_district_staff_cannot_review(tree, org, role, attr):
    user = make_staff(role, getattr(tree, attr))
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None)
    with pytest.raises(OutOfScope):
        vacancy_publish(actor=user, vacancy=vacancy)
    with pytest.raises(OutOfScope):
        vacancy_return(actor=user, vacancy=vacancy, reason="请补充工作时间")
    with pytest.raises(OutOfScope):
        vacancy_close(actor=user, vacancy=vacancy, reason=CloseReason.WITHDRAWN)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING


def test_returned_vacancy_is_edited_resubmitted_and_published(tree, org, district_clerk):
    vacancy = vacancy_post(actor=org.account, employer=org, **vacancy_fields(tree))
    with pytest.raises(ValidationError) as caught:
        vacancy_return(actor=district_clerk, vacancy=vacancy, reason="")
    assert codes(caught.value, "reason") == ["required"]

    vacancy_return(actor=district_clerk, vacancy=vacancy, reason="请写明每周工作时间")
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.return_reason) == (VacancyStatus.RETURNED, "请写明每周工作时间")
    with pytest.raises(ValidationError) as caught:
        vacancy_publish(actor=district_clerk, vacancy=vacancy)
    assert caught.value.code == "invalid_transition"

    vacancy_update(actor=org.account, vacancy=vacancy, description="每周工作五天，每天八小时，钢结构焊接。")
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.RETURNED  # an edit alone does not resubmit
    assert "八小" in vacancy.search_text
    vacancy_resubmit(actor=org.account, vacancy=vacancy)
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.return_reason) == (VacancyStatus.PENDING, "")
    vacancy_publish(actor=district_clerk, vacancy=vacancy)
    moves = list(StatusChange.objects.filter(object_type="jobs.vacancy", object_id=str(vacancy.pk))
                 .values_list("from_status", "to_status", "note"))
    assert moves == [("pending", "returned", "请写明每周工作时间"), ("returned", "pending", ""),
                     ("pending", "published", "")]
    assert AuditEvent.objects.filter(event_type=JobsEvent.VACANCY_UPDATED, object_id=str(vacancy.pk)).count() == 1


def test_a_published_vacancy_cannot_be_edited(tree, org):
    vacancy = VacancyFactory(employer=org)
    with pytest.raises(ValidationError) as caught:
        vacancy_update(actor=org.account, vacancy=vacancy, title="新标题")
    assert codes(caught.value, "__all__") == ["not_editable"]


def test_another_employer_cannot_edit_resubmit_or_close(tree, org):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.RETURNED, published_at=None)
    intruder = EmployerFactory(area=tree.c1).account
    for call in (lambda: vacancy_update(actor=intruder, vacancy=vacancy, title="冒名"),
                 lambda: vacancy_resubmit(actor=intruder, vacancy=vacancy),
                 lambda: vacancy_close(actor=intruder, vacancy=vacancy, reason=CloseReason.WITHDRAWN)):
        with pytest.raises(OutOfScope):
            call()
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.RETURNED and vacancy.title != "冒名"


def test_employer_withdraws_and_district_closes_as_filled(tree, org, district_clerk):
    mine = VacancyFactory(employer=org)
    vacancy_close(actor=org.account, vacancy=mine, reason=CloseReason.WITHDRAWN)
    mine.refresh_from_db()
    assert (mine.status, mine.close_reason) == (VacancyStatus.CLOSED, CloseReason.WITHDRAWN)
    assert mine.closed_at is not None
    filled = VacancyFactory(employer=org)
    vacancy_close(actor=district_clerk, vacancy=filled, reason=CloseReason.FILLED)
    filled.refresh_from_db()
    assert (filled.status, filled.close_reason) == (VacancyStatus.CLOSED, CloseReason.FILLED)
    assert not Vacancy.objects.public().filter(employer=org).exists()


def test_closing_needs_a_valid_reason_and_happens_once(tree, org):
    vacancy = VacancyFactory(employer=org)
    with pytest.raises(ValidationError) as caught:
        vacancy_close(actor=org.account, vacancy=vacancy, reason=CloseReason.EXPIRED)
    assert codes(caught.value, "reason") == ["invalid_choice"]
    vacancy_close(actor=org.account, vacancy=vacancy, reason=CloseReason.FILLED)
    with pytest.raises(ValidationError) as caught:
        vacancy_close(actor=org.account, vacancy=vacancy, reason=CloseReason.WITHDRAWN)
    assert caught.value.code == "invalid_transition"
    assert "Closed" in caught.value.messages[0] or "已关闭" in caught.value.messages[0]


def test_publishing_refuses_a_pending_vacancy_past_its_closing_date(tree, org, district_clerk):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None,
                             closing_date=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        vacancy_publish(actor=district_clerk, vacancy=vacancy)
    assert codes(caught.value, "__all__") == ["expired"]


def test_nightly_expiry_closes_published_vacancies_past_their_date_once(tree, org):
    today = timezone.localdate()
    past = VacancyFactory(employer=org, closing_date=today - datetime.timedelta(days=1))
    older = VacancyFactory(employer=org, closing_date=today - datetime.timedelta(days=30))
    last_day = VacancyFactory(employer=org, closing_date=today)
    pending = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None,
                             closing_date=today - datetime.timedelta(days=2))

    assert vacancies_expire(today=today) == 2
    assert vacancies_expire(today=today) == 0  # a rerun closes nothing twice
    statuses = dict(Vacancy.objects.values_list("pk", "status"))
    assert statuses == {past.pk: "closed", older.pk: "closed", last_day.pk: "published", pending.pk: "pending"}
    assert set(Vacancy.objects.filter(status="closed").values_list("close_reason", flat=True)) == {"expired"}
    assert StatusChange.objects.filter(object_type="jobs.vacancy", to_status="closed").count() == 2
    events = AuditEvent.objects.filter(event_type=JobsEvent.VACANCY_STATUS_CHANGED)
    assert events.count() == 2 and all(e.actor is None for e in events)


def test_the_nightly_task_runs_the_expiry_service(tree, org):
    VacancyFactory(employer=org, closing_date=timezone.localdate() - datetime.timedelta(days=1))
    assert tasks.vacancies_expire.delay().get() == 1
    assert tasks.vacancies_expire.delay().get() == 0


def test_the_nightly_task_is_in_the_beat_schedule():
    from portal.celery import app

    entries = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "jobs.tasks.vacancies_expire" in entries


def test_a_clerk_who_posted_a_vacancy_for_an_employer_leaves_its_review_to_another_clerk(tree, org):
    poster = make_staff(StaffRole.CLERK, tree.d1)
    vacancy = vacancy_post(actor=poster, employer=org, **vacancy_fields(tree))
    assert not {"publish", "return"} & set(available_moves(poster, vacancy))
    for review in (lambda: vacancy_publish(actor=poster, vacancy=vacancy),
                   lambda: vacancy_return(actor=poster, vacancy=vacancy, reason="请补充")):
        with pytest.raises(ValidationError) as caught:
            review()
        assert caught.value.code == "same_actor"
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING
    reviewer = make_staff(StaffRole.CLERK, tree.d1)
    assert {"publish", "return", "close"} <= set(available_moves(reviewer, vacancy))
    assert vacancy_publish(actor=reviewer, vacancy=vacancy).status == VacancyStatus.PUBLISHED


def test_transition_itself_refuses_the_wrong_actor_whatever_the_caller(tree, org, district_clerk):
    vacancy = VacancyFactory(employer=org, status=VacancyStatus.PENDING, published_at=None)
    street_clerk = make_staff(StaffRole.CLERK, tree.s1)
    with pytest.raises(OutOfScope):
        transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.PUBLISHED, actor=street_clerk)
    with pytest.raises(OutOfScope):  # the employer closes its own vacancy but does not publish it
        transition(instance=vacancy, workflow=VACANCY_WORKFLOW, to=VacancyStatus.PUBLISHED, actor=org.account)
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.PENDING
