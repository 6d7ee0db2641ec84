"""The approval workflow through the API (mounted under ``/api/`` by ``tuntas.api.api``): the
quarter's report status and history, and every step, with the same permissions as the pages
(``tuntas.alur.services`` decides for both). Outside the user's scope: 404; a role that may
not take the step: 403; a step refused from where things stand: 409, with the reason in
Indonesian; a reason or a field missing or unknown: 422."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from tuntas.akun.scope import pemda_get_for_user, request_scope
from tuntas.alur.selectors import ReportBoard, report_board
from tuntas.alur.services import (
    StepForbidden,
    StepInvalid,
    StepRefused,
    jpd_step,
    report_step,
)
from tuntas.core.api_schema import Galat, GalatValidasi
from tuntas.pendataan.lookups import jpd_or_404, period_or_404

router = Router(tags=["Alur persetujuan"])


class JpdStatusOut(Schema):
    kode: str
    nama: str
    status: str = Field(description="draf | diajukan | diverifikasi | dikembalikan")
    catatan: str = Field(description="alasan pengembalian atau pembukaan terakhir")
    dipegang: str = Field(description="siapa yang sedang memegang JPD ini")
    bersasaran: bool
    lengkap: bool
    tanda_terbuka: int = Field(description="nilai yang ditunjuk pengembalian, belum selesai")


class RiwayatOut(Schema):
    waktu: datetime
    oleh: str
    aksi: str = Field(description="kode langkah, mis. alur.jpd.kembalikan")
    keterangan: str
    alasan: str
    jpd: str


class LaporanOut(Schema):
    pemda: str
    tahun: int
    triwulan: int
    status: str = Field(description="disusun | disetujui | dikirim | diterima | dikembalikan")
    dipegang: str
    alasan: str
    disetujui_pada: datetime | None
    atas_nama: str = Field(description="catatan admin pemda yang menyetujui atas nama pimpinan")
    dikirim_pada: datetime | None
    jpd_terbuka: list[str] = Field(description="JPD bersasaran yang belum diverifikasi")
    jpd: list[JpdStatusOut]
    riwayat: list[RiwayatOut]


class TandaIn(Schema):
    jpd: str = Field(max_length=20)
    isian: str = Field(
        default="", max_length=40, description="mis. terlayani, pagu, mutu:B1:tersedia"
    )


class LangkahJpdIn(Schema):
    alasan: str = Field(default="", max_length=2000)
    isian: list[str] = Field(
        default_factory=list, max_length=60, description="nilai yang ditunjuk (opsional)"
    )


class LangkahLaporanIn(Schema):
    alasan: str = Field(default="", max_length=2000)
    tanda: list[TandaIn] = Field(
        default_factory=list,
        max_length=200,
        description="pengembalian: JPD (dan nilainya) yang dikembalikan ke OPD",
    )


class LangkahJpd(StrEnum):
    ajukan = "ajukan"
    verifikasi = "verifikasi"
    kembalikan = "kembalikan"
    buka = "buka"


class LangkahLaporan(StrEnum):
    setujui = "setujui"
    kirim = "kirim"
    terima = "terima"
    kembalikan = "kembalikan"


ERRORS = {401: Galat, 403: Galat, 404: Galat, 409: Galat, 422: GalatValidasi}


def laporan_out(board: ReportBoard) -> LaporanOut:
    r = board.report
    return LaporanOut(
        pemda=board.pemda.code,
        tahun=board.year,
        triwulan=board.quarter,
        status=r.status,
        dipegang=board.holder,
        alasan=r.reason,
        disetujui_pada=r.approved_at,
        atas_nama=r.on_behalf_note,
        dikirim_pada=r.sent_at,
        jpd_terbuka=[row.jpd.code for row in board.open_rows],
        jpd=[
            JpdStatusOut(
                kode=row.jpd.code,
                nama=row.jpd.name,
                status=row.status,
                catatan=row.reason,
                dipegang=row.holder,
                bersasaran=row.has_target,
                lengkap=row.complete,
                tanda_terbuka=row.flags_open,
            )
            for row in board.rows
        ],
        riwayat=[
            RiwayatOut(
                waktu=h.at, oleh=h.by, aksi=h.action, keterangan=h.label, alasan=h.reason, jpd=h.jpd
            )
            for h in board.history
        ],
    )


def _refusal(exc: StepForbidden | StepRefused) -> HttpError:
    if isinstance(exc, StepForbidden):
        return HttpError(403, str(exc))
    return HttpError(409, str(exc))


def _invalid(exc: StepInvalid) -> ValidationError:
    """422 in the API's one validation shape (``GalatValidasi``), naming the field."""
    message = str(exc).rstrip(".")  # the handler ends the sentence
    return ValidationError([{"loc": ("body", exc.field), "msg": message, "type": "langkah"}])


@router.get(
    "/pemda/{kode}/laporan/{tahun}/{tw}",
    response={200: LaporanOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Status persetujuan laporan satu triwulan",
    operation_id="laporan_status",
)
def laporan_status(request: HttpRequest, kode: str, tahun: int, tw: int) -> LaporanOut:
    """Status laporan pemda untuk satu triwulan, status setiap JPD (siapa yang memegangnya,
    alasan pengembalian) dan riwayat setiap langkah persetujuan."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    return laporan_out(report_board(request_scope(request), pemda, tahun, tw))


@router.post(
    "/pemda/{kode}/laporan/{tahun}/{tw}/jpd/{kode_jpd}/{aksi}",
    response={200: LaporanOut, **ERRORS},
    summary="Langkah persetujuan satu JPD",
    operation_id="laporan_jpd_langkah",
)
def laporan_jpd_langkah(
    request: HttpRequest,
    kode: str,
    tahun: int,
    tw: int,
    kode_jpd: str,
    aksi: LangkahJpd,
    data: LangkahJpdIn | None = None,
) -> LaporanOut:
    """`ajukan` (operator OPD pengampu), `verifikasi` (tim SPM), `kembalikan` (tim SPM;
    `alasan` wajib, `isian` opsional menunjuk nilai: `terlayani`, `pagu`, `mutu:B1:tersedia`,
    ...), `buka` (membuka satu JPD yang terkunci; `alasan` wajib: tim SPM sebelum laporan
    dikirim, penerima laporan sesudahnya). Jawaban: status laporan sesudah langkah."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd = jpd_or_404(pemda, kode_jpd)
    body = data or LangkahJpdIn()
    scope = request_scope(request)
    try:
        jpd_step(
            scope=scope,
            pemda=pemda,
            jpd=jpd,
            year=tahun,
            quarter=tw,
            step=aksi.value,
            actor=request.user,  # type: ignore[arg-type]
            reason=body.alasan,
            fields=body.isian,
        )
    except StepInvalid as exc:
        raise _invalid(exc) from exc
    except (StepForbidden, StepRefused) as exc:
        raise _refusal(exc) from exc
    return laporan_out(report_board(scope, pemda, tahun, tw))


@router.post(
    "/pemda/{kode}/laporan/{tahun}/{tw}/{aksi}",
    response={200: LaporanOut, **ERRORS},
    summary="Langkah persetujuan laporan",
    operation_id="laporan_langkah",
)
def laporan_langkah(
    request: HttpRequest,
    kode: str,
    tahun: int,
    tw: int,
    aksi: LangkahLaporan,
    data: LangkahLaporanIn | None = None,
) -> LaporanOut:
    """`setujui` (pimpinan; admin pemda atas nama pimpinan dengan `alasan` berisi catatannya;
    hanya bila semua JPD bersasaran sudah diverifikasi), `kirim` (ke provinsi; laporan provinsi
    ke pusat), `terima` dan `kembalikan` (penerima laporan; `alasan` wajib, `tanda` opsional
    mengembalikan JPD tertentu ke OPD-nya)."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    body = data or LangkahLaporanIn()
    points = [(jpd_or_404(pemda, t.jpd), t.isian) for t in body.tanda]
    scope = request_scope(request)
    try:
        report_step(
            scope=scope,
            pemda=pemda,
            year=tahun,
            quarter=tw,
            step=aksi.value,
            actor=request.user,  # type: ignore[arg-type]
            reason=body.alasan,
            points=points,
        )
    except StepInvalid as exc:
        raise _invalid(exc) from exc
    except (StepForbidden, StepRefused) as exc:
        raise _refusal(exc) from exc
    return laporan_out(report_board(scope, pemda, tahun, tw))
