"""Chart data of the dashboards: JSON the pages' charts are drawn from (``analytics/charts.js``).

Each endpoint answers for one area of the reader's subtree (``?area=<code>``, their home area when
left out; another area is not found) from the same selectors as the page, so a chart never shows
a number the table under it does not. The answer is library-neutral: month or area categories and
named series of numbers; the script turns it into an ECharts option.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from analytics.constants import DASHBOARD_ROLES
from analytics.forms_dashboard import DayForm, PeriodForm, TrendForm
from analytics.models import DailyFact
from analytics.selectors.dashboard import (
    NEW_EMPLOYMENT,
    area_forecasts,
    area_overview,
    dashboard_area,
    facts_span,
    monthly_trend,
)
from analytics.selectors.staffuse import WORK_KINDS, staff_use
from portal.api_base import ERRORS, AreaBriefSerializer
from portal.api_forms import clean_with_form
from portal.scoped_views import ScopedViewSetMixin


class ChartSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["bar", "line"])
    unit = serializers.CharField()
    data = serializers.ListField(child=serializers.FloatField(allow_null=True))


class ChartSerializer(serializers.Serializer):
    """A chart: categories along the x axis and series of numbers (null where unknown)."""

    kind = serializers.ChoiceField(choices=["trend", "areas", "stacked", "forecast"])
    title = serializers.CharField()
    area = AreaBriefSerializer()
    day = serializers.DateField(allow_null=True)
    categories = serializers.ListField(child=serializers.CharField())
    series = ChartSeriesSerializer(many=True)
    target = serializers.IntegerField(allow_null=True, required=False)
    bands = serializers.DictField(child=serializers.ListField(child=serializers.FloatField(allow_null=True)),
                                  required=False, help_text="Forecast intervals: lo80, hi80, lo95, hi95.")
    model = serializers.CharField(required=False, allow_null=True)


AREA_PARAMETER = OpenApiParameter("area", OpenApiTypes.STR, description="Division code (12 digits); your area "
                                  "when left out. Outside your jurisdiction: 404.")
ON_PARAMETER = OpenApiParameter("on", OpenApiTypes.DATE, description="The day figures are read on "
                                "(the last day with facts when left out).")


def _area_brief(area) -> dict:
    return {"code": area.code, "name": area.name, "level": area.level}


def _series(key, name, kind, unit, data) -> dict:
    return {"key": key, "name": str(name), "type": kind, "unit": str(unit), "data": list(data)}


def _month(day) -> str:
    return f"{day:%Y-%m}"


class ChartView(ScopedViewSetMixin, GenericAPIView):
    """Base of the chart endpoints: officials and administrators, their subtree only."""

    model = DailyFact
    scope_roles = DASHBOARD_ROLES
    serializer_class = ChartSerializer

    def chart_area(self):
        area, _crumbs = dashboard_area(fetched_by=self.request.user, code=self.request.query_params.get("area"))
        return area


@extend_schema(parameters=[AREA_PARAMETER, ON_PARAMETER,
                           OpenApiParameter("months", OpenApiTypes.INT, description="Months shown (1–120).")],
               responses={200: ChartSerializer, **ERRORS})
class TrendChartView(ChartView):
    """New employment per month and registered unemployed, positions and seekers at each month's end."""

    def get(self, request):
        data = clean_with_form(TrendForm, request.query_params)
        area = self.chart_area()
        first, last = facts_span(fetched_by=request.user, area=area)
        day = data.get("on") or last
        trend = monthly_trend(fetched_by=request.user, area=area, day=day, first_day=first, last_day=last,
                              **({"months": data["months"]} if data.get("months") else {})) if day else []
        persons = _("persons")
        return Response({
            "kind": "trend", "title": _("Month by month"), "area": _area_brief(area), "day": day,
            "categories": [_month(m.month) for m in trend],
            "series": [
                _series("new_employment", _("New employment"), "bar", persons, (m.new_employment for m in trend)),
                _series("unemployed", _("Registered unemployed at month end"), "line", persons,
                        (m.unemployed for m in trend)),
            ],
        })


@extend_schema(parameters=[AREA_PARAMETER, ON_PARAMETER], responses={200: ChartSerializer, **ERRORS})
class AreasChartView(ChartView):
    """Each child area's new employment this year beside its target."""

    def get(self, request):
        data = clean_with_form(DayForm, request.query_params)
        area = self.chart_area()
        overview = area_overview(fetched_by=request.user, area=area, day=data.get("on"))
        children = overview.children
        persons = _("persons")
        return Response({
            "kind": "areas", "title": _("New employment this year by area"), "area": _area_brief(area),
            "day": overview.periods.day if overview.periods else None,
            "categories": [c.area.name for c in children],
            "series": [
                _series("new_employment_year", _("New employment this year"), "bar", persons,
                        (c.figures[NEW_EMPLOYMENT].year for c in children)),
                _series("target", _("Target this year"), "bar", persons, (c.target for c in children)),
            ],
        })


@extend_schema(parameters=[AREA_PARAMETER,
                           OpenApiParameter("series", OpenApiTypes.STR, required=True,
                                            description="The forecast series (new_employment, unemployed).")],
               responses={200: ChartSerializer, **ERRORS})
class ForecastChartView(ChartView):
    """The series' history and its latest forecast with 80 % and 95 % intervals."""

    HISTORY_MONTHS = 36

    def get(self, request):
        area = self.chart_area()
        series_key = request.query_params.get("series", "")
        forecast = next((f for f in area_forecasts(fetched_by=request.user, area=area) if f.series == series_key),
                        None)
        if forecast is None:
            raise Http404(_("No forecast of this series for this area."))
        first, last = facts_span(fetched_by=request.user, area=area)
        history = monthly_trend(fetched_by=request.user, area=area, day=last, first_day=first, last_day=last,
                                months=self.HISTORY_MONTHS) if last else []
        ahead = forecast.months
        start = ahead[0].month if ahead else None
        past = [m for m in history if start is None or m.month < start]
        categories = [_month(m.month) for m in past] + [_month(m.month) for m in ahead]
        blanks = [None] * len(past)
        actual = [getattr(m, series_key, None) for m in past] + [None] * len(ahead)
        return Response({
            "kind": "forecast", "title": str(forecast.label), "area": _area_brief(area), "day": last,
            "categories": categories, "model": forecast.model,
            "series": [
                _series("actual", _("Actual"), "line", _("persons"), actual),
                _series("forecast", _("Forecast"), "line", _("persons"), blanks + [round(m.point) for m in ahead]),
            ],
            "bands": {name: blanks + [round(getattr(m, name)) for m in ahead]
                      for name in ("lo80", "hi80", "lo95", "hi95")},
        })


@extend_schema(parameters=[AREA_PARAMETER, OpenApiParameter("date_from", OpenApiTypes.DATE),
                           OpenApiParameter("date_to", OpenApiTypes.DATE)],
               responses={200: ChartSerializer, **ERRORS})
class StaffUseChartView(ChartView):
    """Workload per window over a period (this month so far), stacked by kind of work."""

    def get(self, request):
        data = clean_with_form(PeriodForm, request.query_params)
        area = self.chart_area()
        use = staff_use(fetched_by=request.user, area=area, date_from=data.get("date_from"),
                        date_to=data.get("date_to"))
        return Response({
            "kind": "stacked", "title": _("Workload per window"), "area": _area_brief(area), "day": use.date_to,
            "categories": [w.area_name or _("(no window)") for w in use.windows],
            "series": [_series(kind, label, "bar", _("items"), (getattr(w.workload, kind) for w in use.windows))
                       for kind, label in WORK_KINDS.items()],
        })
