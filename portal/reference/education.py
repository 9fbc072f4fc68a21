"""Education levels, as job seekers state them and vacancies require them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Education(models.TextChoices):
    """Ordered from lowest to highest; ``EDUCATION_RANK`` compares them."""

    NONE = "none", _("No requirement")
    JUNIOR_MIDDLE = "junior_middle", _("Junior middle school")
    SENIOR_MIDDLE = "senior_middle", _("Senior middle school")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


EDUCATION_RANK = {value: rank for rank, value in enumerate(Education.values)}
# Secondary vocational school and senior middle school are the same tier for requirements.
EDUCATION_RANK[Education.SECONDARY_VOCATIONAL] = EDUCATION_RANK[Education.SENIOR_MIDDLE]
