"""Staff API of the employment funds (seed 二(一)) and the fund-use evaluation (二(五)).

``/api/staff/subsidies/funds/``: the funds of my area by year with balances and the 1.5 % check, a
fund's ledger, and the city's writes (enter a fund, correct it, allocate money into it).
``/api/staff/subsidies/evaluation/``: the year-end evaluation table of my districts, its export and the
city's targets. Input is read by the pages' forms (``portal.api_forms``); the services decide.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer
from portal.api_forms import FormActionMixin, clean_with_form, form_input, form_schema
from portal.audit import client_ip
from portal.models import Area
from portal.scoped_views import ScopedModelViewSet
from subsidies.exports import XLSX_TYPE, evaluation_csv, evaluation_workbook
from subsidies.forms_funds import (
    EvaluationExportForm,
    EvaluationYearForm,
    FundAllocateForm,
    FundEditForm,
    FundForm,
    FundYearForm,
    TargetForm,
    this_year,
)
from subsidies.models import EvaluationTarget, Fund, FundEntry
from subsidies.selectors.evaluation import evaluation, reader_area
from subsidies.selectors.funds import fund_ledger, funds_base, funds_narrowed
from subsidies.services import fundbooks as services
from subsidies.services.evaluation import evaluation_target_save
from subsidies.services.fundbooks import fund_check


def _user(request) -> dict:
    return {"user": getattr(request, "user", None)}


class FundSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    available_fen = serializers.IntegerField(read_only=True, help_text="Allocated − reserved − paid.")
    minimum_fen = serializers.SerializerMethodField(help_text="1.5 % of last year's revenue, rounded up to the fen.")
    shortfall_fen = serializers.SerializerMethodField(help_text="How much the fund is below the minimum (0: meets it).")
    short = serializers.SerializerMethodField(help_text="Below 1.5 % of last year's general budget revenue.")

    class Meta:
        model = Fund
        fields = ["id", "area", "year", "budget_fen", "prior_year_revenue_fen", "minimum_fen", "shortfall_fen",
                  "short", "allocated_fen", "reserved_fen", "paid_fen", "available_fen"]

    def get_minimum_fen(self, fund) -> int:
        return fund_check(fund).minimum_fen

    def get_shortfall_fen(self, fund) -> int:
        return fund_check(fund).shortfall_fen

    def get_short(self, fund) -> bool:
        return fund_check(fund).short


class FundEntrySerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="application.programme.name", default=None, read_only=True)
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    available_after_fen = serializers.IntegerField(source="available_after", read_only=True,
                                                   help_text="What the fund had available after this entry.")

    class Meta:
        model = FundEntry
        fields = ["id", "kind", "amount_fen", "application", "payment", "programme", "note", "actor", "created_at",
                  "available_after_fen"]


FundInput = form_input(FundForm, form_kwargs=_user, not_found={"area": "invalid_choice"}, name="FundInput")
FundEditInput = form_input(FundEditForm, name="FundEditInput")
FundAllocateInput = form_input(FundAllocateForm, name="FundAllocateInput")


@extend_schema_view(
    list=extend_schema(summary="The year's employment funds of my area, with the 1.5 % check",
                       parameters=[form_schema(FundYearForm, "FundQuery")],
                       responses={200: FundSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An employment fund", responses={200: FundSerializer, **ERRORS}),
)
class StaffFundViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Funds of the reader's area: a district's staff read their district's, the city all of its own."""

    model = Fund
    serializer_class = FundSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return funds_base()

    def list(self, request):
        values = clean_with_form(FundYearForm, request.query_params)
        queryset = funds_narrowed(self.get_queryset(), year=values.get("year") or this_year(),
                                  short_only=bool(values.get("short")))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Enter a year's employment fund of the city or a district (city staff)",
                   request=FundInput, responses={201: FundSerializer, **ERRORS})
    def create(self, request):
        return self.call(services.fund_create, input=FundInput, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Correct a fund's budget or last year's revenue (city staff)", request=FundEditInput,
                   responses={200: FundSerializer, **ERRORS})
    def update(self, request, pk=None):
        return self.call(services.fund_update, record="fund", input=FundEditInput)

    @extend_schema(summary="Allocate money into a fund: an entry of its ledger (city staff)",
                   request=FundAllocateInput, responses={200: FundSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        fund = self.get_object()
        services.fund_money_allocate(actor=request.user, fund=fund, **self.form_data(FundAllocateForm))
        return self.answer(fund)

    @extend_schema(summary="A fund's ledger, newest first, with what was available after each entry",
                   responses={200: FundEntrySerializer(many=True), **ERRORS})
    @action(detail=True, methods=["get"])
    def entries(self, request, pk=None):
        page = self.paginate_queryset(fund_ledger(fetched_by=request.user, fund=self.get_object()))
        return self.get_paginated_response(FundEntrySerializer(page, many=True).data)


# --- Evaluation ------------------------------------------------------------------------------------


class EvaluationRowSerializer(serializers.Serializer):
    district = serializers.CharField(source="code")
    name = serializers.CharField()
    fund = serializers.IntegerField(source="fund_id", allow_null=True)
    budget_fen = serializers.IntegerField(allow_null=True)
    allocated_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    paid_by_programme_fen = serializers.DictField(source="spending", child=serializers.IntegerField(),
                                                  help_text="Programme id → fen paid from the fund.")
    people_served = serializers.IntegerField()
    placements = serializers.IntegerField()
    target_people = serializers.IntegerField(allow_null=True)
    target_placements = serializers.IntegerField(allow_null=True)
    cost_per_placement_fen = serializers.IntegerField(allow_null=True)
    people_attainment = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    placement_attainment = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True,
                                     help_text="Offered as next year's fund_performance factor.")
    shortfall_fen = serializers.SerializerMethodField(help_text="Below 1.5 % of last year's revenue by (null: no fund).")

    def get_shortfall_fen(self, row) -> int | None:
        check = row.check
        return check.shortfall_fen if check else None


class ProgrammeColumnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(many=False)  # the list view answers one table
class EvaluationSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    programmes = ProgrammeColumnSerializer(many=True)
    rows = EvaluationRowSerializer(many=True)


class EvaluationTargetSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = EvaluationTarget
        fields = ["id", "area", "year", "people_served", "placements"]


TargetInput = form_input(TargetForm, form_kwargs=_user, not_found={"area": "invalid_choice"}, name="FundUseTargetInput")


class EvaluationViewSet(ScopedModelViewSet):
    """The fund-use evaluation of the reader's districts (the scope is the reader's areas)."""

    model = Area
    pagination_class = None  # one table, answered whole

    @extend_schema(summary="The year-end fund-use evaluation of my districts",
                   parameters=[form_schema(EvaluationYearForm, "EvaluationQuery")],
                   responses={200: EvaluationSerializer, **ERRORS})
    def list(self, request):
        values = clean_with_form(EvaluationYearForm, request.query_params)
        year = values.get("year") or this_year()
        return Response(EvaluationSerializer(evaluation(fetched_by=request.user, year=year)).data)

    @extend_schema(summary="The evaluation as XLSX or CSV (audited)",
                   parameters=[form_schema(EvaluationExportForm, "EvaluationExportQuery")],
                   responses={(200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
                              (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    @action(detail=False, methods=["get"])
    def export(self, request):
        values = clean_with_form(EvaluationExportForm, request.query_params)
        year = values.get("year") or this_year()
        file_format = values.get("file_format") or "xlsx"
        table = evaluation(fetched_by=request.user, year=year)
        area = reader_area(fetched_by=request.user)
        services.fund_report_export_record(actor=request.user, report="evaluation", area=area,
                                           details={"year": year, "format": file_format,
                                                    "districts": [row.code for row in table.rows]},
                                           ip_address=client_ip(request))
        if file_format == "csv":
            response = HttpResponse(evaluation_csv(table), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(evaluation_workbook(table, area=area), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="fund-evaluation-{year}.{file_format}"'
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="Set a district's fund-use targets for a year (city staff)", request=TargetInput,
                   responses={200: EvaluationTargetSerializer, **ERRORS})
    @action(detail=False, methods=["post"])
    def targets(self, request):
        data = TargetInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        target = evaluation_target_save(actor=request.user, **data.validated_data)
        return Response(EvaluationTargetSerializer(target).data)
