"""JSON endpoints for the dashboards' data (mounted under ``/api/`` by ``tuntas.api.api``).

Same data and the same access rules as the pages in ``views.py``: the pemda comes through
``pemda_get_for_user`` (404 outside the user's scope), the provincial dashboard is only for a
province, the national one only for the pusat role. Percentages are numbers at the precision of
the pemda's scoring method (the default: truncated to two decimals); ``null`` where there is no
value. Category names come from the method."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from tuntas.akun.scope import pemda_get_for_user, pemda_readable, request_scope
from tuntas.alur.tenggat import (
    ReportingRate,
    ReportTimeliness,
    national_reporting,
    pemda_report_timeliness,
    province_reporting,
)
from tuntas.core.api_schema import Galat, GalatValidasi
from tuntas.dasbor.selectors import (
    OpdCompleteness,
    PemdaDashboard,
    RankedRow,
    national_ranking,
    pemda_dashboard,
    province_kabkota,
    ranked,
)
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import QuarterEntry, QuarterResult
from tuntas.pendataan.selectors import Shown, current_period, year_choices
from tuntas.perhitungan.engine import truncate2

router = Router(tags=["Dasbor"])


class PemdaOut(Schema):
    kode: str
    nama: str
    tingkat: str
    kode_provinsi: str
    data_contoh: bool


class IndeksOut(Schema):
    nilai: float | None
    kategori: str
    kategori_nama: str
    jpd_lengkap: int
    jpd_total: int


class UrusanOut(Schema):
    kode: str
    nama: str
    nilai: float | None
    kategori: str
    kategori_nama: str


class JpdOut(Schema):
    kode: str
    nama: str
    urusan: str
    pengampu: str
    capaian_penerima: float | None
    capaian_mutu: float | None
    nilai: float | None
    kategori: str
    kategori_nama: str
    status: str  # dinilai | tidak_ada_sasaran | belum_lengkap


class KeterisianOpdOut(Schema):
    perangkat_daerah: str
    jpd: int
    lengkap: int
    persen: float


class TrenOut(Schema):
    tahun: int
    tw: int
    nilai: float | None
    kategori: str
    kategori_nama: str
    jpd_lengkap: int
    jpd_total: int


class LaporanOut(Schema):
    """The quarter report of one pemda against the deadline."""

    status: str = Field(
        description="disusun, disetujui, dikirim, diterima atau dikembalikan (tanpa catatan: "
        "disusun)."
    )
    status_nama: str
    terkirim: bool = Field(
        description="Sudah dikirim: dikirim, diterima, atau pernah dikirim lalu dikembalikan."
    )
    dikirim_pada: dt.datetime | None = Field(description="Pengiriman pertama (UTC).")
    tanggal_kirim: dt.date | None = Field(
        description="Tanggal pengiriman pertama menurut zona waktu pemda (WIB/WITA/WIT)."
    )
    ketepatan: str = Field(
        description="tepat_waktu, terlambat (dikirim setelah batas waktu), belum_mengirim "
        "(batas waktu sudah lewat) atau belum_jatuh_tempo."
    )
    ketepatan_nama: str
    tenggat: dt.date = Field(description="Batas waktu laporan triwulan ini.")
    tenggat_terkonfirmasi: bool = Field(
        description="false: batas waktu bawaan (tanggal 20 bulan setelah triwulan) yang belum "
        "dikonfirmasi sumbernya."
    )


class TingkatPelaporanOut(Schema):
    """Reporting rate (sent ÷ expected) and on-time rate (sent on time ÷ expected), percent
    truncated to two decimals; null when no pemda is expected."""

    diharapkan: int = Field(description="Pemda terdaftar yang diharapkan mengirim laporan.")
    terkirim: int
    tepat_waktu: int
    terlambat: int
    belum_mengirim: int
    tingkat_pelaporan: float | None
    tingkat_tepat_waktu: float | None


class PelaporanProvinsiOut(Schema):
    kode: str
    nama: str
    terdaftar: bool = Field(
        description="Provinsi itu sendiri terdaftar sebagai pemda (dan ikut diharapkan)."
    )
    pelaporan: TingkatPelaporanOut


class PemdaDasborOut(Schema):
    pemda: PemdaOut
    tahun: int
    tw: int
    metode: str = Field(description="kode metode penilaian pemda (lihat /metode/)")
    indeks: IndeksOut
    urusan: list[UrusanOut]
    jpd: list[JpdOut]
    keterisian_opd: list[KeterisianOpdOut]
    tren: list[TrenOut]
    laporan: LaporanOut | None = Field(None, description="Laporan triwulan dan batas waktunya.")


class PeringkatOut(Schema):
    peringkat: int | None = Field(
        description="Peringkat di antara pemda setingkat (provinsi dan kab/kota diperingkat "
        "terpisah); null bila belum ada nilai."
    )
    kode: str
    nama: str
    tingkat: str
    data_contoh: bool
    nilai: float | None = Field(
        description="Nilai yang diperingkat: indeks daerah, atau nilai urusan yang dipilih "
        "(`urusan` pada dasbor nasional)."
    )
    kategori: str = Field(description="Kategori nilai itu (indeks daerah atau urusan).")
    kategori_nama: str
    jpd_lengkap: int | None
    jpd_total: int | None
    data_lengkap: bool = Field(
        description="Semua JPD bersasaran sudah diisi untuk periode ini (bila tidak, peringkat "
        "dapat berubah)."
    )
    laporan: LaporanOut | None = Field(
        None, description="Laporan triwulan pemda ini terhadap batas waktu."
    )


class ProvinsiDasborOut(Schema):
    pemda: PemdaOut
    tahun: int
    tw: int
    indeks: IndeksOut
    kabkota: list[PeringkatOut]
    laporan: LaporanOut | None = Field(None, description="Laporan provinsi itu sendiri.")
    pelaporan: TingkatPelaporanOut | None = Field(
        None, description="Tingkat pelaporan atas kabupaten/kota yang terdaftar."
    )


class NasionalFilter(Schema):
    tingkat: str
    urusan: str
    kategori: str


class NasionalDasborOut(Schema):
    tahun: int
    tw: int
    filter: NasionalFilter
    jumlah: int
    pemda: list[PeringkatOut]
    pelaporan: TingkatPelaporanOut | None = Field(
        None, description="Tingkat pelaporan nasional (semua pemda terdaftar, tanpa saringan)."
    )
    pelaporan_provinsi: list[PelaporanProvinsiOut] = Field(
        default_factory=list,
        description="Per provinsi: kabupaten/kota terdaftar ditambah provinsi itu sendiri bila "
        "terdaftar.",
    )


class Periode(Schema):
    tahun: int | None = Field(
        None, description="Tahun (bawaan: tahun triwulan terakhir yang sudah berakhir)."
    )
    tw: int | None = Field(
        None, description="Triwulan 1–4 (bawaan: triwulan terakhir yang sudah berakhir)."
    )


class NasionalQuery(Periode):
    tingkat: str = Field("", description="provinsi atau kabkota; kosong: semua.")
    urusan: str = Field("", description="Kode urusan, mis. 1.02; kosong: semua.")
    kategori: str = Field(
        "", description="paripurna, utama, madya, pratama, muda atau belum; kosong: semua."
    )


def period_of(query: Periode) -> tuple[int, int]:
    """As ``views.period_from``: the last ended quarter by default, 404 for an unknown period."""
    year, quarter = current_period()
    year = year if query.tahun is None else query.tahun
    quarter = quarter if query.tw is None else query.tw
    if quarter not in (1, 2, 3, 4) or year not in year_choices():
        raise Http404("Periode tidak dikenal")
    return year, quarter


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def completeness_percent(row: OpdCompleteness) -> Decimal:
    """Share of the OPD's JPD that are complete, truncated to two decimals like the indices."""
    return truncate2(Fraction(100 * row.complete, row.assigned)) if row.assigned else Decimal(0)


def jpd_status(entry: QuarterEntry | None) -> str:
    if entry is not None and entry.kategori:
        return "dinilai"
    if entry is not None and entry.is_complete:
        return "tidak_ada_sasaran"
    return "belum_lengkap"


def pemda_out(pemda: Pemda) -> PemdaOut:
    return PemdaOut(
        kode=pemda.code,
        nama=pemda.name,
        tingkat=pemda.level,
        kode_provinsi=pemda.province_code,
        data_contoh=pemda.is_demo,
    )


def indeks_out(result: QuarterResult | None, shown: Shown, jpd_total: int) -> IndeksOut:
    return IndeksOut(
        nilai=number(shown.nilai),
        kategori=shown.kategori,
        kategori_nama=shown.kategori_nama,
        jpd_lengkap=result.jpd_complete if result else 0,
        jpd_total=jpd_total,
    )


def laporan_out(row: ReportTimeliness | None) -> LaporanOut | None:
    if row is None:
        return None
    return LaporanOut(
        status=row.status,
        status_nama=row.status_label,
        terkirim=row.sent,
        dikirim_pada=row.sent_at,
        tanggal_kirim=row.sent_on,
        ketepatan=row.state,
        ketepatan_nama=row.state_label,
        tenggat=row.deadline.due,
        tenggat_terkonfirmasi=row.deadline.confirmed,
    )


def rate_out(rate: ReportingRate) -> TingkatPelaporanOut:
    return TingkatPelaporanOut(
        diharapkan=rate.expected,
        terkirim=rate.sent,
        tepat_waktu=rate.on_time,
        terlambat=rate.late,
        belum_mengirim=rate.missing,
        tingkat_pelaporan=number(rate.rate),
        tingkat_tepat_waktu=number(rate.on_time_rate),
    )


def ranked_out(
    rows: list[RankedRow], reports: dict[str, ReportTimeliness] | None = None
) -> list[PeringkatOut]:
    reports = reports or {}
    out = []
    for row in rows:
        result = row.result
        out.append(
            PeringkatOut(
                peringkat=row.rank or None,
                kode=row.pemda.code,
                nama=row.pemda.name,
                tingkat=row.pemda.level,
                data_contoh=row.pemda.is_demo,
                nilai=number(row.nilai),
                kategori=row.shown.kategori,
                kategori_nama=row.shown.kategori_nama,
                jpd_lengkap=result.jpd_complete if result else None,
                jpd_total=result.jpd_total if result else None,
                data_lengkap=not row.incomplete,
                laporan=laporan_out(reports.get(row.pemda.code)),
            )
        )
    return out


def pemda_dasbor_out(
    board: PemdaDashboard, report: ReportTimeliness | None = None
) -> PemdaDasborOut:
    return PemdaDasborOut(
        pemda=pemda_out(board.pemda),
        tahun=board.year,
        tw=board.quarter,
        metode=board.method.code,
        indeks=indeks_out(board.result, board.index, len(board.jpd)),
        urusan=[
            UrusanOut(
                kode=u.code,
                nama=u.name,
                nilai=number(u.nilai),
                kategori=u.kategori,
                kategori_nama=u.shown.kategori_nama,
            )
            for u in board.urusan
        ],
        jpd=[
            JpdOut(
                kode=row.jpd.code,
                nama=row.jpd.name,
                urusan=row.jpd.urusan_id,
                pengampu=row.opd,
                capaian_penerima=number(row.shown.capaian_penerima),
                capaian_mutu=number(row.shown.capaian_mutu),
                nilai=number(row.shown.nilai),
                kategori=row.shown.kategori,
                kategori_nama=row.shown.kategori_nama,
                status=jpd_status(row.entry),
            )
            for row in board.jpd
        ],
        keterisian_opd=[
            KeterisianOpdOut(
                perangkat_daerah=c.name,
                jpd=c.assigned,
                lengkap=c.complete,
                persen=float(completeness_percent(c)),
            )
            for c in board.completeness
        ],
        tren=[
            TrenOut(
                tahun=r.year,
                tw=r.quarter,
                nilai=number(r.shown.nilai),
                kategori=r.shown.kategori,
                kategori_nama=r.shown.kategori_nama,
                jpd_lengkap=r.jpd_complete,
                jpd_total=r.jpd_total,
            )
            for r in board.trend
        ],
        laporan=laporan_out(report),
    )


@router.get(
    "/pemda",
    response={200: list[PemdaOut], 401: Galat},
    summary="Pemda yang dapat Anda baca",
    operation_id="pemda_daftar",
)
def pemda_list(request: HttpRequest) -> list[PemdaOut]:
    """Semua pemerintah daerah dalam cakupan akun Anda, urut kode."""
    return [pemda_out(p) for p in pemda_readable(request_scope(request)).order_by("code")]


@router.get(
    "/pemda/{kode}/dasbor",
    response={200: PemdaDasborOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Dasbor SPM satu pemda",
    operation_id="pemda_dasbor",
)
def pemda_dasbor(request: HttpRequest, kode: str, periode: Query[Periode]) -> PemdaDasborOut:
    """Indeks dan kategori pemda, indeks per urusan, capaian per JPD, keterisian per perangkat
    daerah dan tren indeks semua triwulan — isi halaman dasbor pemda."""
    pemda = pemda_get_for_user(request, kode)
    year, quarter = period_of(periode)
    return pemda_dasbor_out(
        pemda_dashboard(pemda, year, quarter), pemda_report_timeliness(pemda, year, quarter)
    )


@router.get(
    "/provinsi/{kode}/dasbor",
    response={200: ProvinsiDasborOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Dasbor provinsi: indeks provinsi dan peringkat kabupaten/kota",
    operation_id="provinsi_dasbor",
)
def provinsi_dasbor(request: HttpRequest, kode: str, periode: Query[Periode]) -> ProvinsiDasborOut:
    """Untuk peran provinsi (kabupaten/kota di wilayahnya) dan pusat. Kode yang bukan provinsi
    dijawab 404."""
    province = pemda_get_for_user(request, kode)
    if province.level != "provinsi":
        raise Http404("Bukan provinsi")
    year, quarter = period_of(periode)
    own = ranked([province], year, quarter)[0]
    rows = ranked(province_kabkota(request_scope(request), province), year, quarter)
    reporting = province_reporting([r.pemda for r in rows], year, quarter, province=province)
    return ProvinsiDasborOut(
        pemda=pemda_out(province),
        tahun=year,
        tw=quarter,
        indeks=indeks_out(own.result, own.shown, own.result.jpd_total if own.result else 0),
        kabkota=ranked_out(rows, reporting.rows),
        laporan=laporan_out(reporting.own),
        pelaporan=rate_out(reporting.rate),
    )


@router.get(
    "/nasional/dasbor",
    response={200: NasionalDasborOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Dasbor nasional: peringkat semua pemda",
    operation_id="nasional_dasbor",
)
def nasional_dasbor(request: HttpRequest, q: Query[NasionalQuery]) -> NasionalDasborOut:
    """Hanya untuk peran pusat (selain itu 404). Saring dengan `tingkat` (provinsi, kabkota),
    `urusan` (kode, mis. 1.02: hanya pemda yang punya nilai urusan itu) dan `kategori` (kategori
    urusan itu bila `urusan` diisi, selain itu kategori indeks daerah)."""
    scope = request_scope(request)
    if not scope.is_pusat:
        raise Http404("Tidak ditemukan")
    year, quarter = period_of(q)
    rows = national_ranking(
        scope, year, quarter, level=q.tingkat, urusan=q.urusan, category=q.kategori
    )
    reporting = national_reporting(pemda_readable(scope), year, quarter)
    return NasionalDasborOut(
        tahun=year,
        tw=quarter,
        filter=NasionalFilter(tingkat=q.tingkat, urusan=q.urusan, kategori=q.kategori),
        jumlah=len(rows),
        pemda=ranked_out(rows, reporting.rows),
        pelaporan=rate_out(reporting.total),
        pelaporan_provinsi=[
            PelaporanProvinsiOut(
                kode=p.code, nama=p.name, terdaftar=p.registered, pelaporan=rate_out(p.rate)
            )
            for p in reporting.provinces
        ],
    )
