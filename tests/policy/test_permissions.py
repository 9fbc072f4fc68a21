"""Every staff role of another area gets 404 (or 403 where the page is not for it) on a district's
policy records, in pages and in the API; street and community windows read but do not write."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import STAFF_POSITIONS, make_staff
from tests.policy.factories import (
    PolicyDocumentFactory,
    ServiceWindowFactory,
    TrainingCourseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, level", [(role, attr) for _, role, attr in STAFF_POSITIONS if attr != "city"])
def test_staff_of_another_district_get_404_on_its_documents_windows_and_courses(tree, role, level):
    other = {"c1": tree.c3, "s1": tree.c3.parent, "d1": tree.d2}[level]
    user = make_staff(role, other)
    records = {
        "document": PolicyDocumentFactory(area=tree.d1),
        "window": ServiceWindowFactory(area=tree.d1),
        "course": TrainingCourseFactory(area=tree.d1),
    }
    client = APIClient()
    client.force_login(user)
    pages = [reverse("staff-policy:document-detail", args=[records["document"].pk]),
             reverse("staff-policy:document-compare", args=[records["document"].pk]),
             reverse("staff-policy:window-detail", args=[records["window"].pk]),
             reverse("staff-policy:course-detail", args=[records["course"].pk]),
             f"/api/staff/policy/documents/{records['document'].pk}/",
             f"/api/staff/policy/windows/{records['window'].pk}/",
             f"/api/staff/policy/courses/{records['course'].pk}/"]
    for url in pages:
        assert client.get(url).status_code == 404, url
    for url in (reverse("staff-policy:document-submit", args=[records["document"].pk]),
                reverse("staff-policy:course-publish", args=[records["course"].pk]),
                f"/api/staff/policy/documents/{records['document'].pk}/publish/"):
        assert client.post(url).status_code == 404, url
    html = client.get(reverse("staff-policy:document-list")).content.decode()
    assert records["document"].title not in html


def test_job_seekers_and_employers_get_403_on_staff_pages(client, job_seeker, employer):
    for user in (job_seeker, employer):
        client.force_login(user)
        assert client.get(reverse("staff-policy:document-list")).status_code == 403
        assert client.get(reverse("staff-policy:course-list")).status_code == 403
