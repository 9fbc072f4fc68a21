"""factory_boy factories for the portal core."""

import factory
from django.utils import timezone

from portal.constants import AccountType, AuditEventType, StaffRole
from portal.models import Area, AuditEvent, RoleGrant, User

TEST_PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    account_type = AccountType.JOB_SEEKER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory, account_type=AccountType.STAFF)
    role = StaffRole.CLERK
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    valid_from = factory.LazyFunction(timezone.localdate)


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    event_type = AuditEventType.ROLE_GRANTED
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    area_path = factory.LazyAttribute(lambda o: o.area.path if o.area else "")
    object_repr = "测试事件"
