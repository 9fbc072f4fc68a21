from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("Employment registration")

    def ready(self):
        from celery.schedules import crontab

        from portal import registry
        from portal.registry import CLERK, SECTION_OWN, SECTION_STAFF, SEEKER, STAFF, Counter, Panel, nav
        from registration.constants import RegistrationEvent
        from registration.selectors.cases import cases_awaiting_step_count
        from registration.selectors.commitments import overdue_commitments_count
        from registration.selectors.persons import my_registration_panel, person_home_area
        from registration.selectors.registrations import unemployment_to_confirm_count

        registry.register_urls(prefix="registration", module="registration.urls")
        registry.register_audit_events(RegistrationEvent)
        # Where a job seeker without a profile lives, for the home page's "near me": their registration.
        registry.register_home_area(lambda user: person_home_area(fetched_by=user))
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
        registry.register_counter(Counter(
            key="registration.commitments_overdue", label=_("Overdue referral commitments"),
            url_name="staff-registration:commitment-list", audiences=(CLERK,), overdue=True,
            count=lambda user: overdue_commitments_count(fetched_by=user)))
        registry.register_counter(Counter(
            key="registration.cases_awaiting_step", label=_("Hard-to-employ cases awaiting my step"),
            url_name="staff-registration:case-list", audiences=(CLERK,),
            count=lambda user: cases_awaiting_step_count(fetched_by=user)))
        registry.register_counter(Counter(
            key="registration.unemployment_to_confirm", label=_("Online unemployment applications to confirm"),
            url_name="staff-registration:unemployment-to-confirm", audiences=(CLERK,),
            count=lambda user: unemployment_to_confirm_count(fetched_by=user)))
        registry.register_panel(Panel(
            key="registration.me", title=_("My registration"), template_name="registration/seeker/_panel.html",
            audiences=(SEEKER,), order=20, context=lambda user: my_registration_panel(fetched_by=user)))
        registry.register_api_enums({
            "UnemploymentStatusEnum": "registration.constants.UnemploymentStatus",
            "EmploymentKindEnum": "registration.constants.EmploymentKind",
            "AgencyServiceKindEnum": "registration.constants.AgencyServiceKind",
            "HardshipStatusEnum": "registration.constants.HardshipStatus",
            "CommitmentStatusEnum": "registration.constants.CommitmentStatus",
            "EscalationLevelEnum": "registration.constants.EscalationLevel",
            "HandoverStatusEnum": "registration.constants.HandoverStatus",
            "FollowUpStatusEnum": "registration.constants.FollowUpStatus",
        })
