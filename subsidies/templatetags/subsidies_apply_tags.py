"""Filters of the applying pages: fen shown as yuan, a bank account shown masked, document kinds in words."""

from django import template

from subsidies.constants import DocumentKind
from subsidies.money import yuan as yuan_of

register = template.Library()


@register.filter
def yuan(amount_fen) -> str:
    """Integer fen as yuan with two decimals: 123456 → "1,234.56"."""
    try:
        return yuan_of(int(amount_fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def mask_account(number) -> str:
    """A bank account with only its last four digits shown."""
    number = str(number or "")
    return f"****{number[-4:]}" if len(number) > 4 else number


@register.filter
def document_labels(kinds) -> str:
    return "、".join(str(DocumentKind(kind).label) for kind in kinds or [] if kind in DocumentKind.values)
