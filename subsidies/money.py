"""Money in fen: exact shares of a total by largest remainder, and amounts shown in yuan.

Amounts are integers of fen, never floats. A total divided by weights is computed with fractions,
each part rounded down, and the fen left over go one each to the largest remainders (ties to the
earlier key in the order given), so the parts always add up to the whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction


def largest_remainder(total_fen: int, weights: Mapping[str, Fraction | Decimal | int],
                      order: Sequence[str] | None = None) -> dict[str, int]:
    """Split ``total_fen`` in proportion to ``weights`` (non-negative, not all zero); the parts add
    up to ``total_fen`` exactly. Ties in the remainder go to the key that comes first in ``order``
    (by default the keys sorted), a rule stated so that a run can be reproduced by hand."""
    if total_fen < 0:
        raise ValueError("the total must not be negative")
    keys = list(order) if order is not None else sorted(weights)
    fractions = {key: Fraction(weights[key]) for key in keys}
    if any(value < 0 for value in fractions.values()):
        raise ValueError("weights must not be negative")
    whole = sum(fractions.values())
    if whole == 0:
        raise ValueError("the weights add up to zero")
    exact = {key: total_fen * value / whole for key, value in fractions.items()}
    parts = {key: int(value.numerator // value.denominator) for key, value in exact.items()}
    left = total_fen - sum(parts.values())
    by_remainder = sorted(keys, key=lambda key: (-(exact[key] - parts[key]), keys.index(key)))
    for key in by_remainder[:left]:
        parts[key] += 1
    return parts


def share_of(amount_fen: int, numerator: int, denominator: int) -> int:
    """``amount_fen`` × numerator / denominator, rounded down to the fen (a subsidy never pays more)."""
    return amount_fen * numerator // denominator


def yuan(amount_fen: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators: 123456 → "1,234.56"."""
    if amount_fen is None:
        return ""
    sign = "-" if amount_fen < 0 else ""
    whole, fen = divmod(abs(int(amount_fen)), 100)
    return f"{sign}{whole:,}.{fen:02d}"


def fen_from_yuan(text: str) -> int:
    """A yuan amount typed by a person ("1,234.5", "1234.56") as fen; ValueError when it is not one
    or has more than two decimals."""
    cleaned = str(text).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(cleaned)
    except ArithmeticError:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a number")
    if value.adjusted() > 15:  # "1e999999999" would otherwise become a billion-digit integer
        raise ValueError("too large")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimals")
    return int(fen)
