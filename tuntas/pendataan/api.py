"""``GET`` and ``PUT /api/pemda/{kode}/isian/{tahun}/{tw}/{kode_jpd}``: one JPD-quarter of the
quarterly entry, so that a sector system can send its numbers instead of having them retyped
(mounted under ``/api/`` by ``tuntas.api.api``).

The same rules as the entry form (``views.entry_edit``), through the same services: the pemda
through ``pemda_get_for_user`` (404 outside the user's scope), an unknown period or JPD 404, a
role that may read but not write this JPD 403 (``require_write`` with the JPD's pengampu); the
target and the entry saved by ``services.entry_with_target_save`` (``target_set`` and
``entry_save`` in one transaction: all or nothing). Mutu items are named by their catalog code
in the JPD version in force for the year."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from tuntas.akun.scope import pemda_get_for_user, require_write
from tuntas.core.api_schema import Galat, GalatKonflik, GalatRinci, GalatValidasi
from tuntas.core.errors import DomainError
from tuntas.katalog.models import Jpd, MutuItem
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.locks import EntryLocked
from tuntas.pendataan.lookups import jpd_or_404, period_or_404
from tuntas.pendataan.selectors import (
    entry_get,
    entry_mutu_values,
    jpd_shown,
)
from tuntas.pendataan.services import (
    EntryConflict,
    EntryInput,
    EntryInvalid,
    entry_with_target_save,
    mutu_items_for,
    target_get,
)
from tuntas.perhitungan.batas import COUNT_MAX, RUPIAH_WHOLE_MAX

router = Router(tags=["Isian triwulan"])

PATH = "/pemda/{kode}/isian/{tahun}/{tw}/{kode_jpd}"

# A count (sasaran, terlayani, mutu quantities): a JSON integer, at most the form's bound.
Jumlah = Annotated[int, Strict(), Field(ge=0, le=COUNT_MAX)]


def _rupiah_whole(value: Any) -> Any:
    """A whole Rupiah amount: a JSON integer or a string of digits (``"1500000"``); no
    fractions, no grouping dots, no signs. The range is checked by the field's bounds."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError(
            "rupiah_type", gettext("harus rupiah utuh: bilangan bulat atau teks angka saja")
        )
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[0-9]+", text):
            raise PydanticCustomError(
                "rupiah_type",
                gettext("harus rupiah utuh: angka saja, tanpa titik, koma, tanda atau sen"),
            )
        if len(text.lstrip("0")) > len(str(RUPIAH_WHOLE_MAX)):  # int() of it would be costly
            return RUPIAH_WHOLE_MAX + 1
        return int(text)
    return value


Rupiah = Annotated[
    int,
    BeforeValidator(_rupiah_whole),
    Field(ge=0, le=RUPIAH_WHOLE_MAX),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": RUPIAH_WHOLE_MAX},
                {"type": "string", "pattern": "^[0-9]+$"},
            ],
            "description": "Rupiah utuh: bilangan bulat atau teks angka.",
        }
    ),
]


class MutuIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kode: str = Field(max_length=20, description="Kode item mutu di katalog, mis. B01.")
    dibutuhkan: Jumlah | None
    tersedia: Jumlah | None


class IsianIn(Schema):
    """PUT mengganti isian triwulan ini seluruhnya: setiap kolom wajib dikirim (``null`` atau
    teks kosong untuk yang tidak diisi), kecuali ``sasaran`` dan ketiga penjelasan. Item mutu
    yang tidak dikirim tetap seperti tersimpan."""

    model_config = ConfigDict(extra="forbid")

    sasaran: Jumlah | None = Field(
        None,
        description="Sasaran tahunan JPD ini. Tidak dikirim atau null: tidak diubah. Penetapan "
        "pertama tanpa alasan; mengubah sasaran yang sudah ada wajib dengan `alasan_sasaran`.",
    )
    alasan_sasaran: str = Field("", description="Alasan mengubah sasaran yang sudah ada.")
    terlayani: Jumlah | None = Field(
        description="Terlayani sesuai standar, kumulatif sampai akhir triwulan."
    )
    penjelasan_melebihi_sasaran: str = Field(
        "", description="Wajib bila terlayani melebihi sasaran."
    )
    mutu: list[MutuIn] = Field(max_length=500)
    pagu: Rupiah | None
    realisasi: Rupiah | None
    penjelasan_melebihi_pagu: str = Field("", description="Wajib bila realisasi melebihi pagu.")
    permasalahan: str | None
    solusi: str | None
    versi: int = Field(
        ge=0,
        le=2**31 - 1,
        description="`versi` dari jawaban GET terakhir (0 bila belum ada isian). Bila isian sudah "
        "disimpan orang lain sesudahnya: 409 dengan versi sekarang.",
    )


class MutuOut(Schema):
    kode: str
    nama: str
    dibutuhkan: int | None
    tersedia: int | None


class IsianOut(Schema):
    kode_pemda: str
    tahun: int
    tw: int
    kode_jpd: str
    nama_jpd: str
    sasaran: int | None = Field(description="Sasaran tahunan; null bila belum ditetapkan.")
    terlayani: int | None
    penjelasan_melebihi_sasaran: str
    mutu: list[MutuOut] = Field(description="Setiap item mutu JPD pada versi katalog tahun itu.")
    pagu: int | str | None = Field(
        description="Rupiah utuh (bilangan bulat); teks desimal bila tersimpan dengan sen."
    )
    realisasi: int | str | None
    penjelasan_melebihi_pagu: str
    permasalahan: str
    solusi: str
    versi: int = Field(description="Versi isian (0: belum pernah disimpan); kirim pada PUT.")
    capaian_penerima: float | None
    capaian_mutu: float | None
    nilai: float | None
    kategori: str
    kategori_nama: str
    lengkap: bool = Field(description="Sasaran, terlayani dan semua item mutu sudah terisi.")
    metode: str = Field(description="Kode metode penilaian pemda (lihat /metode/).")


# The service's field keys, as the API names them.
FIELD_NAMES = {
    "over_target_reason": "penjelasan_melebihi_sasaran",
    "over_budget_reason": "penjelasan_melebihi_pagu",
    "alasan": "alasan_sasaran",
}
# where the body's fields are in an error's ``lokasi``, as ninja names them (the parameter name)
BODY: tuple[str, ...] = ("body", "isian")
_MUTU_KEY = re.compile(r"mutu_(\d+)(?:_(dibutuhkan|tersedia))?")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _rupiah_out(value: Decimal | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)


def isian_out(pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> IsianOut:
    """What is stored for the JPD-quarter, with its results at the pemda's method's precision."""
    method = pemda.scoring_method.to_method()
    items = mutu_items_for(jpd=jpd, year=year)
    target = target_get(pemda=pemda, jpd=jpd, year=year)
    entry = entry_get(pemda, jpd, year, quarter)
    values = entry_mutu_values(entry)
    shown = jpd_shown(entry, entry.kategori if entry else "", method)
    return IsianOut(
        kode_pemda=pemda.code,
        tahun=year,
        tw=quarter,
        kode_jpd=jpd.code,
        nama_jpd=jpd.name,
        sasaran=target.sasaran if target else None,
        terlayani=entry.terlayani if entry else None,
        penjelasan_melebihi_sasaran=entry.over_target_reason if entry else "",
        mutu=[
            MutuOut(
                kode=i.code,
                nama=i.name,
                dibutuhkan=values.get(i.pk, (None, None))[0],
                tersedia=values.get(i.pk, (None, None))[1],
            )
            for i in items
        ],
        pagu=_rupiah_out(entry.pagu if entry else None),
        realisasi=_rupiah_out(entry.realisasi if entry else None),
        penjelasan_melebihi_pagu=entry.over_budget_reason if entry else "",
        permasalahan=entry.permasalahan if entry else "",
        solusi=entry.solusi if entry else "",
        versi=entry.version if entry else 0,
        capaian_penerima=_number(shown.capaian_penerima),
        capaian_mutu=_number(shown.capaian_mutu),
        nilai=_number(shown.nilai),
        kategori=shown.kategori,
        kategori_nama=shown.kategori_nama,
        lengkap=entry.is_complete if entry else False,
        metode=method.code,
    )


def _invalid(problems: list[tuple[list[str | int], str]]) -> GalatValidasi:
    named = "; ".join(
        f"{'.'.join(str(p) for p in where[1:])}: {message}" for where, message in problems
    )
    return GalatValidasi(
        detail=gettext("Isian tidak disimpan — %(named)s") % {"named": named},
        galat=[GalatRinci(lokasi=where, pesan=message) for where, message in problems],
    )


def _location(key: str, codes: dict[int, str]) -> list[str | int]:
    """Where a service's field key points in the request body."""
    if key == "__all__":
        return [*BODY]
    found = _MUTU_KEY.fullmatch(key)
    if found:
        code = codes.get(int(found[1]), found[1])
        return [*BODY, "mutu", code, *([found[2]] if found[2] else [])]
    return [*BODY, FIELD_NAMES.get(key, key)]


def _mutu_input(
    rows: list[MutuIn], items: list[MutuItem], stored: dict[int, tuple[int | None, int | None]]
) -> tuple[dict[int, tuple[int | None, int | None]], list[tuple[list[str | int], str]]]:
    """Item id → (dibutuhkan, tersedia): what was sent, by catalog code; the items not sent
    keep their stored values. Unknown and repeated codes are problems, each named."""
    by_code = {i.code: i for i in items}
    values = {i.pk: stored.get(i.pk, (None, None)) for i in items}
    problems: list[tuple[list[str | int], str]] = []
    seen: set[str] = set()
    for row in rows:
        code = row.kode.strip().upper()
        item = by_code.get(code)
        if item is None:
            problems.append(
                (
                    [*BODY, "mutu", row.kode],
                    gettext(
                        "kode item mutu %(code)s tidak ada pada JPD ini untuk tahun itu "
                        "(yang berlaku: %(known)s)"
                    )
                    % {"code": row.kode, "known": ", ".join(by_code) or "—"},
                )
            )
        elif code in seen:
            problems.append(
                ([*BODY, "mutu", code], gettext("item mutu ini dikirim lebih dari sekali"))
            )
        else:
            seen.add(code)
            values[item.pk] = (row.dibutuhkan, row.tersedia)
    return values, problems


@router.get(
    PATH,
    response={200: IsianOut, 401: Galat, 404: Galat, 422: GalatValidasi},
    summary="Isian triwulan satu JPD",
    operation_id="isian_baca",
)
def isian_baca(request: HttpRequest, kode: str, tahun: int, tw: int, kode_jpd: str) -> IsianOut:
    """Sasaran tahunan, isian triwulan (terlayani, item mutu, pagu, realisasi, permasalahan,
    solusi) dan hasilnya (capaian penerima, capaian mutu, nilai, kategori) pada presisi metode
    penilaian pemda, serta `versi` yang dikirim kembali pada PUT. Untuk setiap peran yang dapat
    membaca pemda itu. Periode (tahun 2019 s.d. tahun ini, triwulan 1–4) atau JPD yang tidak
    dikenal: 404."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    return isian_out(pemda, jpd_or_404(pemda, kode_jpd), tahun, tw)


@router.put(
    PATH,
    response={
        200: IsianOut,
        401: Galat,
        403: Galat,
        404: Galat,
        409: GalatKonflik,
        422: GalatValidasi,
    },
    summary="Simpan isian triwulan satu JPD",
    operation_id="isian_simpan",
)
def isian_simpan(
    request: HttpRequest, kode: str, tahun: int, tw: int, kode_jpd: str, isian: IsianIn
) -> Status[IsianOut | GalatKonflik | GalatValidasi]:
    """Menyimpan isian seperti formulir isian, dengan aturan yang sama, sekaligus sasaran
    tahunan bila `sasaran` dikirim dan berbeda; semuanya atau tidak sama sekali. Jawaban: isian
    tersimpan dengan hasil hitungnya dan `versi` baru.

    Hanya operator/verifikator perangkat daerah pengampu JPD itu, tim SPM dan admin pemda
    (peran baca saja: 403). Lewat sesi peramban perlu header `X-CSRFToken`; dengan token Bearer
    tidak. `versi` yang sudah usang (isian disimpan orang lain sesudah Anda membacanya) atau JPD
    yang terkunci alur persetujuan (sudah diajukan/diverifikasi, atau laporan sudah disetujui):
    409, tidak ada yang tersimpan. Isian yang tidak sah: 422 dengan setiap kolom yang salah."""
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    jpd = jpd_or_404(pemda, kode_jpd)
    require_write(request, pemda, pengampu_opd_id(pemda=pemda, jpd=jpd))
    items = mutu_items_for(jpd=jpd, year=tahun)
    current = entry_get(pemda, jpd, tahun, tw)
    mutu, problems = _mutu_input(isian.mutu, items, entry_mutu_values(current))
    if problems:
        return Status(422, _invalid(problems))
    data = EntryInput(
        terlayani=isian.terlayani,
        mutu=mutu,
        over_target_reason=isian.penjelasan_melebihi_sasaran,
        pagu=None if isian.pagu is None else Decimal(isian.pagu),
        realisasi=None if isian.realisasi is None else Decimal(isian.realisasi),
        over_budget_reason=isian.penjelasan_melebihi_pagu,
        permasalahan=isian.permasalahan or "",
        solusi=isian.solusi or "",
    )
    try:
        entry_with_target_save(
            pemda=pemda,
            jpd=jpd,
            year=tahun,
            quarter=tw,
            sasaran=isian.sasaran,
            sasaran_reason=isian.alasan_sasaran,
            data=data,
            expected_version=isian.versi,
            actor=request.user,  # type: ignore[arg-type]
        )
    except EntryInvalid as exc:
        codes = {i.pk: i.code for i in items}
        return Status(422, _invalid([(_location(k, codes), v) for k, v in exc.errors.items()]))
    except EntryConflict as exc:
        return Status(409, GalatKonflik(detail=str(exc), versi=exc.current.version))
    except (EntryLocked, DomainError) as exc:
        stored = entry_get(pemda, jpd, tahun, tw)
        return Status(409, GalatKonflik(detail=str(exc), versi=stored.version if stored else 0))
    return Status(200, isian_out(pemda, jpd, tahun, tw))
