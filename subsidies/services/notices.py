"""What the applicant is told about their subsidy application, through the kernel's notifications.

Services call ``application_notify(application, event)`` after a change (in the same transaction:
the site notice rolls back with the change; other senders run after the commit). The text is in
Chinese, the site's first language, and links to the applicant's own page of the application.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.notifications import Message, notify
from subsidies.models import Application
from subsidies.money import yuan

SUBMITTED, RETURNED, REJECTED, APPROVED, DISBURSED, WITHDRAWN = (
    "submitted", "returned", "rejected", "approved", "disbursed", "withdrawn")
EVENTS = (SUBMITTED, RETURNED, REJECTED, APPROVED, DISBURSED, WITHDRAWN)


def applicant_user(application: Application):
    """The account told about an application: the one that applied, else the beneficiary's own."""
    if application.applicant_account_id is not None:
        return application.applicant_account
    person = application.person
    return person.account if person.account_id is not None else None


def _text(application: Application, event: str) -> str:
    facts = {"programme": application.programme.name, "person": application.person.name,
             "number": application.pk, "amount": yuan(application.amount_fen),
             "reason": application.get_reason_code_display() if application.reason_code else "",
             "remark": application.remark}
    if event == SUBMITTED:
        return _("Your application No. %(number)s for %(programme)s (%(person)s) has been received; the community "
                 "will take it in.") % facts
    if event == RETURNED:
        text = _("Your application No. %(number)s for %(programme)s was returned for correction: %(reason)s.") % facts
    elif event == REJECTED:
        text = _("Your application No. %(number)s for %(programme)s was not approved: %(reason)s.") % facts
    elif event == APPROVED:
        return _("Your application No. %(number)s for %(programme)s was approved: %(amount)s yuan.") % facts
    elif event == DISBURSED:
        return _("%(amount)s yuan of your application No. %(number)s for %(programme)s have been paid.") % facts
    elif event == WITHDRAWN:
        return _("Your application No. %(number)s for %(programme)s was withdrawn.") % facts
    else:
        raise ValueError(f"unknown application event {event!r}")
    return f"{text} {application.remark}".strip() if application.remark else text


def application_notify(application: Application, event: str) -> Message | None:
    """Tell the applicant that ``application`` was ``event`` (one of ``EVENTS``): submitted, returned,
    rejected, approved, disbursed, withdrawn. Nothing happens when no account can be told (an agency,
    a person without an account)."""
    if event not in EVENTS:
        raise ValueError(f"unknown application event {event!r}")
    user = applicant_user(application)
    if user is None:
        return None
    with translation.override("zh-hans"):
        text = _text(application, event)
    return notify(user=user, text=text, link=reverse("subsidies:my-application", args=[application.pk]))
