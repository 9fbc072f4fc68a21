"""Public pages: vacancy search (``/jobs/``) and a vacancy's public page (``/jobs/vacancies/<pk>/``)."""

from __future__ import annotations

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


def _query(base: QueryDict, *, drop: list[str] = (), **set_values) -> str:
    """``base`` without ``page`` and the ``drop`` parameters, with ``set_values``; as ``?…``."""
    query = base.copy()
    for name in ["page", *drop, *set_values]:
        query.pop(name, None)
    for name, value in set_values.items():
        query[name] = value
    return f"?{query.urlencode()}" if query else "?"


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
        facets = []
        for name, values in result.facets.items():
            param, filter_name = FACET_PARAM[name], FACET_FILTER[name]
            drop = FILTER_PARAMS.get(filter_name, [param])
            for value in values:
                value.url = _query(params, drop=drop, **{param: value.value})
                value.remove_url = _query(params, drop=drop)
            facets.append({"name": name, "values": values})
        for suggestion in result.suggestions:
            suggestion.url = _query(params, drop=FILTER_PARAMS.get(suggestion.filter, [suggestion.filter]))
        return {
            "facet_groups": facets,
            "next_url": _query(params, page=result.page + 1) if result.has_next else "",
            "previous_url": (_query(params, page=result.page - 1) if result.page > 2 else _query(params))
            if result.has_previous else "",
            "filters_active": len(set(result.filters.active()) - {"q"}),
        }


@scope_exempt("A public vacancy's page; anything not published or past its closing date is not found.")
class VacancyDetailView(TemplateView):
    template_name = "jobs/search/vacancy_detail.html"

    def get_context_data(self, **kwargs):
        vacancy = vacancy_public_detail(fetched_by=self.request.user, pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "vacancy": vacancy}
