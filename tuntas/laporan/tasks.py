"""Background tasks of the reports (django-tasks: the database queue run by ``tuntas db_worker``,
or RQ over Redis run by ``tuntas rqworker`` when TUNTAS_TASKS_BACKEND=rq)."""

from __future__ import annotations

from django_tasks import task

from tuntas.laporan.services import report_build_run


@task()
def report_build_task(build_id: int) -> None:
    """Build the file of one :class:`~tuntas.laporan.models.ReportBuild`."""
    report_build_run(build_id=build_id)


@task()
def report_pack_task(pack_id: int) -> None:
    """Help build a province's pack: render its kab/kota profiles until none is left."""
    from tuntas.laporan.paket import pack_work

    pack_work(pack_id)
