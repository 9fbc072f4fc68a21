"""Persons API for staff: list and search (masked numbers), a person with their records,
register a person, reveal the whole identity number (audited), the card number, trainings and
agency services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ErrorSerializer
from portal.audit import client_ip
from portal.reference.education import Education
from portal.scoped_views import ScopedModelViewSet
from portal.selectors import area_by_code
from registration.constants import AgencyServiceKind
from registration.forms_persons import PersonFilter
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    Person,
    TrainingEnrolment,
    UnemploymentRegistration,
)
from registration.retirement import FemaleRetirementCategory
from registration.selectors.persons import person_records, person_staff_base
from registration.services import persons as services
from registration.services import records as record_services
from registration.services.persons import NAME_MAX, SKILLS_MAX
from registration.services.records import (
    CERTIFICATE_MAX,
    COURSE_MAX,
    NOTE_MAX,
    PROVIDER_MAX,
)

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AreaCodeField(serializers.CharField):
    """A 12-digit division code in, the area out."""

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        if not code:
            return None
        area = area_by_code(code=code) if len(code) <= 12 else None
        if area is None:
            raise serializers.ValidationError(_("Unknown division code."), code="unknown_area")
        return area


class PersonSerializer(serializers.ModelSerializer):
    identity_number = serializers.CharField(source="id_masked", read_only=True,
                                            help_text="Masked: the first 6 and the last 4 characters.")
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    household_area = serializers.CharField(source="household_area.code", read_only=True, default=None)
    account_linked = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "identity_number", "sex", "birth_date", "phone", "area", "area_name",
                  "household_area", "education", "skills", "original_retirement_age", "employment_card_number",
                  "account_linked", "created_at"]

    def get_account_linked(self, person) -> bool:
        return person.account_id is not None


class UnemploymentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnemploymentRegistration
        fields = ["id", "status", "registered_on", "applied_online", "confirmed_at", "cancelled_on",
                  "cancel_reason", "note"]


class EmploymentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmploymentRegistration
        fields = ["id", "kind", "started_on", "ended_on", "employer_name", "employer", "application", "referral"]


class TrainingSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingEnrolment
        fields = ["id", "person", "course_name", "provider", "starts_on", "ends_on", "completed",
                  "certificate_number", "created_at"]


class AgencyServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyService
        fields = ["id", "person", "kind", "started_on", "ended_on", "note", "created_at"]


class CaseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    approved_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    categories = serializers.SerializerMethodField()

    def get_categories(self, case) -> list[str]:
        return [c.code for c in case.categories.all()]


class PersonDetailSerializer(PersonSerializer):
    unemployment_registrations = UnemploymentBriefSerializer(source="records.unemployment", many=True, read_only=True)
    employment_registrations = EmploymentBriefSerializer(source="records.employment", many=True, read_only=True)
    hardship_cases = CaseBriefSerializer(source="records.cases", many=True, read_only=True)
    trainings = TrainingSerializer(source="records.trainings", many=True, read_only=True)
    agency_services = AgencyServiceSerializer(source="records.agency_services", many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "unemployment_registrations", "employment_registrations",
                  "hardship_cases", "trainings", "agency_services"]


class PersonWriteSerializer(serializers.Serializer):
    identity_number = serializers.CharField(max_length=24)
    name = serializers.CharField(max_length=NAME_MAX)
    phone = serializers.CharField(max_length=11, required=False, allow_blank=True, default="")
    area = AreaCodeField(help_text="Division code of the residence community.")
    household_area = AreaCodeField(required=False, allow_blank=True, allow_null=True, default=None,
                                   help_text="Division code of the household registration area (optional).")
    education = serializers.ChoiceField(choices=Education.choices, required=False, default=Education.NONE)
    skills = serializers.CharField(max_length=SKILLS_MAX, required=False, allow_blank=True, default="")
    original_retirement_age = serializers.ChoiceField(choices=FemaleRetirementCategory.choices, required=False,
                                                      allow_null=True, default=None)


class RevealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identity_number = serializers.CharField()


class CardSerializer(serializers.Serializer):
    employment_card_number = serializers.CharField(max_length=32)


class TrainingWriteSerializer(serializers.Serializer):
    course_name = serializers.CharField(max_length=COURSE_MAX)
    provider = serializers.CharField(max_length=PROVIDER_MAX)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    completed = serializers.BooleanField(required=False, default=False)
    certificate_number = serializers.CharField(max_length=CERTIFICATE_MAX, required=False, allow_blank=True,
                                               default="")


class AgencyServiceWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AgencyServiceKind.choices)
    started_on = serializers.DateField()
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(summary="Persons in my jurisdiction (identity numbers masked)",
                       parameters=[OpenApiParameter("q", str, description="Whole identity number, name or phone")],
                       responses={200: PersonSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A person with registrations, cases, trainings and agency services",
                           responses={200: PersonDetailSerializer, **ERRORS}),
)
class StaffPersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return person_staff_base()

    def _fresh(self, person: Person) -> Person:
        return get_object_or_404(self.get_queryset(), pk=person.pk)

    def retrieve(self, request, pk=None):
        person = self.get_object()
        person.records = person_records(person=person, fetched_by=request.user)
        return Response(PersonDetailSerializer(person).data)

    @extend_schema(summary="Register a person (window clerk)", request=PersonWriteSerializer,
                   responses={201: PersonSerializer, **ERRORS})
    def create(self, request):
        data = PersonWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_register(actor=request.user, **data.validated_data)
        return Response(PersonSerializer(self._fresh(person)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The whole identity number (staff of the person's area; every call is audited)",
                   request=None, responses={200: RevealSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        person = self.get_object()
        number = services.person_identity_number_reveal(actor=request.user, person=person,
                                                        ip_address=client_ip(request))
        response = Response({"id": person.pk, "identity_number": number})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(summary="Record the employment and entrepreneurship card number (window clerk)",
                   request=CardSerializer, responses={200: PersonSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="employment-card", url_name="employment-card")
    def employment_card(self, request, pk=None):
        person = self.get_object()
        data = CardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.person_employment_card_record(actor=request.user, person=person,
                                                        number=data.validated_data["employment_card_number"])
        return Response(PersonSerializer(self._fresh(person)).data)

    @extend_schema(summary="Record a training enrolment (window clerk)", request=TrainingWriteSerializer,
                   responses={201: TrainingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def trainings(self, request, pk=None):
        person = self.get_object()
        data = TrainingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = record_services.training_enrolment_record(actor=request.user, person=person,
                                                              **data.validated_data)
        return Response(TrainingSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Start a labour-security agency service (window clerk)",
                   request=AgencyServiceWriteSerializer, responses={201: AgencyServiceSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="agency-services", url_name="agency-services")
    def agency_services(self, request, pk=None):
        person = self.get_object()
        data = AgencyServiceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service = record_services.agency_service_record(actor=request.user, person=person, **data.validated_data)
        return Response(AgencyServiceSerializer(service).data, status=status.HTTP_201_CREATED)
