"""Staff API of payment cycles: the cycles of my area with their totals, one cycle's lines, generating
a month's list, the bank disbursement file, and the bank's result file (``dry_run`` answers what it
would do, as the page's preview). Amounts are integer fen. A cycle is looked up in the reader's area
first (another district's answers 404 whatever the body); each action calls one service."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer, MovesField
from portal.api_forms import FormActionMixin, clean_with_form, form_input
from portal.audit import client_ip
from portal.input_limits import LimitedJSONParser
from portal.scoped_views import ScopedModelViewSet, ScopedReadOnlyViewSet
from subsidies.bankfiles import XLSX_CONTENT_TYPE
from subsidies.constants import PaymentStatus
from subsidies.forms_payments import (
    BankResultForm,
    CycleExportForm,
    CycleFilter,
    CycleGenerateForm,
    LineFilterForm,
    PaymentFilterForm,
)
from subsidies.models import Payment, PaymentCycle, Programme
from subsidies.selectors.payments import (
    cycle_left_out,
    cycle_lines,
    cycle_totals,
    cycles_with_totals,
    payment_lines,
)
from subsidies.services import payments as services


class CycleProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["code", "name", "kind"]


class CycleSerializer(serializers.ModelSerializer):
    programme = CycleProgrammeSerializer(read_only=True)
    month = serializers.DateField(format="%Y-%m", read_only=True, help_text="The month paid, YYYY-MM.")
    area = AreaBriefSerializer(read_only=True, help_text="The district whose fund pays the cycle.")
    line_count = serializers.IntegerField(read_only=True)
    total_fen = serializers.IntegerField(read_only=True)
    paid_count = serializers.IntegerField(read_only=True)
    paid_fen = serializers.IntegerField(read_only=True)
    pending_count = serializers.IntegerField(read_only=True)
    failed_count = serializers.IntegerField(read_only=True)
    failed_fen = serializers.IntegerField(read_only=True)
    moves = MovesField()

    class Meta:
        model = PaymentCycle
        fields = ["id", "programme", "month", "area", "status", "generated_at", "line_count", "total_fen",
                  "paid_count", "paid_fen", "pending_count", "failed_count", "failed_fen", "moves"]


class LeftOutSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk")
    person = serializers.CharField(source="person.name")
    reasons = serializers.ListField(child=serializers.CharField())


class CycleDetailSerializer(CycleSerializer):
    left_out = serializers.SerializerMethodField(help_text="Applications the last generation found no longer "
                                                           "eligible, with the reasons in words.")

    class Meta(CycleSerializer.Meta):
        fields = [*CycleSerializer.Meta.fields, "left_out"]

    @extend_schema_field(LeftOutSerializer(many=True))
    def get_left_out(self, cycle) -> list:
        user = self.context["request"].user
        return LeftOutSerializer(cycle_left_out(fetched_by=user, cycle=cycle), many=True).data


class PaymentSerializer(serializers.ModelSerializer):
    reference = serializers.SerializerMethodField(help_text="The reference the payment goes to the bank with.")
    month = serializers.DateField(format="%Y-%m", read_only=True)
    payee_account = serializers.SerializerMethodField(help_text="The bank account, only its last four digits "
                                                                "shown (the bank file has it whole).")

    class Meta:
        model = Payment
        fields = ["id", "reference", "cycle", "application", "month", "amount_fen", "payee_name", "payee_account",
                  "status", "failure_reason", "bank_reference", "settled_at"]

    def get_reference(self, payment) -> str:
        return services.payment_reference(payment)

    def get_payee_account(self, payment) -> str:
        number = payment.payee_account
        return f"****{number[-4:]}" if len(number) > 4 else number


class GenerationSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(source="cycle.pk", allow_null=True, default=None)
    district = serializers.CharField(source="district.code")
    added = serializers.IntegerField()
    added_fen = serializers.IntegerField()
    left_out = serializers.ListField(child=serializers.DictField(), help_text="{application, reasons, codes}")


class ImportLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="number")
    payment = serializers.IntegerField(source="payment_id")
    reference = serializers.CharField()
    amount_fen = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["paid", "failed", "unchanged"])
    reason = serializers.CharField()


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="number")
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField(source="text")


class ImportAnswerSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="False for a dry run, or when any line is bad.")
    paid = serializers.IntegerField()
    failed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    lines = ImportLineSerializer(many=True, source="outcomes")
    errors = ImportErrorSerializer(many=True)


GenerateInput = form_input(CycleGenerateForm, name="CycleGenerateInput",
                           form_kwargs=lambda request: {"user": getattr(request, "user", None)})
ExportInput = form_input(CycleExportForm, name="CycleExportInput")


class ImportOptions(serializers.Serializer):
    dry_run = serializers.BooleanField(default=False, help_text="Only check the file and answer what it would do.")


class ImportInput(ImportOptions):
    file = serializers.FileField(help_text="The bank's result file, CSV or XLSX.")


@extend_schema_view(
    list=extend_schema(responses={200: CycleSerializer(many=True), **ERRORS},
                       description="Payment cycles of your area, newest month first, with their totals."),
    retrieve=extend_schema(responses={200: CycleDetailSerializer, **ERRORS}),
)
class CycleViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """A cycle is one month of one recurring programme in one district (the district's fund pays it)."""

    model = PaymentCycle
    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    parser_classes = [LimitedJSONParser, FormParser, MultiPartParser]

    def get_base_queryset(self):
        return cycles_with_totals()

    def get_serializer_class(self):
        return CycleDetailSerializer if self.action == "retrieve" else CycleSerializer

    @extend_schema(request=GenerateInput, responses={200: GenerationSerializer, **ERRORS},
                   description="Generate (or complete) a month's payment list of your district; rerunnable (only "
                               "new lines are added). ``district`` is needed only by a clerk of several districts.")
    @action(detail=False, methods=["post"])
    def generate(self, request):
        data = GenerateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.cycle_generate(actor=request.user, programme=values["programme"], month=values["month"],
                                         district=values.get("district"))
        return Response(GenerationSerializer(result).data)

    @extend_schema(parameters=[OpenApiParameter("status", enum=PaymentStatus.values, required=False)],
                   responses={200: PaymentSerializer(many=True), **ERRORS},
                   description="The cycle's lines, in the order of the bank file, and the cycle's totals by status.")
    @action(detail=True, methods=["get"])
    def payments(self, request, pk=None):
        cycle = self.get_object()
        status = clean_with_form(LineFilterForm, request.query_params)["status"]
        lines = cycle_lines(fetched_by=request.user, cycle=cycle, status=status)
        page = self.paginate_queryset(lines)
        answer = self.get_paginated_response(PaymentSerializer(page, many=True).data)
        totals = cycle_totals(fetched_by=request.user, cycle=cycle)
        answer.data["totals"] = {row.status: {"count": row.count, "amount_fen": row.amount_fen}
                                 for row in totals.by_status}
        return answer

    @extend_schema(request=ExportInput,
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
                              (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS},
                   description="The bank disbursement file: one line per payment and the totals. The first export "
                               "sends the list to the bank (no line is added afterwards); audited.")
    @action(detail=True, methods=["post"])
    def export(self, request, pk=None):
        cycle = self.get_object()
        values = self.form_data(CycleExportForm)
        bank_file = services.cycle_export(actor=request.user, cycle=cycle, file_format=values["file_format"] or "csv",
                                          ip_address=client_ip(request))
        response = HttpResponse(bank_file.content, content_type=bank_file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{bank_file.name}"'
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request={"multipart/form-data": ImportInput},
                   responses={200: ImportAnswerSerializer, **ERRORS},
                   description="Import the bank's result file. Every line is checked first; any bad line refuses "
                               "the whole file (400, each bad line an error of ``file``). With dry_run, answers what "
                               "the file would do and changes nothing.")
    @action(detail=True, methods=["post"], url_path="import")
    def import_result(self, request, pk=None):
        cycle = self.get_object()
        upload = self.form_data(BankResultForm)["file"]
        options = ImportOptions(data={"dry_run": request.data.get("dry_run", False)})
        options.is_valid(raise_exception=True)
        dry_run = options.validated_data["dry_run"]
        content = upload.read()
        if dry_run:
            check = services.cycle_import_check(actor=request.user, cycle=cycle, data=content)
        else:
            check = services.cycle_import(actor=request.user, cycle=cycle, data=content,
                                          file_name=upload.name, ip_address=client_ip(request))
        check.applied = not dry_run
        return Response(ImportAnswerSerializer(check).data)


class PaymentViewSet(ScopedReadOnlyViewSet):
    """Payment lines of your area (filter with ?cycle=<id> and ?status=)."""

    model = Payment
    serializer_class = PaymentSerializer

    @extend_schema(parameters=[OpenApiParameter("cycle", int, required=False),
                               OpenApiParameter("status", enum=PaymentStatus.values, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_base_queryset(self):
        if self.action != "list":
            return payment_lines()
        values = clean_with_form(PaymentFilterForm, self.request.query_params)
        return payment_lines(cycle_id=values["cycle"], status=values["status"])

