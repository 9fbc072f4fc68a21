from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Policies and service information")

    def ready(self):
        from celery.schedules import crontab

        from policy.constants import PolicyEvent
        from policy.selectors.documents import documents_awaiting_review_count, documents_newest
        from policy.selectors.guides import guide_list
        from portal import registry
        from portal.registry import PUBLIC, SECTION_PUBLIC, SECTION_STAFF, STAFF, Counter, HomeSection, nav

        registry.register_urls(prefix="policy", module="policy.urls")
        registry.register_audit_events(PolicyEvent)
        registry.register_navigation(
            nav("policy:document-search", _("Policies"), PUBLIC, section=SECTION_PUBLIC, order=20),
            nav("policy:guide-list", _("Service guides"), PUBLIC, section=SECTION_PUBLIC, order=21),
            nav("policy:course-list", _("Training courses"), PUBLIC, section=SECTION_PUBLIC, order=22),
            nav("staff-policy:document-list", _("Policy editing"), STAFF, section=SECTION_STAFF, order=30),
        )
        registry.register_counter(Counter(
            key="policy.documents_awaiting_review", label=_("Policy documents awaiting my review"),
            url_name="staff-policy:document-list", count=documents_awaiting_review_count, audiences=(STAFF,)))
        registry.register_search("policy:document-search", _("Search policies"))
        registry.register_home_section(HomeSection(
            key="policy.documents", title=_("Newest policies"), template_name="policy/home/_documents.html", order=30,
            context=lambda user, area: {"documents": documents_newest(fetched_by=user)}))
        registry.register_home_section(HomeSection(
            key="policy.guides", title=_("Service guides"), template_name="policy/home/_guides.html", order=40,
            context=lambda user, area: {"guides": guide_list(fetched_by=user)}))
        registry.register_schedule("policy-documents-expire-nightly", task="policy.tasks.documents_expire",
                                   schedule=crontab(hour=0, minute=20))
        registry.register_api_enums({
            "DocumentStatusEnum": "policy.constants.DocumentStatus",
            "PolicyServiceEnum": "policy.constants.Service",
            "PolicyValidityEnum": "policy.constants.Validity",
            "RelationKindEnum": "policy.constants.RelationKind",
        })
