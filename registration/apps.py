from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Employment registration")

    def ready(self):
        from celery.schedules import crontab

        from portal import registry
        from portal.registry import CLERK, SECTION_OWN, SECTION_STAFF, SEEKER, STAFF, nav
        from registration.constants import RegistrationEvent

        registry.register_urls(prefix="registration", module="registration.urls")
        registry.register_audit_events(RegistrationEvent)
        registry.register_navigation(
            nav("registration:me", _("My registration"), SEEKER, section=SECTION_OWN, order=20),
            nav("staff-registration:overview", _("Registration"), STAFF, section=SECTION_STAFF, order=20),
            nav("staff-registration:person-list", _("Persons"), CLERK, section=SECTION_STAFF, order=21),
            nav("staff-registration:case-list", _("Hard-to-employ cases"), CLERK, section=SECTION_STAFF, order=22),
            nav("staff-registration:commitment-list", _("Referral commitments"), CLERK, section=SECTION_STAFF,
                order=23),
        )
        # Meet commitments by referrals and find placements first, then escalate what is still open.
        registry.register_schedule("registration-commitments-reconcile-nightly",
                                   task="registration.tasks.commitments_reconcile",
                                   schedule=crontab(hour=1, minute=0))
        registry.register_schedule("registration-commitments-escalate-nightly",
                                   task="registration.tasks.commitments_escalate",
                                   schedule=crontab(hour=1, minute=30))
        registry.register_api_enums({
            "UnemploymentStatusEnum": "registration.constants.UnemploymentStatus",
            "EmploymentKindEnum": "registration.constants.EmploymentKind",
            "AgencyServiceKindEnum": "registration.constants.AgencyServiceKind",
            "HardshipStatusEnum": "registration.constants.HardshipStatus",
            "CommitmentStatusEnum": "registration.constants.CommitmentStatus",
            "HandoverStatusEnum": "registration.constants.HandoverStatus",
            "FollowUpStatusEnum": "registration.constants.FollowUpStatus",
        })
