"""The province's report pack: its consolidated report followed by a profile of every kab/kota
(achievement per urusan and per JPD, status of its report, problems), each profile a few pages
of its own. The profiles are independent, so a build fans them out as separate jobs that any
number of workers run at once; the pack is then merged (pypdf), with one bookmark per part.

Profiles read the same data as the region's report (``document.report_data`` without the
planning parts) and print through the same stylesheet."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuntas.alur.models import ReportStatus
from tuntas.core.errors import DomainError
from tuntas.laporan.builders import Progress
from tuntas.laporan.document import report_data
from tuntas.laporan.files_pdf import PRINT_CSS, css_string, pdf_from_html
from tuntas.laporan.models import PartStatus, ReportPack, ReportPart
from tuntas.organisasi.models import Pemda


def profile_html(pemda: Pemda, year: int, quarter: int | None, province: Pemda) -> str:
    data = report_data(pemda, year, quarter, full=False)
    with translation.override("id"):
        footer = _("Laporan konsolidasi %(prov)s %(periode)s · profil %(pemda)s") % {
            "prov": province.name,
            "periode": data.period_label,
            "pemda": pemda.name,
        }
        return render_to_string(
            "laporan/profil_cetak.html",
            {
                "d": data,
                "cetak": True,
                "kaki_css": css_string(footer),
                "status_nama": ReportStatus(data.approval.status).label,
            },
        )


def profile_pdf(pemda: Pemda, year: int, quarter: int | None, province: Pemda) -> bytes:
    """One kab/kota's profile as PDF (a part of the pack)."""
    return pdf_from_html(profile_html(pemda, year, quarter, province), [PRINT_CSS])


def pack_merge(parts: list[tuple[str, bytes]]) -> bytes:
    """The parts (title, PDF) one after the other in one PDF, one bookmark per part."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, content in parts:
        start = len(writer.pages)
        writer.append(io.BytesIO(content), import_outline=False)
        writer.add_outline_item(title=title, page_number=start)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- building a pack with any number of workers ----------------------------------------------
#
# The build (one worker) creates the pack and its parts, enqueues helper tasks, renders the
# province's consolidated report, then works on parts itself like any helper; when no part is
# left to claim it waits for those claimed by others, then merges. A helper task claims parts
# until none is left. Claiming is a conditional UPDATE (antre → berjalan), atomic on SQLite and
# PostgreSQL alike, so two workers never render one part. With one worker the build does every
# part itself (nothing waits on a task that cannot run); with more, they share them. A part
# claimed longer than PART_STALE_AFTER ago lost its worker and is claimed again.

PART_STALE_AFTER = timedelta(minutes=5)
HELPER_TASKS = 8  # helper tasks enqueued per pack: more workers than this add nothing
WAIT_STEP = 0.2  # seconds between looks at the parts claimed by others


class PackFailed(DomainError):
    """Some kab/kota's profile could not be made; the message names them."""


def pack_create(*, province: Pemda, year: int, quarter: int) -> ReportPack:
    """The pack and one part per kab/kota of the province (registered in Tuntas), in code
    order."""
    kabkota = list(
        Pemda.objects.filter(province_code=province.province_code, level="kabkota").order_by("code")
    )
    with transaction.atomic():
        pack = ReportPack.objects.create(pemda=province, year=year, quarter=quarter)
        ReportPart.objects.bulk_create(
            [ReportPart(pack=pack, pemda=p, index=i) for i, p in enumerate(kabkota)]
        )
    return pack


def _claim(pack_id: int) -> ReportPart | None:
    """Claim the next part nobody is working on (or whose worker went silent)."""
    now = timezone.now()
    ReportPart.objects.filter(
        pack_id=pack_id, status=PartStatus.BERJALAN, claimed_at__lt=now - PART_STALE_AFTER
    ).update(status=PartStatus.ANTRE)
    for part_id in (
        ReportPart.objects.filter(pack_id=pack_id, status=PartStatus.ANTRE)
        .order_by("index")
        .values_list("pk", flat=True)
    ):
        if ReportPart.objects.filter(pk=part_id, status=PartStatus.ANTRE).update(
            status=PartStatus.BERJALAN, claimed_at=now
        ):
            return ReportPart.objects.select_related("pemda", "pack__pemda").get(pk=part_id)
    return None


def pack_work(pack_id: int) -> int:
    """Render parts of the pack until none is left to claim; the number rendered here. A part
    that fails is marked so (with the error), never left claimed."""
    done = 0
    while (part := _claim(pack_id)) is not None:
        pack = part.pack
        try:
            content = profile_pdf(part.pemda, pack.year, pack.quarter or None, pack.pemda)
        except Exception as exc:
            ReportPart.objects.filter(pk=part.pk).update(
                status=PartStatus.GAGAL, error=f"{type(exc).__name__}: {exc}"[:500]
            )
            continue
        ReportPart.objects.filter(pk=part.pk, status=PartStatus.BERJALAN).update(
            status=PartStatus.SELESAI, content=content
        )
        done += 1
    return done


def pack_build(
    *,
    province: Pemda,
    year: int,
    quarter: int,
    summary: Callable[[], bytes],
    enqueue: Callable[[int], object],
    progress: Progress,
) -> bytes:
    """The whole pack: parts shared with the helper tasks ``enqueue(pack_id)`` starts, the
    consolidated report ``summary()`` first, then one profile per kab/kota."""
    pack = pack_create(province=province, year=year, quarter=quarter)
    try:
        total = pack.parts.count()
        for _i in range(min(HELPER_TASKS, max(total - 1, 0))):
            enqueue(pack.pk)
        progress(5, "Menyusun laporan konsolidasi")
        head = summary()
        while True:
            pack_work(pack.pk)  # the build's own share: whatever nobody has claimed yet
            counts = dict(
                ReportPart.objects.filter(pack=pack)
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            finished = counts.get(PartStatus.SELESAI, 0) + counts.get(PartStatus.GAGAL, 0)
            progress(10 + 80 * finished // max(total, 1), f"Profil kab/kota {finished}/{total}")
            if finished >= total:
                break
            time.sleep(WAIT_STEP)
        failed = list(
            ReportPart.objects.filter(pack=pack, status=PartStatus.GAGAL).values_list(
                "pemda__name", flat=True
            )
        )
        if failed:
            raise PackFailed("Profil berikut gagal dibuat: " + ", ".join(failed) + ".")
        progress(92, "Menggabungkan")
        parts = [(_("Laporan konsolidasi %(prov)s") % {"prov": province.name}, head)]
        for name, content in (
            ReportPart.objects.filter(pack=pack)
            .order_by("index")
            .values_list("pemda__name", "content")
        ):
            parts.append((name, bytes(content or b"")))
        with translation.override("id"):
            return pack_merge(parts)
    finally:
        pack.delete()
