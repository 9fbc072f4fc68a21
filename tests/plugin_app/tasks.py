from celery import shared_task


@shared_task(name="tests.plugin_app.tasks.sample_nightly")
def sample_nightly() -> int:
    return 0
