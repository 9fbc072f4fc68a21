"""Reference tables every app reads: occupations, industries and the city's holiday calendar.

They belong to the kernel (app label ``portal``), not to the app that needed them first. The
division tree (``portal.models.Area``) is reference data too but is the kernel's spine, so it
stays in ``portal/models.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Occupation(models.Model):
    """职业分类大典 2022: major groups (``2``) and middle groups (``2-02``)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=80)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("major group"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None


class Industry(models.Model):
    """GB/T 4754-2017 sections A–T."""

    code = models.CharField(_("code"), max_length=1, primary_key=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HolidayDay(models.Model):
    """A day of the official calendar filled in by staff for years the holiday package does not cover.

    ``is_working_day`` False marks a public holiday; True marks a weekend day made a working day (调休).
    """

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar days")

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
