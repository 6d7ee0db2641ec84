from django.apps import AppConfig


class AkunConfig(AppConfig):
    name = "tuntas.akun"
    label = "akun"
    verbose_name = "Akun dan peran"
