import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobs.models import Agency, Employer, JobFair, SeekerProfile, Vacancy

pytestmark = pytest.mark.django_db


def test_jobs_demo_data_is_created_once_and_scales(capsys):
    call_command("demo_data")
    counts = (Employer.objects.count(), Vacancy.objects.count(), JobFair.objects.count(), Agency.objects.count())
    # Six employers of the market's demo; the subsidies demo may add the employer of a graduate hire.
    assert counts[0] >= 6 and counts[1] >= 30 and counts[2] == 1 and counts[3] == 3
    assert Vacancy.objects.public().count() >= 20
    assert SeekerProfile.objects.filter(account__username="seeker").exists()
    assert all(v.search_text for v in Vacancy.objects.all())
    fair = JobFair.objects.get()
    starts, ends = timezone.localtime(fair.starts_at), timezone.localtime(fair.ends_at)
    assert (starts.time(), ends.time(), starts.date()) == (datetime.time(9), datetime.time(12), ends.date())
    assert fair.participations.count() >= 2 and all(p.vacancies.exists() for p in fair.participations.all())
    call_command("demo_data")
    assert (Employer.objects.count(), Vacancy.objects.count(), JobFair.objects.count(),
            Agency.objects.count()) == counts

    call_command("demo_data", "--scale", "1")
    assert Vacancy.objects.count() == counts[1] + 500
    assert "扩充规模的岗位：已写入 500/500" in capsys.readouterr().out
    call_command("demo_data", "--scale", "1")
    assert Vacancy.objects.count() == counts[1] + 500
