"""How to make one record of each area-owned model in a given area, for the jurisdiction guard.

tests/portal/test_jurisdiction_guard.py tries every staff role against records that these
make in a sibling and a parent area. Every model served by a scoped staff view must be listed
here; the guard fails and names any that is not.
"""

from jobs.models import Agency, Application, Employer, JobFair, Referral, SeekerProfile, SupervisionRecord, Vacancy
from portal.models import AuditEvent, RoleGrant
from tests.factories import AuditEventFactory, RoleGrantFactory
from tests.jobs.factories import (
    AgencyFactory,
    ApplicationFactory,
    EmployerFactory,
    JobFairFactory,
    ReferralFactory,
    SeekerProfileFactory,
    SupervisionRecordFactory,
    VacancyFactory,
)

SCOPED_RECORD_FACTORIES = {
    RoleGrant: lambda area: RoleGrantFactory(area=area),
    AuditEvent: lambda area: AuditEventFactory(area=area),
    Employer: lambda area: EmployerFactory(area=area),
    Vacancy: lambda area: VacancyFactory(area=area),
    SeekerProfile: lambda area: SeekerProfileFactory(area=area),
    Application: lambda area: ApplicationFactory(area=area, vacancy=VacancyFactory(area=area)),
    Referral: lambda area: ReferralFactory(area=area),
    JobFair: lambda area: JobFairFactory(area=area),
    Agency: lambda area: AgencyFactory(area=area),
    SupervisionRecord: lambda area: SupervisionRecordFactory(area=area, agency=AgencyFactory(area=area)),
    # --- registration ---
    # persons, registrations, trainings, agency services (kept beside their factories; imported here)
    **__import__("tests.registration.factories", fromlist=["PERSON_RECORD_FACTORIES"]).PERSON_RECORD_FACTORIES,
    # hard-to-employ cases, commitments, follow-up visits, handovers (R2)
    **__import__("tests.registration.factories_cases", fromlist=["CASE_RECORD_FACTORIES"]).CASE_RECORD_FACTORIES,
    # --- end registration ---
    # --- policy ---
    # documents, guides, windows and courses (kept beside their factories; imported here)
    **__import__("tests.policy.factories", fromlist=["POLICY_RECORD_FACTORIES"]).POLICY_RECORD_FACTORIES,
    # --- end policy ---
    # --- subsidies ---
    # applications, funds, payments, allocations … (kept beside their factories; imported here)
    **__import__("tests.subsidies.factories", fromlist=["SUBSIDY_RECORD_FACTORIES"]).SUBSIDY_RECORD_FACTORIES,
    # --- end subsidies ---
    # --- analytics ---
    **__import__("tests.analytics.factories", fromlist=["ANALYTICS_RECORD_FACTORIES"]).ANALYTICS_RECORD_FACTORIES,
    # --- end analytics ---
}
