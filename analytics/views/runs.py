"""The run log: every build of the facts, newest first, as far as the reader may see it.

A run builds the whole tree. A district's official sees each run's day, status and times and the
part of it that built their district (its rows, its error); the roll-up, the run's total rows and
its error text are shown to readers of the whole city only (another district's error names that
district's data). A failed run is also flagged on the overview.
"""

from __future__ import annotations

from django.core.paginator import Paginator

from analytics.selectors.dashboard import fact_runs, fact_runs_queryset
from analytics.tables import runs_table
from analytics.views.dashboard import DashboardPage

PAGE_SIZE = 30


class RunLogView(DashboardPage):
    """/staff/analytics/runs/"""

    template_name = "analytics/runs/list.html"
    page = "runs"

    def area_code(self):
        return None  # the log is about the reader's whole subtree

    def build(self, form, area, crumbs) -> dict:
        page_obj = Paginator(fact_runs_queryset(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        entries = fact_runs(fetched_by=self.request.user, runs=list(page_obj.object_list))
        table = runs_table(entries)
        query = self.request.GET.copy()
        for name in ("page", "export", "format"):
            query.pop(name, None)
        return {"page_query": query.urlencode(), "page_obj": page_obj, "entries": entries, "is_paginated": page_obj.has_other_pages(),
                "runs_table": table, "tables": [table], "day": None}
