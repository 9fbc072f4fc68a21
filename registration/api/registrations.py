"""Registrations API for staff: unemployment registrations (register at the window, confirm or
not confirm an online application, cancel) and employment registrations (register, end)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.models import Application, Employer, Referral
from portal.api_base import ErrorSerializer
from portal.scoped_views import ScopedModelViewSet
from registration.constants import CancellationReason, EmploymentKind
from registration.forms_registrations import UnemploymentFilter
from registration.models import EmploymentRegistration, UnemploymentRegistration
from registration.selectors.persons import person_staff_base
from registration.selectors.registrations import (
    employment_source_queryset,
    employment_staff_base,
    unemployment_staff_base,
)
from registration.services import registrations as services
from registration.services.registrations import EMPLOYER_NAME_MAX, NOTE_MAX

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_field(OpenApiTypes.INT)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    """A person id, found only among the persons the requesting staff member may see."""

    def get_queryset(self):
        return person_staff_base().visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class SourceField(serializers.PrimaryKeyRelatedField):
    """The jobs record (employer, application, referral) an employment came from; the service checks
    that an application or referral is the person's own."""

    def __init__(self, *, source_model, **kwargs):
        self.source_model = source_model
        super().__init__(**kwargs)

    def get_queryset(self):
        return employment_source_queryset(model=self.source_model)


class UnemploymentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    identity_number = serializers.CharField(source="person.id_masked", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = UnemploymentRegistration
        fields = ["id", "person", "person_name", "identity_number", "area", "area_name", "status", "registered_on",
                  "applied_online", "confirmed_at", "cancelled_on", "cancel_reason", "note", "created_at"]


class UnemploymentCreateSerializer(serializers.Serializer):
    person = ScopedPersonField()
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class UnemploymentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class UnemploymentRejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, help_text="Why the registration is not confirmed.")


class UnemploymentCancelSerializer(serializers.Serializer):
    cancel_reason = serializers.ChoiceField(choices=CancellationReason.choices)
    cancelled_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class EmploymentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    identity_number = serializers.CharField(source="person.id_masked", read_only=True)
    area = serializers.CharField(source="area.code", read_only=True)

    class Meta:
        model = EmploymentRegistration
        fields = ["id", "person", "person_name", "identity_number", "area", "kind", "started_on", "ended_on",
                  "employer_name", "employer", "application", "referral", "created_at"]


class EmploymentCreateSerializer(serializers.Serializer):
    person = ScopedPersonField()
    kind = serializers.ChoiceField(choices=EmploymentKind.choices)
    started_on = serializers.DateField()
    employer_name = serializers.CharField(max_length=EMPLOYER_NAME_MAX, required=False, allow_blank=True, default="")
    employer = SourceField(source_model=Employer, required=False, allow_null=True, default=None)
    application = SourceField(source_model=Application, required=False, allow_null=True, default=None,
                              help_text="The person's own application the employment came from.")
    referral = SourceField(source_model=Referral, required=False, allow_null=True, default=None,
                           help_text="The person's own referral the employment came from.")


class EmploymentEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(summary="Unemployment registrations in my jurisdiction (?status=pending: to confirm)",
                       responses={200: UnemploymentSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An unemployment registration", responses={200: UnemploymentSerializer, **ERRORS}),
)
class StaffUnemploymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = UnemploymentRegistration
    serializer_class = UnemploymentSerializer
    filterset_class = UnemploymentFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return unemployment_staff_base()

    def _answer(self, registration, code=status.HTTP_200_OK):
        fresh = get_object_or_404(self.get_queryset(), pk=registration.pk)
        return Response(UnemploymentSerializer(fresh).data, status=code)

    @extend_schema(summary="Register a person as unemployed at the window (clerk of the person's community)",
                   request=UnemploymentCreateSerializer, responses={201: UnemploymentSerializer, **ERRORS})
    def create(self, request):
        data = UnemploymentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        registration = services.unemployment_register(actor=request.user, **data.validated_data)
        return self._answer(registration, status.HTTP_201_CREATED)

    @extend_schema(summary="Confirm an online application", request=UnemploymentNoteSerializer,
                   responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        registration = self.get_object()
        data = UnemploymentNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.unemployment_confirm(actor=request.user, registration=registration,
                                                          **data.validated_data))

    @extend_schema(summary="Do not confirm an online application (with the reason)", request=UnemploymentRejectSerializer,
                   responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        registration = self.get_object()
        data = UnemploymentRejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.unemployment_reject(actor=request.user, registration=registration,
                                                         **data.validated_data))

    @extend_schema(summary="Cancel an open registration (found work, retirement age, moved away, death)",
                   request=UnemploymentCancelSerializer, responses={200: UnemploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        registration = self.get_object()
        data = UnemploymentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return self._answer(services.unemployment_cancel(
            actor=request.user, registration=registration, reason=values["cancel_reason"],
            cancelled_on=values["cancelled_on"], note=values["note"]))


@extend_schema_view(
    list=extend_schema(summary="Employment registrations in my jurisdiction",
                       responses={200: EmploymentSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="An employment registration", responses={200: EmploymentSerializer, **ERRORS}),
)
class StaffEmploymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = EmploymentRegistration
    serializer_class = EmploymentSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["kind"]

    def get_base_queryset(self):
        return employment_staff_base()

    def _answer(self, registration, code=status.HTTP_200_OK):
        fresh = get_object_or_404(self.get_queryset(), pk=registration.pk)
        return Response(EmploymentSerializer(fresh).data, status=code)

    @extend_schema(summary="Register employment (cancels an open unemployment registration: found work)",
                   request=EmploymentCreateSerializer, responses={201: EmploymentSerializer, **ERRORS})
    def create(self, request):
        data = EmploymentCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        registration = services.employment_register(actor=request.user, **data.validated_data)
        return self._answer(registration, status.HTTP_201_CREATED)

    @extend_schema(summary="Record the end of an employment", request=EmploymentEndSerializer,
                   responses={200: EmploymentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        registration = self.get_object()
        data = EmploymentEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.employment_end(actor=request.user, registration=registration,
                                                    ended_on=data.validated_data["ended_on"]))
