"""Routes of job seekers, applications, the employer's applicants, referrals and matching."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from jobs.api import matching as matching_api
from jobs.api import referrals as referrals_api
from jobs.api import seekers as seekers_api
from jobs.views import matching, referrals, seekers

public = [
    path("me/profile/", seekers.SeekerProfileView.as_view(), name="my-profile"),
    path("me/applications/", seekers.MyApplicationsView.as_view(), name="my-applications"),
    path("me/applications/<int:pk>/withdraw/", seekers.ApplicationWithdrawView.as_view(),
         name="application-withdraw"),
    path("me/matches/", matching.MyMatchesView.as_view(), name="my-matches"),
    path("vacancies/<int:pk>/apply/", seekers.VacancyApplyView.as_view(), name="vacancy-apply"),
    path("employer/vacancies/<int:pk>/applicants/", seekers.VacancyApplicantsView.as_view(),
         name="vacancy-applicants"),
]

staff = [
    path("referrals/", referrals.ReferralListView.as_view(), name="referral-list"),
    path("referrals/new/", referrals.ReferralCreateView.as_view(), name="referral-create"),
    path("referrals/<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral-detail"),
    path("seekers/", referrals.SeekerListView.as_view(), name="seeker-list"),
    path("seekers/<int:pk>/", referrals.SeekerDetailView.as_view(), name="seeker-detail"),
    path("vacancies/<int:pk>/candidates/", matching.VacancyCandidatesView.as_view(), name="vacancy-candidates"),
]

_api = SimpleRouter()
_api.register("me/applications", seekers_api.MyApplicationViewSet, basename="my-application")
_api.register("me/matches", matching_api.MyMatchesViewSet, basename="my-match")
_api.register("employer/applicants", seekers_api.EmployerApplicantViewSet, basename="employer-applicant")

api = [
    path("me/profile/", seekers_api.MyProfileView.as_view(), name="my-profile"),
    *_api.urls,
]

_staff_api = SimpleRouter()
_staff_api.register("referrals", referrals_api.ReferralViewSet, basename="referral")
_staff_api.register("seekers", seekers_api.StaffSeekerViewSet, basename="seeker")
_staff_api.register("candidates", matching_api.CandidateViewSet, basename="candidate")

staff_api = [*_staff_api.urls]
