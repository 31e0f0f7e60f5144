import io

import pytest
from django.core.management import call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def test_scheduler_runs_each_command_and_survives_a_failing_one(settings, caplog):
    settings.SCHEDULED_COMMANDS = [("no_such_command", 60), ("seed_demo", 60)]
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert "Scheduled command no_such_command failed" in caplog.text
    assert Article.objects.live().count() >= 30  # the second command still ran


def test_every_default_scheduled_command_runs_with_its_options(caplog):
    from django.conf import settings

    assert any(" --" in name for name, _ in settings.SCHEDULED_COMMANDS)
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert "failed" not in caplog.text
