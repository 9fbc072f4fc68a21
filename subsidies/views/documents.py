"""Downloads of supporting documents: to the applicant (their own application) and to staff in scope
of the application. Always an attachment with ``nosniff``, never shown inline; every download is a
read audit event. Anyone else gets 404, as if the document did not exist."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View

from portal.audit import client_ip
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from subsidies.models import Application, SupportingDocument
from subsidies.selectors.applications import my_document, staff_document
from subsidies.services.documents import document_read_record


def document_response(request, document: SupportingDocument) -> FileResponse:
    """The file as a download (the stored name is random; the person's file name is offered)."""
    document_read_record(actor=request.user, document=document, ip_address=client_ip(request))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("Not found.") from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@scope_exempt("A supporting document of the signed-in applicant's own application.")
class MyDocumentDownloadView(View):
    def get(self, request, pk, document):
        found = my_document(fetched_by=request.user, application_pk=pk, pk=document)
        if found is None:
            raise Http404("Not found.")
        return document_response(request, found)


class StaffDocumentDownloadView(StaffScopedViewMixin, View):
    """Staff in scope of the application (any staff role over its area)."""

    model = Application

    def get(self, request, pk, document):
        application = get_object_or_404(self.get_queryset(), pk=pk)
        found = staff_document(application=application, pk=document)
        if found is None:
            raise Http404("Not found.")
        return document_response(request, found)
