"""Reference data of registration: the hard-to-employ categories (editable later by the city)."""

CATEGORIES = [
    ("older_urban", "城镇大龄失业人员（女40周岁、男50周岁以上）", "Urban women aged 40+ and men aged 50+"),
    ("disability", "残疾人", "People with disabilities"),
    ("minimum_living_allowance", "城镇最低生活保障家庭成员", "Members of minimum-living-allowance households"),
    ("zero_employment_household", "零就业家庭成员", "Members of zero-employment households"),
    ("land_lost_farmer", "失地农民", "Farmers who lost their land"),
    ("long_term_unemployed", "连续失业一年以上人员", "Unemployed for a year or more"),
]


def hardship_categories_load(apps=None) -> int:
    """Create or update the categories; safe to rerun."""
    if apps is None:
        from django.apps import apps as registry
        apps = registry
    HardshipCategory = apps.get_model("registration", "HardshipCategory")
    for code, name, description in CATEGORIES:
        HardshipCategory.objects.update_or_create(code=code, defaults={"name": name, "description": description})
    return len(CATEGORIES)
