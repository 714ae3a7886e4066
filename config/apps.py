from django.contrib.admin.apps import AdminConfig


class ArchiveAdminConfig(AdminConfig):
    """django.contrib.admin, with the site from config/admin.py as `admin.site`."""

    default_site = "config.admin.ArchiveAdminSite"
