"""Routes of persons, employment and unemployment registration, ledgers, trainings, agency
services and the job seeker's own page (see registration/urls.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from registration.api import ledger as ledger_api
from registration.api import persons as person_api
from registration.api import registrations as registration_api
from registration.api import seeker as seeker_api
from registration.views import ledger, persons, registrations, seeker

public = [
    path("me/", seeker.MyRegistrationView.as_view(), name="me"),
    path("me/link/", seeker.MyAccountLinkView.as_view(), name="me-link"),
    path("me/apply/", seeker.MyUnemploymentApplyView.as_view(), name="me-apply"),
]

staff = [
    path("", ledger.OverviewView.as_view(), name="overview"),
    path("ledger/", ledger.LedgerView.as_view(), name="ledger"),
    path("ledger/export/", ledger.LedgerExportView.as_view(), name="ledger-export"),
    path("persons/", persons.PersonListView.as_view(), name="person-list"),
    path("persons/new/", persons.PersonCreateView.as_view(), name="person-create"),
    path("persons/<int:pk>/", persons.PersonDetailView.as_view(), name="person-detail"),
    path("persons/<int:pk>/reveal/", persons.PersonRevealView.as_view(), name="person-reveal"),
    path("persons/<int:pk>/card/", persons.PersonCardView.as_view(), name="person-card"),
    path("persons/<int:pk>/unemployment/", persons.PersonUnemploymentView.as_view(), name="person-unemployment"),
    path("persons/<int:pk>/employment/", persons.PersonEmploymentView.as_view(), name="person-employment"),
    path("persons/<int:pk>/trainings/", persons.PersonTrainingView.as_view(), name="person-training"),
    path("persons/<int:pk>/agency-services/", persons.PersonAgencyServiceView.as_view(),
         name="person-agency-service"),
    path("unemployment/", registrations.UnemploymentListView.as_view(), name="unemployment-list"),
    path("unemployment/to-confirm/", registrations.UnemploymentToConfirmView.as_view(),
         name="unemployment-to-confirm"),
    path("unemployment/<int:pk>/", registrations.UnemploymentDetailView.as_view(), name="unemployment-detail"),
    path("unemployment/<int:pk>/confirm/", registrations.UnemploymentConfirmView.as_view(),
         name="unemployment-confirm"),
    path("unemployment/<int:pk>/reject/", registrations.UnemploymentRejectView.as_view(), name="unemployment-reject"),
    path("unemployment/<int:pk>/cancel/", registrations.UnemploymentCancelView.as_view(), name="unemployment-cancel"),
    path("employment/<int:pk>/end/", registrations.EmploymentEndView.as_view(), name="employment-end"),
    path("trainings/<int:pk>/complete/", registrations.TrainingCompleteView.as_view(), name="training-complete"),
    path("agency-services/<int:pk>/end/", registrations.AgencyServiceEndView.as_view(), name="agency-service-end"),
]

api = [
    path("me/", seeker_api.MyRegistrationView.as_view(), name="me"),
    path("me/link/", seeker_api.MyAccountLinkView.as_view(), name="me-link"),
    path("me/apply/", seeker_api.MyUnemploymentApplyView.as_view(), name="me-apply"),
]

_staff_router = SimpleRouter()
_staff_router.register("persons", person_api.StaffPersonViewSet, basename="person")
_staff_router.register("unemployment-registrations", registration_api.StaffUnemploymentViewSet,
                       basename="unemployment-registration")
_staff_router.register("employment-registrations", registration_api.StaffEmploymentViewSet,
                       basename="employment-registration")
_staff_router.register("ledger", ledger_api.StaffLedgerViewSet, basename="ledger")
staff_api = _staff_router.urls
