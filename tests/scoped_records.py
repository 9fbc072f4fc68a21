"""How to make one record of each area-owned model in a given area, for the jurisdiction guard.

tests/portal/test_jurisdiction_guard.py tries every staff role against records that these
make in a sibling and a parent area. Every model served by a scoped staff view must be listed
here; the guard fails and names any that is not.
"""

from portal.models import AuditEvent, RoleGrant
from tests.factories import AuditEventFactory, RoleGrantFactory

SCOPED_RECORD_FACTORIES = {
    RoleGrant: lambda area: RoleGrantFactory(area=area),
    AuditEvent: lambda area: AuditEventFactory(area=area),
}
