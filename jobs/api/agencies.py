"""Agency API: the public register, and the staff endpoints where district clerks record licences,
change their status and record inspections."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.api.codes import AreaCodeMixin
from jobs.constants import LicenceStatus, SupervisionResult
from jobs.forms_agencies import AgencyPublicFilter, StaffAgencyFilter
from jobs.models import Agency, SupervisionRecord
from jobs.selectors.agencies import LicenceBadge, agency_public_list, agency_staff_base, agency_supervision_records
from jobs.services import agencies as services
from jobs.services.agencies import FINDINGS_MAX, REASON_MAX
from portal.api_base import ErrorSerializer
from portal.scoped_views import ScopedModelViewSet, scope_exempt

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AgencyPublicSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    badge = serializers.ChoiceField(choices=LicenceBadge.choices, read_only=True,
                                    help_text="valid, expiring (within 60 days), expired or suspended")

    class Meta:
        model = Agency
        fields = ["id", "name", "licence_number", "holder", "scope", "address", "contact_phone", "valid_from",
                  "valid_to", "status", "badge", "area", "area_name"]


class StaffAgencySerializer(AgencyPublicSerializer):
    last_inspected_on = serializers.DateField(read_only=True, allow_null=True)
    supervision_count = serializers.IntegerField(read_only=True)

    class Meta(AgencyPublicSerializer.Meta):
        fields = [*AgencyPublicSerializer.Meta.fields, "credit_code", "status_reason", "last_inspected_on",
                  "supervision_count"]


class SupervisionRecordSerializer(serializers.ModelSerializer):
    inspector = serializers.CharField(source="inspector.display_name", read_only=True)

    class Meta:
        model = SupervisionRecord
        fields = ["id", "agency", "inspected_on", "inspector", "findings", "result", "created_at"]


class StaffAgencyDetailSerializer(StaffAgencySerializer):
    supervision_records = SupervisionRecordSerializer(source="supervision_records_list", many=True, read_only=True)

    class Meta(StaffAgencySerializer.Meta):
        fields = [*StaffAgencySerializer.Meta.fields, "supervision_records"]


class AgencyWriteSerializer(AreaCodeMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    licence_number = serializers.CharField(max_length=40)
    holder = serializers.CharField(max_length=60)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    scope = serializers.CharField(max_length=300)
    address = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    area = serializers.CharField(max_length=12, help_text="Division code of the district, street or community.")


class StatusRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LicenceStatus.choices)
    reason = serializers.CharField(max_length=REASON_MAX)


class SuperviseRequestSerializer(serializers.Serializer):
    inspected_on = serializers.DateField()
    findings = serializers.CharField(max_length=FINDINGS_MAX)
    result = serializers.ChoiceField(choices=SupervisionResult.choices)


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
class StaffAgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Every staff role reads agencies in its subtree; district clerks record and change them."""

    model = Agency
    serializer_class = StaffAgencySerializer
    filterset_class = StaffAgencyFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return agency_staff_base()

    def _fresh(self, agency: Agency) -> Agency:
        return get_object_or_404(self.get_queryset(), pk=agency.pk)

    def retrieve(self, request, pk=None):
        agency = self.get_object()
        agency.supervision_records_list = agency_supervision_records(agency=agency, fetched_by=request.user)
        return Response(StaffAgencyDetailSerializer(agency).data)

    @extend_schema(summary="Record a licensed agency (district clerk)", request=AgencyWriteSerializer,
                   responses={201: StaffAgencySerializer, **ERRORS})
    def create(self, request):
        data = AgencyWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = services.agency_license(actor=request.user, **data.validated_data)
        return Response(StaffAgencySerializer(self._fresh(agency)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Correct an agency's details (district clerk)", request=AgencyWriteSerializer,
                   responses={200: StaffAgencySerializer, **ERRORS})
    def update(self, request, pk=None, partial=False):
        agency = self.get_object()
        data = AgencyWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = {name: getattr(agency, name) for name in AgencyWriteSerializer().fields}
        agency = services.agency_update(actor=request.user, agency=agency, **{**current, **data.validated_data})
        return Response(StaffAgencySerializer(self._fresh(agency)).data)

    @extend_schema(summary="Correct some of an agency's details (district clerk)", request=AgencyWriteSerializer,
                   responses={200: StaffAgencySerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(summary="Suspend, reinstate or revoke the licence, with a reason (district clerk)",
                   request=StatusRequestSerializer, responses={200: StaffAgencySerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, pk=None):
        agency = self.get_object()
        data = StatusRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agency = services.agency_status_change(actor=request.user, agency=agency, to=data.validated_data["status"],
                                               reason=data.validated_data["reason"])
        return Response(StaffAgencySerializer(self._fresh(agency)).data)

    @extend_schema(summary="Record an inspection (district clerk)", request=SuperviseRequestSerializer,
                   responses={201: SupervisionRecordSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def supervise(self, request, pk=None):
        agency = self.get_object()
        data = SuperviseRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.agency_supervise(actor=request.user, agency=agency, **data.validated_data)
        return Response(SupervisionRecordSerializer(record).data, status=status.HTTP_201_CREATED)
