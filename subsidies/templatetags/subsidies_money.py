"""Money on the subsidies pages: fen stored, yuan shown with two decimals (``{{ amount|yuan }}``)."""

from django import template

from subsidies.money import yuan as _yuan

register = template.Library()


@register.filter
def yuan(amount_fen) -> str:
    """Fen as yuan with two decimals and thousands separators; empty for no amount."""
    if amount_fen is None or amount_fen == "":
        return ""
    try:
        return _yuan(int(amount_fen))
    except (TypeError, ValueError):
        return ""
