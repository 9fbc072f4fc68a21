"""The monthly analysis and forecast report (就业形势分析预测报告, seed 一(二)4) of an area, as a page
that prints cleanly on A4: key figures of the month with their changes, the child areas, progress
against the year's targets, the trend, the forecasts with the model each uses, and how the
figures were made."""

from __future__ import annotations

from django.utils import timezone

from analytics.forms_dashboard import MonthForm
from analytics.selectors.dashboard import (
    area_forecasts,
    area_overview,
    facts_span,
    month_end,
    monthly_trend,
    runs_status,
)
from analytics.tables import children_table, forecast_table, key_figures_table, trend_table
from analytics.views.dashboard import DashboardPage, chosen

REPORT_TREND_MONTHS = 13  # the month and the twelve before it: a year-on-year comparison in one table


class ReportView(DashboardPage):
    """/staff/analytics/report/?area=<code>&month=YYYY-MM"""

    template_name = "analytics/report/monthly.html"
    page = "report"
    form_class = MonthForm

    def build(self, form, area, crumbs) -> dict:
        user = self.request.user
        first, last = facts_span(fetched_by=user, area=area)
        month = chosen(form, "month")
        if last is None:
            return {"day": None, "tables": [], "made_at": timezone.localtime()}
        month = month or last.replace(day=1)
        day = min(month_end(month), last)
        if day < month:  # a month after the last day with facts
            return {"day": None, "month": month, "tables": [], "made_at": timezone.localtime(), "last_day": last}
        overview = area_overview(fetched_by=user, area=area, day=day, span=(first, last))
        trend = monthly_trend(fetched_by=user, area=area, day=day, first_day=first, last_day=last,
                              months=REPORT_TREND_MONTHS)
        forecasts = area_forecasts(fetched_by=user, area=area, with_backtests=False)
        figures = key_figures_table(overview.summary, compact=True)
        areas = children_table(overview, None)
        trend_rows = trend_table(trend)
        forecast_tables = [(f, forecast_table(f)) for f in forecasts]
        tables = [figures, trend_rows, *(t for _f, t in forecast_tables)]
        if overview.children:
            tables.insert(1, areas)
        return {"runs": runs_status(fetched_by=user),
                "day": day, "month": month, "complete": day == month_end(month), "overview": overview,
                "trend": trend, "forecasts": forecast_tables, "figures_table": figures, "areas_table": areas,
                "trend_table": trend_rows, "tables": tables, "made_at": timezone.localtime(),
                "form_values": {"month": f"{month:%Y-%m}"}}
