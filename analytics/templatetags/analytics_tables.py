"""Template filters of the dashboards: a value as its table kind shows it (``analytics.tables``)."""

from django import template

from analytics.tables import format_cell

register = template.Library()


@register.filter
def cell(value, kind: str) -> str:
    """``{{ figure.value|cell:"percent" }}`` → "3.45 %"."""
    return format_cell(value, kind)


@register.filter
def direction(value) -> str:
    """"up", "down" or "" for a change, for the arrow beside it (the sign is in the text too)."""
    if value is None or value == 0:
        return ""
    return "up" if value > 0 else "down"
