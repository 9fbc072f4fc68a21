"""Routes of applying: the applicant's own pages and API, the community window's pages and API, and
document downloads."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from subsidies.api import apply as api_views
from subsidies.views import apply as views
from subsidies.views import documents

public = [
    path("apply/", views.ApplyStartView.as_view(), name="apply-start"),
    path("apply/<slug:code>/", views.ApplyView.as_view(), name="apply"),
    path("my/applications/", views.MyApplicationListView.as_view(), name="my-applications"),
    path("my/applications/<int:pk>/", views.MyApplicationDetailView.as_view(), name="my-application"),
    path("my/applications/<int:pk>/correct/", views.MyApplicationCorrectView.as_view(), name="my-application-correct"),
    path("my/applications/<int:pk>/resubmit/", views.MyApplicationResubmitView.as_view(),
         name="my-application-resubmit"),
    path("my/applications/<int:pk>/withdraw/", views.MyApplicationWithdrawView.as_view(),
         name="my-application-withdraw"),
    path("my/applications/<int:pk>/documents/", views.MyDocumentAddView.as_view(), name="my-document-add"),
    path("my/applications/<int:pk>/documents/<int:document>/", documents.MyDocumentDownloadView.as_view(),
         name="my-document"),
]

staff = [
    path("window/", views.WindowStartView.as_view(), name="window"),
    path("window/apply/<slug:code>/", views.WindowApplyView.as_view(), name="window-apply"),
    path("window/applications/<int:pk>/", views.WindowApplicationView.as_view(), name="window-application"),
    path("window/applications/<int:pk>/correct/", views.WindowCorrectView.as_view(), name="window-correct"),
    path("window/applications/<int:pk>/resubmit/", views.WindowResubmitView.as_view(), name="window-resubmit"),
    path("window/applications/<int:pk>/documents/", views.WindowDocumentAddView.as_view(), name="window-document-add"),
    path("applications/<int:pk>/documents/<int:document>/", documents.StaffDocumentDownloadView.as_view(),
         name="document-download"),
]

_api = SimpleRouter()
_api.register("me/applications", api_views.MyApplicationViewSet, basename="my-application")
api = [*_api.urls]

_staff_api = SimpleRouter()
_staff_api.register("window/applications", api_views.WindowApplicationViewSet, basename="window-application")
staff_api = [*_staff_api.urls]
