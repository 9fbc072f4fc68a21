"""factory_boy factories for policy publishing and service information."""

import datetime

import factory
from django.utils import timezone

from policy.constants import CourseStatus, DocumentStatus, Service
from policy.models import (
    PolicyDocument,
    PolicyVersion,
    ServiceGuide,
    ServiceWindow,
    TrainingCourse,
)
from policy.search import document_search_text, number_key
from portal.models import Area
from portal.reference.models import Occupation


def city():
    return Area.objects.get(code="420100000000")


class PolicyDocumentFactory(factory.django.DjangoModelFactory):
    """A draft with its first version; ``published=True`` publishes that version (searchable)."""

    class Meta:
        model = PolicyDocument
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(status=DocumentStatus.PUBLISHED)

    title = factory.Sequence(lambda n: f"关于做好就业工作的通知{n}")
    document_number = factory.Sequence(lambda n: f"武人社发〔2024〕{n + 1}号")
    number_key = factory.LazyAttribute(lambda o: number_key(o.document_number))
    issuer = "武汉市人力资源和社会保障局"
    publish_date = datetime.date(2024, 3, 1)
    effective_date = datetime.date(2024, 3, 1)
    expiry_date = None
    source = "武汉市"
    category = "就业创业"
    body = "各区人力资源和社会保障局：\n现就做好就业服务工作通知如下。"
    area = factory.LazyFunction(city)
    status = DocumentStatus.DRAFT

    @factory.post_generation
    def versions(obj, create, extracted, **kwargs):
        if not create:
            return
        version = PolicyVersion.objects.create(
            document=obj, number=1, **{name: getattr(obj, name) for name in PolicyVersion.COPIED})
        if obj.status != DocumentStatus.DRAFT and obj.status != DocumentStatus.IN_REVIEW:
            PolicyDocument.objects.filter(pk=obj.pk).update(
                published_version=version, published_at=timezone.now(),
                search_text=document_search_text(title=obj.title, document_number=obj.document_number, body=obj.body))
            obj.refresh_from_db()


class ServiceGuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceGuide

    service = factory.Sequence(lambda n: Service.values[n % len(Service.values)])
    title = "失业登记"
    eligibility = "在法定劳动年龄内、有劳动能力和就业要求、处于无业状态的本市户籍人员。"
    materials = ["居民身份证", "户口簿"]
    steps = [{"title": "申请", "detail": "到社区窗口提交材料", "days": 0},
             {"title": "审核登记", "detail": "窗口审核并登记", "days": 5}]
    time_limit_days = 5
    area = factory.LazyFunction(city)


class ServiceWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceWindow
        django_get_or_create = ["area"]  # one window per area

    name = factory.Sequence(lambda n: f"就业服务窗口{n}")
    address = "武汉市江岸区解放大道1号"
    phone = "027-82000000"
    hours = "周一至周五 9:00-17:00"
    area = factory.LazyFunction(city)


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    title = factory.Sequence(lambda n: f"焊工职业技能培训班{n}")
    provider = "武汉市职业技能培训中心"
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(code="6-18"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=40))
    address = "武汉市江岸区培训基地"
    cost = 2000
    subsidy = 1500
    seats = 30
    area = factory.LazyFunction(lambda: Area.objects.get(code="420102000000"))
    status = CourseStatus.PUBLISHED


# For tests/scoped_records.py: one record of each area-owned model served by a scoped view.
POLICY_RECORD_FACTORIES = {
    PolicyDocument: lambda area: PolicyDocumentFactory(area=area),
    ServiceGuide: lambda area: ServiceGuideFactory(area=area),
    ServiceWindow: lambda area: ServiceWindowFactory(area=area),
    TrainingCourse: lambda area: TrainingCourseFactory(area=area),
}
