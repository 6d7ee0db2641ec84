"""Background tasks of the recipient registry (django-tasks; ``tuntas db_worker`` runs them)."""

from __future__ import annotations

from django_tasks import task

from tuntas.penerima.services import import_job_run


@task()
def recipients_import_task(job_id: int) -> None:
    """Import the file of one :class:`~tuntas.penerima.models.ImportJob`."""
    import_job_run(job_id=job_id)
