"""Vacancy API: an employer's own vacancies, and the staff's scoped review endpoints.

Inputs are the pages' forms (``jobs.forms_vacancies``, through ``jobs.api.inputs``); each record
lists the ``moves`` the requesting user may take on it (``VACANCY_WORKFLOW``)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action

from jobs.api.employers import CodeNameSerializer, IsEmployerAccount
from jobs.constants import CloseReason
from jobs.forms_vacancies import VacancyCloseForm, VacancyFilter, VacancyForm, VacancyReturnForm, VacancyReviewFilter
from jobs.models import Employer, Vacancy
from jobs.selectors.employers import employer_for_staff, employer_of_account
from jobs.selectors.vacancies import (
    VACANCY_STAFF_ROLES,
    employer_vacancies,
    vacancies_for_staff,
    vacancy_review_queue,
)
from jobs.services import vacancies as services
from portal.api_base import (
    ERRORS,
    AreaBriefSerializer,
    AreaCodeField,
    IndustryCodeField,
    MovesField,
    ServiceActionMixin,
)
from portal.api_forms import form_input
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class PostingEmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name"]


class VacancySerializer(serializers.ModelSerializer):
    employer = PostingEmployerSerializer(read_only=True)
    occupation = CodeNameSerializer(read_only=True)
    industry = CodeNameSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    moves = MovesField()
    # Blank until the vacancy is closed (the schema's enum then admits "").
    close_reason = serializers.ChoiceField(choices=CloseReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer", "occupation", "industry", "area", "headcount", "salary_min",
                  "salary_max", "education", "experience_years", "working_time", "description", "benefits",
                  "contact_name", "contact_phone", "closing_date", "is_public_welfare", "open_to_hard_to_employ",
                  "for_graduates", "status", "return_reason", "close_reason", "created_at", "published_at",
                  "closed_at", "moves"]
        read_only_fields = fields


class VacancyCodes(serializers.Serializer):
    """How the API names the records a vacancy refers to: by code (the occupation too: ``6-18``)."""

    industry = IndustryCodeField(help_text=_("GB/T 4754 section letter, A–T."))
    area = AreaCodeField(help_text=_("12-digit division code of a street or community."))


class StaffVacancyCodes(VacancyCodes):
    employer = serializers.IntegerField(help_text=_("Id of a verified employer in your area."))

    def validate_employer(self, value) -> Employer:
        employer = employer_for_staff(fetched_by=self.context["request"].user, pk=value)
        if employer is None:
            raise serializers.ValidationError(_("No employer with this id is registered in your area."),
                                              code="unknown_employer")
        return employer


VacancyInput = form_input(VacancyForm, codes=VacancyCodes)
StaffVacancyInput = form_input(VacancyForm, codes=StaffVacancyCodes, name="StaffVacancyInput")
CloseInput = form_input(VacancyCloseForm)
ReturnInput = form_input(VacancyReturnForm)


class VacancyCloseMixin:
    """POST …/{id}/close/: the employer and the reviewing clerks close a vacancy the same way."""

    @extend_schema(request=CloseInput, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.call(services.vacancy_close, record="vacancy", input=CloseInput)


@scope_exempt("The signed-in employer's own vacancies only; another employer's read as not found.")
@extend_schema_view(
    list=extend_schema(responses={200: VacancySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: VacancySerializer, **ERRORS}),
    create=extend_schema(request=VacancyInput, responses={201: VacancySerializer, **ERRORS}),
    update=extend_schema(request=VacancyInput, responses={200: VacancySerializer, **ERRORS}),
    partial_update=extend_schema(request=VacancyInput, responses={200: VacancySerializer, **ERRORS}),
)
class EmployerVacancyViewSet(ServiceActionMixin, VacancyCloseMixin, mixins.ListModelMixin,
                             mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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
        return self.call(services.vacancy_post, employer=employer, input=VacancyInput,
                         status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        vacancy = self.get_object()
        data = VacancyInput(data=request.data, partial=partial,
                            context={**self.get_serializer_context(), "initial": VacancyForm.initial_from(vacancy)})
        data.is_valid(raise_exception=True)
        return self.answer(services.vacancy_update(actor=request.user, vacancy=vacancy, **data.validated_data))

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=None, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self.call(services.vacancy_resubmit, record="vacancy")


@extend_schema_view(
    list=extend_schema(responses={200: VacancySerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: VacancySerializer, **ERRORS}),
)
class StaffVacancyViewSet(ServiceActionMixin, VacancyCloseMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          ScopedModelViewSet):
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

    @extend_schema(request=StaffVacancyInput, responses={201: VacancySerializer, **ERRORS})
    def create(self, request):
        return self.call(services.vacancy_post, input=StaffVacancyInput, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.call(services.vacancy_publish, record="vacancy")

    @extend_schema(request=ReturnInput, responses={200: VacancySerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self.call(services.vacancy_return, record="vacancy", input=ReturnInput)
