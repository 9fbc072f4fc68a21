from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from celery.schedules import crontab

        from portal import registry
        from portal.constants import AuditEventType
        from portal.input_limits import date_window_install
        from portal.registry import (
            ADMINISTRATOR,
            PUBLIC,
            SECTION_ADMIN,
            SECTION_OWN,
            SECTION_PUBLIC,
            SECTION_STAFF,
            SEEKER,
            STAFF,
            SUPERUSER,
            nav,
        )

        date_window_install()
        registry.register_audit_events(AuditEventType)
        registry.register_navigation(
            nav("home", _("Home"), PUBLIC, section=SECTION_PUBLIC, order=-100),
            nav("me", _("My page"), SEEKER, section=SECTION_OWN, order=-100),
            nav("staff:workbench", _("Workbench"), STAFF, section=SECTION_STAFF, order=-100),
            nav("staff:grant-list", _("Staff accounts"), ADMINISTRATOR, section=SECTION_ADMIN),
            nav("staff:audit-list", _("Audit trail"), ADMINISTRATOR, section=SECTION_ADMIN),
            nav("admin:index", _("System administration"), SUPERUSER, section=SECTION_ADMIN),
            nav("api:docs", _("API"), PUBLIC, section=SECTION_ADMIN, order=100),
        )
        registry.register_home(SEEKER, "me")
        registry.register_schedule("kept-tasks-send", task="portal.tasks.kept_tasks_send", schedule=60.0)
        registry.register_schedule("role-grants-expire-nightly", task="portal.tasks.role_grants_expire",
                                   schedule=crontab(hour=0, minute=30))
