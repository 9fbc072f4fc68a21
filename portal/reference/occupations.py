"""Loading the national reference tables: occupations (职业分类大典 2022) and industries (GB/T 4754)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def reference_load(apps=None, app_label: str = "portal") -> tuple[int, int]:
    """Create or update occupations and industries from portal/reference/data/; safe to rerun.

    Migrations pass their historical ``apps`` (and the label the models had then: they were the
    HR market's before they became the kernel's)."""
    if apps is None:
        from django.apps import apps as registry
        apps = registry
    Occupation = apps.get_model(app_label, "Occupation")
    Industry = apps.get_model(app_label, "Industry")
    with open(DATA / "industries.csv", encoding="utf-8") as handle:
        industries = list(csv.DictReader(handle))
    for row in industries:
        Industry.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    with open(DATA / "occupations.csv", encoding="utf-8") as handle:
        occupations = list(csv.DictReader(handle))
    for row in sorted(occupations, key=lambda r: (r["parent_code"] != "", r["code"])):
        Occupation.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "parent_id": row["parent_code"] or None})
    return len(occupations), len(industries)
