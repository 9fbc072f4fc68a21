"""Persons API for staff: list and search (masked numbers), a person with their records,
register a person, reveal the whole identity number (audited), the card number, trainings and
agency services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, ServiceActionMixin
from portal.api_forms import clean_with_form, form_input, form_schema
from portal.audit import client_ip
from portal.scoped_views import ScopedModelViewSet
from registration.forms_persons import (
    AgencyServiceForm,
    EmploymentCardForm,
    PersonApiFilter,
    PersonLookupForm,
    PersonRegisterForm,
    TrainingForm,
)
from registration.models import (
    AgencyService,
    EmploymentRegistration,
    Person,
    TrainingEnrolment,
    UnemploymentRegistration,
)
from registration.selectors.persons import person_records, person_search, person_staff_base
from registration.services import persons as services
from registration.services import records as record_services


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


class RevealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identity_number = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Persons in my jurisdiction (identity numbers masked)",
                       parameters=[OpenApiParameter(
                           "q", str, description="Part of a name, or the beginning of a phone number. An identity "
                           "number is refused here (400, field error identity_number_in_url): web server and proxy "
                           "logs keep every address, so POST it to lookup/ instead.")],
                       responses={200: PersonSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A person with registrations, cases, trainings and agency services",
                           responses={200: PersonDetailSerializer, **ERRORS}),
)
class StaffPersonViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonApiFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return person_staff_base()

    def retrieve(self, request, pk=None):
        person = self.get_object()
        person.records = person_records(person=person, fetched_by=request.user)
        return Response(PersonDetailSerializer(person).data)

    @extend_schema(summary="Find a person by the whole identity number (sent in the body, never in the address)",
                   request=form_schema(PersonLookupForm, "PersonLookup"),
                   responses={200: PersonSerializer(many=True), **ERRORS},
                   description="The number stays out of web server and proxy logs. Answers the persons of your "
                               "jurisdiction with that number: one, or none (an empty list), whether the person "
                               "is missing or outside your jurisdiction.")
    @action(detail=False, methods=["post"], pagination_class=None)
    def lookup(self, request):
        data = clean_with_form(PersonLookupForm, request.data)
        persons = person_search(self.get_queryset(), data["identity_number"])
        return Response(PersonSerializer(persons, many=True).data)

    @extend_schema(summary="Register a person (window clerk)",
                   request=form_schema(PersonRegisterForm, "PersonCreate", form_kwargs={"user": None}),
                   responses={201: PersonSerializer, **ERRORS},
                   description="A residence community outside your jurisdiction answers 404.")
    def create(self, request):
        data = clean_with_form(PersonRegisterForm, request.data, not_found={"area": "out_of_scope"}, user=request.user)
        return self.call(services.person_register, status=201, **data)

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
                   request=form_schema(EmploymentCardForm, "EmploymentCard"),
                   responses={200: PersonSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="employment-card", url_name="employment-card")
    def employment_card(self, request, pk=None):
        return self.call(services.person_employment_card_record, record="person",
                         input=form_input(EmploymentCardForm, rename={"employment_card_number": "number"}))

    # A training or an agency service is answered as itself, not as the person this viewset lists.

    @extend_schema(summary="Record a training enrolment (window clerk)",
                   request=form_schema(TrainingForm, "TrainingCreate"), responses={201: TrainingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def trainings(self, request, pk=None):
        person = self.get_object()
        data = clean_with_form(TrainingForm, request.data)
        enrolment = record_services.training_enrolment_record(actor=request.user, person=person, **data)
        return Response(TrainingSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Start a labour-security agency service (window clerk)",
                   request=form_schema(AgencyServiceForm, "AgencyServiceCreate"),
                   responses={201: AgencyServiceSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="agency-services", url_name="agency-services")
    def agency_services(self, request, pk=None):
        person = self.get_object()
        data = clean_with_form(AgencyServiceForm, request.data)
        service = record_services.agency_service_record(actor=request.user, person=person, **data)
        return Response(AgencyServiceSerializer(service).data, status=status.HTTP_201_CREATED)
