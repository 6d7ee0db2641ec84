from django.apps import AppConfig


class LaporanConfig(AppConfig):
    name = "tuntas.laporan"
    label = "laporan"
    verbose_name = "Laporan penerapan SPM"
