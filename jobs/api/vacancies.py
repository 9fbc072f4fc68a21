"""Vacancy API: an employer's own vacancies, and the staff's scoped review endpoints."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.api.codes import AreaCodeMixin, IndustryCodeMixin
from jobs.api.employers import ERRORS, IsEmployerAccount, PostingAreaSerializer, PostingCodeNameSerializer
from jobs.constants import DESCRIPTION_MAX, HEADCOUNT_MAX, SALARY_CEILING, TITLE_MAX, WorkingTime
from jobs.forms_vacancies import VacancyFilter, VacancyReviewFilter
from jobs.models import Employer, Vacancy
from jobs.selectors.employers import employer_for_staff, employer_of_account
from jobs.selectors.vacancies import (
    VACANCY_STAFF_ROLES,
    employer_vacancies,
    occupation_by_code,
    vacancies_for_staff,
    vacancy_review_queue,
)
from jobs.services import vacancies as services
from portal.reference.education import Education
from portal.reference.models import Occupation
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class PostingEmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name"]


class VacancySerializer(serializers.ModelSerializer):
    employer = PostingEmployerSerializer(read_only=True)
    occupation = PostingCodeNameSerializer(read_only=True)
    industry = PostingCodeNameSerializer(read_only=True)
    area = PostingAreaSerializer(read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer", "occupation", "industry", "area", "headcount", "salary_min",
                  "salary_max", "education", "experience_years", "working_time", "description", "benefits",
                  "contact_name", "contact_phone", "closing_date", "is_public_welfare", "open_to_hard_to_employ",
                  "for_graduates", "status", "return_reason", "close_reason", "created_at", "published_at",
                  "closed_at"]
        read_only_fields = fields


class VacancyInputSerializer(AreaCodeMixin, IndustryCodeMixin, serializers.Serializer):
    """What is sent to post or change a vacancy. Occupation, industry and area are given by code."""

    title = serializers.CharField(max_length=TITLE_MAX)
    occupation = serializers.CharField(max_length=8, help_text=_("Middle group code of 职业分类大典 2022, e.g. 6-18."))
    industry = serializers.CharField(max_length=1, help_text=_("GB/T 4754 section letter, A–T."))
    area = serializers.CharField(max_length=12, help_text=_("12-digit division code of a street or community."))
    headcount = serializers.IntegerField(min_value=1, max_value=HEADCOUNT_MAX)
    salary_min = serializers.IntegerField(min_value=0, max_value=SALARY_CEILING)
    salary_max = serializers.IntegerField(min_value=0, max_value=SALARY_CEILING)
    education = serializers.ChoiceField(choices=Education.choices, default=Education.NONE)
    experience_years = serializers.IntegerField(min_value=0, max_value=50, default=0)
    working_time = serializers.ChoiceField(choices=WorkingTime.choices, default=WorkingTime.FULL_TIME)
    description = serializers.CharField(max_length=DESCRIPTION_MAX, trim_whitespace=False,
                                        help_text=_("Plain text; stored as typed and always shown as text."))
    benefits = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=40)
    contact_phone = serializers.CharField(max_length=20)
    closing_date = serializers.DateField()
    is_public_welfare = serializers.BooleanField(default=False)
    open_to_hard_to_employ = serializers.BooleanField(default=False)
    for_graduates = serializers.BooleanField(default=False)

    def validate_occupation(self, value) -> Occupation:
        occupation = occupation_by_code(code=value.strip())
        if occupation is None:
            raise serializers.ValidationError(_("Unknown occupation code."), code="unknown_occupation")
        return occupation


class StaffVacancyInputSerializer(VacancyInputSerializer):
    employer = serializers.IntegerField(help_text=_("Id of a verified employer in your area."))

    def validate_employer(self, value) -> Employer:
        employer = employer_for_staff(fetched_by=self.context["request"].user, pk=value)
        if employer is None:
            raise serializers.ValidationError(_("No employer with this id is registered in your area."),
                                              code="unknown_employer")
        return employer


class CloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=[(reason.value, reason.label) for reason in services.MANUAL_CLOSE_REASONS])


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.RETURN_REASON_MAX, allow_blank=True)


class VacancyCloseMixin:
    """POST …/{id}/close/: the employer and the reviewing clerks close a vacancy the same way."""

    @extend_schema(request=CloseSerializer, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        vacancy = self.get_object()
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = services.vacancy_close(actor=request.user, vacancy=vacancy, reason=data.validated_data["reason"])
        return Response(VacancySerializer(vacancy).data)


@scope_exempt("The signed-in employer's own vacancies only; another employer's read as not found.")
@extend_schema_view(
    list=extend_schema(responses={200: VacancySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: VacancySerializer, **ERRORS}),
    create=extend_schema(request=VacancyInputSerializer, responses={201: VacancySerializer, **ERRORS}),
    update=extend_schema(request=VacancyInputSerializer, responses={200: VacancySerializer, **ERRORS}),
    partial_update=extend_schema(request=VacancyInputSerializer, responses={200: VacancySerializer, **ERRORS}),
)
class EmployerVacancyViewSet(VacancyCloseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """The signed-in employer's vacancies: post, change while awaiting review or returned, resubmit, close."""

    serializer_class = VacancySerializer
    permission_classes = [permissions.IsAuthenticated, IsEmployerAccount]

    def get_queryset(self):
        return employer_vacancies(fetched_by=self.request.user)

    def create(self, request):
        employer = employer_of_account(fetched_by=request.user)
        if employer is None:
            raise ValidationError({NON_FIELD_ERRORS: [ValidationError(
                _("Register your organisation first."), code="not_registered")]})
        data = VacancyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = services.vacancy_post(actor=request.user, employer=employer, **data.validated_data)
        return Response(VacancySerializer(vacancy).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        vacancy = self.get_object()
        data = VacancyInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        vacancy = services.vacancy_update(actor=request.user, vacancy=vacancy, **data.validated_data)
        return Response(VacancySerializer(vacancy).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=None, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        vacancy = services.vacancy_resubmit(actor=request.user, vacancy=self.get_object())
        return Response(VacancySerializer(vacancy).data)


@extend_schema_view(
    list=extend_schema(responses={200: VacancySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: VacancySerializer, **ERRORS}),
)
class StaffVacancyViewSet(VacancyCloseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Vacancies whose workplace is in the clerk's area: review queue, publish, return, close, post for an
    employer."""

    model = Vacancy
    serializer_class = VacancySerializer
    filterset_class = VacancyFilter
    scope_roles = VACANCY_STAFF_ROLES

    def get_base_queryset(self):
        if self.action == "review":
            return vacancy_review_queue(fetched_by=self.request.user)
        return vacancies_for_staff(fetched_by=self.request.user).order_by("-created_at", "-id")

    @extend_schema(responses={200: VacancySerializer(many=True), **ERRORS})
    @action(detail=False, methods=["get"], filterset_class=VacancyReviewFilter)
    def review(self, request):
        """Vacancies awaiting review, the longest waiting first."""
        return self.list(request)

    @extend_schema(request=StaffVacancyInputSerializer, responses={201: VacancySerializer, **ERRORS})
    def create(self, request):
        data = StaffVacancyInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        vacancy = services.vacancy_post(actor=request.user, **data.validated_data)
        return Response(VacancySerializer(vacancy).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        vacancy = services.vacancy_publish(actor=request.user, vacancy=self.get_object())
        return Response(VacancySerializer(vacancy).data)

    @extend_schema(request=ReturnSerializer, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        vacancy = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = services.vacancy_return(actor=request.user, vacancy=vacancy, reason=data.validated_data["reason"])
        return Response(VacancySerializer(vacancy).data)
