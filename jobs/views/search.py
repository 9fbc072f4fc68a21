"""Public pages: vacancy search (``/jobs/``) and a vacancy's public page (``/jobs/vacancies/<pk>/``)."""

from __future__ import annotations

from urllib.parse import quote_plus

from django.http import QueryDict
from django.views.generic import TemplateView

from jobs.filters_search import VacancySearchFilterSet
from jobs.selectors.search import (
    FACET_DISTRICT,
    FACET_EDUCATION,
    FACET_OCCUPATION,
    SearchFilters,
    vacancy_public_detail,
    vacancy_search,
)
from portal.scoped_views import scope_exempt
from portal.throttling import ThrottledPageMixin

AREA_PARAMS = ["area", "area_district", "area_street", "area_community"]
# Query parameters that carry each filter (what to drop to relax it, or to replace for a facet).
FILTER_PARAMS = {
    "q": ["q"],
    "area": AREA_PARAMS,
    "salary": ["salary_min", "salary_max"],
    FACET_OCCUPATION: ["occupation"],
    FACET_EDUCATION: ["education"],
}
FACET_PARAM = {FACET_DISTRICT: "area_district", FACET_OCCUPATION: "occupation", FACET_EDUCATION: "education"}
FACET_FILTER = {FACET_DISTRICT: "area", FACET_OCCUPATION: FACET_OCCUPATION, FACET_EDUCATION: FACET_EDUCATION}


class _Query:
    """The page's query string, to write links that change a few parameters of it: each
    parameter is encoded once, not once per link (a page has thirty links or more)."""

    def __init__(self, base: QueryDict):
        self.encoded = [(name, f"{quote_plus(name)}={quote_plus(value)}")
                        for name, values in base.lists() for value in values]

    def __call__(self, *, drop: list[str] = (), **set_values) -> str:
        """The query without ``page`` and the ``drop`` parameters, with ``set_values`` at the end
        (as ``QueryDict`` would write it); as ``?…``."""
        left_out = {"page", *drop, *set_values}
        parts = [encoded for name, encoded in self.encoded if name not in left_out]
        parts += [f"{quote_plus(name)}={quote_plus(str(value))}" for name, value in set_values.items()]
        return f"?{'&'.join(parts)}"


@scope_exempt("Public vacancy search: shows only published, unexpired vacancies, to anyone.")
class VacancySearchView(ThrottledPageMixin, TemplateView):
    template_name = "jobs/search/search.html"
    throttle_scope = "search"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        filterset = VacancySearchFilterSet(params or None)
        result = None
        if not filterset.is_bound:
            result = vacancy_search(fetched_by=self.request.user, filters=SearchFilters())
        elif filterset.is_valid():
            result = vacancy_search(fetched_by=self.request.user, filters=filterset.search_filters,
                                    page=filterset.page, page_size=filterset.page_size)
        context = {**super().get_context_data(**kwargs), "filter": filterset, "form": filterset.form,
                   "result": result}
        if result is not None:
            context.update(self._links(params, result))
        return context

    def _links(self, params: QueryDict, result) -> dict:
        link = _Query(params)
        facets = []
        for name, values in result.facets.items():
            param, filter_name = FACET_PARAM[name], FACET_FILTER[name]
            drop = FILTER_PARAMS.get(filter_name, [param])
            for value in values:
                value.url = link(drop=drop, **{param: value.value})
                value.remove_url = link(drop=drop)
            facets.append({"name": name, "values": values})
        for suggestion in result.suggestions:
            suggestion.url = link(drop=FILTER_PARAMS.get(suggestion.filter, [suggestion.filter]))
        return {
            "facet_groups": facets,
            "next_url": link(page=result.page + 1) if result.has_next else "",
            "previous_url": (link(page=result.page - 1) if result.page > 2 else link())
            if result.has_previous else "",
            "filters_active": len(set(result.filters.active()) - {"q"}),
        }


@scope_exempt("A public vacancy's page; anything not published or past its closing date is not found.")
class VacancyDetailView(TemplateView):
    template_name = "jobs/search/vacancy_detail.html"

    def get_context_data(self, **kwargs):
        vacancy = vacancy_public_detail(fetched_by=self.request.user, pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "vacancy": vacancy}
