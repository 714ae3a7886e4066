"""The client address django-axes counts login failures against."""

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    """The address of whoever is logging in, which a client cannot forge.

    Behind the TLS-terminating proxy (BEHIND_TLS_PROXY) every request comes from the
    proxy, which appends the address it saw to X-Forwarded-For; entries before that
    one were sent by the client and may be invented, so only the last one counts.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:45]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page: what happened, for how long, and who can help (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
