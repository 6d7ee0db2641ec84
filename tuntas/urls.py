from django.contrib import admin
from django.urls import include, path

from tuntas.dasbor import views as dasbor
from tuntas.pendataan import views as pendataan

admin.site.site_header = "Tuntas — Standar Pelayanan Minimal"
admin.site.site_title = "Tuntas"
admin.site.index_title = "Administrasi"

urlpatterns = [
    path("", dasbor.beranda, name="beranda"),
    path("akun/", include("tuntas.akun.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pemda/<str:kode>/", dasbor.pemda, name="dasbor-pemda"),
    path("provinsi/<str:kode>/", dasbor.provinsi, name="dasbor-provinsi"),
    path("nasional/", dasbor.nasional, name="dasbor-nasional"),
    path("pemda/<str:kode>/isian/<int:tahun>/<int:tw>/", pendataan.entry_list, name="isian-daftar"),
    path(
        "pemda/<str:kode>/isian/<int:tahun>/<int:tw>/<str:jpd>/", pendataan.entry_edit, name="isian"
    ),
    path(
        "pemda/<str:kode>/isian/<int:tahun>/<int:tw>/<str:jpd>/hitung/",
        pendataan.entry_preview,
        name="isian-hitung",
    ),
    path("pemda/<str:kode>/sasaran/<int:tahun>/<str:jpd>/", pendataan.target_edit, name="sasaran"),
    path("admin/", admin.site.urls),
]
