"""Drill-down: city → district → street → community, one page per area with a breadcrumb.

The page of an area shows its key figures, its trend and a row per child area linking one level
down. An area outside the reader's subtree, or an unknown code, is not found (404); the breadcrumb
names the ancestors above the reader's subtree without linking them.
"""

from __future__ import annotations

from analytics.views.dashboard import DashboardPage, OverviewMixin


class DrillView(OverviewMixin, DashboardPage):
    """/staff/analytics/areas/<code>/"""

    template_name = "analytics/drill/area.html"
    page = "area"

    def build(self, form, area, crumbs) -> dict:
        return self.overview_context(form, area)
