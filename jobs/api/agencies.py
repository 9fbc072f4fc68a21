"""Agency API: the public register, and the staff endpoints where district clerks record licences,
change their status and record inspections. Request bodies are validated with the pages' forms
(jobs/forms_agencies.py, through ``jobs.api.inputs.form_input``); who may change an agency is
``LICENCE_WORKFLOW``'s, listed as ``moves``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.constants import LICENCE_EXPIRING_DAYS, LicenceBadge
from jobs.forms_agencies import AgencyForm, AgencyPublicFilter, AgencyStatusForm, StaffAgencyFilter, SupervisionForm
from jobs.models import Agency, SupervisionRecord
from jobs.selectors.agencies import agency_public_list, agency_staff_base, agency_supervision_records
from jobs.services import agencies as services
from portal.api_base import ERRORS, AreaCodeField, ErrorSerializer, MovesField, ServiceActionMixin
from portal.api_forms import form_input
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class AgencyCodes(serializers.Serializer):
    """How the API names an agency's area: by code."""

    area = AreaCodeField(help_text=_("12-digit division code of the district, street or community."))


AgencyInput = form_input(AgencyForm, codes=AgencyCodes)
StatusInput = form_input(AgencyStatusForm)
SupervisionInput = form_input(SupervisionForm)


class AgencyPublicSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    badge = serializers.ChoiceField(
        choices=LicenceBadge.choices, read_only=True,
        help_text=f"valid, expiring (within {LICENCE_EXPIRING_DAYS} days), expired or suspended")

    class Meta:
        model = Agency
        fields = ["id", "name", "licence_number", "holder", "scope", "address", "contact_phone", "valid_from",
                  "valid_to", "status", "badge", "area", "area_name"]


class StaffAgencySerializer(AgencyPublicSerializer):
    last_inspected_on = serializers.DateField(read_only=True, allow_null=True)
    supervision_count = serializers.IntegerField(read_only=True)
    moves = MovesField()

    class Meta(AgencyPublicSerializer.Meta):
        fields = [*AgencyPublicSerializer.Meta.fields, "credit_code", "status_reason", "last_inspected_on",
                  "supervision_count", "moves"]


class SupervisionRecordSerializer(serializers.ModelSerializer):
    inspector = serializers.CharField(source="inspector.display_name", read_only=True)

    class Meta:
        model = SupervisionRecord
        fields = ["id", "agency", "inspected_on", "inspector", "findings", "result", "created_at"]


class StaffAgencyDetailSerializer(StaffAgencySerializer):
    supervision_records = SupervisionRecordSerializer(source="supervision_records_list", many=True, read_only=True)

    class Meta(StaffAgencySerializer.Meta):
        fields = [*StaffAgencySerializer.Meta.fields, "supervision_records"]


@scope_exempt("Public register of licensed private employment agencies.")
@extend_schema_view(list=extend_schema(summary="Licensed agencies (revoked licences are not listed)",
                                       responses={200: AgencyPublicSerializer(many=True), 400: ErrorSerializer}))
class AgencyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AgencyPublicSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = AgencyPublicFilter

    def get_queryset(self):
        return agency_public_list(fetched_by=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Agencies in my jurisdiction", responses={200: StaffAgencySerializer(many=True),
                                                                        **ERRORS}),
    retrieve=extend_schema(summary="An agency with its supervision records",
                           responses={200: StaffAgencyDetailSerializer, **ERRORS}),
)
class StaffAgencyViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Every staff role reads agencies in its subtree; district clerks record and change them."""

    model = Agency
    serializer_class = StaffAgencySerializer
    filterset_class = StaffAgencyFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return agency_staff_base()

    def retrieve(self, request, pk=None):
        agency = self.get_object()
        agency.supervision_records_list = agency_supervision_records(agency=agency, fetched_by=request.user)
        return Response(StaffAgencyDetailSerializer(agency, context=self.get_serializer_context()).data)

    @extend_schema(summary="Record a licensed agency (district clerk)", request=AgencyInput,
                   responses={201: StaffAgencySerializer, **ERRORS})
    def create(self, request):
        return self.call(services.agency_license, input=AgencyInput, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Correct an agency's details (district clerk)", request=AgencyInput,
                   responses={200: StaffAgencySerializer, **ERRORS})
    def update(self, request, pk=None, partial=False):
        agency = self.get_object()
        data = AgencyInput(data=request.data, partial=partial,
                           context={**self.get_serializer_context(), "initial": AgencyForm.initial_for(agency)})
        data.is_valid(raise_exception=True)
        return self.answer(services.agency_update(actor=request.user, agency=agency, **data.validated_data))

    @extend_schema(summary="Correct some of an agency's details (district clerk)", request=AgencyInput,
                   responses={200: StaffAgencySerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(summary="Suspend, reinstate or revoke the licence, with a reason (district clerk)",
                   request=StatusInput, responses={200: StaffAgencySerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, pk=None):
        agency = self.get_object()
        data = StatusInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self.answer(services.agency_status_change(actor=request.user, agency=agency,
                                                         to=data.validated_data["status"],
                                                         reason=data.validated_data["reason"]))

    @extend_schema(summary="Record an inspection (district clerk)", request=SupervisionInput,
                   responses={201: SupervisionRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        agency = self.get_object()
        data = SupervisionInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        record = services.agency_supervise(actor=request.user, agency=agency, **data.validated_data)
        return Response(SupervisionRecordSerializer(record).data, status=status.HTTP_201_CREATED)
