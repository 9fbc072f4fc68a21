"""API of job seekers (own profile, own applications), employers (own applicants) and clerks
(job seekers in scope). Errors come in the one format of ``portal.api_base``."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.codes import AreaCodeMixin
from jobs.constants import ApplicationStatus
from jobs.forms_seekers import ApplicantFilter, SeekerFilter
from jobs.models import Application, SeekerProfile, Vacancy
from jobs.selectors.seekers import (
    areas_by_codes,
    attach_histories,
    employer_applicant,
    employer_applicants,
    occupations_by_codes,
    public_vacancy,
    seeker_application,
    seeker_applications,
    seeker_profile_of,
    staff_seekers,
)
from jobs.services.applications import ApplicationExists, application_move, application_submit, application_withdraw
from jobs.services.seekers import seeker_profile_save
from portal.api import ERRORS
from portal.api_base import AreaBriefSerializer, ErrorSerializer
from portal.constants import AccountType, StaffRole
from portal.models import StatusChange
from portal.reference.education import Education
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


class HistoryListMixin:
    """List and retrieve with each record's status history, fetched in one query per page."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = attach_histories(list(self.paginate_queryset(queryset)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        record = attach_histories([self.get_object()])[0]
        return Response(self.get_serializer(record).data)


# --- The job seeker's profile -----------------------------------------------------------------


class SeekerProfileSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    wanted_occupations = OccupationBriefSerializer(many=True, read_only=True)
    wanted_areas = AreaBriefSerializer(many=True, read_only=True)

    class Meta:
        model = SeekerProfile
        fields = ["id", "area", "education", "experience_years", "skills", "wanted_occupations", "wanted_areas",
                  "expected_salary", "summary", "is_graduate", "updated_at"]


def _all_known(codes: list[str], found, message, *, code: str):
    """``found``, the records of ``codes``; a field error that names the codes no record has."""
    unknown = sorted(set(codes) - {record.code for record in found})
    if unknown:
        raise serializers.ValidationError(message % {"codes": ", ".join(unknown)}, code=code)
    return found


class SeekerProfileInputSerializer(AreaCodeMixin, serializers.Serializer):
    """Types only; the service checks levels, lengths and ranges and names the field at fault."""

    area = serializers.CharField(help_text=_("Division code of the residence community (12 digits)."))
    education = serializers.ChoiceField(choices=Education.choices, default=Education.NONE)
    experience_years = serializers.IntegerField(default=0)
    skills = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    wanted_occupations = serializers.ListField(child=serializers.CharField(), default=list,
                                               help_text=_("Middle-group codes such as 6-18."))
    wanted_areas = serializers.ListField(child=serializers.CharField(), default=list,
                                         help_text=_("District division codes."))
    expected_salary = serializers.IntegerField(allow_null=True, required=False, default=None)
    summary = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    is_graduate = serializers.BooleanField(default=False)

    def validate_wanted_occupations(self, value):
        return _all_known(value, occupations_by_codes(codes=value), _("Unknown occupation codes: %(codes)s."),
                          code="unknown_occupation")

    def validate_wanted_areas(self, value):
        return _all_known(value, areas_by_codes(codes=value), _("Unknown division codes: %(codes)s."),
                          code="unknown_area")


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

    @extend_schema(request=SeekerProfileInputSerializer, responses={200: SeekerProfileSerializer, **ERRORS})
    def put(self, request):
        data = SeekerProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seeker_profile_save(account=request.user, **data.validated_data)
        return Response(SeekerProfileSerializer(seeker_profile_of(fetched_by=request.user)).data)


# --- The job seeker's applications ------------------------------------------------------------


class MyApplicationSerializer(serializers.ModelSerializer):
    vacancy = VacancyBriefSerializer(read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "vacancy", "status", "is_open", "cover_note", "applied_at", "hired_on", "history"]


class ApplicationCreateSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField()
    cover_note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)

    def validate_vacancy(self, value):
        vacancy = public_vacancy(pk=value)
        if vacancy is None:
            raise serializers.ValidationError(_("This vacancy is not open for applications."), code="not_open")
        return vacancy


class MyApplicationFilterSerializer(serializers.Serializer):
    vacancy = serializers.IntegerField(required=False)


DUPLICATE_ERROR = inline_serializer("DuplicateApplicationError", fields={
    "error": inline_serializer("DuplicateApplicationErrorBody", fields={
        "status": serializers.IntegerField(), "code": serializers.CharField(), "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=inline_serializer(
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
class MyApplicationViewSet(HistoryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           viewsets.GenericViewSet):
    """My applications: apply once to a public vacancy, follow the status, withdraw while open."""

    serializer_class = MyApplicationSerializer
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]
    filter_backends = []

    def get_queryset(self):
        params = MyApplicationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return seeker_applications(fetched_by=self.request.user, vacancy_id=params.validated_data.get("vacancy"))

    @extend_schema(request=ApplicationCreateSerializer,
                   responses={201: MyApplicationSerializer, 400: DUPLICATE_ERROR, 401: ErrorSerializer,
                              403: ErrorSerializer, 404: ErrorSerializer},
                   description="A second application to the same vacancy answers 400: field `vacancy`, code "
                               "`duplicate`, with `application_id` of the existing application.")
    def create(self, request):
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            application = application_submit(account=request.user, vacancy=data.validated_data["vacancy"],
                                             cover_note=data.validated_data["cover_note"])
        except ApplicationExists as exc:
            response = self.handle_exception(exc)
            response.data["error"]["fields"]["vacancy"][0]["application_id"] = exc.application.pk
            return response
        record = attach_histories([seeker_application(fetched_by=request.user, pk=application.pk)])[0]
        return Response(MyApplicationSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MyApplicationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application_withdraw(account=request.user, application=self.get_object())
        record = attach_histories([self.get_object()])[0]
        return Response(MyApplicationSerializer(record).data)


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
    history = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Application
        fields = ["id", "vacancy", "applicant", "status", "cover_note", "applied_at", "hired_on", "history"]


class ApplicantMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    hired_on = serializers.DateField(required=False, allow_null=True, default=None,
                                     help_text=_("Required when the status is hired."))
    note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)


@scope_exempt("An employer's applicants to its own vacancies; others' are not found.")
@extend_schema_view(
    list=extend_schema(responses={200: ApplicantSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ApplicantSerializer, **ERRORS}),
)
class EmployerApplicantViewSet(HistoryListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               viewsets.GenericViewSet):
    """Applicants to the employer's own vacancies; filter by vacancy and status; move them on."""

    serializer_class = ApplicantSerializer
    permission_classes = [permissions.IsAuthenticated, IsEmployer]
    filterset_class = ApplicantFilter

    def get_queryset(self):
        return employer_applicants(fetched_by=self.request.user)

    @extend_schema(request=ApplicantMoveSerializer, responses={200: ApplicantSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        application = self.get_object()
        data = ApplicantMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application_move(actor=request.user, application=application, to=data.validated_data["status"],
                         hired_on=data.validated_data["hired_on"], note=data.validated_data["note"])
        record = attach_histories([employer_applicant(fetched_by=request.user, pk=pk)])[0]
        return Response(ApplicantSerializer(record).data)


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
