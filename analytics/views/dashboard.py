"""The officials' dashboards: the overview of their subtree, target progress and forecasts.

Every page is built on ``DashboardPage``: a staff page for officials and administrators, scoped
through ``portal.scoped_views``; each reads its figures from ``analytics.selectors.dashboard`` with
the reader as ``fetched_by``, turns them into tables (``analytics.tables``), and answers
``?export=<table>&format=csv|xlsx`` with that table as a file (audited).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from analytics.constants import DASHBOARD_ROLES
from analytics.exports import data_export_record, table_response
from analytics.forms_dashboard import DayForm, ExportForm, PeriodForm
from analytics.models import DailyFact
from analytics.selectors.dashboard import (
    area_forecasts,
    area_overview,
    children_models,
    dashboard_area,
    facts_span,
    monthly_trend,
    runs_status,
)
from analytics.selectors.staffuse import staff_use
from analytics.tables import (
    backtest_table,
    children_models_table,
    children_table,
    forecast_table,
    key_figures_table,
    staff_clerks_table,
    staff_overdue_table,
    staff_steps_table,
    staff_windows_table,
    trend_table,
)
from portal.audit import client_ip
from portal.scoped_views import StaffScopedViewMixin

# Months of history the forecast chart shows, and its table (the chart's numbers) lists.
FORECAST_HISTORY_MONTHS = 36
FORECAST_TABLE_HISTORY = 12


def chosen(form, name: str):
    """A valid value the reader gave (None when left out or invalid: the page then shows the default
    and the form says what was wrong)."""
    return getattr(form, "cleaned_data", {}).get(name) if not form.errors.get(name) else None


def drill_url(area) -> str:
    return reverse("staff-analytics:drill", kwargs={"code": area.code})


# The dashboards' pages in their menu: (key, URL name, label, whether the URL takes ?area=). The
# targets and checks pages are the targets' own (analytics/views/targets.py).
DASHBOARD_PAGES = (
    ("overview", "staff-analytics:overview", gettext_lazy("Overview"), False),
    ("area", "staff-analytics:drill", gettext_lazy("By area"), None),
    ("targets", "staff-analytics:targets", gettext_lazy("Targets"), True),
    ("forecasts", "staff-analytics:forecasts", gettext_lazy("Forecasts"), True),
    ("staff-use", "staff-analytics:staff-use", gettext_lazy("Staff use"), True),
    ("checks", "staff-analytics:checks", gettext_lazy("Authenticity checks"), True),
    ("runs", "staff-analytics:runs", gettext_lazy("Run log"), False),
    ("report", "staff-analytics:report", gettext_lazy("Monthly report"), True),
)


def dashboard_pages(area) -> list[dict]:
    """The menu of the dashboards for an area (a page not installed is left out)."""
    links = []
    for key, name, label, with_area in DASHBOARD_PAGES:
        try:
            url = drill_url(area) if with_area is None else reverse(name)
        except NoReverseMatch:
            continue
        links.append({"key": key, "label": label, "url": f"{url}?area={area.code}" if with_area else url})
    return links


class DashboardPage(StaffScopedViewMixin, View):
    """A dashboard page: officials and administrators, their subtree only (``scope_roles``)."""

    model = DailyFact
    scope_roles = DASHBOARD_ROLES
    template_name = ""
    page = ""
    form_class = DayForm

    def area_code(self) -> str | None:
        return self.kwargs.get("code") or self.request.GET.get("area") or None

    def build(self, form, area, crumbs) -> dict:  # pragma: no cover - every page defines it
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = self.form_class(request.GET or None)
        form.is_valid()  # an invalid day is shown on the form; the page falls back to the last day
        area, crumbs = dashboard_area(fetched_by=request.user, code=self.area_code())
        context = self.build(form, area, crumbs)
        query = request.GET.copy()
        for name in ("export", "format"):
            query.pop(name, None)
        day = context.get("day")
        # The date fields show the days the figures are on (the defaults when left empty).
        values = {"on": day, **context.pop("form_values", {})}
        missing = {name: value for name, value in values.items()
                   if name in form.fields and value and not getattr(form, "cleaned_data", {}).get(name)}
        if missing and not form.errors:
            shown = request.GET.copy()
            for name, value in missing.items():
                shown[name] = value if isinstance(value, str) else value.isoformat()
            form = self.form_class(shown)
            form.is_valid()
        context.update(form=form, area=area, crumbs=crumbs, page=self.page, query=query.urlencode(),
                       dashboard_pages=dashboard_pages(area),
                       day_text=day.isoformat() if day else "")
        if "export" in request.GET:
            return self.export(context)
        return render(request, self.template_name, context)

    def export(self, context):
        tables = {table.key: table for table in context.get("tables", [])}
        form = ExportForm(self.request.GET)
        if not form.is_valid():
            if form.data.get("export") not in tables:
                raise Http404(_("No such table on this page."))
            messages.error(self.request, " ".join(form.errors.get("format", [])) or _("Export as CSV or XLSX."))
            return redirect(f"{self.request.path}?{context['query']}" if context["query"] else self.request.path)
        table = tables.get(form.cleaned_data["export"])
        if table is None:
            raise Http404(_("No such table on this page."))
        area, day = context["area"], context.get("day")
        file_format = form.cleaned_data["format"]
        data_export_record(actor=self.request.user, area=area, page=self.page, table=table, file_format=file_format,
                           day=day, ip_address=client_ip(self.request))
        name = f"{self.page}-{table.key}-{area.code}" + (f"-{day:%Y%m%d}" if day else "")
        return table_response(table, file_format=file_format, name=name, area=area, on_date=day)


class OverviewMixin:
    """Key figures, the children table and the trend of one area (the overview and the drill-down)."""

    def overview_context(self, form, area) -> dict:
        user = self.request.user
        overview = area_overview(fetched_by=user, area=area, day=chosen(form, "on"))
        context = {"overview": overview, "day": overview.periods.day if overview.periods else None,
                   "tables": [], "drill_url": drill_url}
        if not overview.has_facts:
            return context
        trend = monthly_trend(fetched_by=user, area=area, day=overview.periods.day, first_day=overview.first_day,
                              last_day=overview.last_day)
        figures = key_figures_table(overview.summary)
        areas = children_table(overview, drill_url if overview.child_level else None)
        trend_rows = trend_table(trend)
        context.update(trend=trend, figures_table=figures, areas_table=areas, trend_table=trend_rows,
                       tables=[figures, areas, trend_rows] if overview.children else [figures, trend_rows])
        return context


class OverviewView(OverviewMixin, DashboardPage):
    """/staff/analytics/: the reader's whole subtree at a glance, and what went wrong in the runs."""

    template_name = "analytics/dashboard/overview.html"
    page = "overview"

    def area_code(self):
        return self.request.GET.get("area") or None

    def build(self, form, area, crumbs) -> dict:
        context = self.overview_context(form, area)
        context["runs"] = runs_status(fetched_by=self.request.user)
        return context


class ForecastView(DashboardPage):
    """/staff/analytics/forecasts/: the latest forecasts of the area beside their backtests, saying
    which model is used and why; the model each child area uses."""

    template_name = "analytics/dashboard/forecasts.html"
    page = "forecasts"

    def build(self, form, area, crumbs) -> dict:
        user = self.request.user
        first, last = facts_span(fetched_by=user, area=area)
        forecasts = area_forecasts(fetched_by=user, area=area)
        models = children_models(fetched_by=user, area=area)
        history = monthly_trend(fetched_by=user, area=area, day=last, first_day=first, last_day=last,
                                months=FORECAST_TABLE_HISTORY) if last else []
        tables, shown = [], []
        for forecast in forecasts:
            pair = (forecast_table(forecast, history), backtest_table(forecast))
            tables.extend(pair)
            shown.append((forecast, *pair))
        models_table = children_models_table(models, lambda a: f"{reverse('staff-analytics:forecasts')}?area={a.code}")
        if models:
            tables.append(models_table)
        return {"day": last, "forecasts": shown, "models_table": models_table if models else None,
                "tables": tables}


class StaffUseView(DashboardPage):
    """/staff/analytics/staff-use/: workload per window and per clerk, processing time per workflow step
    and overdue work (seed 一(三)3, the table tied to staff performance reviews), for a period."""

    template_name = "analytics/dashboard/staff_use.html"
    page = "staff-use"
    form_class = PeriodForm

    def build(self, form, area, crumbs) -> dict:
        use = staff_use(fetched_by=self.request.user, area=area, date_from=chosen(form, "date_from"),
                        date_to=chosen(form, "date_to"))
        tables = [staff_windows_table(use), staff_clerks_table(use), staff_steps_table(use), staff_overdue_table(use)]
        return {"use": use, "day": use.date_to, "tables": tables, **{t.key + "_table": t for t in tables},
                "form_values": {"date_from": use.date_from, "date_to": use.date_to}}
