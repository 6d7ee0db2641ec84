"""Reads of by-name recipients. Only aggregates here: no personal data leaves these functions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_ids, pengampu_opd_id
from tuntas.penerima.disclosure import CountMarks, Mark
from tuntas.penerima.models import RecipientEntry
from tuntas.wilayah.models import Region


def recipients_recap(*, pemda: Pemda, jpd: Jpd, year: int) -> dict[str, Any]:
    """``{"sasaran", "terlayani", "per_kecamatan": [{"kode", "nama", "sasaran", "terlayani"}]}``:
    people on the list (every stored entry passed the eligibility rule) and those served per
    standard, in total and per kecamatan (the first 8 characters of the desa code)."""
    rows = list(
        RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=year)
        .annotate(kecamatan=Substr("village_code", 1, 8))
        .values("kecamatan")
        .annotate(sasaran=Count("nik_hash"), terlayani=Count("nik_hash", filter=Q(served=True)))
        .order_by("kecamatan")
    )
    names = dict(
        Region.objects.filter(code__in=[r["kecamatan"] for r in rows]).values_list("code", "name")
    )
    return {
        "sasaran": sum(r["sasaran"] for r in rows),
        "terlayani": sum(r["terlayani"] for r in rows),
        "per_kecamatan": [
            {
                "kode": r["kecamatan"],
                "nama": names.get(r["kecamatan"], ""),
                "sasaran": r["sasaran"],
                "terlayani": r["terlayani"],
            }
            for r in rows
        ],
    }


# ---------------------------------------------------------------------------------------------
# Registry counts for the quarterly entry and the region drill-down (issue 4, item 5).
# Aggregates only (counts per pemda, kecamatan, desa); a fixed number of queries per call.
# Imports kept with this block so it stays self-contained next to other appended blocks.
# ---------------------------------------------------------------------------------------------
import calendar  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402

from django.db.models import Exists, F, OuterRef  # noqa: E402


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter (TW1 → 31 March, ..., TW4 → 31 December)."""
    month = 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def _served_by(year: int, quarter: int) -> Q:
    """Served per standard up to the end of the quarter, by service date.

    A row marked served without a service date cannot be placed in a quarter: it counts only
    for TW4 (the whole year), never for TW1–TW3. The import keeps service dates inside the year,
    so for TW4 every served row counts."""
    if quarter == 4:
        return Q(served=True)
    return Q(served=True, service_date__lte=quarter_end(year, quarter))


@dataclass(frozen=True)
class RegistryCounts:
    """What the registry says for a pemda, JPD, year and quarter, next to the official target.

    ``sasaran``: people on the list (all eligible, the import checks it); ``terlayani``: served
    per standard up to the quarter's end; ``terlayani_tanpa_tanggal``: served rows without a service
    date (counted in TW4 only); ``target``: the official annual target, when one is set."""

    sasaran: int
    terlayani: int
    terlayani_tanpa_tanggal: int
    quarter: int
    target: int | None = None

    @property
    def gap(self) -> int | None:
        """Registry count minus the official target (positive: the list has more people)."""
        return None if self.target is None else self.sasaran - self.target

    @property
    def terlayani_tanpa_tanggal_dikecualikan(self) -> int:
        """Served rows left out of this quarter's count for want of a service date."""
        return 0 if self.quarter == 4 else self.terlayani_tanpa_tanggal


def registry_counts(
    *, pemda: Pemda, jpd: Jpd, year: int, quarter: int, target: int | None = None
) -> RegistryCounts | None:
    """The registry's counts for the quarterly entry (one aggregate query); ``None`` when the
    registry holds no row for this pemda, JPD and year."""
    totals = RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=year).aggregate(
        sasaran=Count("nik_hash"),
        terlayani=Count("nik_hash", filter=_served_by(year, quarter)),
        terlayani_tanpa_tanggal=Count("nik_hash", filter=Q(served=True, service_date__isnull=True)),
    )
    if not totals["sasaran"]:
        return None
    return RegistryCounts(
        sasaran=totals["sasaran"],
        terlayani=totals["terlayani"],
        terlayani_tanpa_tanggal=totals["terlayani_tanpa_tanggal"],
        quarter=quarter,
        target=target,
    )


def registry_jpd_codes(*, pemda: Pemda, year: int) -> set[str]:
    """Codes of the pemda's JPD whose registry has rows for the year: one query, one index
    probe per JPD (EXISTS on the primary key's (pemda, jpd, year) prefix), never a scan."""
    has_rows = RecipientEntry.objects.filter(pemda=pemda, jpd=OuterRef("pk"), year=year)
    return set(
        Jpd.objects.filter(level=pemda.level)
        .filter(Exists(has_rows))
        .values_list("code", flat=True)
    )


@dataclass(frozen=True)
class AreaCount:
    """Counts of one kab/kota, kecamatan or desa (``kode`` as in tuntas.wilayah, ``nama`` may be
    empty when the code is unknown there). ``marks``: what a viewer from outside the pemda may
    not see (:func:`suppress_small_counts`); by default every count is shown."""

    kode: str
    nama: str
    sasaran: int
    terlayani: int
    marks: CountMarks = field(default_factory=CountMarks)

    @property
    def belum(self) -> int:
        """People on the list not (yet) served per standard."""
        return self.sasaran - self.terlayani

    @property
    def persen(self) -> float | None:
        return 100.0 * self.terlayani / self.sasaran if self.sasaran else None

    @property
    def persen_shown(self) -> bool:
        """Shown only when both counts are: else the percentage would give a hidden one back."""
        return self.marks.sasaran == Mark.SHOWN and self.marks.terlayani == Mark.SHOWN


def registry_by_area(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    quarter: int,
    kecamatan: str | None = None,
    level: str | None = None,
    with_names: bool = True,
) -> list[AreaCount]:
    """Counts per kecamatan of the pemda (the default), per desa of one ``kecamatan`` (its code,
    e.g. ``32.75.01``), or per area of ``level`` (kabkota, kecamatan or desa) over the whole
    pemda; served up to the quarter's end as in :func:`registry_counts`. Areas without rows are
    left out. Rows are counted as rows (``Count("pk")``), whatever the type of their columns.
    Two queries whatever the number of rows (one GROUP BY, one for the names); one without
    names."""
    lengths: dict[str, int | None] = {Level.KABKOTA: 5, Level.KECAMATAN: 8, Level.DESA: None}
    if kecamatan is not None and level not in (None, Level.DESA):
        raise ValueError("kecamatan gives the desa of that kecamatan: no other level")
    level = Level.DESA if kecamatan is not None else (level or Level.KECAMATAN)
    if level not in lengths:
        raise ValueError(f"no counts per {level}")
    entries = RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=year)
    if kecamatan is not None:
        entries = entries.filter(village_code__startswith=kecamatan + ".")
    length = lengths[level]
    entries = entries.annotate(
        area=F("village_code") if length is None else Substr("village_code", 1, length)
    )
    rows = list(
        entries.values("area")
        .annotate(
            sasaran=Count("pk"),
            terlayani=Count("pk", filter=_served_by(year, quarter)),
        )
        .order_by("area")
    )
    if not rows:
        return []
    names: dict[str, str] = {}
    if with_names:
        names = dict(
            Region.objects.filter(code__in=[r["area"] for r in rows]).values_list("code", "name")
        )
    return [
        AreaCount(r["area"], names.get(r["area"], ""), r["sasaran"], r["terlayani"]) for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# The web pages (tuntas/penerima/views.py): overview counts, and the by-name reads of the list
# and export pages. Every caller of a by-name read must write an AccessLog row in the same
# request (services.access_log_create). Imports kept with this block.
# ---------------------------------------------------------------------------------------------
from collections.abc import Iterable  # noqa: E402

from django.db.models import QuerySet  # noqa: E402

from tuntas.akun.scope import Scope  # noqa: E402
from tuntas.penerima.crypto import DataKeyError, data_keys, mask_nik  # noqa: E402
from tuntas.penerima.models import AccessLog, ImportJob, Person  # noqa: E402
from tuntas.wilayah.models import Level  # noqa: E402


def can_see_names(*, scope: Scope, pemda: Pemda, jpd: Jpd) -> bool:
    """Who may open the by-name list of a JPD, see names, ask for a full NIK and export it: the
    operator and verifikator of the JPD's pengampu OPD, the SPM team (verifikator of the whole
    pemda) and admin_pemda. Pimpinan, provinsi and pusat see aggregates only."""
    if pemda.code not in scope.own_pemda_codes:
        return False
    return scope.can_write_jpd(pemda, pengampu_opd_id(pemda=pemda, jpd=jpd))


def jpd_for_pemda(*, pemda: Pemda, code: str) -> Jpd | None:
    return Jpd.objects.filter(code=code.strip().upper(), level=pemda.level).first()


@dataclass(frozen=True)
class OverviewRow:
    jpd: Jpd
    sasaran: int
    terlayani: int
    last_job: ImportJob | None
    opd_id: int | None


def recipients_overview(*, pemda: Pemda, year: int) -> list[OverviewRow]:
    """Per JPD of the pemda's level: people on the list, those served, the last import (three
    queries whatever the number of JPD or rows)."""
    counts = {
        r["jpd_id"]: (r["sasaran"], r["terlayani"])
        for r in RecipientEntry.objects.filter(pemda=pemda, year=year)
        .values("jpd_id")
        .annotate(sasaran=Count("nik_hash"), terlayani=Count("nik_hash", filter=Q(served=True)))
        .order_by()
    }
    last: dict[str, ImportJob] = {}
    for job in ImportJob.objects.filter(pemda=pemda, year=year).order_by("-created_at", "-pk"):
        last.setdefault(job.jpd_id, job)
    opd = pengampu_ids(pemda=pemda)
    return [
        OverviewRow(
            jpd=jpd,
            sasaran=counts.get(jpd.code, (0, 0))[0],
            terlayani=counts.get(jpd.code, (0, 0))[1],
            last_job=last.get(jpd.code),
            opd_id=opd.get(jpd.code),
        )
        for jpd in Jpd.objects.filter(level=pemda.level).order_by("code")
    ]


def villages_of(*, pemda: Pemda) -> tuple[list[Region], list[Region]]:
    """(kecamatan, desa/kelurahan) of the pemda, for the list filters."""
    prefix = pemda.code + "."
    regions = list(
        Region.objects.filter(
            code__startswith=prefix, level__in=[Level.KECAMATAN, Level.DESA]
        ).order_by("code")
    )
    return (
        [r for r in regions if r.level == Level.KECAMATAN],
        [r for r in regions if r.level == Level.DESA],
    )


@dataclass(frozen=True)
class ListFilter:
    """Filters of the by-name list: a full NIK (matched by its keyed hash), kecamatan, desa,
    served status. There is no name search: names are encrypted, so searching them would mean
    decrypting every row."""

    nik_hash: bytes = b""
    kecamatan: str = ""
    desa: str = ""
    served: bool | None = None

    def as_detail(self) -> dict[str, Any]:
        """For the access log: which filters were used, never the NIK itself."""
        detail: dict[str, Any] = {}
        if self.nik_hash:
            detail["cari_nik"] = True
        if self.kecamatan:
            detail["kecamatan"] = self.kecamatan
        if self.desa:
            detail["desa"] = self.desa
        if self.served is not None:
            detail["terlayani"] = self.served
        return detail


def recipient_entries(
    *, pemda: Pemda, jpd: Jpd, year: int, filters: ListFilter
) -> QuerySet[RecipientEntry]:
    qs = RecipientEntry.objects.filter(pemda=pemda, jpd=jpd, year=year)
    if filters.nik_hash:
        qs = qs.filter(nik_hash=filters.nik_hash)
    if filters.desa:
        qs = qs.filter(village_code=filters.desa)
    elif filters.kecamatan:
        qs = qs.filter(village_code__startswith=filters.kecamatan + ".")
    if filters.served is not None:
        qs = qs.filter(served=filters.served)
    return qs.order_by("village_code", "nik_hash")


@dataclass(frozen=True)
class RecipientRow:
    """One entry with its person's data decrypted (for the list page and the export)."""

    nik_hash: bytes
    nik: str
    name: str
    address: str
    sex: str
    birth_date: date | None
    village_code: str
    served: bool
    service_date: date | None
    service_unit: str
    note: str

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def token(self) -> str:
        """The NIK hash as text, for the reveal form."""
        return self.nik_hash.hex()


def recipient_rows(*, pemda: Pemda, entries: Iterable[RecipientEntry]) -> list[RecipientRow]:
    """Decrypt the people of ``entries`` (one query for the batch)."""
    batch = list(entries)
    keys = data_keys()
    people = {
        bytes(p.nik_hash): p
        for p in Person.objects.filter(pemda=pemda, nik_hash__in=[bytes(e.nik_hash) for e in batch])
    }
    rows = []
    for e in batch:
        nik_hash = bytes(e.nik_hash)
        p = people.get(nik_hash)
        identity = keys.open(nik_hash=nik_hash, blob=p.identity_enc) if p else None
        rows.append(
            RecipientRow(
                nik_hash=nik_hash,
                nik=identity.nik if identity else "",
                name=identity.name if identity else "",
                address=identity.address if identity else "",
                sex=p.sex if p else "",
                birth_date=p.birth_date if p else None,
                village_code=e.village_code,
                served=e.served,
                service_date=e.service_date,
                service_unit=e.service_unit,
                note=keys.open_note(nik_hash=nik_hash, sealed=e.note),
            )
        )
    return rows


def recipient_nik(*, pemda: Pemda, jpd: Jpd, year: int, nik_hash: bytes) -> str | None:
    """The full NIK of one person on the list (None when not on it)."""
    if not RecipientEntry.objects.filter(
        pemda=pemda, jpd=jpd, year=year, nik_hash=nik_hash
    ).exists():
        return None
    person = Person.objects.filter(pemda=pemda, nik_hash=nik_hash).first()
    if person is None:
        return None
    return data_keys().open(nik_hash=nik_hash, blob=person.identity_enc).nik


def import_job_for_pemda(*, pemda: Pemda, job_id: int) -> ImportJob | None:
    return (
        ImportJob.objects.select_related("jpd", "uploaded_by")
        .filter(pemda=pemda, pk=job_id)
        .first()
    )


def access_log_for_pemda(*, pemda: Pemda) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(pemda=pemda).select_related("jpd").order_by("-at", "-pk")


def jpd_with_names_visible(*, scope: Scope, pemda: Pemda) -> list[Jpd]:
    """The JPD of the pemda whose lists the user may see by name and upload (two queries)."""
    if pemda.code not in scope.own_pemda_codes:
        return []
    opd = pengampu_ids(pemda=pemda)
    return [
        jpd
        for jpd in Jpd.objects.filter(level=pemda.level).order_by("code")
        if scope.can_write_jpd(pemda, opd.get(jpd.code))
    ]


def data_key_check(*, sample: int = 50) -> tuple[int, int]:
    """``(opened, tried)``: how many of up to ``sample`` stored people the configured data key
    opens (after a restore: the key and the data belong together). Nothing decrypted leaves."""
    keys = data_keys()
    tried = opened = 0
    for nik_hash, blob in Person.objects.values_list("nik_hash", "identity_enc")[:sample]:
        tried += 1
        try:
            keys.open(nik_hash=bytes(nik_hash), blob=blob)
        except DataKeyError:
            continue
        opened += 1
    return opened, tried


FILE_NAME_PURPOSE = b"nama-berkas"


def import_job_file_name(job: ImportJob) -> str:
    """The uploaded file's name as the user gave it (stored sealed: it may name a person)."""
    try:
        return data_keys().open_text(job.file_name, purpose=FILE_NAME_PURPOSE)
    except DataKeyError:
        return "—"
