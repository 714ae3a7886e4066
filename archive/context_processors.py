from django.conf import settings


def site(request):
    """The archive's name and tagline, for the header and page titles."""
    return {"archive_name": settings.ARCHIVE_NAME, "archive_tagline": settings.ARCHIVE_TAGLINE}
