"""Walk the URL resolver: every route with its qualified name, view class and parameters."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ("portal", "jobs", "registration", "policy", "subsidies", "analytics")
STAFF_PREFIXES = ("staff/", "api/staff/")


@dataclass
class Route:
    route: str
    name: str | None
    callback: object
    view: object  # the class for class-based views and DRF views, else the function
    params: list[str]
    actions: dict | None  # DRF viewset method → action

    @property
    def is_staff(self) -> bool:
        return self.route.startswith(STAFF_PREFIXES)

    @property
    def is_project_code(self) -> bool:
        return getattr(self.view, "__module__", "").split(".")[0] in PROJECT_APPS


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern),
                             f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
            yield Route(
                route=prefix + str(entry.pattern),
                name=f"{namespace}{entry.name}" if entry.name else None,
                callback=callback,
                view=view,
                params=list(entry.pattern.converters.keys()) or list(entry.pattern.regex.groupindex),
                actions=getattr(callback, "actions", None),
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))
