"""API of job seekers (own profile, own applications), employers (own applicants) and clerks
(job seekers in scope). Errors come in the one format of ``portal.api_base``; inputs are the pages'
forms (``jobs.forms_seekers``, through ``jobs.api.inputs``); each application lists the ``moves``
the requesting user may take on it (``APPLICATION_WORKFLOW``)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.forms_seekers import ApplicantFilter, ApplicantMoveForm, ApplyForm, SeekerFilter, SeekerProfileForm
from jobs.models import Application, SeekerProfile, Vacancy
from jobs.selectors.seekers import (
    attach_histories,
    employer_applicants,
    public_vacancy,
    seeker_applications,
    seeker_profile_of,
    staff_seekers,
    status_histories,
)
from jobs.services.applications import ApplicationExists, application_move, application_submit, application_withdraw
from jobs.services.seekers import seeker_profile_save
from portal.api_base import ERRORS, AreaBriefSerializer, AreaCodeField, ErrorSerializer, MovesField, ServiceActionMixin
from portal.api_forms import form_input
from portal.constants import AccountType, StaffRole
from portal.models import StatusChange
from portal.reference.models import Occupation
from portal.scoped_views import ScopedReadOnlyViewSet, scope_exempt

# --- Permissions ------------------------------------------------------------------------------


class IsJobSeeker(permissions.BasePermission):
    message = _("This endpoint is for job seekers.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.account_type == AccountType.JOB_SEEKER)


class IsEmployer(permissions.BasePermission):
    message = _("This endpoint is for employers.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.account_type == AccountType.EMPLOYER)


# --- Shared pieces ----------------------------------------------------------------------------


class OccupationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Occupation
        fields = ["code", "name"]


class VacancyBriefSerializer(serializers.ModelSerializer):
    employer = serializers.CharField(source="employer.name", read_only=True)
    area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "employer", "area", "salary_min", "salary_max", "education", "closing_date",
                  "status"]


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_at", "note"]


@extend_schema_field(StatusChangeSerializer(many=True))
class HistoryField(serializers.Field):
    """A record's status changes: those ``attach_histories`` put on a page of records (one query for
    all), else read for this one record."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, record):
        history = getattr(record, "history", None)
        if history is None:
            history = status_histories(objects=[record]).get(record.pk, [])
        return StatusChangeSerializer(history, many=True).data


class HistoryListMixin:
    """Lists with each record's status history, fetched in one query per page."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = attach_histories(list(self.paginate_queryset(queryset)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- The job seeker's profile -----------------------------------------------------------------


class SeekerProfileSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    wanted_occupations = OccupationBriefSerializer(many=True, read_only=True)
    wanted_areas = AreaBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["id", "area", "education", "experience_years", "skills", "wanted_occupations", "wanted_areas",
                  "expected_salary", "summary", "is_graduate", "updated_at"]


class SeekerProfileCodes(serializers.Serializer):
    """The residence community by its division code (a page picks it from lists)."""

    area = AreaCodeField(help_text=_("Division code of the residence community (12 digits)."))


SeekerProfileInput = form_input(SeekerProfileForm, codes=SeekerProfileCodes)


@scope_exempt("The signed-in job seeker's own profile.")
class MyProfileView(APIView):
    """The signed-in job seeker's profile: read it, or replace it."""

    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]

    @extend_schema(responses={200: SeekerProfileSerializer, **ERRORS})
    def get(self, request):
        profile = seeker_profile_of(fetched_by=request.user)
        if profile is None:
            raise Http404(_("You have no profile yet."))
        return Response(SeekerProfileSerializer(profile).data)

    @extend_schema(request=SeekerProfileInput, responses={200: SeekerProfileSerializer, **ERRORS})
    def put(self, request):
        data = SeekerProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        seeker_profile_save(actor=request.user, **data.validated_data)
        return Response(SeekerProfileSerializer(seeker_profile_of(fetched_by=request.user)).data)


# --- The job seeker's applications ------------------------------------------------------------


class MyApplicationSerializer(serializers.ModelSerializer):
    vacancy = VacancyBriefSerializer(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    history = HistoryField()
    moves = MovesField()

    class Meta:
        model = Application
        fields = ["id", "vacancy", "status", "is_open", "cover_note", "applied_at", "hired_on", "history", "moves"]


class ApplicationCodes(serializers.Serializer):
    vacancy = serializers.IntegerField(help_text=_("A published vacancy."))

    def validate_vacancy(self, value):
        vacancy = public_vacancy(pk=value)
        if vacancy is None:
            raise serializers.ValidationError(_("This vacancy is not open for applications."), code="not_open")
        return vacancy


ApplicationInput = form_input(ApplyForm, codes=ApplicationCodes, name="ApplicationInput")


class MyApplicationFilterSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(required=False)


DUPLICATE_ERROR = inline_serializer("DuplicateApplicationError", fields={
    "error": inline_serializer("DuplicateApplicationErrorBody", fields={
        "status": serializers.IntegerField(), "code": serializers.CharField(), "message": serializers.CharField(),
        "fields": serializers.DictField(required=False, child=serializers.ListField(child=inline_serializer(
            "DuplicateApplicationErrorItem", fields={
                "code": serializers.CharField(), "message": serializers.CharField(),
                "application_id": serializers.IntegerField(required=False)}))),
    })})


@scope_exempt("The signed-in job seeker's own applications.")
@extend_schema_view(
    list=extend_schema(parameters=[MyApplicationFilterSerializer],
                       responses={200: MyApplicationSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: MyApplicationSerializer, **ERRORS}),
)
class MyApplicationViewSet(ServiceActionMixin, HistoryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """My applications: apply once to a public vacancy, follow the status, withdraw while open."""

    serializer_class = MyApplicationSerializer
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]
    filter_backends = []

    def get_queryset(self):
        params = MyApplicationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return seeker_applications(fetched_by=self.request.user, vacancy_id=params.validated_data.get("vacancy"))

    @extend_schema(request=ApplicationInput,
                   responses={201: MyApplicationSerializer, 400: DUPLICATE_ERROR, 401: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer},
                   description="A second application to the same vacancy answers 400: field `vacancy`, code "
                               "`duplicate`, with `application_id` of the existing application.")
    def create(self, request):
        try:
            return self.call(application_submit, input=ApplicationInput, status=status.HTTP_201_CREATED)
        except ApplicationExists as exc:
            response = self.handle_exception(exc)
            response.data["error"]["fields"]["vacancy"][0]["application_id"] = exc.application.pk
            return response

    @extend_schema(request=None, responses={200: MyApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.call(application_withdraw, record="application")


# --- The employer's applicants ----------------------------------------------------------------


class ApplicantProfileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="account.display_name", read_only=True)
    phone = serializers.CharField(source="account.phone", read_only=True)
    area = AreaBriefSerializer(read_only=True)
    wanted_occupations = OccupationBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["name", "phone", "area", "education", "experience_years", "skills", "wanted_occupations",
                  "summary", "is_graduate"]


class ApplicantVacancySerializer(serializers.ModelSerializer):
    class Meta:
        model = Vacancy
        fields = ["id", "title"]


class ApplicantSerializer(serializers.ModelSerializer):
    vacancy = ApplicantVacancySerializer(read_only=True)
    applicant = ApplicantProfileSerializer(source="seeker", read_only=True)
    history = HistoryField()
    moves = MovesField()

    class Meta:
        model = Application
        fields = ["id", "vacancy", "applicant", "status", "cover_note", "applied_at", "hired_on", "history", "moves"]


ApplicantMoveInput = form_input(ApplicantMoveForm)


@scope_exempt("An employer's applicants to its own vacancies; others' are not found.")
@extend_schema_view(
    list=extend_schema(responses={200: ApplicantSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ApplicantSerializer, **ERRORS}),
)
class EmployerApplicantViewSet(ServiceActionMixin, HistoryListMixin, mixins.ListModelMixin,
                               mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Applicants to the employer's own vacancies; filter by vacancy and status; move them on."""

    serializer_class = ApplicantSerializer
    permission_classes = [permissions.IsAuthenticated, IsEmployer]
    filterset_class = ApplicantFilter

    def get_queryset(self):
        return employer_applicants(fetched_by=self.request.user)

    @extend_schema(request=ApplicantMoveInput, responses={200: ApplicantSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        application = self.get_object()
        data = ApplicantMoveInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return self.answer(application_move(actor=request.user, application=application, to=values.pop("status"),
                                            **values))


# --- Clerks: job seekers in scope -------------------------------------------------------------


class StaffSeekerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="account.display_name", read_only=True)
    username = serializers.CharField(source="account.username", read_only=True)
    phone = serializers.CharField(source="account.phone", read_only=True)
    area = AreaBriefSerializer(read_only=True)
    wanted_occupations = OccupationBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["id", "name", "username", "phone", "area", "education", "experience_years", "skills",
                  "wanted_occupations", "expected_salary", "summary", "is_graduate", "updated_at"]


@extend_schema_view(
    list=extend_schema(responses={200: StaffSeekerSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: StaffSeekerSerializer, **ERRORS}),
)
class StaffSeekerViewSet(ScopedReadOnlyViewSet):
    """Job seekers living in the clerk's area."""

    queryset = staff_seekers()
    serializer_class = StaffSeekerSerializer
    filterset_class = SeekerFilter
    scope_roles = [StaffRole.CLERK]
