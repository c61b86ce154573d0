"""The benchmarks' seeder keeps up with the models: it writes a few cases on either database.

The benchmarks in bench/ seed hundreds of thousands of rows with COPY before they measure
anything; a model field added without a thought for them would otherwise break them only
when someone next runs one.
"""

import pytest

from bench.seed import seed_cases
from cases.models import Case
from referrals.models import FollowUp, Referral

pytestmark = pytest.mark.django_db


def test_the_bench_seeder_writes_cases_referrals_and_follow_ups_with_every_default():
    seed_cases(cases=30, batch=10)

    assert Case.objects.count() == 30
    assert Referral.objects.filter(case__reference__startswith="BENCH-").exists()
    assert FollowUp.objects.filter(case__reference__startswith="BENCH-").exists()
    assert all(case.full_clean() is None for case in Case.objects.all()[:5])
