"""The routes of the reports (included at the root by tuntas/urls.py). Each block is one part of
the app; keep a new route inside its block and add it to tuntas/testing/access.py."""

from django.urls import path

from tuntas.laporan import views, views_data

urlpatterns = [
    # --- the region's report (views.py) ---
    path("verifikasi/<str:kode>/", views.verify, name="laporan-verifikasi"),
    # --- end region's report ---
    # --- consolidation: province and national (views_konsolidasi.py) ---
    # --- end consolidation ---
    # --- e-SPM export (views_espm.py) ---
    # --- end e-SPM export ---
    # --- open data (views_data.py) ---
    path("data/", views_data.catalogue, name="data-katalog"),
    path("data/<slug:dataset>.csv", views_data.dataset_csv, name="data-csv"),
    path("data/<slug:dataset>.json", views_data.dataset_json, name="data-json"),
    path("data/<slug:dataset>/metadata.json", views_data.dataset_metadata, name="data-metadata"),
    # --- end open data ---
    # --- background builds (views_builds.py) ---
    # --- end background builds ---
]
