"""The admin site: Django's, except that "view on site" answers only for what the user may see.

It lives outside `archive/admin/` because Django builds the default site while it
imports the apps' admin modules, and that package registers models as it is imported.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404
from django.urls import path


class ArchiveAdminSite(admin.AdminSite):
    def get_urls(self):
        guarded = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        urls = super().get_urls()
        return [guarded if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Django's shortcut redirects any staff member to any object's public URL, which
        for a draft names its slug; here the object's admin must show it to this user."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ValueError, OverflowError, ContentType.DoesNotExist):
            raise Http404("No such kind of object.") from None
        model_admin = self._registry.get(model)
        obj = model_admin.get_object(request, object_id) if model_admin else None
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404("No such object that you may see.")
        return shortcut(request, content_type_id, object_id)
