"""The routes of the reports (included at the root by tuntas/urls.py). Each block is one part of
the app; keep a new route inside its block and add it to tuntas/testing/access.py."""

from django.urls import path

from tuntas.laporan import views, views_builds, views_data, views_espm, views_konsolidasi

urlpatterns = [
    # --- the region's report (views.py) ---
    path("verifikasi/<str:kode>/", views.verify, name="laporan-verifikasi"),
    path(
        "pemda/<str:kode>/laporan/<num:tahun>/<num:tw>/",
        views.report_page,
        name="laporan-pemda",
    ),
    path(
        "pemda/<str:kode>/laporan/<num:tahun>/<num:tw>/unduh.<slug:fmt>",
        views.report_download,
        name="laporan-unduh",
    ),
    path("pemda/<str:kode>/laporan/<num:tahun>/teks/", views.texts_edit, name="laporan-teks"),
    # --- end region's report ---
    # --- consolidation: province and national (views_konsolidasi.py) ---
    path(
        "provinsi/<str:kode>/laporan/<num:tahun>/<num:tw>/",
        views_konsolidasi.provinsi,
        name="laporan-konsolidasi",
    ),
    path(
        "provinsi/<str:kode>/laporan/<num:tahun>/<num:tw>/konsolidasi.pdf",
        views_konsolidasi.provinsi_unduh,
        {"fmt": "pdf"},
        name="laporan-konsolidasi-pdf",
    ),
    path(
        "provinsi/<str:kode>/laporan/<num:tahun>/<num:tw>/konsolidasi.xlsx",
        views_konsolidasi.provinsi_unduh,
        {"fmt": "xlsx"},
        name="laporan-konsolidasi-xlsx",
    ),
    path(
        "nasional/laporan/<num:tahun>/<num:tw>/",
        views_konsolidasi.nasional,
        name="laporan-nasional",
    ),
    path(
        "nasional/laporan/<num:tahun>/<num:tw>/ringkasan.pdf",
        views_konsolidasi.nasional_unduh,
        {"fmt": "pdf"},
        name="laporan-nasional-pdf",
    ),
    path(
        "nasional/laporan/<num:tahun>/<num:tw>/ringkasan.xlsx",
        views_konsolidasi.nasional_unduh,
        {"fmt": "xlsx"},
        name="laporan-nasional-xlsx",
    ),
    # --- end consolidation ---
    # --- e-SPM export (views_espm.py) ---
    path(
        "pemda/<str:kode>/espm/<num:tahun>/<num:tw>.xlsx",
        views_espm.espm_download,
        name="laporan-espm",
    ),
    # --- end e-SPM export ---
    # --- open data (views_data.py) ---
    path("data/", views_data.catalogue, name="data-katalog"),
    path("data/<slug:dataset>.csv", views_data.dataset_csv, name="data-csv"),
    path("data/<slug:dataset>.json", views_data.dataset_json, name="data-json"),
    path("data/<slug:dataset>/metadata.json", views_data.dataset_metadata, name="data-metadata"),
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
