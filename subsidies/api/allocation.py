"""Staff API of the allocations (seed 二(二), 二(四)): weights versions, the districts' inputs, runs with
every district's share and each factor's contribution, what-if runs, comparisons and XLSX exports,
and a district's own shares. Input is read by the pages' forms; ``subsidies.services.allocation``
decides. Runs are the city's; a district reads its own shares only."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer
from portal.api_forms import FormActionMixin, clean_with_form, form_schema
from portal.audit import client_ip
from portal.models import Area
from portal.scoped_views import ScopedModelViewSet
from subsidies.constants import AllocationKind
from subsidies.exports import XLSX_TYPE, comparison_workbook, run_workbook
from subsidies.forms_funds import CompareForm, InputForm, RunForm, WeightsForm, WhatIfForm, this_year
from subsidies.models import AllocationInput, AllocationRun, AllocationShare
from subsidies.selectors.allocation import allocation_comparison, run_table, runs_base, share_detail, weights_versions
from subsidies.selectors.evaluation import performance_scores
from subsidies.services import allocation as services
from subsidies.services.fundbooks import fund_report_export_record

KIND_PARAMETER = OpenApiParameter("kind", str, enum=AllocationKind.values,
                                  description="The allocation (transfer payments unless given).")


def kind_given(data, *, required: bool = False) -> str:
    """The allocation named by ``kind`` (a field error when it is not one)."""
    value = data.get("kind") if hasattr(data, "get") else None
    if value in (None, "") and not required:
        return AllocationKind.TRANSFER
    if value not in AllocationKind.values:
        raise exceptions.ValidationError({"kind": [exceptions.ErrorDetail(_("Choose the allocation."),
                                                                          code="invalid_choice")]})
    return value


class WeightsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.IntegerField()
    effective_from = serializers.DateField()
    weights = serializers.DictField(child=serializers.CharField(), help_text="Factor → weight (a decimal string).")
    runs = serializers.IntegerField(source="runs_count", default=None)


class InputSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = AllocationInput
        fields = ["id", "kind", "year", "area", "number", "values", "created_at"]


class FactorPartSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="As entered: fen for amounts, people, or a decimal string.")
    part = serializers.CharField(help_text="The district's value over the districts' sum (12 decimals).")
    weight = serializers.CharField()
    contribution = serializers.CharField(help_text="weight × part: this factor's share of the score.")
    amount_fen = serializers.IntegerField(help_text="This factor's fen of the district's share.")


class CostSerializer(serializers.Serializer):
    name = serializers.CharField()
    cost_fen = serializers.IntegerField()
    city_fen = serializers.IntegerField(help_text="The city bears half, rounded down.")
    district_fen = serializers.IntegerField()


class ShareSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    contributions = serializers.DictField(child=FactorPartSerializer())

    class Meta:
        model = AllocationShare
        fields = ["id", "run", "area", "score", "share_fen", "district_match_fen", "contributions"]


class ShareDetailSerializer(ShareSerializer):
    costs = serializers.SerializerMethodField()

    class Meta(ShareSerializer.Meta):
        fields = [*ShareSerializer.Meta.fields, "costs"]

    def get_costs(self, share) -> list[dict]:
        row = share_detail(fetched_by=self.context["request"].user, share=share)
        return CostSerializer(row.costs, many=True).data


class RunSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    weights = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRun
        fields = ["id", "kind", "year", "area", "total_fen", "weights", "label", "created_at"]

    def get_weights(self, run) -> dict:
        return {"id": run.weights_id, "number": run.weights.number, "weights": run.weights.weights}


class RunDetailSerializer(RunSerializer):
    shares = serializers.SerializerMethodField()
    inputs = serializers.SerializerMethodField(help_text="The input versions the run used (ids).")

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "inputs", "shares"]

    def get_shares(self, run) -> list[dict]:
        table = run_table(fetched_by=self.context["request"].user, run=run)
        rows = []
        for row in table.rows:
            data = ShareSerializer(row.share).data
            data["costs"] = CostSerializer(row.costs, many=True).data
            rows.append(data)
        return rows

    def get_inputs(self, run) -> list[int]:
        return sorted(row.pk for row in run.inputs.all())


class ComparedSerializer(serializers.Serializer):
    district = serializers.CharField(source="code")
    name = serializers.CharField()
    share_a_fen = serializers.IntegerField(source="share_a")
    share_b_fen = serializers.IntegerField(source="share_b")
    difference_fen = serializers.IntegerField(source="difference")
    inputs_changed = serializers.BooleanField()
    factors = serializers.SerializerMethodField()

    def get_factors(self, row) -> dict:
        return {factor.factor: {"a_fen": factor.amount_a, "b_fen": factor.amount_b,
                                "difference_fen": factor.difference} for factor in row.factors}


class ComparisonSerializer(serializers.Serializer):
    a = serializers.IntegerField(source="a.pk")
    b = serializers.IntegerField(source="b.pk")
    weights = serializers.ListField(source="weight_changes", child=serializers.DictField())
    rows = ComparedSerializer(many=True)


def _weights_body(kind: str) -> type[serializers.Serializer]:
    return form_schema(WeightsForm, f"{kind.title().replace('_', '')}WeightsBody", form_kwargs={"kind": kind},
                       extra={"kind": serializers.ChoiceField(choices=AllocationKind.choices)})


@extend_schema_view(list=extend_schema(summary="Weights versions of an allocation, newest first",
                                       parameters=[KIND_PARAMETER], responses={200: WeightsSerializer(many=True),
                                                                               **ERRORS}))
class WeightsViewSet(ScopedModelViewSet):
    """Weights belong to no area: the city's published formula (the scope is the reader's areas)."""

    model = Area
    pagination_class = None  # a handful of versions, answered whole

    def list(self, request):
        kind = kind_given(request.query_params)
        return Response(WeightsSerializer(weights_versions(fetched_by=request.user, kind=kind), many=True).data)

    @extend_schema(summary="Save a new weights version (city staff): one decimal per factor, adding up to 1",
                   request=_weights_body(AllocationKind.TRANSFER), responses={201: WeightsSerializer, **ERRORS})
    def create(self, request):
        kind = kind_given(request.data, required=True)
        values = clean_with_form(WeightsForm, request.data, kind=kind)
        version = services.allocation_weights_save(actor=request.user, kind=kind,
                                                   weights={name: values.get(name) for name in services.factors_of(kind)},
                                                   effective_from=values.get("effective_from"))
        return Response(WeightsSerializer(version).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Input versions of the districts in my area", parameters=[
        KIND_PARAMETER, OpenApiParameter("year", int)], responses={200: InputSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An input version", responses={200: InputSerializer, **ERRORS}),
)
class InputViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = AllocationInput
    serializer_class = InputSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return AllocationInput.objects.select_related("area").order_by("area_path", "-number")

    def list(self, request):
        kind = kind_given(request.query_params)
        year = request.query_params.get("year") or str(this_year())
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise exceptions.ValidationError({"year": [exceptions.ErrorDetail(_("Enter a year."), code="invalid")]})
        page = self.paginate_queryset(self.get_queryset().filter(kind=kind, year=int(year)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="Save a district's values for a year's allocation as a new version (city staff)",
                   request=form_schema(InputForm, "InputBody", form_kwargs={"kind": AllocationKind.TRANSFER},
                                       extra={"kind": serializers.ChoiceField(choices=AllocationKind.choices)}),
                   responses={201: InputSerializer, **ERRORS})
    def create(self, request):
        kind = kind_given(request.data, required=True)
        form = self.valid_form(InputForm, kind=kind, user=request.user, not_found={"area": "invalid_choice"})
        row = services.allocation_input_save(actor=request.user, kind=kind, year=form.cleaned_data["year"],
                                             area=form.cleaned_data["area"], values=form.values_data())
        return Response(InputSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Put last year's evaluation scores into this year's transfer inputs (city staff)",
                   parameters=[OpenApiParameter("year", int)], request=None, responses={200: OpenApiTypes.OBJECT,
                                                                                         **ERRORS})
    @action(detail=False, methods=["post"])
    def performance(self, request):
        raw = str(request.data.get("year") or this_year())
        if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
            raise exceptions.ValidationError({"year": [exceptions.ErrorDetail(_("Enter a year."), code="invalid")]})
        year = int(raw)
        taken = services.allocation_inputs_take_performance(
            actor=request.user, year=year, scores=performance_scores(fetched_by=request.user, year=year - 1))
        return Response({"year": year, "updated": taken.updated, "unchanged": taken.unchanged,
                         "without_input": taken.without_input, "without_score": taken.without_score})


@extend_schema_view(
    list=extend_schema(summary="Allocation runs (the city's)", parameters=[KIND_PARAMETER],
                       responses={200: RunSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A run with every district's share and each factor's contribution",
                           responses={200: RunDetailSerializer, **ERRORS}),
)
class RunViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = AllocationRun
    serializer_class = RunSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return runs_base()

    def get_serializer_class(self):
        return RunDetailSerializer if self.action in ("retrieve", "create", "what_if") else RunSerializer

    def list(self, request):
        kind = request.query_params.get("kind")
        queryset = self.get_queryset()
        if kind:
            queryset = queryset.filter(kind=kind_given(request.query_params))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(RunSerializer(page, many=True).data)

    @extend_schema(summary="Compute an allocation of the city's money among its districts (city staff)",
                   request=form_schema(RunForm, "RunBody", extra={
                       "kind": serializers.ChoiceField(choices=AllocationKind.choices),
                       "weights": serializers.IntegerField(help_text="The weights version's id.")}),
                   responses={201: RunDetailSerializer, **ERRORS})
    def create(self, request):
        kind = kind_given(request.data, required=True)
        values = self.form_data(RunForm, kind=kind)
        return self.call(services.allocation_run, kind=kind, status=status.HTTP_201_CREATED, **values)

    @extend_schema(summary="The same run with other weights (a what-if); compare the two runs after",
                   request=form_schema(WhatIfForm, "WhatIfBody", form_kwargs={"kind": AllocationKind.TRANSFER}),
                   responses={201: RunDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="what-if")
    def what_if(self, request, pk=None):
        run = self.get_object()
        values = self.form_data(WhatIfForm, kind=run.kind)
        weights = {name: values.get(name) for name in services.factors_of(run.kind)}
        return self.call(services.allocation_what_if, run=run, weights=weights, label=values.get("label") or "",
                         status=status.HTTP_201_CREATED)

    @extend_schema(summary="A run as an XLSX workbook (audited)",
                   responses={(200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        run = self.get_object()
        fund_report_export_record(actor=request.user, report="allocation_run", area=run.area, details={"run": run.pk},
                                  ip_address=client_ip(request))
        response = HttpResponse(run_workbook(run_table(fetched_by=request.user, run=run)), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="allocation-{run.kind}-{run.year}-{run.pk}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response

    def _pair(self, request) -> tuple[AllocationRun, AllocationRun]:
        values = clean_with_form(CompareForm, request.query_params)
        runs = {run.pk: run for run in self.get_queryset().filter(pk__in=[values["a"], values["b"]])}
        if values["a"] not in runs or values["b"] not in runs:
            raise exceptions.NotFound(_("Not found."))
        return runs[values["a"]], runs[values["b"]]

    @extend_schema(summary="Who gains what between two runs of the same allocation",
                   parameters=[form_schema(CompareForm, "CompareQuery")],
                   responses={200: ComparisonSerializer, **ERRORS})
    @action(detail=False, methods=["get"])
    def compare(self, request):
        a, b = self._pair(request)
        return Response(ComparisonSerializer(allocation_comparison(fetched_by=request.user, a=a, b=b)).data)

    @extend_schema(summary="A comparison of two runs as an XLSX workbook (audited)",
                   parameters=[form_schema(CompareForm, "CompareExportQuery")],
                   responses={(200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    @action(detail=False, methods=["get"], url_path="compare/export")
    def compare_export(self, request):
        a, b = self._pair(request)
        comparison = allocation_comparison(fetched_by=request.user, a=a, b=b)
        fund_report_export_record(actor=request.user, report="allocation_comparison", area=a.area,
                                  details={"a": a.pk, "b": b.pk}, ip_address=client_ip(request))
        response = HttpResponse(comparison_workbook(comparison), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="allocation-compare-{a.pk}-{b.pk}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response


@extend_schema_view(
    list=extend_schema(summary="Shares of the districts in my area", responses={200: ShareSerializer(many=True),
                                                                               **ERRORS}),
    retrieve=extend_schema(summary="A district's share, factor by factor", responses={200: ShareDetailSerializer,
                                                                                      **ERRORS}),
)
class ShareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """A district's staff read their own district's shares; the city every district's."""

    model = AllocationShare
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return AllocationShare.objects.select_related("area", "run").order_by("-run__created_at", "-run_id",
                                                                             "area_path")

    def get_serializer_class(self):
        return ShareDetailSerializer if self.action == "retrieve" else ShareSerializer
