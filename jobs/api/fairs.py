"""Job fair API: the public listing with sign-up, joining, slots and booking, and the staff
endpoints that organise fairs. Errors use the one format of portal/api_base.py.

Request bodies are validated with the pages' forms (jobs/forms_fairs.py, through
``jobs.api.inputs.form_input``), so a field and its limits are declared once. The API names an
area and an industry by code (``FairCodes``) and may name any vacancy by id: the service says
whether the user may use it, as it always has.
"""

from __future__ import annotations

from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.constants import FAIR_ORGANISERS
from jobs.forms_fairs import FairCancelForm, FairForm, FairJoinForm, FairPublicFilter, SlotOfferForm, StaffFairFilter
from jobs.models import FairParticipation, FairSignup, InterviewSlot, JobFair, Vacancy
from jobs.selectors.fairs import (
    fair_free_slots,
    fair_nameable_areas,
    fair_public_get,
    fair_public_list,
    fair_public_participants,
    fair_staff_base,
    fair_staff_participations,
    interview_slots_bookable,
    my_interview_slots,
    vacancies_nameable,
)
from jobs.services import fairs as services
from portal.api_base import (
    ERRORS,
    PUBLIC_ERRORS,
    AreaCodeField,
    ErrorSerializer,
    IndustryCodeField,
    MovesField,
    ServiceActionMixin,
)
from portal.api_forms import form_input
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class FairCodes(serializers.Serializer):
    """How the API names the records a fair refers to: by code."""

    area = AreaCodeField(help_text=_("12-digit division code of the organising city, district or street."))
    industry = IndustryCodeField(required=False, allow_null=True, allow_blank=True,
                                 help_text=_("GB/T 4754 section letter, A–T; required for an industry fair."))


FairInput = form_input(FairForm, codes=FairCodes)
CancelInput = form_input(FairCancelForm)
JoinInput = form_input(FairJoinForm)
SlotOfferInput = form_input(SlotOfferForm)


# --- Serializers (output) ---------------------------------------------------------------------


class FairVacancySerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "headcount", "salary_min", "salary_max", "education", "area", "area_name",
                  "closing_date"]


class FairEmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FairParticipantSerializer(serializers.ModelSerializer):
    employer = FairEmployerSerializer(read_only=True)
    vacancies = FairVacancySerializer(source="public_vacancies", many=True, read_only=True)

    class Meta:
        model = FairParticipation
        fields = ["id", "employer", "booth", "vacancies"]


class FairSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None,
                                          allow_null=True)  # a fair open to every industry has none
    employer_count = serializers.IntegerField(read_only=True)
    vacancy_count = serializers.IntegerField(read_only=True)
    signup_count = serializers.IntegerField(read_only=True)
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = JobFair
        fields = ["id", "title", "status", "starts_at", "ends_at", "venue", "is_online", "target_group", "industry",
                  "industry_name", "description", "capacity", "area", "area_name", "employer_count",
                  "vacancy_count", "signup_count", "places_left"]

    def get_places_left(self, fair) -> int | None:
        return None if fair.capacity is None else max(fair.capacity - fair.signup_count, 0)


class FairDetailSerializer(FairSerializer):
    participants = FairParticipantSerializer(many=True, read_only=True)

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "participants"]


class FreeSlotSerializer(serializers.ModelSerializer):
    """A free slot as anyone sees it: the meeting link is only for the job seeker who books it."""

    employer = FairEmployerSerializer(source="participation.employer", read_only=True)
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True, default=None)

    class Meta:
        model = InterviewSlot
        fields = ["id", "starts_at", "minutes", "employer", "vacancy", "vacancy_title"]


class SlotFairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class MySlotSerializer(serializers.ModelSerializer):
    """A slot as its employer or the job seeker who booked it sees it, with the meeting link."""

    fair = SlotFairSerializer(source="participation.fair", read_only=True)
    employer = FairEmployerSerializer(source="participation.employer", read_only=True)
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True, default=None)
    booked_by_name = serializers.CharField(source="booked_by.account.display_name", read_only=True, default=None)

    class Meta:
        model = InterviewSlot
        fields = ["id", "fair", "employer", "starts_at", "minutes", "meeting_link", "vacancy", "vacancy_title",
                  "booked_by_name", "booked_at"]


class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = FairSignup
        fields = ["id", "fair", "signed_up_at"]


class ParticipationSerializer(serializers.ModelSerializer):
    class Meta:
        model = FairParticipation
        fields = ["id", "fair", "employer", "vacancies"]


class StaffFairSerializer(FairSerializer):
    organised_by = serializers.CharField(source="organised_by.username", read_only=True)
    moves = MovesField()

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "organised_by", "moves"]


class StaffParticipantSerializer(serializers.ModelSerializer):
    employer = FairEmployerSerializer(read_only=True)
    vacancies = FairVacancySerializer(many=True, read_only=True)
    slot_count = serializers.IntegerField(read_only=True)
    booked_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FairParticipation
        fields = ["id", "employer", "booth", "vacancies", "slot_count", "booked_count"]


class StaffFairDetailSerializer(StaffFairSerializer):
    participants = StaffParticipantSerializer(many=True, read_only=True)

    class Meta(StaffFairSerializer.Meta):
        fields = [*StaffFairSerializer.Meta.fields, "participants"]


def _created(serializer_class: type[serializers.Serializer], record: Model) -> Response:
    """A record the service made that is not the viewset's own kind (a sign-up, a participation, a slot)."""
    return Response(serializer_class(record).data, status=status.HTTP_201_CREATED)


# --- Public viewsets --------------------------------------------------------------------------


@scope_exempt("Public job fairs; sign-up, join, slots and booking act for the signed-in user's own account only.")
@extend_schema_view(
    list=extend_schema(summary="Published job fairs (upcoming by default; when=past for past ones)",
                       responses={200: FairSerializer(many=True), 400: ErrorSerializer}),
    retrieve=extend_schema(summary="A published job fair with its employers and their public vacancies",
                           responses={200: FairDetailSerializer, **PUBLIC_ERRORS}),
)
class FairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FairSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = FairPublicFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return fair_public_list(fetched_by=self.request.user)

    def get_object(self) -> JobFair:
        """Any fair the public may see (also past and cancelled ones), whatever the list's filter."""
        fair = fair_public_get(fetched_by=self.request.user, pk=int(self.kwargs["pk"]))
        if fair is None:
            raise Http404
        return fair

    def retrieve(self, request, pk=None):
        fair = self.get_object()
        fair.participants = fair_public_participants(fair=fair, fetched_by=request.user)
        return Response(FairDetailSerializer(fair).data)

    @extend_schema(summary="Sign up for a fair (job seeker)", request=None,
                   responses={201: SignupSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        return _created(SignupSerializer, services.fair_sign_up(actor=request.user, fair=self.get_object()))

    @extend_schema(summary="Join a fair with some of your published vacancies (verified employer)",
                   request=JoinInput, responses={201: ParticipationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        fair = self.get_object()
        data = self._input(JoinInput)
        return _created(ParticipationSerializer, services.fair_join(actor=request.user, fair=fair, **data))

    @extend_schema(methods=["GET"], summary="Free interview slots of a fair (without meeting links)",
                   request=None, responses={200: FreeSlotSerializer(many=True), **PUBLIC_ERRORS})
    @extend_schema(methods=["POST"], summary="Offer an interview slot (participating employer)",
                   request=SlotOfferInput, responses={201: MySlotSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def slots(self, request, pk=None):
        fair = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(fair_free_slots(fair=fair, fetched_by=request.user))
            return self.get_paginated_response(FreeSlotSerializer(page, many=True).data)
        data = self._input(SlotOfferInput)
        return _created(MySlotSerializer, services.interview_slot_offer(actor=request.user, fair=fair, **data))

    def _input(self, input_class) -> dict:
        """The body, validated by the page's form; any vacancy may be named (the service judges it)."""
        context = {**self.get_serializer_context(),
                   "form_kwargs": {"vacancies": vacancies_nameable(fetched_by=self.request.user)}}
        data = input_class(data=self.request.data, context=context)
        data.is_valid(raise_exception=True)
        return data.validated_data


@scope_exempt("Interview slots of the signed-in job seeker (booked) or employer (offered) only.")
@extend_schema_view(
    list=extend_schema(summary="My interview slots: booked (job seeker) or offered (employer), with links",
                       responses={200: MySlotSerializer(many=True), 401: ErrorSerializer}),
)
class SlotViewSet(ServiceActionMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MySlotSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "book":  # any slot of a published fair; the service decides who may book it
            return interview_slots_bookable(fetched_by=self.request.user)
        return my_interview_slots(fetched_by=self.request.user)

    @extend_schema(summary="Book a free interview slot (job seeker signed up for the fair)", request=None,
                   responses={200: MySlotSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        return self.call(services.interview_slot_book, record="slot")


# --- Staff viewset ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Job fairs in my jurisdiction", responses={200: StaffFairSerializer(many=True),
                                                                          **ERRORS}),
    retrieve=extend_schema(summary="A fair with its participants and counts",
                           responses={200: StaffFairDetailSerializer, **ERRORS}),
)
class StaffFairViewSet(ServiceActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = JobFair
    scope_roles = FAIR_ORGANISERS.roles
    serializer_class = StaffFairSerializer
    filterset_class = StaffFairFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return fair_staff_base()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("create", "update", "partial_update"):
            # Any area may be named; the service answers 404 for one the user does not organise fairs in.
            context["form_kwargs"] = {"areas": fair_nameable_areas(fetched_by=self.request.user)}
        return context

    def retrieve(self, request, pk=None):
        fair = self.get_object()
        fair.participants = fair_staff_participations(fair=fair, fetched_by=request.user)
        return Response(StaffFairDetailSerializer(fair, context=self.get_serializer_context()).data)

    @extend_schema(summary="Draft a fair", request=FairInput, responses={201: StaffFairSerializer, **ERRORS})
    def create(self, request):
        return self.call(services.fair_create, input=FairInput, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a draft fair", request=FairInput, responses={200: StaffFairSerializer, **ERRORS})
    def update(self, request, pk=None, partial=False):
        fair = self.get_object()
        data = FairInput(data=request.data, partial=partial,
                         context={**self.get_serializer_context(), "initial": FairForm.initial_for(fair)})
        data.is_valid(raise_exception=True)
        return self.answer(services.fair_update(actor=request.user, fair=fair, **data.validated_data))

    @extend_schema(summary="Change some fields of a draft fair", request=FairInput,
                   responses={200: StaffFairSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(summary="Publish a draft fair", request=None, responses={200: StaffFairSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.call(services.fair_publish, record="fair")

    @extend_schema(summary="Cancel a fair", request=CancelInput, responses={200: StaffFairSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.call(services.fair_cancel, record="fair", input=CancelInput)
