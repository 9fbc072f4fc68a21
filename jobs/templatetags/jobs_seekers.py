"""Template helpers of the seekers module, for pages built by other modules.

``apply_box.html`` is included by the public vacancy page with only ``vacancy`` in hand; it needs
to know whether the signed-in job seeker has applied already.
"""

from django import template

from jobs.selectors.seekers import seeker_application_for_vacancy

register = template.Library()


@register.simple_tag
def my_application_for(user, vacancy):
    """The signed-in job seeker's application to ``vacancy``, or None (for anyone else too)."""
    if user is None or vacancy is None:
        return None
    return seeker_application_for_vacancy(fetched_by=user, vacancy=vacancy)
