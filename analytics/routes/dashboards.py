"""Routes of the officials' dashboards: pages under /staff/analytics/, chart data under
/api/staff/analytics/charts/. Every table of a page exports from the page's own URL
(``?export=<table>&format=csv|xlsx``)."""

from django.urls import path

from analytics.api import charts
from analytics.views import dashboard, drill, report, runs

public = []

staff = [
    path("", dashboard.OverviewView.as_view(), name="overview"),
    path("areas/<str:code>/", drill.DrillView.as_view(), name="drill"),
    path("staff-use/", dashboard.StaffUseView.as_view(), name="staff-use"),
    path("forecasts/", dashboard.ForecastView.as_view(), name="forecasts"),
    path("runs/", runs.RunLogView.as_view(), name="runs"),
    path("report/", report.ReportView.as_view(), name="report"),
]

api = []

staff_api = [
    path("charts/trend/", charts.TrendChartView.as_view(), name="chart-trend"),
    path("charts/areas/", charts.AreasChartView.as_view(), name="chart-areas"),
    path("charts/staff-use/", charts.StaffUseChartView.as_view(), name="chart-staff-use"),
    path("charts/forecast/", charts.ForecastChartView.as_view(), name="chart-forecast"),
]
