from django.apps import AppConfig


class AkunConfig(AppConfig):
    name = "tuntas.akun"
    label = "akun"
    verbose_name = "Akun dan peran"

    def ready(self) -> None:
        from tuntas.akun import signals  # noqa: F401  (connects the sign-in receiver)
