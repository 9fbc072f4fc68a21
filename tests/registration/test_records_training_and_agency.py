"""Training enrolments and labour-security agency services entered by clerks on a person's page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from portal.constants import StaffRole
from portal.models import AuditEvent
from portal.scoping import OutOfScope
from registration.constants import AgencyServiceKind, RegistrationEvent
from registration.models import AgencyService, TrainingEnrolment
from registration.services import records as services
from tests.conftest import make_staff
from tests.registration.factories import (
    AgencyServiceFactory,
    PersonFactory,
    TrainingEnrolmentFactory,
    api_field_codes,
    client_for,
    error_codes,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def clerk(tree):
    return make_staff(StaffRole.CLERK, tree.s1)


@pytest.fixture
def person(tree):
    return PersonFactory(area=tree.c1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_training_enrolment_is_recorded_and_audited(clerk, person):
    enrolment = services.training_enrolment_record(
        actor=clerk, person=person, course_name="育婴师（五级）", provider="武汉市家政培训学校",
        starts_on=TODAY - datetime.timedelta(days=40), ends_on=TODAY - datetime.timedelta(days=10), completed=True,
        certificate_number="Z4201-0001")
    assert (enrolment.area, enrolment.entered_by, enrolment.completed) == (person.area, clerk, True)
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.TRAINING_RECORDED,
                                     object_id=str(enrolment.pk)).exists()


def test_training_bad_input(clerk, person):
    with pytest.raises(ValidationError) as info:
        services.training_enrolment_record(actor=clerk, person=person, course_name="", provider="x" * 101,
                                           starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1),
                                           certificate_number="C-1")
    assert error_codes(info.value) == {"course_name": ["required"], "provider": ["max_length"],
                                       "ends_on": ["order"], "certificate_number": ["not_completed"]}
    with pytest.raises(ValidationError) as info:
        services.training_enrolment_record(actor=clerk, person=person, course_name="电工", provider="中心",
                                           starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=30),
                                           completed=True)
    assert error_codes(info.value) == {"completed": ["not_ended"]}
    assert not TrainingEnrolment.objects.exists()


def test_training_completion_is_recorded_later(clerk, person):
    enrolment = TrainingEnrolmentFactory(person=person, area=person.area)
    updated = services.training_enrolment_complete(actor=clerk, enrolment=enrolment, completed=True,
                                                   certificate_number="C-2")
    assert (updated.completed, updated.certificate_number) == (True, "C-2")


def test_agency_service_one_running_per_kind_and_ended_later(clerk, person):
    service = services.agency_service_record(actor=clerk, person=person, kind=AgencyServiceKind.FILE_CUSTODY,
                                             started_on=TODAY - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as info:
        services.agency_service_record(actor=clerk, person=person, kind=AgencyServiceKind.FILE_CUSTODY,
                                       started_on=TODAY)
    assert error_codes(info.value) == {"kind": ["duplicate"]}
    services.agency_service_record(actor=clerk, person=person, kind=AgencyServiceKind.SOCIAL_INSURANCE,
                                   started_on=TODAY)
    with pytest.raises(ValidationError) as info:
        services.agency_service_end(actor=clerk, service=service, ended_on=TODAY - datetime.timedelta(days=4))
    assert error_codes(info.value) == {"ended_on": ["order"]}
    ended = services.agency_service_end(actor=clerk, service=service, ended_on=TODAY)
    assert ended.ended_on == TODAY
    assert services.agency_service_record(actor=clerk, person=person, kind=AgencyServiceKind.FILE_CUSTODY,
                                          started_on=TODAY).kind == AgencyServiceKind.FILE_CUSTODY


def test_records_are_refused_outside_scope_and_to_officials(tree, person, staff):
    for outsider in (make_staff(StaffRole.CLERK, tree.s2), make_staff(StaffRole.CLERK, tree.d2),
                     staff["official@city"]):
        with pytest.raises(OutOfScope):
            services.agency_service_record(actor=outsider, person=person, kind=AgencyServiceKind.FILE_CUSTODY,
                                           started_on=TODAY)
        with pytest.raises(OutOfScope):
            services.training_enrolment_record(actor=outsider, person=person, course_name="a", provider="b",
                                               starts_on=TODAY, ends_on=TODAY)
    assert not AgencyService.objects.exists() and not TrainingEnrolment.objects.exists()


def test_person_page_records_training_and_shows_errors_by_the_fields(clerk, person):
    client = login(clerk)
    url = f"/staff/registration/persons/{person.pk}/trainings/"
    bad = client.post(url, {"training-course_name": "焊工", "training-provider": "中心",
                            "training-starts_on": TODAY.isoformat(),
                            "training-ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()})
    assert bad.status_code == 200 and [e.code for e in bad.context["training_form"].errors.as_data()["ends_on"]] == [
        "order"]
    assert 'value="焊工"' in bad.content.decode()
    good = client.post(url, {"training-course_name": "焊工", "training-provider": "中心",
                             "training-starts_on": TODAY.isoformat(), "training-ends_on": TODAY.isoformat()})
    assert good.status_code == 302 and person.training_enrolments.count() == 1


def test_person_page_row_forms_complete_training_and_end_service(clerk, person):
    enrolment = TrainingEnrolmentFactory(person=person, area=person.area)
    service = AgencyServiceFactory(person=person, area=person.area, started_on=TODAY - datetime.timedelta(days=9))
    client = login(clerk)
    page = client.get(f"/staff/registration/persons/{person.pk}/").content.decode()
    assert f"/staff/registration/trainings/{enrolment.pk}/complete/" in page
    response = client.post(f"/staff/registration/agency-services/{service.pk}/end/",
                           {"ended_on": (TODAY - datetime.timedelta(days=20)).isoformat()})
    assert response.status_code == 200 and response.context["row_error"]["pk"] == service.pk
    assert client.post(f"/staff/registration/agency-services/{service.pk}/end/",
                       {"ended_on": TODAY.isoformat()}).status_code == 302
    assert client.post(f"/staff/registration/trainings/{enrolment.pk}/complete/",
                       {"completed": "on", "certificate_number": "C-9"}).status_code == 302
    enrolment.refresh_from_db()
    service.refresh_from_db()
    assert enrolment.completed and service.ended_on == TODAY


def test_row_actions_of_another_district_are_404(tree, person):
    service = AgencyServiceFactory(person=person, area=person.area)
    other = login(make_staff(StaffRole.CLERK, tree.d2))
    assert other.post(f"/staff/registration/agency-services/{service.pk}/end/",
                      {"ended_on": TODAY.isoformat()}).status_code == 404
    service.refresh_from_db()
    assert service.ended_on is None


def test_api_records_training_and_agency_service(clerk, person):
    api = client_for(clerk)
    url = f"/api/staff/registration/persons/{person.pk}/"
    response = api.post(url + "trainings/", {"course_name": "叉车", "provider": "中心", "starts_on": TODAY.isoformat(),
                                             "ends_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 201 and response.json()["course_name"] == "叉车"
    response = api.post(url + "agency-services/", {"kind": "social_insurance", "started_on": TODAY.isoformat()},
                        format="json")
    assert response.status_code == 201
    response = api.post(url + "agency-services/", {"kind": "social_insurance", "started_on": TODAY.isoformat()},
                        format="json")
    assert response.status_code == 400 and api_field_codes(response) == {"kind": ["duplicate"]}
    detail = api.get(url).json()
    assert len(detail["trainings"]) == 1 and len(detail["agency_services"]) == 1
