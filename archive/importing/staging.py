"""Uploaded dumps kept on the server between the admin's preview and its confirmation.

The confirmation names the batch instead of posting the files back, so what is saved is
exactly what was previewed, and a confirmation stays small however many files were sent.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

STAGED_MAX_AGE = datetime.timedelta(hours=1)


class StagedImportQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created_at__lt=timezone.now() - STAGED_MAX_AGE)

    def usable_by(self, user):
        return self.filter(user=user, created_at__gte=timezone.now() - STAGED_MAX_AGE)


class StagedImport(models.Model):
    """One previewed upload: its options and its files, confirmable by its uploader only."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    options = models.JSONField(default=dict)

    objects = StagedImportQuerySet.as_manager()

    class Meta:
        app_label = "archive"

    def __str__(self):
        return f"upload {self.key} by {self.user}"


class StagedDump(models.Model):
    staged_import = models.ForeignKey(StagedImport, on_delete=models.CASCADE, related_name="dumps")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    data = models.BinaryField()

    class Meta:
        app_label = "archive"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["staged_import", "position"], name="staged_dump_position_unique"
            )
        ]

    def __str__(self):
        return self.name
