"""Harnesses of policy publishing's workflows (see tests/workflows/__init__.py)."""

from __future__ import annotations

from policy.constants import DocumentStatus, RelationKind
from policy.models import DocumentRelation, PolicyDocument, PolicyVersion, TrainingCourse
from policy.services import courses as course_services
from policy.services import documents as services
from portal.constants import AccountType
from tests.factories import UserFactory
from tests.policy.factories import PolicyDocumentFactory, TrainingCourseFactory
from tests.workflows import Context, Harness, harness


def _document(status: str, ctx: Context) -> PolicyDocument:
    """A document of 江岸区 written by someone who holds no staff position, with a relation to a
    city document; a published one has a newer version waiting for a reviewer."""
    maker = UserFactory(account_type=AccountType.STAFF)
    document = PolicyDocumentFactory(area=ctx.tree.d1, status=status, created_by=maker, updated_by=maker)
    DocumentRelation.objects.create(source=document, target=PolicyDocumentFactory(published=True),
                                    kind=RelationKind.AMENDS, created_by=maker)
    if status == DocumentStatus.PUBLISHED:
        PolicyDocument.objects.filter(pk=document.pk).update(title=f"{document.title}（修订）")
        document.refresh_from_db()
        PolicyVersion.objects.create(document=document, number=2, created_by=maker,
                                     **{name: getattr(document, name) for name in PolicyVersion.COPIED})
    return PolicyDocument.objects.get(pk=document.pk)


def _edit(document: PolicyDocument, actor, ctx: Context):
    values = {name: getattr(document, name) for name in services.DOCUMENT_FIELDS}
    return services.document_update(actor=actor, document=document, **{**values, "title": f"{document.title}（改）"})


@harness("policy.PolicyDocument")
def documents() -> Harness:
    return Harness(
        make=_document,
        take={
            "submit": lambda document, actor, ctx: services.document_submit(actor=actor, document=document),
            "publish": lambda document, actor, ctx: services.document_publish(actor=actor, document=document),
            "publish_version": lambda document, actor, ctx: services.document_publish(actor=actor, document=document),
            "return": lambda document, actor, ctx: services.document_return(actor=actor, document=document,
                                                                           reason="文号有误"),
            "repeal": lambda document, actor, ctx: services.document_repeal(actor=actor, document=document,
                                                                           reason="已被新文件替代"),
            "edit": _edit,
            "relate": lambda document, actor, ctx: services.relation_add(
                actor=actor, document=document, target=PolicyDocumentFactory(published=True),
                kind=RelationKind.AMENDS),
            "unrelate": lambda document, actor, ctx: services.relation_remove(
                actor=actor, relation=document.relations_out.select_related("source", "target").get()),
            "attach": lambda document, actor, ctx: services.attachment_add(
                actor=actor, document=document, name="实施细则.pdf", content_type="application/pdf", data=b"%PDF-1.4"),
        },
        refusal_codes=frozenset({"not_editable", "published"}),
    )


def _course(status: str, ctx: Context) -> TrainingCourse:
    maker = UserFactory(account_type=AccountType.STAFF)
    return TrainingCourseFactory(area=ctx.tree.s1, status=status, created_by=maker)


def _course_edit(course: TrainingCourse, actor, ctx: Context):
    values = {name: getattr(course, name) for name in ("title", "provider", "occupation", "starts_on", "ends_on", "area",
                                                       "address", "cost", "subsidy", "seats", "description")}
    return course_services.course_update(actor=actor, course=course, **{**values, "seats": course.seats + 5})


@harness("policy.TrainingCourse")
def courses() -> Harness:
    return Harness(
        make=_course,
        take={
            "publish": lambda course, actor, ctx: course_services.course_publish(actor=actor, course=course),
            "cancel": lambda course, actor, ctx: course_services.course_cancel(actor=actor, course=course,
                                                                              reason="报名人数不足"),
            "edit": _course_edit,
        },
        refusal_codes=frozenset({"not_editable"}),
    )
