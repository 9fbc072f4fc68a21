"""Policy document routes (see policy/routes/__init__.py for where each list is mounted)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from policy.api import documents as api_views
from policy.views import documents as views

public = [
    path("", views.DocumentSearchView.as_view(), name="document-search"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/attachments/<int:attachment_id>/", views.AttachmentDownloadView.as_view(),
         name="attachment-download"),
]

staff = [
    path("documents/", views.StaffDocumentListView.as_view(), name="document-list"),
    path("documents/new/", views.StaffDocumentCreateView.as_view(), name="document-create"),
    path("documents/import/", views.StaffDocumentImportView.as_view(), name="document-import"),
    path("documents/<int:pk>/", views.StaffDocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/submit/", views.StaffDocumentSubmitView.as_view(), name="document-submit"),
    path("documents/<int:pk>/publish/", views.StaffDocumentPublishView.as_view(), name="document-publish"),
    path("documents/<int:pk>/return/", views.StaffDocumentReturnView.as_view(), name="document-return"),
    path("documents/<int:pk>/repeal/", views.StaffDocumentRepealView.as_view(), name="document-repeal"),
    path("documents/<int:pk>/compare/", views.StaffVersionCompareView.as_view(), name="document-compare"),
    path("documents/<int:pk>/versions/<int:number>/", views.StaffVersionDetailView.as_view(),
         name="document-version"),
    path("documents/<int:pk>/relations/", views.StaffRelationAddView.as_view(), name="relation-add"),
    path("documents/<int:pk>/relations/<int:relation_id>/remove/", views.StaffRelationRemoveView.as_view(),
         name="relation-remove"),
    path("documents/<int:pk>/attachments/", views.StaffAttachmentAddView.as_view(), name="attachment-add"),
    path("documents/<int:pk>/attachments/<int:attachment_id>/", views.StaffAttachmentDownloadView.as_view(),
         name="attachment-download"),
]

_public_router = SimpleRouter()
_public_router.register("documents", api_views.DocumentViewSet, basename="document")
api = _public_router.urls

_staff_router = SimpleRouter()
_staff_router.register("documents", api_views.StaffDocumentViewSet, basename="document")
staff_api = _staff_router.urls
