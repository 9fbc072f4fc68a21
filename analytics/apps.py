from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Decision support")

    def ready(self):
        from celery.schedules import crontab

        from analytics.constants import NIGHTLY_HOUR, NIGHTLY_MINUTE, AnalyticsEvent
        from portal import registry

        registry.register_urls(prefix="analytics", module="analytics.urls")
        registry.register_audit_events(AnalyticsEvent)
        registry.register_schedule("analytics-facts-nightly", task="analytics.tasks.facts_nightly",  # facts run
                                   schedule=crontab(hour=NIGHTLY_HOUR, minute=NIGHTLY_MINUTE))
        registry.register_schedule("analytics-forecasts-monthly", **__import__("analytics.services.forecasts", fromlist=["schedule"]).schedule())  # forecasts, after the facts run  # noqa: E501
        registry.register_navigation(registry.nav("staff-analytics:overview", _("Dashboards"), (registry.OFFICIAL, registry.ADMINISTRATOR), section=registry.SECTION_STAFF, order=60))  # noqa: E501
        registry.register_api_enums({
            "RunStatusEnum": "analytics.constants.RunStatus",
            "IndicatorEnum": "analytics.constants.Indicator",
            "ForecastModelEnum": "analytics.constants.ForecastModel",
        })
