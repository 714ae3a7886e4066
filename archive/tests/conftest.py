import pytest

from archive.tests.factories import user_in_group


@pytest.fixture
def editor(django_user_model):
    """A staff user whose only rights come from the Editors group the migration made."""
    return user_in_group("Editors", "editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def contributor(django_user_model):
    return user_in_group("Contributors", "contributor")


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client
