"""Staff API of targets (seed 四), district types, authenticity checks, staff use and forecast runs, under
/api/staff/analytics/. Bodies are read by the pages' forms (``portal.api_forms``); the services judge.
Everything is scoped: an area or record outside the reader's subtree answers 404.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from analytics.constants import DASHBOARD_ROLES, TARGET_ROLES, DistrictType, Indicator
from analytics.forms_targets import ChecksForm, DecomposeInputForm, DistrictTypeForm, TargetForm, YearAreaForm
from analytics.models import DailyFact, DistrictProfile, Forecast, Target
from analytics.selectors.checks import authenticity_checks
from analytics.selectors.staffuse import staff_use
from analytics.selectors.targets import district_types, reader_area, target_detail, target_progress
from analytics.services.forecasts import forecasts_request
from analytics.services.targets import district_type_set, target_set, targets_decompose
from portal.api_base import ERRORS, AreaBriefSerializer
from portal.api_forms import FormActionMixin, clean_with_form, form_schema
from portal.scoped_views import ScopedModelViewSet

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="The year (this year when left out).")
AREA = OpenApiParameter("area", OpenApiTypes.STR, description="Division code (12 digits); your area when left "
                        "out. Outside your jurisdiction: 404.")


# --- Targets ------------------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    indicator_label = serializers.CharField(source="get_indicator_display", read_only=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The target this one is a part of.")
    set_by = serializers.CharField(source="set_by.display_name", read_only=True)
    parts_sum = serializers.SerializerMethodField(help_text="What the parts below add up to (null: not decomposed).")

    class Meta:
        model = Target
        fields = ["id", "area", "year", "indicator", "indicator_label", "value", "parent", "parts_sum", "set_by",
                  "set_at"]

    def get_parts_sum(self, target) -> int | None:
        if getattr(target, "parts_count", None) is not None:
            return target.parts_sum if target.parts_count else None
        parts = list(target.parts.values_list("value", flat=True))
        return sum(parts) if parts else None


class TargetPartSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = Target
        fields = ["id", "area", "value"]


class TargetDetailSerializer(TargetSerializer):
    parts = TargetPartSerializer(many=True, read_only=True)

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "parts"]


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    count = serializers.IntegerField()
    cumulative = serializers.IntegerField()


class IndicatorProgressSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=Indicator.choices)
    label = serializers.CharField()
    target_id = serializers.IntegerField(source="target.pk", allow_null=True, default=None)
    target = serializers.IntegerField(source="value", allow_null=True)
    measured = serializers.BooleanField(help_text="False: no fact measures this indicator yet.")
    achieved = serializers.IntegerField(allow_null=True)
    expected = serializers.IntegerField(allow_null=True, help_text="The target times the share of the year gone.")
    percent = serializers.FloatField(allow_null=True)
    on_track = serializers.BooleanField(allow_null=True)
    parts_sum = serializers.IntegerField(allow_null=True)
    parts_difference = serializers.IntegerField(allow_null=True)
    months = MonthSerializer(many=True)


class AreaProgressSerializer(serializers.Serializer):
    area = AreaBriefSerializer()
    district_type = serializers.ChoiceField(choices=DistrictType.choices, allow_null=True)
    indicators = IndicatorProgressSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    on_date = serializers.DateField()
    year_elapsed = serializers.FloatField()
    own = AreaProgressSerializer()
    rows = AreaProgressSerializer(many=True)


class DecomposeSerializer(serializers.Serializer):
    parts = serializers.DictField(child=serializers.IntegerField(min_value=0),
                                  help_text="Each child area's code and its part; they must add up to the target.")


class TargetViewSet(FormActionMixin, mixins.ListModelMixin, ScopedModelViewSet):
    """Targets of the reader's subtree: the city sets a district's, a district decomposes its own."""

    model = Target
    scope_roles = TARGET_ROLES
    serializer_class = TargetSerializer

    def get_base_queryset(self):
        return (Target.objects.select_related("area", "set_by", "parent").order_by("-year", "indicator", "area_path"))

    def filter_queryset(self, queryset):
        values = clean_with_form(YearAreaForm, self.request.query_params)
        if values.get("year"):
            queryset = queryset.filter(year=values["year"])
        if values.get("area"):
            queryset = queryset.within(reader_area(fetched_by=self.request.user, code=values["area"]))
        return queryset

    @extend_schema(summary="Targets in your subtree", parameters=[YEAR, AREA],
                   responses={200: TargetSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A target with its parts", responses={200: TargetDetailSerializer, **ERRORS})
    def retrieve(self, request, pk=None):
        target = target_detail(fetched_by=request.user, pk=self.get_object().pk)
        return Response(TargetDetailSerializer(target, context=self.get_serializer_context()).data)

    @extend_schema(summary="Set a district's target (the city)",
                   request=form_schema(TargetForm, "TargetInput"), responses={201: TargetSerializer, **ERRORS})
    def create(self, request):
        values = self.form_data(TargetForm)
        target = target_set(actor=request.user, **values)
        return self.answer(target, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Decompose a target to the areas below its area (the parts must add up)",
                   request=DecomposeSerializer, responses={200: TargetDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decompose(self, request, pk=None):
        target = self.get_object()
        values = self.form_data(DecomposeInputForm)
        targets_decompose(actor=request.user, target=target, parts=values["parts"])
        return Response(TargetDetailSerializer(target_detail(fetched_by=request.user, pk=target.pk),
                                               context=self.get_serializer_context()).data)

    @extend_schema(summary="Progress against target of an area and the areas below it, month by month",
                   parameters=[YEAR, AREA], responses={200: ProgressSerializer, **ERRORS})
    @action(detail=False, methods=["get"])
    def progress(self, request):
        values = clean_with_form(YearAreaForm, request.query_params)
        area = reader_area(fetched_by=request.user, code=values.get("area"))
        year = values.get("year") or timezone.localdate().year
        return Response(ProgressSerializer(target_progress(fetched_by=request.user, year=year, area=area)).data)


# --- District types -------------------------------------------------------------------------------------


class DistrictTypeSerializer(serializers.Serializer):
    district = AreaBriefSerializer()
    district_type = serializers.ChoiceField(choices=DistrictType.choices, allow_null=True)
    indicators = serializers.SerializerMethodField()

    def get_indicators(self, row) -> list[str]:
        return [value for value, _label in row.indicators]


class DistrictTypeViewSet(FormActionMixin, ScopedModelViewSet):
    model = DistrictProfile
    scope_roles = TARGET_ROLES
    pagination_class = None  # the districts of a city, answered whole

    @extend_schema(summary="The districts of your subtree with their types and indicators",
                   responses={200: DistrictTypeSerializer(many=True), **ERRORS})
    def list(self, request):
        return Response(DistrictTypeSerializer(district_types(fetched_by=request.user), many=True).data)

    @extend_schema(summary="Set a district's type (the city)", request=form_schema(DistrictTypeForm, "DistrictType"),
                   responses={200: DistrictTypeSerializer, **ERRORS})
    def create(self, request):
        values = self.form_data(DistrictTypeForm)
        district_type_set(actor=request.user, **values)
        row = next(r for r in district_types(fetched_by=request.user) if r.district == values["district"])
        return Response(DistrictTypeSerializer(row).data)


# --- Authenticity checks --------------------------------------------------------------------------------


class CountRowSerializer(serializers.Serializer):
    month = serializers.DateField()
    area = serializers.CharField(source="area.code", allow_null=True, default=None)
    source = serializers.CharField()
    ledger = serializers.IntegerField(allow_null=True)
    reported = serializers.IntegerField()
    difference = serializers.IntegerField()


class IncompleteSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="registration.pk")
    person = serializers.IntegerField(source="registration.person_id")
    name = serializers.CharField(source="registration.person.name")
    identity_number = serializers.CharField(source="registration.person.id_masked")
    area = serializers.CharField(source="registration.area_id")
    kind = serializers.CharField(source="registration.kind")
    started_on = serializers.DateField(source="registration.started_on")
    problems = serializers.ListField(child=serializers.CharField())


class CheckSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    count = serializers.IntegerField()
    rows = serializers.SerializerMethodField()

    def get_rows(self, check) -> list[dict]:
        if not check.rows:
            return []
        if hasattr(check.rows[0], "registration"):
            return IncompleteSerializer(check.rows, many=True).data
        return CountRowSerializer(check.rows, many=True).data


class DistrictChecksSerializer(serializers.Serializer):
    district = AreaBriefSerializer()
    flagged = serializers.BooleanField()
    ledger_total = serializers.IntegerField()
    reported_total = serializers.IntegerField()
    checks = CheckSerializer(many=True)


@extend_schema_serializer(many=False)  # the list view answers one table
class ChecksSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    generated_days = serializers.BooleanField(help_text="Some reported figures are generated demo history.")
    results = DistrictChecksSerializer(many=True, source="districts")
    detail = DistrictChecksSerializer(allow_null=True, help_text="The district whose records are listed.")


class ChecksViewSet(ScopedModelViewSet):
    model = DailyFact
    scope_roles = TARGET_ROLES
    pagination_class = None  # one table, answered whole

    @extend_schema(summary="Authenticity checks of new-employment counts, a flag per district",
                   parameters=[YEAR, AREA, OpenApiParameter("district", OpenApiTypes.STR,
                                                            description="The district whose records are listed.")],
                   responses={200: ChecksSerializer, **ERRORS})
    def list(self, request):
        values = clean_with_form(ChecksForm, request.query_params)
        area = reader_area(fetched_by=request.user, code=values.get("area"))
        detail = reader_area(fetched_by=request.user, code=values["district"]) if values.get("district") else None
        year = values.get("year") or timezone.localdate().year
        return Response(ChecksSerializer(authenticity_checks(fetched_by=request.user, year=year, area=area,
                                                             detail=detail)).data)


# --- Staff use --------------------------------------------------------------------------------------------


class StaffUseForm(forms.Form):
    area = forms.CharField(required=False, max_length=12)
    date_from = forms.DateField(required=False, label=_("From"))
    date_to = forms.DateField(required=False, label=_("To"))


class WorkloadSerializer(serializers.Serializer):
    registrations = serializers.IntegerField()
    reviews = serializers.IntegerField()
    referrals = serializers.IntegerField()
    applications = serializers.IntegerField()
    total = serializers.IntegerField()


class WindowSerializer(serializers.Serializer):
    area_code = serializers.CharField(allow_null=True)
    area_name = serializers.CharField()
    clerks = serializers.IntegerField()
    workload = WorkloadSerializer()


class ClerkSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    username = serializers.CharField()
    window_code = serializers.CharField(allow_null=True)
    window_name = serializers.CharField()
    workload = WorkloadSerializer()
    steps = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)


class StepSerializer(serializers.Serializer):
    object_type = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)


class OverdueSerializer(serializers.Serializer):
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    commitments_overdue = serializers.IntegerField()
    commitments_met_late = serializers.IntegerField()
    applications_overdue = serializers.IntegerField()


@extend_schema_serializer(many=False)  # the list view answers one report
class StaffUseSerializer(serializers.Serializer):
    area = AreaBriefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    windows = WindowSerializer(many=True)
    results = ClerkSerializer(many=True, source="clerks")
    steps = StepSerializer(many=True)
    overdue = OverdueSerializer(many=True)


class StaffUseViewSet(ScopedModelViewSet):
    model = DailyFact
    scope_roles = DASHBOARD_ROLES
    pagination_class = None  # one report, answered whole

    @extend_schema(summary="Staff use: workload per window and clerk, processing time per step, overdue counts",
                   parameters=[AREA, OpenApiParameter("date_from", OpenApiTypes.DATE),
                               OpenApiParameter("date_to", OpenApiTypes.DATE)],
                   responses={200: StaffUseSerializer, **ERRORS})
    def list(self, request):
        values = clean_with_form(StaffUseForm, request.query_params)
        area = reader_area(fetched_by=request.user, code=values.get("area"))
        return Response(StaffUseSerializer(staff_use(fetched_by=request.user, area=area,
                                                     date_from=values.get("date_from"),
                                                     date_to=values.get("date_to"))).data)


# --- Forecast runs -----------------------------------------------------------------------------------------


class ForecastRunSerializer(serializers.Serializer):
    made_on = serializers.DateField()
    queued = serializers.BooleanField(help_text=_(
        "False when the task service was unreachable: the request is kept and sent once it answers."))
    message = serializers.CharField()


class ForecastRunViewSet(ScopedModelViewSet):
    model = Forecast
    scope_roles = TARGET_ROLES

    @extend_schema(summary="Make the forecasts again now (the city; they are also made monthly)", request=None,
                   responses={202: ForecastRunSerializer, **ERRORS})
    def create(self, request):
        made_on, queued = forecasts_request(actor=request.user)
        message = (_("The forecasts are being made; they appear on the dashboards when done.") if queued else
                   _("The task service is unreachable: the request is kept and starts as soon as it is back."))
        return Response({"made_on": made_on, "queued": queued, "message": message}, status=status.HTTP_202_ACCEPTED)
