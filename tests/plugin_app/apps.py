from django.apps import AppConfig


def sample_count(user) -> int | None:
    """Seven things to do for accounts named plugin…; nothing (not shown) for everyone else."""
    return 7 if user.username.startswith("plugin") else None


class PluginAppConfig(AppConfig):
    name = "tests.plugin_app"
    label = "plugin_app"

    def ready(self):
        from celery.schedules import crontab

        from portal import registry
        from portal.registry import SECTION_STAFF, STAFF, SUPERUSER, Counter, nav
        from tests.plugin_app.constants import PluginEvent

        registry.register_urls(prefix="plugin", module="tests.plugin_app.urls")
        registry.register_audit_events(PluginEvent)
        registry.register_navigation(nav("plugin:sample", "插件示例", SUPERUSER, section=SECTION_STAFF))
        registry.register_schedule("plugin-sample-nightly", task="tests.plugin_app.tasks.sample_nightly",
                                   schedule=crontab(hour=3, minute=5))
        registry.register_counter(Counter(key="plugin.sample", label="插件示例待办", url_name="plugin:sample",
                                          count=sample_count, audiences=(STAFF,), overdue=True))
