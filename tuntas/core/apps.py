from django.apps import AppConfig


class CoreConfig(AppConfig):
    default = True  # this module holds other apps' configs too (below)
    name = "tuntas.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tuntas.core.permissions import permissions_rename

        # after django.contrib.auth's receiver (its app comes first), which creates them
        post_migrate.connect(permissions_rename, dispatch_uid="tuntas-permissions-rename")


# Third-party apps under Indonesian names in the administration pages (the admin is for
# Indonesian officials too). Their model and field names come from tuntas/locale/id.
from axes.apps import AppConfig as _AxesConfig  # noqa: E402
from django_tasks_db.apps import TasksAppConfig as _TasksConfig  # noqa: E402


class PenguncianMasukConfig(_AxesConfig):
    default = False
    verbose_name = "Penguncian masuk"


class AntreanTugasConfig(_TasksConfig):
    default = False
    verbose_name = "Antrean pekerjaan latar belakang"
