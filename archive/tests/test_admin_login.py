"""Logging in to the admin: brute force is locked out (django-axes), and where a login lands.

Regression tests for issue 10, item 10 (50 wrong passwords were all answered and the
right one still worked) and item 12 (a rejected `next` landed on a 404).
"""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.tests.factories import user_in_group

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
INDEX_URL = reverse("admin:index")
PASSWORD = "a-long-password-1"


@pytest.fixture
def editor_account():
    return user_in_group("Editors", "desk-editor", password=PASSWORD)


def log_in(client, password, username="desk-editor", address="192.0.2.10", next_url=None):
    url = LOGIN_URL if next_url is None else f"{LOGIN_URL}?next={next_url}"
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client):
    return client.get(INDEX_URL).status_code == 200


def fail_until_locked(client, **who):
    """Four wrong passwords get the form back with an error; the fifth locks out."""
    for attempt in range(4):
        response = log_in(client, f"guess-{attempt}", **who)
        assert response.status_code == 200, attempt
    return log_in(client, "guess-4", **who)


def test_the_fifth_wrong_password_locks_the_account_out_and_then_the_right_one_is_refused(
    client, editor_account
):
    locked = fail_until_locked(client)
    page = locked.content.decode()
    assert locked.status_code == 429
    assert "Too many failed logins" in page
    assert "15 minutes" in page
    assert locked["Retry-After"] == "900"

    refused = log_in(client, PASSWORD)

    assert refused.status_code == 429
    assert not is_logged_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, editor_account):
    for attempt in range(4):
        log_in(client, f"guess-{attempt}")
    assert log_in(client, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_the_lockout_is_for_that_username_from_that_address_only(client, editor_account):
    user_in_group("Editors", "colleague", password=PASSWORD)
    fail_until_locked(client)
    assert log_in(client, PASSWORD, username="colleague").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, address="198.51.100.7").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, editor_account, time_machine):
    time_machine.move_to(datetime.datetime(2031, 1, 1, 9, tzinfo=datetime.UTC), tick=False)
    fail_until_locked(client)
    time_machine.move_to(datetime.datetime(2031, 1, 1, 9, 16, tzinfo=datetime.UTC), tick=False)
    assert log_in(client, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_axes_reset_unlocks_at_once(client, editor_account):
    fail_until_locked(client)
    call_command("axes_reset", verbosity=0)
    assert log_in(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_login_in_the_admin(client, editor_account):
    fail_until_locked(client)
    client.force_login(user_in_group("Administrators", "administrator"))
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert "desk-editor" in attempts.content.decode()
    (attempt,) = attempts.context["cl"].result_list
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    client.logout()
    assert log_in(client, PASSWORD).status_code == 302


def test_an_unsafe_next_lands_on_the_admin_index_not_a_404(client, editor_account):
    response = log_in(client, PASSWORD, next_url="https://attacker.example/")
    assert response.status_code == 302
    assert response["Location"] == INDEX_URL
    assert client.get(response["Location"]).status_code == 200


def test_a_safe_next_is_followed(client, editor_account):
    target = reverse("admin:archive_article_changelist")
    response = log_in(client, PASSWORD, next_url=target)
    assert response["Location"] == target
