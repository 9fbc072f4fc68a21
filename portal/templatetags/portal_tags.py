"""Template tags of the site shell."""

from django import template
from django.urls import NoReverseMatch, reverse

from portal import registry

register = template.Library()


@register.simple_tag
def portal_searches() -> list[dict]:
    """The public searches apps registered (``registry.register_search``), for pages that need no
    request context (the 500 page): each with its URL and label."""
    found = []
    for url_name, label in registry.searches():
        try:
            found.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return found
