from django.contrib import admin
from django.urls import path

admin.site.site_header = "Tuntas — Standar Pelayanan Minimal"
admin.site.site_title = "Tuntas"
admin.site.index_title = "Administrasi"

urlpatterns = [
    path("", admin.site.urls),
]
