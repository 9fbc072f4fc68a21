"""API of applying for a subsidy: the applicant's own applications (``/api/subsidies/me/applications/``)
and the community window's entry (``/api/staff/subsidies/window/applications/``).

Bodies are read by the pages' forms (``subsidies.forms_apply``: which fields depend on the
programme's kind and on who applies), the services judge, errors come in the one format. Amounts
are given in yuan (``"1234.56"``) and answered in fen (``*_fen``); months as ``"2026-03"``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer, ErrorSerializer, MovesField
from portal.api_forms import FormActionMixin, validated_form
from portal.input_limits import LimitedJSONParser
from portal.constants import AccountType, StaffRole
from portal.scoped_views import ScopedModelViewSet, scope_exempt
from subsidies.constants import APPLICANT_TYPE, ProgrammeKind
from subsidies.forms_apply import EMPLOYER, SEEKER, WINDOW, ApplyForm, CorrectForm, DocumentForm, NoteForm
from subsidies.models import Application, SupportingDocument
from subsidies.selectors.applications import (
    application_documents,
    application_timeline,
    my_application,
    my_applications,
    my_document,
)
from subsidies.selectors.programmes import programme_open
from subsidies.services import applications as services
from subsidies.services.documents import document_add, documents_missing
from subsidies.views.documents import document_response

# --- Answers -------------------------------------------------------------------------------------


class ProgrammeBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportingDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.CharField()
    label = serializers.CharField()
    note = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue_since = serializers.DateField(allow_null=True)
    current = serializers.BooleanField()


class ApplicationBriefSerializer(serializers.ModelSerializer):
    programme = ProgrammeBriefSerializer(read_only=True)
    person = serializers.CharField(source="person.name", read_only=True)
    moves = MovesField()

    class Meta:
        model = Application
        fields = ["id", "programme", "person", "applicant_type", "channel", "status", "period_start", "period_end",
                  "amount_requested_fen", "amount_approved_fen", "monthly_amount_fen", "due_on", "overdue_since",
                  "reason_code", "remark", "submitted_at", "moves"]


class ApplicationSerializer(ApplicationBriefSerializer):
    area = AreaBriefSerializer(read_only=True)
    findings = serializers.SerializerMethodField()
    rules_version = serializers.IntegerField(source="version.number", read_only=True)
    documents = serializers.SerializerMethodField()
    missing_documents = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta(ApplicationBriefSerializer.Meta):
        fields = [*ApplicationBriefSerializer.Meta.fields, "area", "basis_fen", "loan_term_months", "details",
                  "payee_name", "payee_account", "rules_version", "findings", "documents", "missing_documents",
                  "timeline"]

    def get_findings(self, obj) -> list[dict]:
        return [{"code": f["code"], "ok": f["ok"], "text": f["text"]} for f in (obj.eligibility or {}).get("findings", [])]

    def _documents(self, obj):
        if not hasattr(obj, "_document_list"):
            obj._document_list = application_documents(obj)
        return obj._document_list

    def get_documents(self, obj) -> list[dict]:
        return DocumentSerializer(self._documents(obj), many=True).data

    def get_missing_documents(self, obj) -> list[str]:
        return [kind for kind, _label in documents_missing(obj, self._documents(obj))]

    def get_timeline(self, obj) -> list[dict]:
        return TimelineEntrySerializer(application_timeline(obj), many=True).data


# --- Inputs (schema only: the forms read them) ----------------------------------------------------

APPLICATION_FIELDS = {
    "period_start": serializers.CharField(help_text=gettext_lazy(
        "First month (\"2026-03\") for monthly programmes; the placement day or the loan's start (\"2026-03-15\")")),
    "period_end": serializers.CharField(required=False, help_text=gettext_lazy("Last month, monthly programmes only")),
    "basis_fen": serializers.CharField(required=False, help_text=gettext_lazy(
        "In yuan: contributions paid a month, or the loan amount")),
    "loan_term_months": serializers.IntegerField(required=False),
    "graduation_year": serializers.IntegerField(required=False),
    "staff_count": serializers.IntegerField(required=False),
    "payee_name": serializers.CharField(),
    "payee_account": serializers.CharField(),
}
MyApplicationInput = inline_serializer("SubsidyApplicationInput", fields={
    "programme": serializers.CharField(help_text=gettext_lazy("The programme's code")),
    "identity_number": serializers.CharField(required=False, help_text=gettext_lazy("Employers: the employee's")),
    "person_name": serializers.CharField(required=False, help_text=gettext_lazy("Employers: the employee's")),
    **APPLICATION_FIELDS})
WindowApplicationInput = inline_serializer("SubsidyWindowApplicationInput", fields={
    "programme": serializers.CharField(help_text=gettext_lazy("The programme's code")),
    "person": serializers.IntegerField(help_text=gettext_lazy("A person of the clerk's community (id)")),
    "credit_code": serializers.CharField(required=False, help_text=gettext_lazy("Employer programmes")),
    "licence_number": serializers.CharField(required=False, help_text=gettext_lazy("Job referral subsidy")),
    **APPLICATION_FIELDS})
CorrectInput = inline_serializer("SubsidyApplicationCorrectInput", fields=APPLICATION_FIELDS)
NoteInput = inline_serializer("SubsidyNoteInput", fields={"note": serializers.CharField(required=False)})
DocumentInput = inline_serializer("SubsidyDocumentInput", fields={
    "kind": serializers.CharField(), "file": serializers.FileField()})
DUPLICATE = OpenApiResponse(ErrorSerializer, description="Code `duplicate` on `period_start`, with `application_id` "
                                                         "of the open application when the caller may see it.")


def _programme(data, kinds):
    code = data.get("programme") if hasattr(data, "get") else None
    programme = programme_open(code=str(code or "")[:40], kinds=kinds) if isinstance(code, str) and code else None
    if programme is None:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"programme": [serializers.ErrorDetail(
            _("Give the code of a programme open for applications."), code="unknown_programme")]})
    return programme


class ApplyMixin(FormActionMixin):
    """Submit and the actions shared by the applicant's and the window's viewsets."""

    who_of_request = None

    def _submit(self, request, kinds, who, answer_for):
        programme = _programme(request.data, kinds)
        form = self.valid_form(ApplyForm, kind=programme.kind, who=who, user=request.user)
        try:
            application = services.application_submit(actor=request.user, programme=programme,
                                                      **form.service_arguments())
        except services.ApplicationExists as exc:
            response = self.handle_exception(exc)
            visible = exc.application is not None and answer_for(exc.application)
            if visible:
                response.data["error"]["fields"]["period_start"][0]["application_id"] = exc.application.pk
            return response
        return self.answer(application, status=status.HTTP_201_CREATED, serializer_class=ApplicationSerializer)

    def _correct(self, request):
        application = self.get_object()
        form = self.valid_form(CorrectForm, kind=application.programme.kind)
        return self.answer(services.application_correct(actor=request.user, application=application,
                                                        **form.service_arguments()),
                           serializer_class=ApplicationSerializer)

    def _step(self, request, service):
        application = self.get_object()
        data = self.form_data(NoteForm)
        return self.answer(service(actor=request.user, application=application, **data),
                           serializer_class=ApplicationSerializer)

    def _add_document(self, request):
        application = self.get_object()
        form = validated_form(DocumentForm, request.data, files=request.FILES or None)
        document = document_add(actor=request.user, application=application, kind=form.cleaned_data["kind"],
                                upload=form.cleaned_data["file"])
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class IsApplicantAccount(permissions.BasePermission):
    message = gettext_lazy("This endpoint is for job seekers and employers.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated
                    and request.user.account_type in (AccountType.JOB_SEEKER, AccountType.EMPLOYER))


def _who(user) -> str:
    return SEEKER if user.account_type == AccountType.JOB_SEEKER else EMPLOYER


@scope_exempt("The signed-in applicant's own subsidy applications.")
@extend_schema_view(
    list=extend_schema(responses={200: ApplicationBriefSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ApplicationSerializer, **ERRORS}),
)
class MyApplicationViewSet(ApplyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """My subsidy applications: apply online, follow each one (timeline, findings, documents, what is
    missing), correct and resubmit when returned, withdraw, add documents, download them."""

    permission_classes = [permissions.IsAuthenticated, IsApplicantAccount]
    parser_classes = [LimitedJSONParser, FormParser, MultiPartParser]
    filter_backends = []

    def get_queryset(self):
        return my_applications(fetched_by=self.request.user).select_related("version", "area")

    def get_serializer_class(self):
        return ApplicationBriefSerializer if self.action == "list" else ApplicationSerializer

    @extend_schema(request=MyApplicationInput, responses={201: ApplicationSerializer, 400: DUPLICATE, **ERRORS})
    def create(self, request):
        who = _who(request.user)
        kinds = [kind for kind, applicant in APPLICANT_TYPE.items()
                 if applicant == {SEEKER: "person", EMPLOYER: "employer"}[who]]
        return self._submit(request, kinds, who,
                            lambda found: my_application(fetched_by=request.user, pk=found.pk) is not None)

    @extend_schema(request=CorrectInput, responses={200: ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self._correct(request)

    @extend_schema(request=NoteInput, responses={200: ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._step(request, services.application_resubmit)

    @extend_schema(request=NoteInput, responses={200: ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(request, services.application_withdraw)

    @extend_schema(request={"multipart/form-data": DocumentInput}, responses={201: DocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        return self._add_document(request)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file, as an "
                                                                                             "attachment."),
                              **ERRORS})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document>\d+)")
    def document(self, request, pk=None, document=None):
        found = my_document(fetched_by=request.user, application_pk=pk, pk=document)
        if found is None:
            raise Http404(_("Not found."))
        return document_response(request, found)


@extend_schema_view(retrieve=extend_schema(responses={200: ApplicationSerializer, **ERRORS}))
class WindowApplicationViewSet(ApplyMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """The community window: enter an application for a person of the community (an employer's or an
    agency's too), add documents, correct and resubmit a returned one."""

    model = Application
    queryset = Application.objects.select_related("programme", "version", "person", "employer", "agency", "area")
    serializer_class = ApplicationSerializer
    scope_roles = [StaffRole.CLERK]
    parser_classes = [LimitedJSONParser, FormParser, MultiPartParser]

    @extend_schema(request=WindowApplicationInput, responses={201: ApplicationSerializer, 400: DUPLICATE, **ERRORS})
    def create(self, request):
        return self._submit(request, list(APPLICANT_TYPE), WINDOW,
                            lambda found: self.get_queryset().filter(pk=found.pk).exists())

    @extend_schema(request=CorrectInput, responses={200: ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        return self._correct(request)

    @extend_schema(request=NoteInput, responses={200: ApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._step(request, services.application_resubmit)

    @extend_schema(request={"multipart/form-data": DocumentInput}, responses={201: DocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        return self._add_document(request)


__all__ = ["MyApplicationViewSet", "WindowApplicationViewSet", "ApplicationSerializer", "ApplicationBriefSerializer"]
