from django.apps import AppConfig


class PerhitunganConfig(AppConfig):
    name = "tuntas.perhitungan"
    label = "perhitungan"
    verbose_name = "Perhitungan"
