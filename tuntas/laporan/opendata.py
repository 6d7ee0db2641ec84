"""Open data (``/data/``): the approved aggregates of every pemda per year and quarter, as CSV and
JSON with metadata in the style of Satu Data Indonesia (judul, produsen data, periode, lisensi,
tanggal pembaruan, definisi per kolom, catatan). Reads only.

What is published, and what never is:

* only quarters whose report is approved (:data:`APPROVED_STATUSES`): a quarter still being
  compiled, returned, or compiled again after an unlock is absent;
* stored results shown through each pemda's scoring method (``pendataan.selectors``: values at
  the method's precision, category names from the method);
* no name, NIK, address or free text (problems, solutions, notes: they may name people), and no
  registry count;
* no count of people from 1 to ``SMALL_COUNT_MIN - 1``: when a JPD's sasaran, terlayani or
  belum terlayani (sasaran − terlayani) is such a count in any quarter of a year, its sasaran and
  terlayani are empty in every quarter of that year (:func:`suppressed_keys`), so that neither
  the small count nor its complement can be worked out by subtraction or from another quarter.

Every dataset costs a fixed number of queries whatever its rows, and its rows are produced as an
iterator (the views stream them)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tuntas.alur.models import ReportState
from tuntas.core.safe_write import csv_lines
from tuntas.katalog.models import Jpd, Urusan
from tuntas.laporan.document import APPROVED
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.services import display_name
from tuntas.pendataan.models import AnnualTarget, QuarterEntry, QuarterResult
from tuntas.pendataan.selectors import (
    FIRST_YEAR,
    jpd_shown,
    methods_by_code,
    result_shown,
    urusan_shown,
)
from tuntas.penerima.disclosure import SMALL_COUNT_MIN
from tuntas.perhitungan.engine import Method
from tuntas.wilayah.selectors import regions_by_code

APPROVED_STATUSES = frozenset(APPROVED)  # the one rule of the reports (document.APPROVED)
"""The report statuses whose quarter is published: approved by the head (or on their behalf),
sent, accepted. ``disusun`` and ``dikembalikan`` (returned, or unlocked to be corrected) are not."""

LICENCE = {
    "nama": "CC BY 4.0",
    "judul": "Creative Commons Atribusi 4.0 Internasional",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.id",
    "atribusi": "Tuntas / pemerintah daerah masing-masing",
}
PRODUCER = "Tuntas / pemerintah daerah masing-masing"
SMALL_MARK = "< 5 (disamarkan)"
MAX_PARAM = 16  # longer filter values are refused before anything else is looked at

Cell = str | int | Decimal | bool | datetime | None


# --- filters ---------------------------------------------------------------------------------


class FilterError(ValueError):
    """A filter value that cannot be used; ``message`` names the field, in Indonesian."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Filters:
    tahun: int | None = None
    triwulan: int | None = None
    pemda: str | None = None
    provinsi: str | None = None

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v is not None}

    def states(self) -> Q:
        """The filter on a table carrying ``pemda``, ``year`` and ``quarter``."""
        q = self.years()
        if self.triwulan is not None:
            q &= Q(quarter=self.triwulan)
        return q

    def years(self) -> Q:
        """The filter without the quarter (the suppression decides per whole year)."""
        q = Q()
        if self.tahun is not None:
            q &= Q(year=self.tahun)
        if self.pemda is not None:
            q &= Q(pemda_id=self.pemda)
        if self.provinsi is not None:
            q &= Q(pemda__province_code=self.provinsi)
        return q


PEMDA_CODE = re.compile(r"^\d{2}\.\d{2}$|^\d{2}$")
PROVINCE_CODE = re.compile(r"^\d{2}$")


def filters_parse(params: Mapping[str, str], today: date | None = None) -> Filters:
    """The filters of a request's query (``tahun``, ``triwulan``, ``pemda``, ``provinsi``; others
    ignored); :class:`FilterError` with an Indonesian message naming the field for a bad value."""
    last_year = (today or date.today()).year + 1
    values = {}
    for name in ("tahun", "triwulan", "pemda", "provinsi"):
        raw = (params.get(name) or "").strip()
        if len(raw) > MAX_PARAM:
            raise FilterError(name, gettext("Filter %(f)s terlalu panjang.") % {"f": name})
        values[name] = raw
    tahun = triwulan = None
    if values["tahun"]:
        if not values["tahun"].isdigit() or not FIRST_YEAR <= int(values["tahun"]) <= last_year:
            raise FilterError(
                "tahun",
                gettext("Filter tahun harus berupa tahun antara %(a)s dan %(b)s.")
                % {"a": FIRST_YEAR, "b": last_year},
            )
        tahun = int(values["tahun"])
    if values["triwulan"]:
        if values["triwulan"] not in ("1", "2", "3", "4"):
            raise FilterError("triwulan", gettext("Filter triwulan harus 1, 2, 3 atau 4."))
        triwulan = int(values["triwulan"])
    pemda = values["pemda"]
    if pemda:
        compact = pemda.replace(".", "")
        if compact.isdigit() and len(compact) == 4 and "." not in pemda:
            pemda = f"{compact[:2]}.{compact[2:]}"
        if not PEMDA_CODE.match(pemda):
            raise FilterError(
                "pemda",
                gettext(
                    "Filter pemda harus berupa kode wilayah provinsi (mis. 32) atau "
                    "kabupaten/kota (mis. 32.75)."
                ),
            )
    provinsi = values["provinsi"]
    if provinsi and not PROVINCE_CODE.match(provinsi):
        raise FilterError(
            "provinsi", gettext("Filter provinsi harus berupa kode provinsi dua angka (mis. 32).")
        )
    return Filters(tahun, triwulan, pemda or None, provinsi or None)


# --- the datasets and their definitions ------------------------------------------------------


@dataclass(frozen=True)
class Column:
    nama: str  # the machine name: CSV header and JSON key (never translated)
    tipe: str  # teks | bilangan bulat | desimal | tanggal-waktu | boolean
    satuan: str
    keterangan: Any  # lazy text

    def definition(self) -> dict[str, str]:
        return {
            "nama": self.nama,
            "tipe": self.tipe,
            "satuan": self.satuan,
            "keterangan": str(self.keterangan),
        }


TEXT, INT, DEC, TIME, BOOL = "teks", "bilangan bulat", "desimal", "tanggal-waktu", "boolean"

_PEMDA_COLUMNS = (
    Column("kode_pemda", TEXT, "", _("Kode wilayah Kemendagri pemerintah daerah.")),
    Column("nama_pemda", TEXT, "", _("Nama pemerintah daerah.")),
)
_PERIOD_COLUMNS = (
    Column("tahun", INT, "", _("Tahun laporan.")),
    Column(
        "triwulan", INT, "", _("Triwulan laporan (1–4); capaian kumulatif sampai akhir triwulan.")
    ),
)
_DEMO_COLUMN = Column(
    "data_contoh",
    BOOL,
    "",
    _(
        "Ya/true bila pemda ini adalah DATA CONTOH (angka sintetis untuk peragaan, bukan data resmi)."
    ),
)
_CATEGORY = _("Kategori capaian menurut metode penilaian yang dipakai pemda.")


@dataclass(frozen=True)
class Dataset:
    slug: str
    judul: Any  # lazy text
    uraian: Any
    columns: tuple[Column, ...]
    rows: Callable[[Published], Iterator[tuple[Cell, ...]]] = field(repr=False)

    def metadata(self, pub: Published) -> dict[str, Any]:
        return {
            "judul": str(self.judul),
            "dataset": self.slug,
            "uraian": str(self.uraian),
            "produsen_data": PRODUCER,
            "periode": pub.period_text(),
            "periode_tersedia": [{"tahun": y, "triwulan": q} for y, q in pub.periods()],
            "frekuensi": gettext("Triwulanan"),
            "tingkat_penyajian": gettext("Provinsi dan kabupaten/kota"),
            "lisensi": LICENCE,
            "tanggal_pembaruan": pub.updated_iso(),
            "filter": pub.filters.as_query(),
            "data_contoh": pub.has_demo(),
            "definisi": [c.definition() for c in self.columns],
            "catatan": catatan(pub),
            "format": {
                "csv": gettext(
                    "UTF-8 dengan BOM, pemisah kolom titik koma (;), desimal koma (,), sel kosong "
                    "bila tidak ada nilai atau disamarkan."
                ),
                "json": gettext('{"metadata": {...}, "data": [...]}; angka desimal bertitik.'),
            },
        }


def catatan(pub: Published) -> list[str]:
    notes = [
        gettext(
            "Hanya triwulan yang laporannya telah disetujui kepala daerah (status disetujui, "
            "dikirim atau diterima) yang diterbitkan; triwulan yang masih disusun atau "
            "dikembalikan tidak dimuat."
        ),
        gettext(
            "Jumlah orang dari 1 sampai %(n)s tidak diterbitkan: sel dikosongkan dan ditandai "
            "“%(mark)s”. Bila sasaran, terlayani atau belum terlayani (sasaran − terlayani) "
            "suatu JPD pada triwulan mana pun dalam setahun bernilai 1–%(n)s, sasaran dan "
            "terlayani JPD itu dikosongkan di semua triwulan tahun tersebut (kolom "
            "jumlah_disamarkan), agar tidak dapat dihitung kembali."
        )
        % {"n": SMALL_COUNT_MIN - 1, "mark": SMALL_MARK},
        gettext(
            "Tidak memuat nama, NIK, alamat, maupun teks bebas (permasalahan, solusi, catatan). "
            "Data penerima by-name tidak pernah diterbitkan."
        ),
        gettext(
            "Nilai ditampilkan dengan ketelitian dan nama kategori dari metode penilaian "
            "masing-masing pemda (lihat /metode/)."
        ),
    ]
    if pub.has_demo():
        notes.append(
            gettext(
                "DATA CONTOH: sebagian baris berasal dari pemda peragaan (kolom data_contoh); "
                "angkanya sintetis dan bukan data resmi."
            )
        )
    return notes


# --- what is published -----------------------------------------------------------------------


def _approved_period() -> Exists:
    """The report of the row's pemda × year × quarter is approved."""
    return Exists(
        ReportState.objects.filter(
            pemda=OuterRef("pemda"),
            year=OuterRef("year"),
            quarter=OuterRef("quarter"),
            status__in=APPROVED_STATUSES,
        )
    )


@dataclass
class Published:
    """The approved quarters a request covers (one query), with the pemda and their methods
    (one query): what every dataset's rows, metadata and ETag start from."""

    filters: Filters
    states: Sequence[ReportState]
    methods: dict[str, Method]

    def method_of(self, pemda: Pemda) -> Method:
        return self.methods[str(pemda.scoring_method_id)]

    def periods(self) -> list[tuple[int, int]]:
        return sorted({(s.year, s.quarter) for s in self.states})

    def period_text(self) -> str:
        periods = self.periods()
        if not periods:
            return "—"
        (y0, q0), (y1, q1) = periods[0], periods[-1]
        first, last = f"TW{q0} {y0}", f"TW{q1} {y1}"
        return first if first == last else f"{first} – {last}"

    def has_demo(self) -> bool:
        return any(s.pemda.is_demo for s in self.states)

    def updated(self) -> datetime | None:
        moments = [m for s in self.states for m in (s.updated_at, s.result_updated) if m]  # type: ignore[attr-defined]
        return max(moments) if moments else None

    def updated_iso(self) -> str | None:
        moment = self.updated()
        return moment.astimezone(UTC).isoformat() if moment else None

    def etag(self, *parts: str) -> str:
        """Changes with the approved quarters, their status, any recomputed result, the
        methods, the filters, the dataset and format, and the language of the metadata."""
        digest = hashlib.sha256()
        for part in (*parts, get_language() or "", repr(sorted(self.filters.as_query().items()))):
            digest.update(part.encode() + b"\0")
        for code in sorted(self.methods):
            digest.update(self.methods[code].fingerprint.encode())
        for s in self.states:
            digest.update(
                f"{s.pemda_id}|{s.year}|{s.quarter}|{s.status}|{s.updated_at}|"
                f"{s.result_updated}\n".encode()  # type: ignore[attr-defined]
            )
        return f'"{digest.hexdigest()[:32]}"'


def published(filters: Filters) -> Published:
    """The approved quarters matching ``filters`` (two queries)."""
    result_updated = QuarterResult.objects.filter(
        pemda=OuterRef("pemda"), year=OuterRef("year"), quarter=OuterRef("quarter")
    ).values("updated_at")[:1]
    states = list(
        ReportState.objects.filter(filters.states(), status__in=APPROVED_STATUSES)
        .select_related("pemda")
        .annotate(result_updated=Subquery(result_updated))
        .order_by("pemda_id", "year", "quarter")
    )
    return Published(filters, states, methods_by_code())


def published_periods() -> list[dict[str, int]]:
    """Every published year and quarter with the number of pemda (and of demo pemda) in it,
    newest first (one query): the catalogue page."""
    return list(
        ReportState.objects.filter(status__in=APPROVED_STATUSES)
        .values("year", "quarter")
        .annotate(jumlah=Count("pemda"), contoh=Count("pemda", filter=Q(pemda__is_demo=True)))
        .order_by("-year", "-quarter")
    )


def suppressed_keys(filters: Filters) -> set[tuple[str, int, str]]:
    """(pemda, year, JPD) whose sasaran and terlayani are not published: in some quarter of the
    year (approved or not: hiding more never discloses) the sasaran, the terlayani or the
    belum terlayani is a count from 1 to ``SMALL_COUNT_MIN - 1`` (one query)."""
    small = (1, SMALL_COUNT_MIN - 1)
    sasaran = AnnualTarget.objects.filter(
        pemda=OuterRef("pemda"), jpd=OuterRef("jpd"), year=OuterRef("year")
    ).values("sasaran")[:1]
    found = (
        QuarterEntry.objects.filter(filters.years())
        .annotate(s=Subquery(sasaran))
        .annotate(belum=F("s") - F("terlayani"))
        .filter(Q(terlayani__range=small) | Q(s__range=small) | Q(belum__range=small))
        .values_list("pemda_id", "year", "jpd_id")
        .distinct()
    )
    return set(found)


def _zoned(pemda: Pemda, moment: datetime | None) -> datetime | None:
    return moment.astimezone(pemda.zona.info) if moment else None


def _results(pub: Published) -> QuerySet[QuarterResult]:
    return QuarterResult.objects.filter(pub.filters.states()).filter(_approved_period())


def indeks_rows(pub: Published) -> Iterator[tuple[Cell, ...]]:
    results = {(r.pemda_id, r.year, r.quarter): r for r in _results(pub)}
    provinces = regions_by_code(codes=sorted({s.pemda.province_code for s in pub.states}))
    province_names = {code: display_name(region) for code, region in provinces.items()}
    for s in pub.states:
        pemda = s.pemda
        result = results.get((pemda.code, s.year, s.quarter))
        shown = result_shown(result, pub.method_of(pemda))
        yield (
            pemda.code,
            pemda.name,
            pemda.level,
            pemda.province_code,
            province_names.get(pemda.province_code, ""),
            s.year,
            s.quarter,
            shown.nilai,
            shown.kategori_nama or None,
            result.jpd_complete if result else None,
            result.jpd_total if result else None,
            s.status,
            _zoned(pemda, s.approved_at),
            pemda.is_demo,
        )


def jpd_rows(pub: Published) -> Iterator[tuple[Cell, ...]]:
    if not pub.states:
        return
    pemda_of = {s.pemda_id: s.pemda for s in pub.states}
    jpd_of = {j.code: j for j in Jpd.objects.select_related("urusan")}
    hidden = suppressed_keys(pub.filters)
    sasaran = AnnualTarget.objects.filter(
        pemda=OuterRef("pemda"), jpd=OuterRef("jpd"), year=OuterRef("year")
    ).values("sasaran")[:1]
    entries = (
        QuarterEntry.objects.filter(pub.filters.states())
        .filter(_approved_period())
        .annotate(sasaran=Subquery(sasaran))
        .order_by("pemda_id", "year", "quarter", "jpd_id")
        .values_list(
            "pemda_id",
            "year",
            "quarter",
            "jpd_id",
            "sasaran",
            "terlayani",
            "capaian_penerima",
            "capaian_mutu",
            "nilai",
            "kategori",
            "pagu",
            "realisasi",
            named=True,
        )
    )
    for e in entries.iterator(chunk_size=2000):
        pemda = pemda_of.get(e.pemda_id)
        jpd = jpd_of.get(e.jpd_id)
        if pemda is None or jpd is None:  # approved after the states were read: next time
            continue
        shown = jpd_shown(e, e.kategori, pub.method_of(pemda))
        masked = (e.pemda_id, e.year, e.jpd_id) in hidden
        yield (
            pemda.code,
            pemda.name,
            e.year,
            e.quarter,
            jpd.code,
            jpd.name,
            jpd.urusan_id,
            jpd.urusan.name,
            None if masked else e.sasaran,
            None if masked else e.terlayani,
            masked,
            shown.capaian_penerima,
            shown.capaian_mutu,
            shown.nilai,
            shown.kategori_nama or None,
            e.pagu,
            e.realisasi,
            pemda.is_demo,
        )


def urusan_rows(pub: Published) -> Iterator[tuple[Cell, ...]]:
    if not pub.states:
        return
    pemda_of = {s.pemda_id: s.pemda for s in pub.states}
    urusan = list(Urusan.objects.order_by("code").values_list("code", "name"))
    for result in _results(pub).order_by("pemda_id", "year", "quarter").iterator(chunk_size=500):
        pemda = pemda_of.get(result.pemda_id)
        if pemda is None:
            continue
        method = pub.method_of(pemda)
        for code, name in urusan:
            if code not in result.urusan:
                continue
            shown = urusan_shown(result, code, method)
            yield (
                pemda.code,
                pemda.name,
                result.year,
                result.quarter,
                code,
                name,
                shown.nilai,
                shown.kategori_nama or None,
                pemda.is_demo,
            )


DATASETS: dict[str, Dataset] = {
    "indeks": Dataset(
        "indeks",
        _("Indeks Pencapaian SPM per Pemerintah Daerah dan Triwulan"),
        _(
            "Indeks pencapaian Standar Pelayanan Minimal tiap pemerintah daerah per triwulan, "
            "dengan kategori, kelengkapan JPD dan status laporannya."
        ),
        (
            *_PEMDA_COLUMNS,
            Column("tingkat", TEXT, "", _("provinsi atau kabkota.")),
            Column("kode_provinsi", TEXT, "", _("Kode wilayah provinsi.")),
            Column("provinsi", TEXT, "", _("Nama provinsi.")),
            *_PERIOD_COLUMNS,
            Column("indeks", DEC, "persen", _("Indeks pencapaian SPM pemda (0–100).")),
            Column("kategori", TEXT, "", _CATEGORY),
            Column("jpd_lengkap", INT, "JPD", _("Jumlah JPD bersasaran yang isiannya lengkap.")),
            Column("jpd_total", INT, "JPD", _("Jumlah JPD bersasaran pada tahun tersebut.")),
            Column(
                "status_laporan", TEXT, "", _("Status laporan: disetujui, dikirim atau diterima.")
            ),
            Column(
                "disetujui_pada",
                TIME,
                "",
                _("Waktu persetujuan kepala daerah (ISO 8601, zona waktu pemda)."),
            ),
            _DEMO_COLUMN,
        ),
        indeks_rows,
    ),
    "jpd": Dataset(
        "jpd",
        _("Capaian SPM per Jenis Pelayanan Dasar, Pemerintah Daerah dan Triwulan"),
        _(
            "Sasaran, capaian penerima dan mutu, nilai, kategori serta anggaran tiap jenis "
            "pelayanan dasar (JPD) per pemerintah daerah dan triwulan."
        ),
        (
            *_PEMDA_COLUMNS,
            *_PERIOD_COLUMNS,
            Column("kode_jpd", TEXT, "", _("Kode jenis pelayanan dasar (katalog SPM).")),
            Column("nama_jpd", TEXT, "", _("Nama jenis pelayanan dasar.")),
            Column("kode_urusan", TEXT, "", _("Kode urusan SPM.")),
            Column("urusan", TEXT, "", _("Nama urusan SPM.")),
            Column(
                "sasaran",
                INT,
                "orang",
                _("Sasaran penerima tahun tersebut. Kosong bila disamarkan: < 5 (disamarkan)."),
            ),
            Column(
                "terlayani",
                INT,
                "orang",
                _(
                    "Penerima terlayani sesuai standar, kumulatif sampai akhir triwulan. Kosong "
                    "bila disamarkan: < 5 (disamarkan)."
                ),
            ),
            Column(
                "jumlah_disamarkan",
                BOOL,
                "",
                _(
                    "Ya/true bila sasaran dan terlayani dikosongkan karena salah satu jumlah "
                    "(sasaran, terlayani, belum terlayani) bernilai 1–4 pada tahun tersebut."
                ),
            ),
            Column("capaian_penerima", DEC, "persen", _("Capaian penerima (0–100).")),
            Column("capaian_mutu", DEC, "persen", _("Capaian mutu barang/jasa dan SDM (0–100).")),
            Column("nilai", DEC, "persen", _("Nilai JPD (gabungan capaian penerima dan mutu).")),
            Column("kategori", TEXT, "", _CATEGORY),
            Column("pagu", DEC, "rupiah", _("Pagu anggaran JPD.")),
            Column("realisasi", DEC, "rupiah", _("Realisasi anggaran sampai akhir triwulan.")),
            _DEMO_COLUMN,
        ),
        jpd_rows,
    ),
    "urusan": Dataset(
        "urusan",
        _("Nilai SPM per Urusan, Pemerintah Daerah dan Triwulan"),
        _("Nilai dan kategori tiap urusan SPM per pemerintah daerah dan triwulan."),
        (
            *_PEMDA_COLUMNS,
            *_PERIOD_COLUMNS,
            Column("kode_urusan", TEXT, "", _("Kode urusan SPM.")),
            Column("urusan", TEXT, "", _("Nama urusan SPM.")),
            Column("nilai", DEC, "persen", _("Nilai urusan (0–100).")),
            Column("kategori", TEXT, "", _CATEGORY),
            _DEMO_COLUMN,
        ),
        urusan_rows,
    ),
}


# --- the files -------------------------------------------------------------------------------


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def decimal_comma(value: Decimal) -> str:
    """What ``core.formatting.percent_cell`` writes (decimal comma, no grouping, the value's own
    places), without Babel's cost per cell: a dataset has hundreds of thousands of them."""
    return format(value, "f").replace(".", ",")


def _json_value(value: Cell) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")  # exact: never a float's rounding
    if isinstance(value, datetime):
        return json.dumps(value.isoformat())
    return _json_text(value)


@lru_cache(maxsize=8192)
def _json_text(value: str) -> str:
    """A JSON string (names, codes and categories repeat on every row: encoded once)."""
    return json.dumps(value, ensure_ascii=False)


def _batched(parts: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    buffer: list[str] = []
    length = 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def csv_chunks(dataset: Dataset, pub: Published) -> Iterator[str]:
    """The dataset as CSV through the formula-safe writer (UTF-8 BOM, ``;``), in chunks."""
    rows = ([_csv_cell(c) for c in row] for row in dataset.rows(pub))
    return _batched(csv_lines([c.nama for c in dataset.columns], rows))


def json_chunks(dataset: Dataset, pub: Published, metadata: dict[str, Any]) -> Iterator[str]:
    """``{"metadata": {...}, "data": [{...}, ...]}`` in chunks; ``metadata`` is made by the
    caller (its texts in the request's language, before the response is streamed)."""
    keys = [json.dumps(c.nama) + ":" for c in dataset.columns]

    def parts() -> Iterator[str]:
        yield '{"metadata":' + json.dumps(metadata, ensure_ascii=False) + ',"data":['
        separator = "\n"
        for row in dataset.rows(pub):
            body = ",".join(k + _json_value(v) for k, v in zip(keys, row, strict=True))
            yield separator + "{" + body + "}"
            separator = ",\n"
        yield "\n]}\n"

    return _batched(parts())
