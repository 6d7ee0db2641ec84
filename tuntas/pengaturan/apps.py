from django.apps import AppConfig


class PengaturanConfig(AppConfig):
    """A pemda's settings pages for its admin_pemda: agencies (OPD), pengampu of each JPD, and
    user accounts. Above both ``organisasi`` (the pemda's structure) and ``akun`` (accounts)."""

    name = "tuntas.pengaturan"
    label = "pengaturan"
    verbose_name = "Pengaturan pemda"
