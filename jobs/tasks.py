"""Background tasks of the HR market. Thin: each calls one service."""

from celery import shared_task

from jobs.services import vacancies


@shared_task(name="jobs.tasks.vacancies_expire")
def vacancies_expire() -> int:
    """Nightly: close published vacancies past their closing date. Rerunning closes nothing twice."""
    return vacancies.vacancies_expire()
