from django.contrib import admin
from django.urls import include, path, register_converter

from tuntas.alur import views as alur
from tuntas.alur import views_pengingat as alur_pengingat
from tuntas.api.api import api
from tuntas.core.converters import BoundedIntConverter
from tuntas.dasbor import exports as dasbor_exports
from tuntas.dasbor import views as dasbor
from tuntas.dasbor import views_wilayah as dasbor_wilayah
from tuntas.katalog import views as katalog
from tuntas.pendataan import views as pendataan
from tuntas.pendataan import views_excel as pendataan_excel
from tuntas.penerima import views as penerima
from tuntas.pengaturan import views as pengaturan
from tuntas.perencanaan import views as perencanaan
from tuntas.perencanaan import views_budget as perencanaan_budget
from tuntas.perencanaan import views_cost as perencanaan_biaya
from tuntas.perencanaan import views_needs as perencanaan_needs
from tuntas.perencanaan import views_stages as perencanaan_tahap

# every number in an address: at most 18 digits, so a longer one is no route (404) instead of
# a database overflow (tuntas.core.converters)
register_converter(BoundedIntConverter, "num")

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
    # scoring methods: every rule with its source and status (reference data, public)
    path("metode/", katalog.method_list, name="metode-daftar"),
    path("metode/<str:kode>/", katalog.method_detail, name="metode"),
    # dashboard downloads (tuntas/dasbor/exports.py) and the read API (tuntas/api/)
    path(
        "pemda/<str:kode>/unduh/<slug:tabel>.<slug:fmt>",
        dasbor_exports.pemda_export,
        name="dasbor-unduh-pemda",
    ),
    path(
        "provinsi/<str:kode>/unduh/kabkota.<slug:fmt>",
        dasbor_exports.provinsi_export,
        name="dasbor-unduh-provinsi",
    ),
    path(
        "nasional/unduh/peringkat.<slug:fmt>",
        dasbor_exports.nasional_export,
        name="dasbor-unduh-nasional",
    ),
    path("api/", api.urls),
    # the reports that leave the region: report, fingerprint check, consolidation, e-SPM, open
    # data, background builds (tuntas/laporan/urls.py)
    path("", include("tuntas.laporan.urls")),
    # end dashboard downloads and read API
    # registry drill-down (tuntas/dasbor/views_wilayah.py): per kecamatan (per kab/kota for a
    # province), then the sub-areas of one kab/kota or kecamatan
    path(
        "pemda/<str:kode>/wilayah/<num:tahun>/<str:jpd>/",
        dasbor_wilayah.area_top,
        name="dasbor-wilayah",
    ),
    path(
        "pemda/<str:kode>/wilayah/<num:tahun>/<str:jpd>/<str:wilayah>/",
        dasbor_wilayah.area_detail,
        name="dasbor-wilayah-rinci",
    ),
    # end registry drill-down
    path("pemda/<str:kode>/isian/<num:tahun>/<num:tw>/", pendataan.entry_list, name="isian-daftar"),
    # Excel round trip (tuntas/pendataan/views_excel.py); before "isian" so "unduh" is no JPD
    path(
        "pemda/<str:kode>/isian/<num:tahun>/<num:tw>/unduh/",
        pendataan_excel.workbook_download,
        name="isian-unduh",
    ),
    path(
        "pemda/<str:kode>/isian/<num:tahun>/<num:tw>/unggah/",
        pendataan_excel.workbook_upload,
        name="isian-unggah",
    ),
    path(
        "pemda/<str:kode>/isian/<num:tahun>/<num:tw>/unggah/<num:unggahan>/",
        pendataan_excel.workbook_confirm,
        name="isian-unggah-konfirmasi",
    ),
    # end Excel round trip
    path(
        "pemda/<str:kode>/isian/<num:tahun>/<num:tw>/<str:jpd>/", pendataan.entry_edit, name="isian"
    ),
    path(
        "pemda/<str:kode>/isian/<num:tahun>/<num:tw>/<str:jpd>/hitung/",
        pendataan.entry_preview,
        name="isian-hitung",
    ),
    path("pemda/<str:kode>/sasaran/<num:tahun>/<str:jpd>/", pendataan.target_edit, name="sasaran"),
    # pemda settings (admin_pemda): OPD, pengampu, users — tuntas/pengaturan/views.py
    # --- approval workflow (alur)
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/", alur.report_page, name="alur-laporan"
    ),
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/aksi/",
        alur.report_action,
        name="alur-laporan-aksi",
    ),
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/riwayat.xlsx",
        alur.audit_download,
        name="alur-riwayat-unduh",
    ),
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/jpd/<str:jpd>/",
        alur.jpd_page,
        name="alur-jpd",
    ),
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/jpd/<str:jpd>/aksi/",
        alur.jpd_action,
        name="alur-jpd-aksi",
    ),
    path(
        "pemda/<str:kode>/persetujuan/<num:tahun>/<num:tw>/tanda/<num:tanda>/",
        alur.flag_comment,
        name="alur-tanda",
    ),
    # --- needs, cost and plan (perencanaan)
    path("pemda/<str:kode>/perencanaan/<num:tahun>/", perencanaan.overview, name="perencanaan"),
    # price list (SSH), prices of needs, activity costing, totals (tuntas/perencanaan/views_cost.py);
    # before any "perencanaan/<tahun>/<jpd>/" route so that "harga" and "biaya" are no JPD
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/harga/",
        perencanaan_biaya.price_list,
        name="perencanaan-harga",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/harga/simpan/",
        perencanaan_biaya.price_save,
        name="perencanaan-harga-simpan",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/harga/hapus/",
        perencanaan_biaya.price_delete,
        name="perencanaan-harga-hapus",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/harga/unggah/",
        perencanaan_biaya.price_upload,
        name="perencanaan-harga-unggah",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/harga/templat.xlsx",
        perencanaan_biaya.price_template,
        name="perencanaan-harga-templat",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/biaya/",
        perencanaan_biaya.totals,
        name="perencanaan-biaya",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/biaya/unduh.xlsx",
        perencanaan_biaya.totals_download,
        name="perencanaan-biaya-unduh",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/harga-item/",
        perencanaan_biaya.need_prices,
        name="perencanaan-harga-item",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kegiatan/",
        perencanaan_biaya.activities,
        name="perencanaan-kegiatan",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kegiatan/hapus/",
        perencanaan_biaya.activity_delete,
        name="perencanaan-kegiatan-hapus",
    ),
    # end price list, prices of needs, activity costing, totals
    # the four stages, their documents and the action plan (tuntas/perencanaan/views_stages.py)
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tahap/",
        perencanaan_tahap.stages_page,
        name="perencanaan-tahap",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tahap/unggah/",
        perencanaan_tahap.document_upload,
        name="perencanaan-tahap-unggah",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tahap/dokumen/<num:dokumen>/",
        perencanaan_tahap.document_download,
        name="perencanaan-tahap-dokumen",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tahap/dokumen/<num:dokumen>/hapus/",
        perencanaan_tahap.document_delete,
        name="perencanaan-tahap-dokumen-hapus",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/",
        perencanaan_tahap.action_plan_page,
        name="perencanaan-rencana-aksi",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/baru/",
        perencanaan_tahap.action_item_new,
        name="perencanaan-rencana-aksi-baru",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/unduh.<slug:fmt>",
        perencanaan_tahap.action_plan_download,
        name="perencanaan-rencana-aksi-unduh",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/<num:aksi>/",
        perencanaan_tahap.action_item_edit,
        name="perencanaan-rencana-aksi-ubah",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/<num:aksi>/hapus/",
        perencanaan_tahap.action_item_remove,
        name="perencanaan-rencana-aksi-hapus",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/rencana-aksi/<num:aksi>/geser/",
        perencanaan_tahap.action_item_reorder,
        name="perencanaan-rencana-aksi-geser",
    ),
    # end the four stages and the action plan
    # plan and budget lines (tuntas/perencanaan/views_budget.py)
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/",
        perencanaan_budget.budget_page,
        name="anggaran",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/baru/",
        perencanaan_budget.line_new,
        name="anggaran-baris-baru",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/sipd.xlsx",
        perencanaan_budget.sipd_download,
        name="anggaran-sipd",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/<num:baris>/",
        perencanaan_budget.line_edit,
        name="anggaran-baris",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/<num:baris>/hapus/",
        perencanaan_budget.line_delete,
        name="anggaran-baris-hapus",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/anggaran/<num:baris>/realisasi/",
        perencanaan_budget.line_realisation,
        name="anggaran-realisasi",
    ),
    path(
        "pemda/<str:kode>/perencanaan/subkegiatan/",
        perencanaan_budget.subkegiatan_page,
        name="subkegiatan",
    ),
    path(
        "pemda/<str:kode>/perencanaan/subkegiatan/<num:sk>/hapus/",
        perencanaan_budget.subkegiatan_remove,
        name="subkegiatan-hapus",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<str:jpd>/rencana/",
        perencanaan_budget.plan_page,
        name="rencana",
    ),
    # end plan and budget lines
    # service units and needs (stage 2) — tuntas/perencanaan/views_needs.py
    path(
        "pemda/<str:kode>/perencanaan/unit/", perencanaan_needs.unit_list, name="perencanaan-unit"
    ),
    path(
        "pemda/<str:kode>/perencanaan/unit/simpan/",
        perencanaan_needs.unit_save,
        name="perencanaan-unit-simpan",
    ),
    path(
        "pemda/<str:kode>/perencanaan/unit/aktif/",
        perencanaan_needs.unit_active,
        name="perencanaan-unit-aktif",
    ),
    path(
        "pemda/<str:kode>/perencanaan/unit/impor/",
        perencanaan_needs.unit_import,
        name="perencanaan-unit-impor",
    ),
    path(
        "pemda/<str:kode>/perencanaan/unit/templat/",
        perencanaan_needs.unit_template,
        name="perencanaan-unit-templat",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tersedia/impor/",
        perencanaan_needs.available_import,
        name="perencanaan-tersedia-impor",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/tersedia/templat/",
        perencanaan_needs.available_template,
        name="perencanaan-tersedia-templat",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kebutuhan/",
        perencanaan_needs.needs_page,
        name="perencanaan-kebutuhan",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kebutuhan/bawa/",
        perencanaan_needs.needs_carry,
        name="perencanaan-bawa",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kebutuhan/lokal/",
        perencanaan_needs.local_save,
        name="perencanaan-lokal",
    ),
    path(
        "pemda/<str:kode>/perencanaan/<num:tahun>/<str:jpd>/kebutuhan/lokal/hapus/",
        perencanaan_needs.local_delete,
        name="perencanaan-lokal-hapus",
    ),
    # end service units and needs
    path("pemda/<str:kode>/pengaturan/", pengaturan.overview, name="pengaturan"),
    path("pemda/<str:kode>/pengaturan/opd/", pengaturan.opd_list, name="pengaturan-opd"),
    path(
        "pemda/<str:kode>/pengaturan/opd/<num:opd_id>/nama/",
        pengaturan.opd_rename_view,
        name="pengaturan-opd-ubah",
    ),
    path(
        "pemda/<str:kode>/pengaturan/opd/<num:opd_id>/koordinator/",
        pengaturan.opd_coordinator_view,
        name="pengaturan-opd-koordinator",
    ),
    path(
        "pemda/<str:kode>/pengaturan/opd/<num:opd_id>/hapus/",
        pengaturan.opd_delete_view,
        name="pengaturan-opd-hapus",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengampu/",
        pengaturan.assignment_list,
        name="pengaturan-pengampu",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengampu/<str:jpd>/",
        pengaturan.assignment_edit,
        name="pengaturan-pengampu-ubah",
    ),
    path("pemda/<str:kode>/pengaturan/pengguna/", pengaturan.user_list, name="pengaturan-pengguna"),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/baru/",
        pengaturan.user_create,
        name="pengaturan-pengguna-baru",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/<num:user_id>/",
        pengaturan.user_detail,
        name="pengaturan-pengguna-detail",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/<num:user_id>/peran/",
        pengaturan.membership_add,
        name="pengaturan-keanggotaan-tambah",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/<num:user_id>/peran/<num:membership_id>/cabut/",
        pengaturan.membership_remove,
        name="pengaturan-keanggotaan-cabut",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/<num:user_id>/sandi/",
        pengaturan.password_reset,
        name="pengaturan-pengguna-sandi",
    ),
    path(
        "pemda/<str:kode>/pengaturan/pengguna/<num:user_id>/status/",
        pengaturan.user_active_set,
        name="pengaturan-pengguna-status",
    ),
    # end pemda settings
    # by-name recipients (tuntas/penerima/views.py)
    path("pemda/<str:kode>/penerima/", penerima.overview, name="penerima"),
    path("pemda/<str:kode>/penerima/unggah/", penerima.upload, name="penerima-unggah"),
    path(
        "pemda/<str:kode>/penerima/impor/<num:impor>/", penerima.job_detail, name="penerima-impor"
    ),
    path(
        "pemda/<str:kode>/penerima/impor/<num:impor>/ulangi/",
        penerima.job_retry,
        name="penerima-impor-ulangi",
    ),
    path(
        "pemda/<str:kode>/penerima/impor/<num:impor>/laporan/",
        penerima.job_report,
        name="penerima-impor-laporan",
    ),
    path(
        "pemda/<str:kode>/penerima/templat/<str:jpd>/",
        penerima.template_download,
        name="penerima-templat",
    ),
    path("pemda/<str:kode>/penerima/log/", penerima.access_log, name="penerima-log"),
    path(
        "pemda/<str:kode>/penerima/<num:tahun>/<str:jpd>/",
        penerima.recipient_list,
        name="penerima-daftar",
    ),
    path(
        "pemda/<str:kode>/penerima/<num:tahun>/<str:jpd>/nik/",
        penerima.reveal_nik,
        name="penerima-nik",
    ),
    path(
        "pemda/<str:kode>/penerima/<num:tahun>/<str:jpd>/ekspor/",
        penerima.export,
        name="penerima-ekspor",
    ),
    # end by-name recipients
    # deadline reminders of the signed-in user (tuntas/alur/views_pengingat.py)
    path("pengingat/", alur_pengingat.reminder_list, name="pengingat"),
    path("pengingat/dibaca/", alur_pengingat.reminder_read, name="pengingat-dibaca"),
    # end deadline reminders
    path("admin/", admin.site.urls),
]
