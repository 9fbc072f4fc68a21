"""Staff API of the review: the queue (filters as on the page), one application with its eligibility
snapshot, timeline, documents and fund movements, each step as an action, and bulk approval with a
result per item. Amounts are integer fen. Every action looks the application up in the reader's
subtree first (out of scope answers 404 whatever the body) and calls one service, which checks the
step's tier and maker ≠ checker on the locked row."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer, MovesField, ServiceActionMixin
from portal.api_forms import clean_with_form, form_input, form_schema
from portal.scoped_views import ScopedModelViewSet
from portal.scoping import OutOfScope
from subsidies.forms_review import ApplicationFilter, BulkApproveForm, DecisionForm, StepForm
from subsidies.models import Application, FundEntry, Programme, SupportingDocument
from subsidies.selectors.review import (
    application_for_staff,
    application_fund_entries,
    application_timeline,
    queue_annotate,
    staff_applications,
)
from subsidies.services import review as services


class StaffProgrammeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "kind"]


class BeneficiarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    id_masked = serializers.CharField()


class StaffApplicationSerializer(serializers.ModelSerializer):
    programme = StaffProgrammeBriefSerializer(read_only=True)
    person = BeneficiarySerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    employer = serializers.CharField(source="employer.name", read_only=True, default=None)
    agency = serializers.CharField(source="agency.name", read_only=True, default=None)
    awaits_me = serializers.BooleanField(read_only=True, default=False,
                                         help_text=_("True when a step of yours is what the application waits for."))
    moves = MovesField()

    class Meta:
        model = Application
        fields = ["id", "programme", "person", "area", "applicant_type", "employer", "agency", "channel", "applied_on",
                  "period_start", "period_end", "amount_requested_fen", "amount_approved_fen", "monthly_amount_fen",
                  "needs_city_approval", "status", "due_on", "overdue_since", "reason_code", "remark", "submitted_at",
                  "decided_at", "awaits_me", "moves"]


class StaffTimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.CharField()
    label = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    note = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    late = serializers.BooleanField()
    current = serializers.BooleanField()


class SupportingDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportingDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class ReservationEntrySerializer(serializers.ModelSerializer):
    fund = serializers.SerializerMethodField()

    class Meta:
        model = FundEntry
        fields = ["id", "fund", "kind", "amount_fen", "created_at", "note"]

    def get_fund(self, entry) -> str:
        return f"{entry.fund.area.code}:{entry.fund.year}"


class StaffApplicationDetailSerializer(StaffApplicationSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    eligibility = serializers.JSONField(read_only=True, help_text=_(
        "The assessment at the last decision: rule version, inputs, each finding in words, amounts."))
    timeline = serializers.SerializerMethodField()
    documents = SupportingDocumentSerializer(many=True, read_only=True)
    fund_entries = serializers.SerializerMethodField()

    class Meta(StaffApplicationSerializer.Meta):
        fields = [*StaffApplicationSerializer.Meta.fields, "version", "basis_fen", "loan_term_months", "details",
                  "payee_name", "payee_account", "eligibility", "timeline", "documents", "fund_entries"]

    @extend_schema_field(StaffTimelineEntrySerializer(many=True))
    def get_timeline(self, application) -> list:
        return StaffTimelineEntrySerializer(application_timeline(application=application).entries, many=True).data

    @extend_schema_field(ReservationEntrySerializer(many=True))
    def get_fund_entries(self, application) -> list:
        return ReservationEntrySerializer(application_fund_entries(application=application), many=True).data


class BulkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    approved = serializers.BooleanField()
    status = serializers.CharField(allow_blank=True)
    amount_fen = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())


class BulkAnswerSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = BulkItemSerializer(many=True)


StepInput = form_input(StepForm, name="SubsidyStepInput")
DecisionInput = form_input(DecisionForm, name="SubsidyDecisionInput")
BULK_BODY = form_schema(BulkApproveForm, "SubsidyBulkApprove")


def _step_schema(description: str, body=StepInput):
    return extend_schema(request=body, responses={200: StaffApplicationDetailSerializer, **ERRORS}, description=description)


@extend_schema_view(
    list=extend_schema(responses={200: StaffApplicationSerializer(many=True), **ERRORS},
                       description="Applications in your area, what waits for your step first, then by due date."),
    retrieve=extend_schema(responses={200: StaffApplicationDetailSerializer, **ERRORS}),
)
class ApplicationViewSet(ServiceActionMixin, ScopedModelViewSet):
    """Subsidy applications in the reader's area and the review's steps."""

    queryset = staff_applications()
    serializer_class = StaffApplicationSerializer
    filterset_class = ApplicationFilter

    def get_base_queryset(self):
        return queue_annotate(staff_applications(), fetched_by=self.request.user)

    def get_serializer_class(self):
        return StaffApplicationSerializer if self.action == "list" else StaffApplicationDetailSerializer

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        application = application_for_staff(fetched_by=request.user, pk=pk)
        if application is None:
            raise OutOfScope()
        return Response(self.get_serializer(application).data)

    def answer(self, record, *, status: int = 200, serializer_class=None) -> Response:
        fresh = application_for_staff(fetched_by=self.request.user, pk=record.pk) or record
        return Response(StaffApplicationDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status)

    def _step(self, service, input=StepInput) -> Response:
        return self.call(service, record="application", input=input)

    @_step_schema("Community intake: the application is complete and goes to the street.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(services.application_accept)

    @_step_schema("Street review: the application goes to the district.")
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        return self._step(services.application_review)

    @_step_schema("District approval (the amount is within the programme's district limit): eligibility assessed "
                  "again, the amount reserved on the district's fund (refused with code fund_exhausted when it "
                  "cannot cover it).")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(partial(services.application_approve, step="approve"))

    @_step_schema("District approval of an amount above the programme's limit: reserved as for approve, then sent "
                  "to the city.")
    @action(detail=True, methods=["post"], url_path="approve_for_city")
    def approve_for_city(self, request, pk=None):
        return self._step(partial(services.application_approve, step="approve_for_city"))

    @_step_schema("City approval of an amount above the programme's district limit.")
    @action(detail=True, methods=["post"], url_path="city_approve")
    def city_approve(self, request, pk=None):
        return self._step(services.application_city_approve)

    @_step_schema("Return for correction with a reason code and a remark (both required); a reservation is released.",
                  body=DecisionInput)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(services.application_return, DecisionInput)

    @_step_schema("Rejection with a reason code and a remark (both required); a reservation is released.",
                  body=DecisionInput)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(services.application_reject, DecisionInput)

    @_step_schema("Record the disbursement: a one-off programme's reserved amount is paid out of the fund; a "
                  "recurring programme's once its first month is paid (code paid_by_cycle before).")
    @action(detail=True, methods=["post"])
    def disburse(self, request, pk=None):
        return self._step(services.application_disburse)

    @extend_schema(request=BULK_BODY, responses={200: BulkAnswerSerializer, **ERRORS},
                   description="Approve several applications, each on its own (approved whole or not at all); the "
                               "answer gives each item's result. An application out of your area reads 'not found'.")
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request):
        data = clean_with_form(BulkApproveForm, request.data)
        results = services.application_approve_bulk(actor=request.user, **data)
        return Response(BulkAnswerSerializer({
            "approved": sum(r.approved for r in results), "refused": sum(not r.approved for r in results),
            "results": [{"id": r.id, "approved": r.approved, "status": r.status, "amount_fen": r.amount_fen,
                         "message": r.message, "codes": list(r.codes)} for r in results]}).data)
