"""The facts the dashboard tests read: 江岸区 (tree.d1), two of its streets and a community, 武昌区
(tree.d2) with numbers that appear nowhere else (so a leak is visible), and the city.

The as-of day is ``DAY`` (18 June 2025). New employment is a flow of a fixed number a day (more in
2025 than in 2024), the stocks are set on the three compared days (the day, a month before, a year
before), so every key figure and change below is exact.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tests.analytics.factories_dashboard import employed, fact_days, fact_rows, target

DAY = datetime.date(2025, 6, 18)
LAST_MONTH = datetime.date(2025, 5, 18)
LAST_YEAR = datetime.date(2024, 6, 18)
HISTORY_START = datetime.date(2024, 1, 1)

# 武昌区's numbers: distinctive, so that finding one on a 江岸区 page is a leak.
WUCHANG_UNEMPLOYED = 98_765
WUCHANG_DAILY = 41


@dataclass
class DashboardFacts:
    day: datetime.date
    # 江岸区: 12 a day in 2025, 10 a day in 2024.
    d1_month = 12 * 18            # 1–18 June 2025
    d1_last_month = 12 * 18       # 1–18 May 2025
    d1_last_year_month = 10 * 18  # 1–18 June 2024
    d1_year = 12 * 169            # 1 January – 18 June 2025
    d1_last_year_to_date = 10 * 170  # 1 January – 18 June 2024 (a leap year)
    d1_unemployed = 5_000
    d1_target = 5_000


def make_dashboard_facts(tree) -> DashboardFacts:
    d1, d2, city, s1, s2, c1 = tree.d1, tree.d2, tree.city, tree.s1, tree.s2, tree.c1
    for area, per_day_2024, per_day_2025 in ((d1, 10, 12), (s1, 6, 7), (s2, 4, 5), (c1, 2, 3),
                                             (d2, WUCHANG_DAILY - 1, WUCHANG_DAILY), (city, 500, 600)):
        fact_days(area, HISTORY_START, datetime.date(2024, 12, 31), new_employment=per_day_2024)
        fact_days(area, datetime.date(2025, 1, 1), DAY, new_employment=per_day_2025)
    # Stocks on the three compared days, and on each month's end for the trend.
    for area, unemployed, positions, seekers in ((d1, 5_000, 3_000, 2_000), (s1, 3_000, 1_800, 1_200),
                                                 (s2, 2_000, 1_200, 800), (c1, 600, 300, 200),
                                                 (d2, WUCHANG_UNEMPLOYED, 4_321, 1_234),
                                                 (city, 120_000, 60_000, 40_000)):
        fact_rows(area, DAY, unemployed=unemployed, vacancy_positions=positions, active_seekers=seekers,
                  subsidy_amount_paid={d1: 100_000, d2: 555_555}.get(area, 50_000))
        fact_rows(area, LAST_MONTH, unemployed=unemployed + 100, vacancy_positions=positions,
                  active_seekers=seekers)
        fact_rows(area, LAST_YEAR, unemployed=unemployed + 500, vacancy_positions=positions,
                  active_seekers=seekers * 2)
        fact_rows(area, datetime.date(2025, 5, 31), unemployed=unemployed + 50)
    employed(d1, 2025, 95_000)
    employed(d1, 2024, 94_500)
    employed(d2, 2025, 300_000)
    target(d1, 2025, 5_000)
    target(d2, 2025, 12_345)
    target(s1, 2025, 3_000)
    target(s2, 2025, 2_000)
    return DashboardFacts(day=DAY)
