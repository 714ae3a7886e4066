"""django-reversion's history views, asked the same questions as the change form.

reversion applies a revert or a recovery first and keeps it whenever the change form
then answers 302, and Django's change form answers 302 for an object the user may not
see. So each history view here checks the object and the rule before reversion touches
the database: an object the user may not see is a 404, an act they may not take a 403.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin


class GuardedVersionAdmin(CompareVersionAdmin):
    """History, compare, revert and recover, each behind its permission and the queryset."""

    def has_revert_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_recover_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def revert_initial(self, request, current):
        """Form values that stay as they are now when an earlier revision is loaded."""
        return {}

    def recover_initial(self, request, version):
        """Form values a recovered object starts from instead of those it was deleted with."""
        return {}

    object_history_template = "admin/guarded_object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        current = self._viewable_object(request, object_id)
        context = {
            "can_revert": self.has_revert_permission(request, current),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def _get_action_list(self, request, object_id, extra_context=None):
        """The history lists revisions; each links to its revert form only for those who may."""
        actions = super()._get_action_list(request, object_id, extra_context)
        if not self.has_revert_permission(request, self.get_object(request, unquote(object_id))):
            for action in actions:
                action["url"] = None
        return actions

    def compare_view(self, request, object_id, extra_context=None):
        self._viewable_object(request, object_id)
        return super().compare_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        current = self._viewable_object(request, object_id)
        if not self.has_revert_permission(request, current):
            raise PermissionDenied
        get_object_or_404(Version.objects.get_for_object(current), pk=version_id)
        context = {
            "initial_overrides": self.revert_initial(request, current),
            **(extra_context or {}),
        }
        return super().revision_view(request, object_id, version_id, context)

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        context = {
            "initial_overrides": self.recover_initial(request, version),
            **(extra_context or {}),
        }
        return super().recover_view(request, version_id, context)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if not form.is_bound:
            form.initial.update(context.get("initial_overrides") or {})
        return super().render_change_form(request, context, *args, **kwargs)

    def _viewable_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404(f"No {self.opts.verbose_name} with this ID that you may see.")
        return obj
