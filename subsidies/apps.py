from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies and employment funds")

    def ready(self):
        from portal import registry
        from subsidies.constants import SubsidiesEvent

        registry.register_urls(prefix="subsidies", module="subsidies.urls")
        registry.register_audit_events(SubsidiesEvent)
        # The review (clerks and city approvers): queue, counters, nightly overdue flags.
        from celery.schedules import crontab

        from portal.registry import ADMINISTRATOR, CLERK, OFFICIAL, SECTION_STAFF, Counter, nav
        from subsidies.selectors.review import applications_awaiting_my_step_count, applications_overdue_count

        registry.register_navigation(nav("staff-subsidies:application-list", _("Subsidy applications"),
                                         (CLERK, OFFICIAL, ADMINISTRATOR), section=SECTION_STAFF, order=40))
        registry.register_counter(Counter(
            key="subsidies.applications_overdue", label=_("Overdue subsidy applications"),
            url_name="staff-subsidies:application-list", url_query="mine=on&overdue=on",
            audiences=(CLERK, OFFICIAL, ADMINISTRATOR), overdue=True,
            count=lambda user: applications_overdue_count(fetched_by=user)))
        registry.register_counter(Counter(
            key="subsidies.applications_awaiting_step", label=_("Subsidy applications awaiting my step"),
            url_name="staff-subsidies:application-list", url_query="mine=on",
            audiences=(CLERK, OFFICIAL, ADMINISTRATOR),
            count=lambda user: applications_awaiting_my_step_count(fetched_by=user)))
        registry.register_schedule("subsidies-applications-flag-overdue-nightly",
                                   task="subsidies.tasks.applications_flag_overdue",
                                   schedule=crontab(hour=1, minute=45))
        # Programmes and applying (the applicant's side, the community window, the /me/ panel).
        from portal.registry import EMPLOYER, PUBLIC, SECTION_OWN, SECTION_PUBLIC, SEEKER, STAFF, Panel
        from subsidies.selectors.applications import my_applications_panel

        registry.register_navigation(
            nav("subsidies:programme-list", _("Employment subsidies"), PUBLIC, section=SECTION_PUBLIC, order=30),
            nav("subsidies:my-applications", _("My subsidy applications"), (SEEKER, EMPLOYER), section=SECTION_OWN,
                order=30),
            nav("staff-subsidies:window", _("Enter a subsidy application"), CLERK, section=SECTION_STAFF, order=39),
            nav("staff-subsidies:programme-list", _("Subsidy programmes"), STAFF, section=SECTION_STAFF, order=41))
        registry.register_panel(Panel(
            key="subsidies.my-applications", title=_("My subsidy applications"),
            template_name="subsidies/apply/_panel.html", audiences=(SEEKER, EMPLOYER), order=30,
            context=lambda user: my_applications_panel(fetched_by=user)))
        # Payment cycles: the district clerks' list to send to the bank; last month's cycles on the 1st.
        import subsidies.tasks_payments  # noqa: F401 - registers the monthly task with Celery
        from subsidies.selectors.payments import cycles_awaiting_export_count

        registry.register_navigation(nav("staff-subsidies:cycle-list", _("Payment cycles"), (CLERK, OFFICIAL),
                                         section=SECTION_STAFF, order=42))
        registry.register_counter(Counter(
            key="subsidies.cycles_to_send", label=_("Payment lists to send to the bank"),
            url_name="staff-subsidies:cycle-list", url_query="status=generated", audiences=(CLERK,),
            count=lambda user: cycles_awaiting_export_count(fetched_by=user)))
        registry.register_schedule("subsidies-cycles-generate-monthly",
                                   task="subsidies.tasks.cycles_generate_previous_month",
                                   schedule=crontab(day_of_month=1, hour=3, minute=0))
        # Employment funds, allocation and the fund-use evaluation (seed 二): the city keeps them.
        from subsidies.selectors.funds import funds_short_count

        registry.register_navigation(
            nav("staff-subsidies:fund-list", _("Employment funds"), (CLERK, OFFICIAL, ADMINISTRATOR),
                section=SECTION_STAFF, order=43),
            nav("staff-subsidies:allocation", _("Fund allocation"), (OFFICIAL, ADMINISTRATOR), section=SECTION_STAFF,
                order=44),
            nav("staff-subsidies:evaluation", _("Fund-use evaluation"), (OFFICIAL, ADMINISTRATOR),
                section=SECTION_STAFF, order=45))
        registry.register_counter(Counter(
            key="subsidies.funds_short", label=_("Employment funds below 1.5 percent of last year's revenue"),
            url_name="staff-subsidies:fund-list", url_query="short=on", audiences=(OFFICIAL, ADMINISTRATOR),
            count=lambda user: funds_short_count(fetched_by=user)))
        registry.register_api_enums({
            "SubsidyApplicationStatusEnum": "subsidies.constants.ApplicationStatus",
            "ProgrammeKindEnum": "subsidies.constants.ProgrammeKind",
            "PaymentStatusEnum": "subsidies.constants.PaymentStatus",
            "CycleStatusEnum": "subsidies.constants.CycleStatus",
            "FundEntryKindEnum": "subsidies.constants.FundEntryKind",
            "AllocationKindEnum": "subsidies.constants.AllocationKind",
            "SupportingDocumentKindEnum": "subsidies.constants.DocumentKind",
        })
