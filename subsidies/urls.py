"""URL lists of the subsidies app, gathered from subsidies/routes/ and mounted by the kernel:
``public`` under /subsidies/, ``staff`` under /staff/subsidies/ (scoped pages), ``api`` under
/api/subsidies/, ``staff_api`` under /api/staff/subsidies/."""

from subsidies.routes import allocation as allocation_routes
from subsidies.routes import apply, programmes
from subsidies.routes import funds as fund_routes
from subsidies.routes import payments as payment_routes
from subsidies.routes import review as review_routes

DOMAINS: list = [programmes, apply]
DOMAINS.append(review_routes)
DOMAINS.append(payment_routes)
DOMAINS.extend([fund_routes, allocation_routes])

public = [p for d in DOMAINS for p in d.public]
staff = [p for d in DOMAINS for p in d.staff]
api = [p for d in DOMAINS for p in d.api]
staff_api = [p for d in DOMAINS for p in d.staff_api]
