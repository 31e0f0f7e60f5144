"""The admin log-in locks a username out from an address after repeated wrong passwords."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from newsroom.env import env_int

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN_URL = reverse("admin:login")
PASSWORD = "pw-chief-123"  # the superuser fixture's


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """Dozens of log-ins per test: a deliberately slow hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, password, *, ip="203.0.113.7", username="chief", **headers):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=ip,
        **headers,
    )


def fail_until_locked(client, **kwargs):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong-password", **kwargs)
    return response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_works(client, superuser):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_after_thirty_wrong_passwords_the_right_one_is_refused(client, superuser):
    for _ in range(30):
        response = log_in(client, "wrong-password")
    assert response.status_code == 429

    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    minutes = settings.AXES_COOLOFF_TIME // timedelta(minutes=1)
    assert f"Try again in {minutes} minutes" in page
    assert 'id="site-name"' in page  # the admin's look, not a bare line of text
    # The admin itself is still closed to this browser.
    assert client.get(reverse("admin:index")).status_code == 302


def test_one_short_of_the_limit_the_right_password_still_works(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-password").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_lockout_holds_for_one_username_from_one_address(client, superuser):
    fail_until_locked(client, ip="203.0.113.7")

    assert log_in(client, PASSWORD, ip="198.51.100.20").status_code == 302
    assert logged_in(client)


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, superuser, settings):
    settings.TRUSTED_PROXY_COUNT = 0  # no proxies of ours: the header is the client's own words
    fail_until_locked(client, ip="203.0.113.7")

    response = log_in(client, PASSWORD, ip="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 429
    assert not logged_in(client)


def test_behind_our_proxy_the_address_it_saw_is_the_one_locked(client, superuser, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    fail_until_locked(client, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")

    # Another reader behind the same proxy is not locked out with the first.
    response = log_in(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302


def test_after_the_cool_off_the_right_password_works(client, superuser):
    fail_until_locked(client)
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_wrong_password_during_the_lockout_restarts_the_wait(client, superuser):
    fail_until_locked(client)
    halfway = timezone.now() + settings.AXES_COOLOFF_TIME / 2
    with time_machine.travel(halfway, tick=False):
        assert log_in(client, "another-guess").status_code == 429
    with time_machine.travel(halfway + settings.AXES_COOLOFF_TIME * 0.75, tick=False):
        assert log_in(client, PASSWORD).status_code == 429
    assert not logged_in(client)


def test_a_successful_log_in_clears_earlier_failures(client, superuser):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong-password")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong-password").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_superusers_see_the_attempts_in_the_admin(admin_client, client):
    fail_until_locked(client, username="someone")
    response = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert "someone" in response.content.decode()


# --- Configuration -----------------------------------------------------------


@pytest.mark.parametrize("raw", ["five", "0", "-3", "2.5"])
def test_a_bad_failure_limit_is_refused(monkeypatch, raw):
    monkeypatch.setenv("LOGIN_FAILURE_LIMIT", raw)
    with pytest.raises(ImproperlyConfigured, match="LOGIN_FAILURE_LIMIT"):
        env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)


def test_a_value_at_the_minimum_is_accepted(monkeypatch):
    monkeypatch.setenv("LOGIN_LOCKOUT_MINUTES", "1")
    assert env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) == 1


def _settings_with(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LOGIN_")}
    code = (
        "from django.conf import settings; "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_limit_and_the_cool_off_come_from_the_environment():
    result = _settings_with(LOGIN_FAILURE_LIMIT="8", LOGIN_LOCKOUT_MINUTES="30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["8", "1800.0"]


def test_settings_refuse_to_load_with_a_zero_lockout():
    result = _settings_with(LOGIN_LOCKOUT_MINUTES="0")
    assert result.returncode != 0
    assert "LOGIN_LOCKOUT_MINUTES" in result.stderr
