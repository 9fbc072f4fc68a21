"""Public vacancy search API: ``GET /api/jobs/vacancies/`` and ``GET /api/jobs/vacancies/{id}/``.

Anyone may call it, signed in or not; it shows only public vacancies (published, not past the
closing date). The query parameters are those of the search page (jobs/filters_search.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from jobs.filters_search import VacancySearchFilterSet
from jobs.models import Vacancy
from jobs.selectors.search import public_vacancies, vacancy_public_detail, vacancy_search
from portal.api_base import PUBLIC_ERRORS, THROTTLE_HEADERS, THROTTLED, AreaBriefSerializer
from portal.scoped_views import scope_exempt


class NamedCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VacancyAreaSerializer(AreaBriefSerializer):
    """The workplace with the name of its district."""

    district = serializers.CharField(source="district_name", default="")

    class Meta(AreaBriefSerializer.Meta):
        fields = [*AreaBriefSerializer.Meta.fields, "district"]


class VacancyEmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _datetime(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


class VacancySummarySerializer(serializers.ModelSerializer):
    """A vacancy in a result list."""

    employer = VacancyEmployerSerializer()
    area = serializers.SerializerMethodField()
    occupation = NamedCodeSerializer()

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer", "area", "occupation", "salary_min", "salary_max", "education",
                  "working_time", "experience_years", "headcount", "is_public_welfare", "open_to_hard_to_employ",
                  "for_graduates", "published_at", "closing_date"]

    @extend_schema_field(VacancyAreaSerializer)
    def get_area(self, vacancy) -> dict:
        area = vacancy.area
        return {"code": area.code, "name": area.name, "level": area.level,
                "district": getattr(vacancy, "district_name", "")}

    def to_representation(self, vacancy) -> dict:
        # Written out: the search answers many rows often, and the generic field-by-field path
        # costs more than the database does. The declared fields above document the same shape.
        return {
            "id": vacancy.pk,
            "title": vacancy.title,
            "employer": {"id": vacancy.employer.pk, "name": vacancy.employer.name},
            "area": self.get_area(vacancy),
            "occupation": {"code": vacancy.occupation.code, "name": vacancy.occupation.name},
            "salary_min": vacancy.salary_min,
            "salary_max": vacancy.salary_max,
            "education": vacancy.education,
            "working_time": vacancy.working_time,
            "experience_years": vacancy.experience_years,
            "headcount": vacancy.headcount,
            "is_public_welfare": vacancy.is_public_welfare,
            "open_to_hard_to_employ": vacancy.open_to_hard_to_employ,
            "for_graduates": vacancy.for_graduates,
            "published_at": _datetime(vacancy.published_at),
            "closing_date": vacancy.closing_date.isoformat(),
        }


class VacancyDetailSerializer(VacancySummarySerializer):
    """A vacancy's public page."""

    industry = NamedCodeSerializer()
    areas = serializers.SerializerMethodField(help_text="The workplace and the areas above it, from the district down.")

    class Meta(VacancySummarySerializer.Meta):
        fields = [*VacancySummarySerializer.Meta.fields, "industry", "areas", "description", "benefits",
                  "contact_name", "contact_phone"]

    @extend_schema_field(AreaBriefSerializer(many=True))
    def get_areas(self, vacancy) -> list[dict]:
        return [{"code": a.code, "name": a.name, "level": a.level} for a in vacancy.area_chain]

    def to_representation(self, vacancy) -> dict:
        return {
            **super().to_representation(vacancy),
            "industry": {"code": vacancy.industry.code, "name": vacancy.industry.name},
            "areas": self.get_areas(vacancy),
            "description": vacancy.description,
            "benefits": vacancy.benefits,
            "contact_name": vacancy.contact_name,
            "contact_phone": vacancy.contact_phone,
        }


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The query parameter value that selects it.")
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="Null when the set is too large to count.")
    selected = serializers.BooleanField()


class FacetsSerializer(serializers.Serializer):
    district = FacetValueSerializer(many=True, help_text="Parameter: area.")
    occupation = FacetValueSerializer(many=True, help_text="Parameter: occupation (major group).")
    education = FacetValueSerializer(many=True, help_text="Parameter: education.")

    def to_representation(self, facets) -> dict:
        return {name: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values]
                for name, values in facets.items()}


class SuggestionSerializer(serializers.Serializer):
    filter = serializers.CharField(help_text="The filter to drop (salary means salary_min and salary_max).")
    label = serializers.CharField()
    count = serializers.IntegerField(help_text="Results without that filter.")
    count_is_capped = serializers.BooleanField(help_text="True when there are at least that many.")


@extend_schema_serializer(many=False)  # one object with a list inside, not a list
class VacancySearchResponseSerializer(serializers.Serializer):
    results = VacancySummarySerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    total = serializers.IntegerField(allow_null=True, help_text=(
        "Exact number of matches up to 5,000 (then 5000 with total_is_estimate); null for the unfiltered "
        "listing, which is not counted."))
    total_is_estimate = serializers.BooleanField(help_text="True when there are more than `total` matches.")
    facets = FacetsSerializer()
    suggestions = SuggestionSerializer(many=True, help_text="Filled only when nothing matches.")


PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1 (at most 100)."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results per page (default 20, at most 50)."),
]


@scope_exempt("Public vacancy search: shows only published, unexpired vacancies, to anyone.")
@extend_schema_view(
    list=extend_schema(summary="Search public vacancies", parameters=[*PAGE_PARAMETERS, *THROTTLE_HEADERS],
                       responses={200: VacancySearchResponseSerializer, **PUBLIC_ERRORS, **THROTTLED}),
    retrieve=extend_schema(summary="A public vacancy",
                           description="One published vacancy that is not past its closing date; any other is "
                                       "not found (404).",
                           responses={200: VacancyDetailSerializer, **PUBLIC_ERRORS}),
)
class VacancySearchViewSet(viewsets.GenericViewSet):
    """Search the vacancies open to the public, with facet counts and what to relax when nothing matches."""

    permission_classes = [permissions.AllowAny]
    filter_backends = [DjangoFilterBackend]  # for the schema; list() validates the same FilterSet itself
    filterset_class = VacancySearchFilterSet
    serializer_class = VacancySummarySerializer
    pagination_class = None
    throttle_scope = "search"

    def get_throttles(self):
        # Searching is throttled (with the search page, portal/throttling.py); one vacancy is not.
        return super().get_throttles() if self.action == "list" else []

    def get_queryset(self):
        return public_vacancies()

    def list(self, request):
        filterset = VacancySearchFilterSet(request.query_params, queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ValidationError(filterset.form.errors.as_data())
        result = vacancy_search(fetched_by=request.user, filters=filterset.search_filters, page=filterset.page,
                                page_size=filterset.page_size)
        url = request.build_absolute_uri()
        return Response({
            "results": VacancySummarySerializer(result.vacancies, many=True).data,
            "next": replace_query_param(url, "page", result.page + 1) if result.has_next else None,
            "previous": (None if not result.has_previous else
                         remove_query_param(url, "page") if result.page == 2 else
                         replace_query_param(url, "page", result.page - 1)),
            "total": result.total,
            "total_is_estimate": result.total_is_estimate,
            "facets": FacetsSerializer(result.facets).data,
            "suggestions": SuggestionSerializer(result.suggestions, many=True).data,
        })

    def retrieve(self, request, pk=None):
        vacancy = vacancy_public_detail(fetched_by=request.user, pk=pk)
        return Response(VacancyDetailSerializer(vacancy).data)
