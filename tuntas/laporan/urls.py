"""The routes of the reports (included at the root by tuntas/urls.py). Each block is one part of
the app; keep a new route inside its block and add it to tuntas/testing/access.py."""

from django.urls import path

from tuntas.laporan import views, views_builds

urlpatterns = [
    # --- the region's report (views.py) ---
    path("verifikasi/<str:kode>/", views.verify, name="laporan-verifikasi"),
    # --- end region's report ---
    # --- consolidation: province and national (views_konsolidasi.py) ---
    # --- end consolidation ---
    # --- e-SPM export (views_espm.py) ---
    # --- end e-SPM export ---
    # --- open data (views_data.py) ---
    # --- end open data ---
    # --- background builds (views_builds.py) ---
    path("pemda/<str:kode>/laporan/bangun/", views_builds.build_request, name="laporan-bangun"),
    path(
        "nasional/laporan/bangun/",
        views_builds.build_request_national,
        name="laporan-bangun-nasional",
    ),
    path("laporan/bangun/<num:build>/", views_builds.build_status, name="laporan-bangun-status"),
    path(
        "laporan/bangun/<num:build>/unduh/",
        views_builds.build_download,
        name="laporan-bangun-unduh",
    ),
    # --- end background builds ---
]
