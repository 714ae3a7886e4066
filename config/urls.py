from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from archive.outputs.sitemaps import SITEMAPS

admin.site.site_header = f"{settings.ARCHIVE_NAME} administration"
admin.site.site_title = settings.ARCHIVE_NAME
admin.site.index_title = "Publishing"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("archive.urls")),
    path("", include("authors.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.views.bad_request"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
