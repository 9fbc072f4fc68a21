"""Service guides and windows: city staff write guides, district staff keep windows; the guide page
shows the window of the reader's area, falling back up the tree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policy.constants import Service
from policy.models import ServiceGuide, ServiceWindow
from policy.selectors.guides import window_for
from policy.services import guides as services
from tests.policy.factories import (
    PolicyDocumentFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
)

pytestmark = pytest.mark.django_db

STEPS = [{"title": "申请", "detail": "到社区窗口申请", "days": 0}, {"title": "审核", "detail": "", "days": 5}]


def guide_values(**overrides) -> dict:
    return {"service": Service.UNEMPLOYMENT_REGISTRATION, "title": "失业登记", "eligibility": "本市失业人员。",
            "materials": ["居民身份证"], "steps": STEPS, "time_limit_days": 5, **overrides}


def codes(exc) -> dict:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


def test_city_staff_write_a_guide_and_district_staff_may_not(tree, city_admin, district_official):
    guide = services.guide_create(actor=city_admin, **guide_values())
    assert guide.area == tree.city and guide.steps == STEPS
    with pytest.raises(Http404):
        services.guide_create(actor=district_official, **guide_values(service=Service.VACANCY_POSTING))
    with pytest.raises(Http404):
        services.guide_update(actor=district_official, guide=guide, **{k: v for k, v in guide_values().items()
                                                                        if k != "service"})


def test_a_second_guide_for_the_same_service_is_refused(tree, city_admin):
    services.guide_create(actor=city_admin, **guide_values())
    with pytest.raises(ValidationError) as caught:
        services.guide_create(actor=city_admin, **guide_values())
    assert codes(caught.value) == {"service": ["duplicate"]}


def test_steps_longer_than_the_time_limit_and_missing_fields_are_refused(tree, city_admin):
    with pytest.raises(ValidationError) as caught:
        services.guide_create(actor=city_admin, **guide_values(time_limit_days=3, eligibility=" "))
    assert codes(caught.value) == {"eligibility": ["required"], "steps": ["over_time_limit"]}
    with pytest.raises(ValidationError) as caught:
        services.guide_create(actor=city_admin, **guide_values(steps=[{"title": "", "days": 1}]))
    assert codes(caught.value) == {"steps": ["required"]}
    assert not ServiceGuide.objects.exists()


def test_a_guide_may_rest_only_on_a_published_policy(tree, city_admin):
    with pytest.raises(ValidationError) as caught:
        services.guide_create(actor=city_admin, **guide_values(policy=PolicyDocumentFactory()))
    assert codes(caught.value) == {"policy": ["unpublished"]}
    guide = services.guide_create(actor=city_admin, **guide_values(policy=PolicyDocumentFactory(published=True)))
    assert guide.policy is not None


def test_district_staff_keep_the_windows_of_their_district(tree, district_official, other_district_official):
    window = services.window_save(actor=district_official, area=tree.s1, name="街道窗口", address="大智路1号",
                                  phone="027-1", hours="工作日")
    again = services.window_save(actor=district_official, area=tree.s1, name="大智街道窗口", address="大智路1号",
                                 phone="027-1", hours="工作日")
    assert again.pk == window.pk and again.name == "大智街道窗口" and ServiceWindow.objects.count() == 1
    with pytest.raises(Http404):
        services.window_save(actor=other_district_official, area=tree.s1, name="x", address="x", phone="x", hours="x")
    with pytest.raises(ValidationError) as caught:
        services.window_save(actor=district_official, area=tree.d1, name="", address="x", phone="x", hours="x",
                             services=["nonsense"])
    assert codes(caught.value) == {"name": ["required"], "services": ["invalid_choice"]}


def test_the_window_of_the_nearest_area_handling_the_service_is_chosen(tree):
    district = ServiceWindowFactory(area=tree.d1, name="区窗口")
    street = ServiceWindowFactory(area=tree.s1, name="街道窗口", services=[Service.UNEMPLOYMENT_REGISTRATION])
    own = window_for(fetched_by=None, area=tree.s1, service=Service.UNEMPLOYMENT_REGISTRATION)
    assert (own.window, own.fallback) == (street, False)
    up = window_for(fetched_by=None, area=tree.c1, service=Service.UNEMPLOYMENT_REGISTRATION)
    assert (up.window, up.fallback) == (street, True)
    licence = window_for(fetched_by=None, area=tree.c1, service=Service.AGENCY_LICENCE)
    assert (licence.window, licence.fallback) == (district, True)
    assert window_for(fetched_by=None, area=tree.c3, service=Service.AGENCY_LICENCE).window is None


# --- Pages --------------------------------------------------------------------------------------


def test_the_public_guide_page_shows_the_steps_and_the_window_for_the_picked_area(client, tree):
    guide = ServiceGuideFactory(service=Service.UNEMPLOYMENT_REGISTRATION, title="失业登记指南")
    ServiceWindowFactory(area=tree.d1, name="江岸区窗口", phone="027-82833000")
    url = reverse("policy:guide-detail", args=[guide.service])
    html = client.get(url).content.decode()
    assert "失业登记指南" in html and "居民身份证" in html and "审核登记" in html and "江岸区窗口" not in html
    response = client.get(url, {"area_district": tree.d1.code, "area_street": tree.s1.code,
                                "area_community": tree.c1.code})
    html = response.content.decode()
    assert "江岸区窗口" in html and "027-82833000" in html and response.context["answer"].fallback
    assert f'value="{tree.c1.code}" selected' in html  # the picker keeps the choice
    assert client.get(reverse("policy:guide-detail", args=["nonsense"])).status_code == 404


def test_the_guide_list_shows_every_guide_with_its_time_limit(client, tree, django_assert_num_queries):
    ServiceGuideFactory(service=Service.UNEMPLOYMENT_REGISTRATION)
    url = reverse("policy:guide-list")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for service in (Service.VACANCY_POSTING, Service.AGENCY_LICENCE, Service.GUARANTEED_MICRO_LOAN):
        ServiceGuideFactory(service=service)
    with django_assert_num_queries(len(small)):
        response = client.get(url)
    assert len(response.context["guides"]) == 4


def test_city_staff_write_a_guide_through_the_form_with_steps_one_a_line(client, tree, city_admin):
    client.force_login(city_admin)
    data = {"service": Service.VACANCY_POSTING, "title": "岗位登记", "eligibility": "用人单位。",
            "materials": "营业执照\n\n招聘简章", "steps": "登记 | 网上登记 | 0\n审核 | 窗口审核 | 2",
            "time_limit_days": "2", "fees": "免费", "policy": "", "summary": ""}
    response = client.post(reverse("staff-policy:guide-create"), data)
    guide = ServiceGuide.objects.get()
    assert response.status_code == 302 and guide.materials == ["营业执照", "招聘简章"]
    assert guide.steps == [{"title": "登记", "detail": "网上登记", "days": 0},
                           {"title": "审核", "detail": "窗口审核", "days": 2}]
    response = client.post(reverse("staff-policy:guide-detail", args=[guide.pk]),
                           {**data, "steps": "登记 | 网上登记 | 两天", "title": "保留"})
    assert response.status_code == 200 and "steps" in response.context["form"].errors
    assert 'value="保留"' in response.content.decode()
    response = client.post(reverse("staff-policy:guide-detail", args=[guide.pk]), {**data, "policy": "无此文号"})
    assert [e.code for e in response.context["form"].errors.as_data()["policy"]] == ["unknown"]


def test_district_staff_see_no_create_link_and_get_403_on_the_form(client, tree, district_official):
    client.force_login(district_official)
    assert client.get(reverse("staff-policy:guide-create")).status_code == 403
    assert client.get(reverse("staff-policy:window-create")).status_code == 200


def test_a_district_admin_adds_a_window_through_the_form(client, tree, district_official):
    client.force_login(district_official)
    data = {"area_district": tree.d1.code, "area_street": tree.s1.code, "name": "大智街道窗口", "address": "大智路1号",
            "phone": "027-82786000", "hours": "工作日", "services": [Service.UNEMPLOYMENT_REGISTRATION]}
    response = client.post(reverse("staff-policy:window-create"), data)
    window = ServiceWindow.objects.get()
    assert response.status_code == 302 and window.area == tree.s1
    assert window.services == [Service.UNEMPLOYMENT_REGISTRATION]
    response = client.post(reverse("staff-policy:window-detail", args=[window.pk]), {**data, "hours": "全天"})
    window.refresh_from_db()
    assert response.status_code == 302 and window.hours == "全天"
