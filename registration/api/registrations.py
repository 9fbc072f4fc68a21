"""Registrations API for staff: unemployment registrations (register at the window, confirm or
not confirm an online application, cancel) and employment registrations (register, end).

Bodies are validated with the pages' forms (``portal.api_forms``); the person a registration
is for is the API's own input: an id among the persons the reader may see."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from portal.api_base import ERRORS, MovesField, ServiceActionMixin
from portal.api_forms import clean_with_form, form_input, form_schema
from portal.scoped_views import ScopedModelViewSet
from registration.forms_persons import EndDateForm
from registration.forms_registrations import (
    CancelForm,
    ConfirmForm,
    EmploymentForm,
    RejectForm,
    UnemploymentFilter,
    UnemploymentRegisterForm,
)
from registration.models import EmploymentRegistration, Person, UnemploymentRegistration
from registration.selectors.persons import person_staff_base
from registration.selectors.registrations import employment_staff_base, unemployment_staff_base
from registration.services import registrations as services


@extend_schema_field(OpenApiTypes.INT)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    """A person id, found only among the persons the requesting staff member may see."""

    def get_queryset(self):
        return person_staff_base().visible_to(self.context["request"].user)


class PersonChoiceSerializer(serializers.Serializer):
    person = ScopedPersonField(help_text="A person in your jurisdiction.")


def _person(view) -> Person:
    """The person the request names, among those the reader may see (``does_not_exist`` otherwise)."""
    data = PersonChoiceSerializer(data=view.request.data, context=view.get_serializer_context())
    data.is_valid(raise_exception=True)
    return data.validated_data["person"]


# Dates the pages fill in for the clerk; left out of an API call they are today (the services' default).
REGISTERED_ON, CANCELLED_ON = ("registered_on",), ("cancelled_on",)


def _body(form_class, name: str, **kwargs):
    return form_schema(form_class, name, extra={"person": serializers.IntegerField(
        help_text="A person in your jurisdiction.")}, **kwargs)


class UnemploymentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    identity_number = serializers.CharField(source="person.id_masked", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    moves = MovesField()

    class Meta:
        model = UnemploymentRegistration
        fields = ["id", "person", "person_name", "identity_number", "area", "area_name", "status", "registered_on",
                  "applied_online", "confirmed_at", "cancelled_on", "cancel_reason", "note", "created_at", "moves"]


class EmploymentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    identity_number = serializers.CharField(source="person.id_masked", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True)

    class Meta:
        model = EmploymentRegistration
        fields = ["id", "person", "person_name", "identity_number", "area", "kind", "started_on", "ended_on",
                  "employer_name", "employer", "application", "referral", "created_at"]


@extend_schema_view(
    list=extend_schema(summary="Unemployment registrations in my jurisdiction (?status=pending: to confirm)",
                       responses={200: UnemploymentSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An unemployment registration", responses={200: UnemploymentSerializer, **ERRORS}),
)
class StaffUnemploymentViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                               ScopedModelViewSet):
    model = UnemploymentRegistration
    serializer_class = UnemploymentSerializer
    filterset_class = UnemploymentFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return unemployment_staff_base()

    @extend_schema(summary="Register a person as unemployed at the window (clerk of the person's community)",
                   request=_body(UnemploymentRegisterForm, "UnemploymentCreate", optional=REGISTERED_ON),
                   responses={201: UnemploymentSerializer, **ERRORS})
    def create(self, request):
        person = _person(self)
        data = clean_with_form(UnemploymentRegisterForm, request.data, optional=REGISTERED_ON)
        return self.call(services.unemployment_register, status=201, person=person, **data)

    @extend_schema(summary="Confirm an online application", request=form_schema(ConfirmForm, "UnemploymentConfirm"),
                   responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.call(services.unemployment_confirm, record="registration", input=form_input(ConfirmForm))

    @extend_schema(summary="Do not confirm an online application (with the reason)",
                   request=form_schema(RejectForm, "UnemploymentReject"),
                   responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.call(services.unemployment_reject, record="registration", input=form_input(RejectForm))

    @extend_schema(summary="Cancel an open registration (found work, retirement age, moved away, death)",
                   request=form_schema(CancelForm, "UnemploymentCancel", optional=CANCELLED_ON),
                   responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.call(services.unemployment_cancel, record="registration", input=form_input(
            CancelForm, rename={"cancel_reason": "reason"}, optional=CANCELLED_ON))


@extend_schema_view(
    list=extend_schema(summary="Employment registrations in my jurisdiction",
                       responses={200: EmploymentSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An employment registration", responses={200: EmploymentSerializer, **ERRORS}),
)
class StaffEmploymentViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             ScopedModelViewSet):
    model = EmploymentRegistration
    serializer_class = EmploymentSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["kind"]

    def get_base_queryset(self):
        return employment_staff_base()

    @extend_schema(summary="Register employment (cancels an open unemployment registration: found work)",
                   request=_body(EmploymentForm, "EmploymentCreate"), responses={201: EmploymentSerializer, **ERRORS})
    def create(self, request):
        person = _person(self)
        data = clean_with_form(EmploymentForm, request.data)
        return self.call(services.employment_register, status=201, person=person, **data)

    @extend_schema(summary="Record the end of an employment", request=form_schema(EndDateForm, "EmploymentEnd"),
                   responses={200: EmploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.call(services.employment_end, record="registration", input=form_input(EndDateForm))
