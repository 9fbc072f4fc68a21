"""Policy document API: the public search and document (published versions only), and the staff
endpoints where editors write, import and relate documents and reviewers publish and repeal them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from policy.constants import RelationKind, Validity
from policy.forms import DocumentForm, DocumentSearchForm, ImportForm, NoteForm, ReasonForm, RelationForm
from policy.models import PolicyDocument, PolicyVersion
from policy.selectors.documents import (
    DocumentFilters,
    document_filter_choices,
    document_public_detail,
    document_search,
    document_staff_base,
    document_staff_related,
    document_versions,
    public_documents,
    validity_of,
    version_compare,
)
from policy.services import documents as services
from policy.services.imports import import_preview, policy_import, refuse_malformed
from portal.api_base import (
    ERRORS,
    PUBLIC_ERRORS,
    THROTTLE_HEADERS,
    THROTTLED,
    AreaBriefSerializer,
    MovesField,
    raise_form_errors,
)
from portal.api_forms import FormActionMixin, form_schema
from portal.input_limits import LimitedJSONParser
from portal.scoped_views import ScopedModelViewSet, scope_exempt
from portal.selectors import areas_all
from portal.workflow import with_previous_actor

# --- Public -------------------------------------------------------------------------------------


class DocumentSummarySerializer(serializers.ModelSerializer):
    """A public document as its published version shows it."""

    title = serializers.CharField(source="published_version.title")
    document_number = serializers.CharField(source="published_version.document_number")
    issuer = serializers.CharField(source="published_version.issuer")
    publish_date = serializers.DateField(source="published_version.publish_date")
    effective_date = serializers.DateField(source="published_version.effective_date")
    expiry_date = serializers.DateField(source="published_version.expiry_date", allow_null=True)
    source = serializers.CharField(source="published_version.source")
    category = serializers.CharField(source="published_version.category")
    validity = serializers.ChoiceField(choices=Validity.choices, read_only=True,
                                       help_text="in_force, not_yet_effective, expired or repealed")
    area = AreaBriefSerializer(read_only=True, help_text="Where the document applies: the city or one district.")

    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date",
                  "source", "category", "validity", "area"]


class PolicyRelatedDocumentSerializer(serializers.Serializer):
    relation = serializers.CharField(help_text="Amends, Repeals, Amended by or Repealed by (in the request's language).")
    id = serializers.IntegerField()
    title = serializers.CharField()
    document_number = serializers.CharField()
    validity = serializers.ChoiceField(choices=Validity.choices)


class PolicyAttachmentRefSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class PolicyGuideRefSerializer(serializers.Serializer):
    service = serializers.CharField()
    title = serializers.CharField()


class PolicyProgrammeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentDetailSerializer(DocumentSummarySerializer):
    body = serializers.CharField(source="published_version.body")
    version = serializers.IntegerField(source="published_version.number")
    related = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    guides = serializers.SerializerMethodField(help_text="Service guides based on this document.")
    programmes = serializers.SerializerMethodField(help_text="Subsidy programmes based on this document.")

    class Meta(DocumentSummarySerializer.Meta):
        fields = [*DocumentSummarySerializer.Meta.fields, "version", "published_at", "body", "related",
                  "attachments", "guides", "programmes"]

    @extend_schema_field(PolicyRelatedDocumentSerializer(many=True))
    def get_related(self, document) -> list[dict]:
        return [{"relation": str(item.label), "id": item.document.pk,
                 "title": item.document.published_version.title if item.document.published_version else "",
                 "document_number": (item.document.published_version.document_number
                                     if item.document.published_version else ""),
                 "validity": item.document.validity} for item in document.related]

    @extend_schema_field(PolicyAttachmentRefSerializer(many=True))
    def get_attachments(self, document) -> list[dict]:
        return [{"name": a.name, "size": a.size,
                 "url": reverse("policy:attachment-download", kwargs={"pk": document.pk, "attachment_id": a.pk})}
                for a in document.attachment_list]

    @extend_schema_field(PolicyGuideRefSerializer(many=True))
    def get_guides(self, document) -> list[dict]:
        return [{"service": g.service, "title": g.title} for g in document.guide_list]

    @extend_schema_field(PolicyProgrammeRefSerializer(many=True))
    def get_programmes(self, document) -> list[dict]:
        return [{"id": p.pk, "name": str(p)} for p in document.programmes]


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description="Keywords or a document number in any spelling (〔〕, [], (), "
                                           "full-width digits)."),
    OpenApiParameter("category", str, description="A category of the published documents."),
    OpenApiParameter("issuer", str, description="An issuing body of the published documents."),
    OpenApiParameter("year", int, description="Publish year."),
    OpenApiParameter("validity", str, enum=Validity.values),
    OpenApiParameter("sort", str, enum=["relevance", "date"],
                     description="relevance (needs keywords; the default with them) or date (newest first)."),
]


@scope_exempt("Public policy search and documents: published versions only, to anyone.")
@extend_schema_view(
    list=extend_schema(summary="Search published policy documents",
                       parameters=[*SEARCH_PARAMETERS, *THROTTLE_HEADERS],
                       responses={200: DocumentSummarySerializer(many=True), **PUBLIC_ERRORS, **THROTTLED}),
    retrieve=extend_schema(summary="A published policy document with related documents",
                           responses={200: DocumentDetailSerializer, **PUBLIC_ERRORS}),
)
class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentSummarySerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    throttle_scope = "search"

    def get_throttles(self):
        # Searching is throttled (with the search page, portal/throttling.py); one document is not.
        return super().get_throttles() if self.action == "list" else []

    def get_queryset(self):
        if self.action != "list":
            return public_documents()
        form = DocumentSearchForm(self.request.query_params or None, choices=document_filter_choices())
        if form.is_bound and not form.is_valid():
            raise_form_errors(form)
        filters = form.document_filters if form.is_bound else DocumentFilters()
        return document_search(fetched_by=self.request.user, filters=filters)

    def retrieve(self, request, pk=None):
        return Response(DocumentDetailSerializer(document_public_detail(fetched_by=request.user, pk=pk)).data)


# --- Staff --------------------------------------------------------------------------------------


class PolicyVersionSerializer(serializers.ModelSerializer):
    saved_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    area = serializers.CharField(source="area_id")

    class Meta:
        model = PolicyVersion
        fields = ["number", "title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date",
                  "source", "category", "area", "saved_by", "created_at", "note"]


class PolicyImportNoteSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    part = serializers.CharField()


class StaffDocumentSerializer(serializers.ModelSerializer):
    """The working copy (latest version) with its status and what the public sees."""

    area = AreaBriefSerializer(read_only=True)
    published_version = serializers.IntegerField(source="published_version.number", default=None, read_only=True,
                                                 allow_null=True)  # none until first published
    import_notes = PolicyImportNoteSerializer(many=True, read_only=True)
    moves = MovesField()

    class Meta:
        model = PolicyDocument
        fields = ["id", "title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date",
                  "source", "category", "area", "status", "status_reason", "published_version", "published_at",
                  "created_at", "updated_at", "import_notes", "moves"]


class StaffDocumentDetailSerializer(StaffDocumentSerializer):
    versions = PolicyVersionSerializer(source="version_list", many=True, read_only=True)
    related = serializers.SerializerMethodField()

    class Meta(StaffDocumentSerializer.Meta):
        fields = [*StaffDocumentSerializer.Meta.fields, "body", "versions", "related"]

    @extend_schema_field(PolicyRelatedDocumentSerializer(many=True))
    def get_related(self, document) -> list[dict]:
        return [{"relation": str(item.label), "id": item.document.pk, "title": item.document.title,
                 "document_number": item.document.document_number,
                 "validity": item.document.validity} for item in document.related_list]


# Request bodies for the schema, built from the forms that read them.
DocumentWriteSerializer = form_schema(DocumentForm, "DocumentWriteSerializer")
DocumentNoteSerializer = form_schema(NoteForm, "DocumentNoteSerializer")
DocumentReasonSerializer = form_schema(ReasonForm, "DocumentReasonSerializer")
RelationRequestSerializer = form_schema(RelationForm, "RelationRequestSerializer")


class PolicyFieldChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class PolicyComparisonSerializer(serializers.Serializer):
    a = serializers.IntegerField(source="a.number")
    b = serializers.IntegerField(source="b.number")
    changes = PolicyFieldChangeSerializer(many=True)
    body_changed = serializers.BooleanField()
    unified = serializers.ListField(child=serializers.CharField(),
                                    help_text="The text's differences, unified diff lines (+, -, space, @@).")

    def to_representation(self, comparison) -> dict:
        return {"a": comparison.a.number, "b": comparison.b.number,
                "changes": [{"name": c.name, "old": c.old, "new": c.new} for c in comparison.changes],
                "body_changed": comparison.body_changed,
                "unified": [f"{kind}{text}" if kind != "@" else text for kind, text in comparison.unified]}


ImportRequestSerializer = form_schema(ImportForm, "ImportRequestSerializer", exclude=("file_name",))


class ImportPreviewSerializer(serializers.Serializer):
    title = serializers.CharField()
    document_number = serializers.CharField()
    issuer = serializers.CharField()
    publish_date = serializers.DateField(allow_null=True)
    effective_date = serializers.DateField(allow_null=True)
    expiry_date = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    category = serializers.CharField()
    body = serializers.CharField()
    navigation_dropped = serializers.ListField(child=serializers.CharField())
    footer_dropped = serializers.ListField(child=serializers.CharField())
    warnings = PolicyImportNoteSerializer(many=True)


class ImportResponseSerializer(serializers.Serializer):
    preview = ImportPreviewSerializer()
    outcome = serializers.ChoiceField(choices=["preview", "created", "updated", "unchanged"])
    existing = serializers.IntegerField(allow_null=True, help_text="The document a save would update, if any.")
    document = StaffDocumentSerializer(allow_null=True)


def _preview(parsed) -> dict:
    return {**{name: getattr(parsed, name) for name in parsed.FIELDS},
            "navigation_dropped": parsed.navigation, "footer_dropped": parsed.footer,
            "warnings": [w.as_dict() for w in parsed.warnings]}


@extend_schema_view(
    list=extend_schema(summary="Policy documents of my area (working copies)",
                       responses={200: StaffDocumentSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A document with its versions and relations",
                           responses={200: StaffDocumentDetailSerializer, **ERRORS}),
)
class StaffDocumentViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Every staff role reads the documents of its subtree; editors write, reviewers publish. Each
    document lists the ``moves`` the requesting user may take on it."""

    model = PolicyDocument
    serializer_class = StaffDocumentSerializer
    lookup_value_regex = r"\d+"
    parser_classes = [LimitedJSONParser, FormParser, MultiPartParser]

    def get_base_queryset(self):
        return with_previous_actor(document_staff_base())

    def retrieve(self, request, pk=None):
        document = self.get_object()
        document.version_list = document_versions(document=document, fetched_by=request.user)
        document.related_list = document_staff_related(document=document, fetched_by=request.user)
        for item in document.related_list:
            item.document.validity = validity_of(item.document) if item.document.published_version_id else ""
        return Response(StaffDocumentDetailSerializer(document, context=self.get_serializer_context()).data)

    @extend_schema(summary="Write a new draft (editor)", request=DocumentWriteSerializer,
                   responses={201: StaffDocumentSerializer, **ERRORS})
    def create(self, request):
        # Any known area: the service decides whether it is the user's (out of scope is not found).
        return self.call(services.document_create, status=status.HTTP_201_CREATED,
                         **self.form_data(DocumentForm, areas=areas_all()))

    @extend_schema(summary="Save a change as a new version (editor)", request=DocumentWriteSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    def update(self, request, pk=None, partial=False):
        document = self.get_object()
        data = None
        if partial:  # the values not sent stay as they are
            data = {**DocumentForm.initial_for(document), **{name: request.data.get(name) for name in request.data}}
        values = self.form_data(DocumentForm, data=data, areas=areas_all())
        document, _version = services.document_update(actor=request.user, document=document, **values)
        return self.answer(document)

    @extend_schema(summary="Change some fields, as a new version (editor)", request=DocumentWriteSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(summary="Send a draft for review (editor)", request=DocumentNoteSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.call(services.document_submit, document=self.get_object(), **self.form_data(NoteForm))

    @extend_schema(summary="Publish the latest version (a reviewer other than its maker)", request=DocumentNoteSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.call(services.document_publish, document=self.get_object(), **self.form_data(NoteForm))

    @extend_schema(summary="Return a document in review to its editors (reviewer)", request=DocumentReasonSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_editors(self, request, pk=None):
        return self.call(services.document_return, document=self.get_object(), **self.form_data(ReasonForm))

    @extend_schema(summary="Repeal a published document (reviewer)", request=DocumentReasonSerializer,
                   responses={200: StaffDocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def repeal(self, request, pk=None):
        return self.call(services.document_repeal, document=self.get_object(), **self.form_data(ReasonForm))

    @extend_schema(summary="Record that this document amends or repeals another (editor)",
                   request=RelationRequestSerializer, responses={201: PolicyRelatedDocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def relations(self, request, pk=None):
        document = self.get_object()
        data = self.form_data(RelationForm, user=request.user)
        relation = services.relation_add(actor=request.user, document=document, target=data["target"],
                                         kind=data["kind"])
        target = relation.target
        return Response({"relation": str(RelationKind(relation.kind).label), "id": target.pk, "title": target.title,
                         "document_number": target.document_number,
                         "validity": validity_of(target) if target.published_version_id else ""},
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Compare two versions (default: the published one and the latest)",
                   parameters=[OpenApiParameter("a", int, description="Version number"),
                               OpenApiParameter("b", int, description="Version number")],
                   responses={200: PolicyComparisonSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def compare(self, request, pk=None):
        document = self.get_object()

        def number(name):
            value = request.query_params.get(name, "")
            return int(value) if value.isdigit() else None

        comparison = version_compare(document=document, a=number("a"), b=number("b"), fetched_by=request.user)
        return Response(PolicyComparisonSerializer(comparison).data)

    @extend_schema(summary="Import a document in the law library's text format: preview, or save with apply",
                   request={"multipart/form-data": ImportRequestSerializer,
                            "application/json": ImportRequestSerializer},
                   responses={200: ImportResponseSerializer, 201: ImportResponseSerializer, **ERRORS})
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_document(self, request):
        if not services.is_editor(request.user):
            self.permission_denied(request, message=_("Only staff at city or district level write policy documents."))
        form = self.valid_form(ImportForm, areas=areas_all())
        text, name = form.source()
        if form.cleaned_data["apply"]:
            result = policy_import(actor=request.user, text=text, area=form.cleaned_data["area"], file_name=name)
            return Response({"preview": _preview(result.parsed), "outcome": result.outcome,
                             "existing": result.document.pk, "document": self.answer(result.document).data},
                            status=status.HTTP_201_CREATED if result.outcome == "created" else status.HTTP_200_OK)
        preview = import_preview(actor=request.user, text=text)
        refuse_malformed(preview.parsed)
        return Response({"preview": _preview(preview.parsed), "outcome": "preview",
                         "existing": preview.existing.pk if preview.existing else None, "document": None})
