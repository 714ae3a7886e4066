"""Headers Django's SecurityMiddleware does not set: Permissions-Policy, CORP and COEP."""

from django.conf import settings


class IsolationHeadersMiddleware:
    """Adds the headers on every response, leaving any a view set itself."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
            "Cross-Origin-Resource-Policy": settings.CROSS_ORIGIN_RESOURCE_POLICY,
            "Cross-Origin-Embedder-Policy": settings.CROSS_ORIGIN_EMBEDDER_POLICY,
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        return response
