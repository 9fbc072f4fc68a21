"""Reads of service guides and windows: the public guides with the window for the reader's area."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from policy.constants import Service
from policy.models import ServiceGuide, ServiceWindow
from portal.constants import AreaLevel
from portal.models import Area, User


def guide_list(*, fetched_by: User | None) -> list[ServiceGuide]:
    """Every service guide, in the order of the services."""
    order = {value: index for index, value in enumerate(Service.values)}
    guides = list(ServiceGuide.objects.select_related("policy").defer("policy__body", "policy__search_text",
                                                                       "policy__search_vector"))
    return sorted(guides, key=lambda guide: order.get(guide.service, len(order)))


def public_guides() -> QuerySet[ServiceGuide]:
    """Every guide, unordered and unevaluated (the API's model for its schema)."""
    return ServiceGuide.objects.all()


def guide_public_detail(*, fetched_by: User | None, service: str) -> ServiceGuide:
    guide = (ServiceGuide.objects.select_related("policy__published_version")
             .defer("policy__body", "policy__search_text", "policy__search_vector", "policy__published_version__body")
             .filter(service=service).first())
    if guide is None:
        raise Http404(_("Not found."))
    policy = guide.policy
    guide.public_policy = policy if policy is not None and policy.published_version_id else None
    return guide


@dataclass
class WindowAnswer:
    """The window serving ``area`` for a service; ``fallback`` when it belongs to an area above it."""

    window: ServiceWindow | None
    area: Area | None
    fallback: bool


def window_for(*, fetched_by: User | None, area: Area | None, service: str) -> WindowAnswer:
    """The window of the reader's area for ``service``, or of the nearest area above it that has
    one handling the service (a community without its own window is served by its street, then
    its district, then the city). Two queries."""
    if area is None:
        return WindowAnswer(window=None, area=None, fallback=False)
    chain = [*area.ancestors(), area]
    windows = {w.area_id: w for w in ServiceWindow.objects.filter(area__in=[a.code for a in chain])
               .select_related("area")}
    for candidate in reversed(chain):
        window = windows.get(candidate.code)
        if window is not None and window.handles(service):
            return WindowAnswer(window=window, area=area, fallback=candidate.code != area.code)
    return WindowAnswer(window=None, area=area, fallback=False)


def window_districts() -> list[Area]:
    """Districts for the reader's area picker."""
    return list(Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code"))


def guide_staff_base() -> QuerySet[ServiceGuide]:
    return ServiceGuide.objects.select_related("area", "policy", "updated_by").defer(
        "policy__body", "policy__search_text", "policy__search_vector")


def window_staff_base() -> QuerySet[ServiceWindow]:
    return ServiceWindow.objects.select_related("area", "updated_by")
