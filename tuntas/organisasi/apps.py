from django.apps import AppConfig


class OrganisasiConfig(AppConfig):
    name = "tuntas.organisasi"
    label = "organisasi"
    verbose_name = "Organisasi"
