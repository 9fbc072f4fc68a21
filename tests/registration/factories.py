"""factory_boy factories for registration (persons, registrations, training, agency services).

``PersonFactory(identity_number=...)`` stores the number the way the services do (lookup hash,
encrypted copy, masked form); without it each person gets a different valid number born in 1985.
"""

import datetime

import factory
from django.utils import timezone

from portal.constants import AccountType
from portal.models import Area
from registration.constants import AgencyServiceKind, EmploymentKind, UnemploymentStatus
from registration.identity import (
    identity_encrypt,
    identity_hash,
    identity_make,
    identity_mask,
    identity_parse,
)
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    Person,
    TrainingEnrolment,
    UnemploymentRegistration,
)
from tests.factories import UserFactory


def community(code="420102002003"):  # 保成社区 of 大智街道, 江岸区 (tree.c1)
    return Area.objects.get(code=code)


def identity_number(n: int, birth_date: datetime.date = datetime.date(1985, 6, 15)) -> str:
    """A valid identity number, different for each n (up to a million per birth date)."""
    day = birth_date + datetime.timedelta(days=n // 1000)
    return identity_make("420102", day, n % 1000)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["identity_number", "parsed"]

    identity_number = factory.Sequence(identity_number)
    parsed = factory.LazyAttribute(lambda o: identity_parse(o.identity_number, min_age=None))
    id_hash = factory.LazyAttribute(lambda o: identity_hash(o.parsed.number))
    id_encrypted = factory.LazyAttribute(lambda o: identity_encrypt(o.parsed.number))
    id_masked = factory.LazyAttribute(lambda o: identity_mask(o.parsed.number))
    birth_date = factory.LazyAttribute(lambda o: o.parsed.birth_date)
    sex = factory.LazyAttribute(lambda o: o.parsed.sex)
    name = factory.Sequence(lambda n: f"张测试{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    area = factory.LazyFunction(community)
    education = "senior_middle"


class UnemploymentRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnemploymentRegistration

    person = factory.SubFactory(PersonFactory)
    area = factory.LazyAttribute(lambda o: o.person.area)
    status = UnemploymentStatus.OPEN
    registered_on = factory.LazyFunction(timezone.localdate)


class EmploymentRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmploymentRegistration

    person = factory.SubFactory(PersonFactory)
    area = factory.LazyAttribute(lambda o: o.person.area)
    kind = EmploymentKind.ENTERPRISE_HIRE
    started_on = factory.LazyFunction(timezone.localdate)
    employer_name = "武汉测试企业有限公司"


class TrainingEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingEnrolment

    person = factory.SubFactory(PersonFactory)
    area = factory.LazyAttribute(lambda o: o.person.area)
    course_name = "电工（初级）"
    provider = "武汉市职业技能培训中心"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(timezone.localdate)
    entered_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)


class AgencyServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyService

    person = factory.SubFactory(PersonFactory)
    area = factory.LazyAttribute(lambda o: o.person.area)
    kind = AgencyServiceKind.FILE_CUSTODY
    started_on = factory.LazyFunction(timezone.localdate)
    entered_by = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)




# For tests/scoped_records.py: one record of each model in a given area (the jurisdiction guard).
PERSON_RECORD_FACTORIES = {
    Person: lambda area: PersonFactory(area=area),
    UnemploymentRegistration: lambda area: UnemploymentRegistrationFactory(area=area, person=PersonFactory(area=area)),
    EmploymentRegistration: lambda area: EmploymentRegistrationFactory(area=area, person=PersonFactory(area=area)),
    TrainingEnrolment: lambda area: TrainingEnrolmentFactory(area=area, person=PersonFactory(area=area)),
    AgencyService: lambda area: AgencyServiceFactory(area=area, person=PersonFactory(area=area)),
}


# --- Helpers shared by the registration tests -------------------------------------------------


def client_for(user=None):
    """An API client, signed in as the user when one is given."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error_codes(exc) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [codes]}; errors of no field under "__all__"."""
    if hasattr(exc, "error_dict"):
        return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}


def api_field_codes(response) -> dict[str, list[str]]:
    """The field codes of an API error in the one error format."""
    return {name: [item["code"] for item in items] for name, items in response.json()["error"]["fields"].items()}
