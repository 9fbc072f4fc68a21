"""Staff API of cross-district help (异地帮扶): propose (sending district), accept or decline
(receiving district). Both districts read the handover; only the receiving one decides."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import ERRORS
from portal.api_base import AreaBriefSerializer
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet
from portal.selectors import area_by_code
from registration.api.cases import CasePersonSerializer
from registration.models import CaseHandover, HardshipCase
from registration.selectors.cases import (
    case_for_staff,
    district_by_code,
    handover_for_staff,
    handovers_for_staff,
    handovers_incoming,
    handovers_outgoing,
    staff_handovers,
)
from registration.services.handovers import (
    handover_accept,
    handover_decline,
    handover_propose,
)


class HandoverCaseSerializer(serializers.ModelSerializer):
    person = CasePersonSerializer(read_only=True)

    class Meta:
        model = HardshipCase
        fields = ["id", "person", "status"]


class HandoverSerializer(serializers.ModelSerializer):
    case = HandoverCaseSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True, help_text=_("The sending district."))
    to_district = AreaBriefSerializer(read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = CaseHandover
        fields = ["id", "case", "area", "to_district", "status", "reason", "proposed_by", "proposed_at",
                  "decided_by", "decided_at", "decision_note"]


class HandoverProposeSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=_("An approved case of your district."))
    to_district = serializers.CharField(max_length=12, help_text=_("Division code of the receiving district."))
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def validate_to_district(self, value):
        district = district_by_code(code=value)
        if district is None:
            raise serializers.ValidationError(_("Unknown district code."), code="unknown_area")
        return district


class HandoverAcceptSerializer(serializers.Serializer):
    handling_area = serializers.CharField(max_length=12,
                                          help_text=_("Division code of a street or community of your district."))
    decision_note = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)

    def validate_handling_area(self, value):
        area = area_by_code(code=value)
        if area is None:
            raise serializers.ValidationError(_("Unknown division code."), code="unknown_area")
        return area


class HandoverDeclineSerializer(serializers.Serializer):
    decision_note = serializers.CharField(allow_blank=True, trim_whitespace=False)


@extend_schema_view(
    list=extend_schema(responses={200: HandoverSerializer(many=True), **ERRORS}, parameters=[
        OpenApiParameter("box", str, enum=["incoming", "outgoing"],
                         description="incoming: addressed to your district; outgoing: sent from it; "
                                     "both when left out.")]),
    retrieve=extend_schema(responses={200: HandoverSerializer, **ERRORS}),
)
class HandoverViewSet(ScopedModelViewSet):
    """Case handovers sent from or addressed to the clerk's district."""

    queryset = staff_handovers()
    serializer_class = HandoverSerializer
    scope_roles = [StaffRole.CLERK]

    def _handover(self, pk) -> CaseHandover:
        handover = handover_for_staff(fetched_by=self.request.user, pk=pk)
        if handover is None:
            raise Http404(_("Not found."))
        return handover

    def list(self, request):
        box = request.query_params.get("box")
        selector = {"incoming": handovers_incoming, "outgoing": handovers_outgoing}.get(box, handovers_for_staff)
        page = self.paginate_queryset(selector(fetched_by=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self._handover(pk)).data)

    @extend_schema(request=HandoverProposeSerializer, responses={201: HandoverSerializer, **ERRORS},
                   description="A district clerk hands an approved case to another district.")
    def create(self, request):
        data = HandoverProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_for_staff(fetched_by=request.user, pk=data.validated_data["case"])
        if case is None:
            raise Http404(_("Not found."))
        handover = handover_propose(actor=request.user, case=case, to_district=data.validated_data["to_district"],
                                    reason=data.validated_data["reason"])
        return Response(self.get_serializer(self._handover(handover.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandoverAcceptSerializer, responses={200: HandoverSerializer, **ERRORS},
                   description="The receiving district accepts; the case moves to the chosen street or community.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        handover = self._handover(pk)
        data = HandoverAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handover_accept(actor=request.user, handover=handover, handling_area=data.validated_data["handling_area"],
                        note=data.validated_data["decision_note"])
        return Response(self.get_serializer(self._handover(pk)).data)

    @extend_schema(request=HandoverDeclineSerializer, responses={200: HandoverSerializer, **ERRORS},
                   description="The receiving district declines, with a reason.")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        handover = self._handover(pk)
        data = HandoverDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handover_decline(actor=request.user, handover=handover, reason=data.validated_data["decision_note"])
        return Response(self.get_serializer(self._handover(pk)).data)
