"""XLSX and CSV files of the fund pages: an allocation run, a comparison of two runs, and the year-end
fund-use evaluation.

Amounts are written as numbers of yuan with two decimals (exact: fen ÷ 100 as a Decimal), so a
spreadsheet adds them up to the fen; parts are numbers of percent. The workbooks are written by
``portal.xlsx`` as every export of the portal: a title row with the area and the day, typed cells,
column widths. In CSV, text that a spreadsheet would read as a formula is prefixed with an
apostrophe. Each workbook has a sheet saying how the figures are computed.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.xlsx import DECIMAL_FORMAT, XLSX_CONTENT_TYPE, YUAN_FORMAT, Column, XlsxBook, export_title
from subsidies.constants import AllocationKind
from subsidies.selectors.allocation import Comparison, RunTable
from subsidies.selectors.evaluation import Evaluation

XLSX_TYPE = XLSX_CONTENT_TYPE
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def money(amount_fen: int | None) -> Decimal | None:
    return None if amount_fen is None else Decimal(int(amount_fen)) / 100


def text(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _percent(part) -> Decimal:
    """A part (0.123456…) as a number of percent with four decimals (12.3456)."""
    return (Decimal(str(part)) * 100).quantize(Decimal("0.0001"))


def _columns(header: list[str], money_columns: set[int], percent_columns: set[int] = frozenset()) -> list[Column]:
    """The sheet's columns: yuan with two decimals and thousands separators, parts in percent."""
    return [Column(label, number_format=YUAN_FORMAT if index in money_columns
                   else "0.0000" if index in percent_columns else None)
            for index, label in enumerate(header)]


def _today(on_date: datetime.date | None) -> datetime.date:
    return on_date or timezone.localdate()


def method_lines(kind: str) -> list[str]:
    lines = [
        _("Score of a district = Σ over the factors of weight × (the district's value ÷ the sum of that factor "
          "over the districts). Every factor is larger-gets-more; a factor that is zero for every district "
          "gives no one anything."),
        _("Share = total × score ÷ the sum of the scores, rounded down to the fen; the fen left over go one each "
          "to the largest remainders, equal remainders to the district with the smaller division code, so the "
          "shares add up to the total exactly."),
        _("What each factor brings a district is its share split the same way by the factors' contributions."),
    ]
    if kind == AllocationKind.STARTUP_LOAN:
        lines.append(_("Each district adds a match of half its share (rounded up to the fen); the city bears half "
                       "of each district's interest subsidies, compensation for bad loans and guarantee fees "
                       "(rounded down; the district bears the rest)."))
    return lines


def run_workbook(table: RunTable, *, on_date: datetime.date | None = None) -> bytes:
    """A run: one line per district with each factor's value, part, contribution and fen, the score, the
    share (and for start-up loans the district's match and the city's half of the costs). The title row
    names the run, the area it allocates and the day of the export (``on_date``, today by default)."""
    run = table.run
    startup = run.kind == AllocationKind.STARTUP_LOAN
    header = [_("District"), _("Division code")]
    money_columns: set[int] = set()
    percent_columns: set[int] = set()
    for _name, label in table.factors:
        header += [_("%(factor)s: value") % {"factor": label}, _("%(factor)s: part (%%)") % {"factor": label},
                   _("%(factor)s: contribution") % {"factor": label}, _("%(factor)s: yuan") % {"factor": label}]
        money_columns.add(len(header) - 1)
        percent_columns.add(len(header) - 3)
    header += [_("Score"), _("Share (yuan)")]
    money_columns.add(len(header) - 1)
    if startup:
        header += [_("District match (yuan)"), _("Fund with the match (yuan)"), _("City's half of the costs (yuan)")]
        money_columns |= {len(header) - 3, len(header) - 2, len(header) - 1}
    rows = []
    for row in table.rows:
        line = [row.district.name, row.district.code]
        for cell in row.cells:
            line += [cell.value_text, _percent(cell.part), Decimal(cell.contribution), money(cell.amount_fen)]
        line += [row.share.score, money(row.share.share_fen)]
        if startup:
            line += [money(row.share.district_match_fen), money(row.fund_with_match_fen), money(row.city_costs_fen)]
        rows.append(line)
    total = [_("Total"), ""]
    for factor in table.factor_totals:
        total += [factor["value_text"], None, None, money(factor["amount_fen"])]
    total += [None, money(table.total_shares_fen)]
    if startup:
        total += [money(table.total_match_fen), money(table.total_shares_fen + table.total_match_fen),
                  money(table.total_city_costs_fen)]
    rows.append(total)
    book = XlsxBook()
    subject = f"{run.get_kind_display()} {run.year} · {_('run')} {run.pk}" + (f" {run.label}" if run.label else "")
    book.add_table(_("Allocation"), title=export_title(subject, area=run.area, on_date=_today(on_date)),
                   columns=_columns(header, money_columns, percent_columns), rows=rows)
    notes = [f"{run.get_kind_display()} · {run.year} · {_('run')} {run.pk} {run.label}",
             _("Total: %(total)s yuan") % {"total": f"{money(run.total_fen):,.2f}"},
             _("Weights version %(number)d: %(weights)s") % {
                 "number": run.weights.number,
                 "weights": "，".join(f"{label} {table.weights.get(name)}" for name, label in table.factors)},
             _("Computed at %(at)s by %(by)s") % {"at": run.created_at.strftime("%Y-%m-%d %H:%M"),
                                                  "by": run.created_by}, "", *method_lines(run.kind)]
    book.add_notes(_("Method"), notes)
    return book.to_bytes()


def comparison_workbook(comparison: Comparison, *, on_date: datetime.date | None = None) -> bytes:
    """Two runs side by side: per district its share in each and the difference, and per factor what it
    brought in each and the difference."""
    a, b = comparison.a, comparison.b
    header = [_("District"), _("Division code"), _("Run %(number)d (yuan)") % {"number": a.pk},
              _("Run %(number)d (yuan)") % {"number": b.pk}, _("Difference (yuan)")]
    money_columns = {2, 3, 4}
    for _name, label in comparison.factors:
        header += [_("%(factor)s: run %(number)d") % {"factor": label, "number": a.pk},
                   _("%(factor)s: run %(number)d") % {"factor": label, "number": b.pk},
                   _("%(factor)s: difference") % {"factor": label}]
        money_columns |= {len(header) - 3, len(header) - 2, len(header) - 1}
    header.append(_("Inputs differ"))
    rows = []
    for row in comparison.rows:
        line = [row.name, row.code, money(row.share_a), money(row.share_b), money(row.difference)]
        for factor in row.factors:
            line += [money(factor.amount_a), money(factor.amount_b), money(factor.difference)]
        line.append(_("Yes") if row.inputs_changed else _("No"))
        rows.append(line)
    total = [_("Total"), None, money(sum(r.share_a for r in comparison.rows)),
             money(sum(r.share_b for r in comparison.rows)), money(sum(r.difference for r in comparison.rows))]
    for factor in comparison.factor_totals:
        total += [money(factor["a"]), money(factor["b"]), money(factor["difference"])]
    rows.append(total)
    book = XlsxBook()
    subject = _("Run %(a)d compared with run %(b)d (%(kind)s)") % {"a": a.pk, "b": b.pk, "kind": a.get_kind_display()}
    book.add_table(_("Comparison"), title=export_title(subject, area=a.area, on_date=_today(on_date)),
                   columns=_columns(header, money_columns), rows=rows)
    notes = [subject]
    for change in comparison.weight_changes:
        notes.append(f"{change['label']}: {change['a']} → {change['b']}" + (" *" if change["changed"] else ""))
    notes += ["", *method_lines(a.kind)]
    book.add_notes(_("Method"), notes)
    return book.to_bytes()


def evaluation_header(evaluation: Evaluation) -> tuple[list[str], set[int]]:
    header = [_("District"), _("Division code"), _("Fund for the year (yuan)"), _("Allocated (yuan)"),
              _("Paid (yuan)")]
    header += [_("Paid for %(programme)s (yuan)") % {"programme": column.name} for column in evaluation.programmes]
    money_columns = set(range(2, len(header)))
    header += [_("People served"), _("Target: people to serve"), _("Placements"), _("Target: placements"),
               _("Cost per placement (yuan)"), _("People served (percent of target)"), _("Placements (percent of target)"),
               _("Score"), _("Below 1.5 percent of last year's revenue by (yuan)")]
    money_columns |= {len(header) - 5, len(header) - 1}
    return header, money_columns


def evaluation_rows(evaluation: Evaluation) -> list[list]:
    rows = []
    for row in evaluation.rows:
        check = row.check
        line = [row.name, row.code, money(row.budget_fen), money(row.allocated_fen), money(row.paid_fen)]
        line += [money(row.spending.get(column.id, 0)) for column in evaluation.programmes]
        line += [row.people_served, row.target_people, row.placements, row.target_placements,
                 money(row.cost_per_placement_fen), row.people_attainment, row.placement_attainment, row.score,
                 money(check.shortfall_fen) if check and check.short else None]
        rows.append(line)
    return rows


def evaluation_workbook(evaluation: Evaluation, *, area, on_date: datetime.date | None = None) -> bytes:
    """The evaluation of the districts of ``area`` (the reader's), titled with that area and the day."""
    header, money_columns = evaluation_header(evaluation)
    book = XlsxBook()
    name = _("Evaluation %(year)d") % {"year": evaluation.year}
    decimals = {header.index(label) for label in header[-4:-1]}  # the attainments and the score
    columns = [Column(c.label, number_format=c.number_format or (DECIMAL_FORMAT if i in decimals else None))
               for i, c in enumerate(_columns(header, money_columns))]
    book.add_table(name, title=export_title(name, area=area, on_date=_today(on_date)), columns=columns,
                   rows=evaluation_rows(evaluation))
    book.add_notes(_("Method"), evaluation_method_lines())
    return book.to_bytes()


def evaluation_method_lines() -> list[str]:
    return [
        _("People served: distinct beneficiaries paid from the district's fund of the year."),
        _("Placements: distinct beneficiaries paid from that fund who were placed in the year (a job referral "
          "subsidy paid for them, or an employment registration that started in the year); a person counts once."),
        _("Cost per placement: the money paid from the fund over the placements."),
        _("Attainment: the result over the target in percent, at most 100; score: the mean of the two, offered "
          "as next year's fund-use performance factor."),
    ]


def evaluation_csv(evaluation: Evaluation) -> str:
    header, _money_columns = evaluation_header(evaluation)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for line in evaluation_rows(evaluation):
        writer.writerow(["" if value is None else (f"{value:.2f}" if isinstance(value, Decimal)
                                                   else text(value) if isinstance(value, str) else value)
                         for value in line])
    return "\ufeff" + buffer.getvalue()
