"""Reads of policy documents: the public search and document page, and the staff's versions and
comparisons.

The public sees only published versions: lists and pages read ``published_version``; the row's
own columns are the working copy, which only staff see. On PostgreSQL a keyword becomes a
``tsquery`` over ``search_vector`` (GIN index; policy/search.py cuts text and queries); elsewhere
each run is looked up with ``icontains`` in the published title, number and body.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from policy.constants import (
    DOCUMENT_AREA_LEVELS,
    DOCUMENT_EDITORS,
    DOCUMENT_WORKFLOW,
    DocumentStatus,
    RelationKind,
    Validity,
)
from policy.models import (
    DocumentRelation,
    PolicyAttachment,
    PolicyDocument,
    PolicyVersion,
)
from policy.search import policy_query_runs
from portal.models import Area, User
from portal.textsearch import QueryRun, fallback_condition, tsquery_text
from portal.workflow import awaiting, takes_part

SORT_DATE, SORT_RELEVANCE = "date", "relevance"
PUBLISHED_TEXT_FIELDS = ["published_version__title", "published_version__document_number",
                         "published_version__body"]
LIST_DEFER = ("body", "search_text", "search_vector", "import_notes", "published_version__body")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class DocumentFilters:
    """What a reader asked for; empty values are not applied."""

    q: str = ""
    category: str = ""
    issuer: str = ""
    year: int | None = None
    validity: str = ""
    sort: str = ""

    @cached_property
    def runs(self) -> list[QueryRun]:
        return policy_query_runs(self.q)

    @property
    def effective_sort(self) -> str:
        """Relevance needs keywords; without them the newest come first."""
        if self.sort == SORT_DATE:
            return SORT_DATE
        return SORT_RELEVANCE if self.runs else SORT_DATE


def validity_expression(today: datetime.date | None = None) -> Case:
    """The public badge as a database expression: the status decides (the nightly task moves a
    document past its expiry date to expired); a published document not yet effective says so."""
    today = today or timezone.localdate()
    return Case(
        When(status=DocumentStatus.REPEALED, then=Value(Validity.REPEALED)),
        When(status=DocumentStatus.EXPIRED, then=Value(Validity.EXPIRED)),
        When(published_version__effective_date__gt=today, then=Value(Validity.NOT_YET_EFFECTIVE)),
        default=Value(Validity.IN_FORCE),
        output_field=CharField(),
    )


def validity_of(document: PolicyDocument, today: datetime.date | None = None) -> str:
    """The same rule for one document in memory."""
    today = today or timezone.localdate()
    if document.status == DocumentStatus.REPEALED:
        return Validity.REPEALED
    if document.status == DocumentStatus.EXPIRED:
        return Validity.EXPIRED
    version = document.published_version
    if version is not None and version.effective_date > today:
        return Validity.NOT_YET_EFFECTIVE
    return Validity.IN_FORCE


def _validity_condition(validity: str, today: datetime.date) -> Q:
    return {
        Validity.IN_FORCE: Q(status=DocumentStatus.PUBLISHED, published_version__effective_date__lte=today),
        Validity.NOT_YET_EFFECTIVE: Q(status=DocumentStatus.PUBLISHED, published_version__effective_date__gt=today),
        Validity.EXPIRED: Q(status=DocumentStatus.EXPIRED),
        Validity.REPEALED: Q(status=DocumentStatus.REPEALED),
    }.get(validity, Q())


def public_documents() -> QuerySet[PolicyDocument]:
    """Every public document with its published version (not its long texts), unordered."""
    return (PolicyDocument.objects.public().select_related("published_version", "area").defer(*LIST_DEFER)
            .annotate(validity=validity_expression()))


def document_search(*, fetched_by: User | None, filters: DocumentFilters,
                    full_text: bool | None = None) -> QuerySet[PolicyDocument]:
    """Public documents matching ``filters``, in the asked order. Anyone may search."""
    full_text = uses_full_text() if full_text is None else full_text
    today = timezone.localdate()
    queryset = public_documents()
    runs = filters.runs
    if runs:
        if full_text:
            query = SearchQuery(tsquery_text(runs), search_type="raw", config="simple")
            queryset = queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        else:
            for run in runs:
                queryset = queryset.filter(fallback_condition(run, PUBLISHED_TEXT_FIELDS))
    if filters.category:
        queryset = queryset.filter(published_version__category=filters.category)
    if filters.issuer:
        queryset = queryset.filter(published_version__issuer=filters.issuer)
    if filters.year:
        queryset = queryset.filter(published_version__publish_date__year=filters.year)
    if filters.validity:
        queryset = queryset.filter(_validity_condition(filters.validity, today))
    if filters.effective_sort == SORT_RELEVANCE and runs and full_text:
        return queryset.order_by("-rank", "-published_version__publish_date", "-id")
    if runs and not full_text:
        queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    return queryset.order_by("-published_version__publish_date", "-id")


HOME_DOCUMENTS = 5


def documents_newest(*, fetched_by: User | None, limit: int = HOME_DOCUMENTS) -> list[PolicyDocument]:
    """The newest published documents in force or about to be (not expired, not repealed), by
    publication date; one query."""
    return list(document_search(fetched_by=fetched_by, filters=DocumentFilters(sort=SORT_DATE))
                .filter(status=DocumentStatus.PUBLISHED)[:limit])


def document_filter_choices() -> dict[str, list]:
    """Categories, issuers and years of the public documents, for the search's selects."""
    public = PolicyDocument.objects.public().order_by()
    versions = PolicyVersion.objects.filter(pk__in=public.values("published_version_id")).order_by()
    return {
        "categories": sorted(c for c in versions.values_list("category", flat=True).distinct() if c),
        "issuers": sorted(i for i in versions.values_list("issuer", flat=True).distinct() if i),
        "years": sorted({y for y in versions.annotate(y=ExtractYear("publish_date")).values_list("y", flat=True)},
                        reverse=True),
    }


@dataclass
class RelatedDocument:
    label: str
    document: PolicyDocument
    relation: DocumentRelation


def _related(document: PolicyDocument, *, public_only: bool) -> list[RelatedDocument]:
    """Documents this one amends or repeals, and those that amend or repeal it."""
    relations = (DocumentRelation.objects.filter(Q(source=document) | Q(target=document))
                 .select_related("source__published_version", "target__published_version")
                 .defer("source__body", "target__body", "source__search_text", "target__search_text",
                        "source__search_vector", "target__search_vector", "source__published_version__body",
                        "target__published_version__body")
                 .order_by("id"))
    labels = {
        (True, RelationKind.AMENDS): _("Amends"), (True, RelationKind.REPEALS): _("Repeals"),
        (False, RelationKind.AMENDS): _("Amended by"), (False, RelationKind.REPEALS): _("Repealed by"),
    }
    found = []
    for relation in relations:
        outgoing = relation.source_id == document.pk
        other = relation.target if outgoing else relation.source
        if public_only and (other.published_version_id is None or other.status not in (
                DocumentStatus.PUBLISHED, DocumentStatus.EXPIRED, DocumentStatus.REPEALED)):
            continue
        other.validity = validity_of(other)
        found.append(RelatedDocument(label=labels[(outgoing, relation.kind)], document=other, relation=relation))
    return found


def document_programmes(*, document: PolicyDocument, fetched_by: User | None) -> list:
    """The subsidy programmes based on this document.

    The subsidies app links a programme to its policy with a foreign key to
    ``policy.PolicyDocument`` named ``related_name="subsidy_programmes"``; until that app exists
    there are none.
    """
    manager = getattr(document, "subsidy_programmes", None)
    if manager is None:
        return []
    return list(manager.all())


def document_public_detail(*, fetched_by: User | None, pk: int) -> PolicyDocument:
    """A public document with what its page shows; anything never published is not found."""
    document = (PolicyDocument.objects.public().select_related("published_version", "area")
                .defer("body", "search_text", "search_vector").filter(pk=pk).first())
    if document is None:
        raise Http404(_("Not found."))
    document.validity = validity_of(document)
    document.related = _related(document, public_only=True)
    document.attachment_list = list(PolicyAttachment.objects.filter(document=document).defer("data"))
    document.guide_list = list(document.guides.order_by("service"))
    document.programmes = document_programmes(document=document, fetched_by=fetched_by)
    return document


def public_attachment(*, fetched_by: User | None, document_pk: int, pk: int) -> PolicyAttachment:
    attachment = PolicyAttachment.objects.filter(
        pk=pk, document_id=document_pk, document__in=PolicyDocument.objects.public()).first()
    if attachment is None:
        raise Http404(_("Not found."))
    return attachment


# --- Staff --------------------------------------------------------------------------------------


def editable_document_areas(user: User) -> QuerySet[Area]:
    """The city and districts where the user may write documents (for the area choice)."""
    return (Area.objects.visible_to(user, roles=DOCUMENT_EDITORS.roles, levels=DOCUMENT_EDITORS.levels)
            .filter(level__in=DOCUMENT_AREA_LEVELS).order_by("code"))


def documents_awaiting_review(*, fetched_by: User) -> QuerySet[PolicyDocument]:
    """Documents ``fetched_by`` may publish now: the workflow's ``publish`` step read as a query (the
    status it starts from, the reviewers' grants over the document's area, maker ≠ checker), so the
    to-do counter agrees with the buttons."""
    return awaiting(PolicyDocument.objects.all(), user=fetched_by, workflow=DOCUMENT_WORKFLOW, steps=["publish"])


def documents_awaiting_review_count(user: User) -> int | None:
    """The to-do counter (one query): None for staff who review no documents, so it is not shown."""
    if not takes_part(user, DOCUMENT_WORKFLOW, ["publish"]):
        return None
    return documents_awaiting_review(fetched_by=user).count()


def document_staff_base() -> QuerySet[PolicyDocument]:
    """Documents for staff pages and viewsets (the scoped bases narrow them to the user's area)."""
    return (PolicyDocument.objects.select_related("area", "published_version", "created_by")
            .defer("search_text", "search_vector", "published_version__body"))


def document_staff_related(*, document: PolicyDocument, fetched_by: User) -> list[RelatedDocument]:
    return _related(document, public_only=False)


def document_versions(*, document: PolicyDocument, fetched_by: User) -> list[PolicyVersion]:
    return list(PolicyVersion.objects.filter(document=document).select_related("created_by", "area")
                .defer("body").order_by("-number"))


def document_version(*, document: PolicyDocument, number: int, fetched_by: User) -> PolicyVersion:
    version = (PolicyVersion.objects.filter(document=document, number=number)
               .select_related("created_by", "area").first())
    if version is None:
        raise Http404(_("Not found."))
    return version


def document_attachments(*, document: PolicyDocument, fetched_by: User) -> list[PolicyAttachment]:
    return list(PolicyAttachment.objects.filter(document=document).select_related("uploaded_by").defer("data"))


def staff_attachment(*, document: PolicyDocument, pk: int, fetched_by: User) -> PolicyAttachment:
    attachment = PolicyAttachment.objects.filter(document=document, pk=pk).first()
    if attachment is None:
        raise Http404(_("Not found."))
    return attachment


def relation_of(*, document: PolicyDocument, pk: int, fetched_by: User) -> DocumentRelation:
    relation = DocumentRelation.objects.filter(source=document, pk=pk).select_related("source", "target").first()
    if relation is None:
        raise Http404(_("Not found."))
    return relation


def relation_target_by_number(*, number: str, fetched_by: User) -> PolicyDocument | None:
    """The document a relation points at, by its number in any spelling."""
    from policy.search import number_key

    key = number_key(number)
    return PolicyDocument.objects.filter(number_key=key).select_related("area").first() if key else None


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Comparison:
    """Two versions of a document side by side: changed metadata and the body's differences."""

    a: PolicyVersion
    b: PolicyVersion
    changes: list[FieldChange] = field(default_factory=list)
    # Unified: (kind, text) lines, kind one of " ", "+", "-", "@"; rendered (escaped) by the template.
    unified: list[tuple[str, str]] = field(default_factory=list)
    side_by_side: SafeString = field(default_factory=lambda: mark_safe(""))
    body_changed: bool = False


def _display(version: PolicyVersion, name: str) -> str:
    value = getattr(version, name)
    if value is None or value == "":
        return "—"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def version_compare(*, document: PolicyDocument, a: int | None, b: int | None, fetched_by: User) -> Comparison:
    """Compare versions ``a`` and ``b`` (numbers). Without them: the published version (or the
    one before the latest) against the latest."""
    versions = {v.number: v for v in PolicyVersion.objects.filter(document=document).select_related("area")}
    if not versions:
        raise Http404(_("Not found."))
    latest = max(versions)
    if b is None:
        b = latest
    if a is None:
        published = document.published_version.number if document.published_version_id else None
        a = published if published and published != b else max(b - 1, 1)
    if a not in versions or b not in versions:
        raise Http404(_("Not found."))
    old, new = versions[a], versions[b]
    comparison = Comparison(a=old, b=new)
    for name in PolicyVersion.COPIED:
        if name == "body":
            continue
        if getattr(old, name) != getattr(new, name):
            comparison.changes.append(FieldChange(name=name, label=str(PolicyVersion._meta.get_field(name).verbose_name),
                                                  old=_display(old, name), new=_display(new, name)))
    old_lines, new_lines = old.body.split("\n"), new.body.split("\n")
    comparison.body_changed = old_lines != new_lines
    for line in difflib.unified_diff(old_lines, new_lines, n=2, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        comparison.unified.append((line[:1] if line[:1] in "+-@" else " ", line[1:] if line[:1] in "+- " else line))
    # difflib.HtmlDiff escapes &, < and > in the text it puts in the table.
    table = difflib.HtmlDiff(wrapcolumn=40).make_table(
        old_lines, new_lines, fromdesc=escape(_("Version %(n)d") % {"n": a}),
        todesc=escape(_("Version %(n)d") % {"n": b}), context=True, numlines=2)
    comparison.side_by_side = mark_safe(table)
    return comparison
