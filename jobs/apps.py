from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Public HR market")

    def ready(self):
        from celery.schedules import crontab

        from jobs.constants import AGENCIES_EXPIRING_LABEL, JobsEvent
        from jobs.selectors.agencies import agencies_expiring_count
        from jobs.selectors.employers import employers_awaiting_verification
        from jobs.selectors.home import home_fairs, home_search, home_vacancies
        from jobs.selectors.seekers import seeker_applications_panel, seeker_home_area
        from jobs.selectors.vacancies import vacancies_awaiting_my_review
        from portal import registry
        from portal.registry import (
            ADMINISTRATOR,
            CLERK,
            EMPLOYER,
            PUBLIC,
            SECTION_OWN,
            SECTION_PUBLIC,
            SECTION_STAFF,
            SEEKER,
            STAFF,
            Counter,
            HomeSection,
            Panel,
            nav,
        )

        registry.register_urls(prefix="jobs", module="jobs.urls")
        registry.register_audit_events(JobsEvent)
        registry.register_navigation(
            nav("jobs:search", _("Find a job"), PUBLIC, section=SECTION_PUBLIC, order=10),
            nav("jobs:fair-list", _("Job fairs"), PUBLIC, section=SECTION_PUBLIC, order=11),
            nav("jobs:agency-list", _("Licensed agencies"), PUBLIC, section=SECTION_PUBLIC, order=12),
            nav("jobs:my-profile", _("My profile"), SEEKER, section=SECTION_OWN, order=10),
            nav("jobs:my-applications", _("My applications"), SEEKER, section=SECTION_OWN, order=11),
            nav("jobs:my-matches", _("Suggested jobs"), SEEKER, section=SECTION_OWN, order=12),
            nav("jobs:employer-home", _("My organisation"), EMPLOYER, section=SECTION_OWN, order=10),
            nav("staff-jobs:vacancy-review", _("Vacancy review"), CLERK, section=SECTION_STAFF, order=10),
            nav("staff-jobs:employer-list", _("Employers"), (CLERK, ADMINISTRATOR), section=SECTION_STAFF, order=11),
            nav("staff-jobs:referral-list", _("Referrals"), CLERK, section=SECTION_STAFF, order=12),
            nav("staff-jobs:seeker-list", _("Job seekers"), CLERK, section=SECTION_STAFF, order=13),
            nav("staff-jobs:fair-list", _("Manage job fairs"), (CLERK, ADMINISTRATOR), section=SECTION_STAFF, order=14),
            nav("staff-jobs:agency-list", _("Agency supervision"), STAFF, section=SECTION_STAFF, order=15),
        )
        registry.register_counter(Counter(
            key="jobs.agencies_expiring", label=AGENCIES_EXPIRING_LABEL, url_name="staff-jobs:agency-list",
            url_query="badge=expiring", count=lambda user: agencies_expiring_count(fetched_by=user),
            audiences=(CLERK,)))
        registry.register_search("jobs:search", _("Search vacancies"))
        # The public home page: the search box, the newest vacancies near the reader, this week's fairs.
        registry.register_home_area(lambda user: seeker_home_area(fetched_by=user))
        registry.register_home_section(HomeSection(
            key="jobs.search", title=_("Find a job"), template_name="jobs/home/_search.html", order=0,
            context=lambda user, area: home_search(fetched_by=user)))
        registry.register_home_section(HomeSection(
            key="jobs.vacancies", title=_("Newest vacancies"), template_name="jobs/home/_vacancies.html", order=10,
            context=lambda user, area: home_vacancies(fetched_by=user, area=area)))
        registry.register_home_section(HomeSection(
            key="jobs.fairs", title=_("Job fairs this week"), template_name="jobs/home/_fairs.html", order=20,
            context=lambda user, area: home_fairs(fetched_by=user)))
        registry.register_home(EMPLOYER, "jobs:employer-home")
        registry.register_schedule("vacancies-expire-nightly", task="jobs.tasks.vacancies_expire",
                                   schedule=crontab(hour=0, minute=15))
        # To-do counters of the staff workbench: what the workflows let this clerk do now.
        registry.register_counter(Counter(
            key="jobs.vacancies-awaiting-review", label=_("Vacancies awaiting my review"),
            url_name="staff-jobs:vacancy-review", audiences=(CLERK,), order=10,
            count=lambda user: vacancies_awaiting_my_review(fetched_by=user)))
        registry.register_counter(Counter(
            key="jobs.employers-awaiting-verification", label=_("Employers awaiting verification"),
            url_name="staff-jobs:employer-list", audiences=(CLERK,), order=11,
            count=lambda user: employers_awaiting_verification(fetched_by=user)))
        # The job seeker's own page: the latest applications, or what to do first.
        registry.register_panel(Panel(
            key="jobs.my-applications", title=_("My applications"),
            template_name="jobs/seekers/_panel_applications.html", audiences=(SEEKER,), order=10,
            context=lambda user: seeker_applications_panel(fetched_by=user)))
        registry.register_api_enums({
            "ApplicationStatusEnum": "jobs.constants.ApplicationStatus",
            "ReferralOutcomeEnum": "jobs.constants.ReferralOutcome",
            "VacancyStatusEnum": "jobs.constants.VacancyStatus",
            "EmployerStatusEnum": "jobs.constants.EmployerStatus",
            "FairStatusEnum": "jobs.constants.FairStatus",
            "LicenceStatusEnum": "jobs.constants.LicenceStatus",
        })
