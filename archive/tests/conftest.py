import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def editor(django_user_model):
    """A staff user whose only rights come from the Editors group the migration made."""
    user = django_user_model.objects.create_user("editor", password="a-long-password-1")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
