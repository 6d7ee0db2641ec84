"""The routes of the reports (included at the root by tuntas/urls.py). Each block is one part of
the app; keep a new route inside its block and add it to tuntas/testing/access.py."""

from django.urls import path

from tuntas.laporan import views, views_espm

urlpatterns = [
    # --- the region's report (views.py) ---
    path("verifikasi/<str:kode>/", views.verify, name="laporan-verifikasi"),
    # --- end region's report ---
    # --- consolidation: province and national (views_konsolidasi.py) ---
    # --- end consolidation ---
    # --- e-SPM export (views_espm.py) ---
    path(
        "pemda/<str:kode>/espm/<num:tahun>/<num:tw>.xlsx",
        views_espm.espm_download,
        name="laporan-espm",
    ),
    # --- end e-SPM export ---
    # --- open data (views_data.py) ---
    # --- end open data ---
    # --- background builds (views_builds.py) ---
    # --- end background builds ---
]
