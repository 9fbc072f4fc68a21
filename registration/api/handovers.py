"""Staff API of cross-district help (异地帮扶): propose (sending district), accept or decline
(receiving district). Both districts read the handover; only the receiving one decides."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api_base import ERRORS, AreaBriefSerializer, MovesField, ServiceActionMixin
from portal.api_forms import clean_with_form, form_schema
from portal.constants import StaffRole
from portal.scoped_views import ScopedModelViewSet
from portal.scoping import OutOfScope
from registration.api.cases import CasePersonSerializer
from registration.forms_cases import HandoverAcceptForm, HandoverDeclineForm, HandoverProposeForm
from registration.models import CaseHandover, HardshipCase
from registration.selectors.cases import (
    case_for_staff,
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
    moves = MovesField()

    class Meta:
        model = CaseHandover
        fields = ["id", "case", "area", "to_district", "status", "reason", "proposed_by", "proposed_at",
                  "decided_by", "decided_at", "decision_note", "moves"]


@extend_schema_view(
    list=extend_schema(responses={200: HandoverSerializer(many=True), **ERRORS}, parameters=[
        OpenApiParameter("box", str, enum=["incoming", "outgoing"],
                         description="incoming: addressed to your district; outgoing: sent from it; "
                                     "both when left out.")]),
    retrieve=extend_schema(responses={200: HandoverSerializer, **ERRORS}),
)
class HandoverViewSet(ServiceActionMixin, ScopedModelViewSet):
    """Case handovers sent from or addressed to the clerk's district. Both districts read a handover
    (``handovers_for_staff``); the workflow lets only the receiving one decide."""

    queryset = staff_handovers()
    serializer_class = HandoverSerializer
    scope_roles = [StaffRole.CLERK]

    def _handover(self, pk) -> CaseHandover:
        handover = handover_for_staff(fetched_by=self.request.user, pk=pk)
        if handover is None:
            raise OutOfScope()
        return handover

    def answer(self, record, *, status: int = 200, serializer_class=None) -> Response:
        """Through the selector both districts read with (the scoped queryset is the sender's only)."""
        fresh = handover_for_staff(fetched_by=self.request.user, pk=record.pk) or record
        return Response(self.get_serializer(fresh).data, status=status)

    def list(self, request):
        box = request.query_params.get("box")
        selector = {"incoming": handovers_incoming, "outgoing": handovers_outgoing}.get(box, handovers_for_staff)
        page = self.paginate_queryset(selector(fetched_by=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.answer(self._handover(pk))

    @extend_schema(request=form_schema(HandoverProposeForm, "HandoverPropose", form_kwargs={"districts": []}, extra={
                       "case": serializers.IntegerField(help_text=_("An approved case of your district."))}),
                   responses={201: HandoverSerializer, **ERRORS},
                   description="A district clerk hands an approved case to another district.")
    def create(self, request):
        data = clean_with_form(HandoverProposeForm, request.data, districts=[])
        case = case_for_staff(fetched_by=request.user, pk=request.data.get("case"))
        if case is None:
            raise OutOfScope()
        return self.call(handover_propose, status=201, case=case, **data)

    @extend_schema(request=form_schema(HandoverAcceptForm, "HandoverAccept", form_kwargs={"areas": []}),
                   responses={200: HandoverSerializer, **ERRORS},
                   description="The receiving district accepts; the case moves to the chosen street or community.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        handover = self._handover(pk)
        data = clean_with_form(HandoverAcceptForm, request.data, areas=[])
        return self.call(handover_accept, handover=handover, handling_area=data["handling_area"],
                         note=data["decision_note"])

    @extend_schema(request=form_schema(HandoverDeclineForm, "HandoverDecline"),
                   responses={200: HandoverSerializer, **ERRORS},
                   description="The receiving district declines, with a reason.")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        handover = self._handover(pk)
        data = clean_with_form(HandoverDeclineForm, request.data)
        return self.call(handover_decline, handover=handover, reason=data["decision_note"])
