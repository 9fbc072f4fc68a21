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
}
