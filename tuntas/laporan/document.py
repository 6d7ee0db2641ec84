"""The Laporan Penerapan SPM of one pemda, for a quarter or for the year, as data.

One reader gathers everything the report prints (:func:`report_data`); the screen, the PDF, the
DOCX, the XLSX and the e-SPM export render that one object, and its fingerprint is the SHA-256 of
its canonical form (:func:`canonical`), so the same numbers give the same fingerprint whatever
the format, and changing any number changes it.

Figures come from the stored results (computed by the engine when the data was entered) and
from the engine's report functions (:mod:`tuntas.perhitungan.laporan`); category names from the
pemda's scoring method. Entries are cumulative: a quarter's terlayani and realisasi run to the
quarter's end, so the annual report is the fourth quarter's values, with the four quarters in
columns as in the "format SPM Kemendagri" (Jan–Des). The annex counts the by-name registry per
kecamatan, with small counts suppressed as for any viewer outside the pemda: the report leaves
the region."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from tuntas.alur.locks import LOCKED_REPORT
from tuntas.alur.models import JpdState, ReportState, ReportStatus
from tuntas.katalog.models import Jpd, JpdVersion, MutuItem, MutuKind, Urusan
from tuntas.katalog.selectors import jpd_version_for_year
from tuntas.laporan.selectors import report_texts
from tuntas.laporan.texts import default_texts, head_title
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opds
from tuntas.pendataan.models import AnnualTarget, MutuEntry, QuarterEntry, QuarterResult
from tuntas.pendataan.selectors import EMPTY, Shown, jpd_shown, result_shown, urusan_shown
from tuntas.penerima.disclosure import Mark, suppress_small_counts
from tuntas.penerima.selectors import registry_by_area, registry_jpd_codes
from tuntas.perencanaan.action_plan import action_items
from tuntas.perencanaan.budget import JpdBudget, budget_overview, budget_totals
from tuntas.perencanaan.stages import pemda_stages
from tuntas.perhitungan.engine import Method, capaian_penerima, mutu_items_short_first
from tuntas.perhitungan.kebutuhan import money_total
from tuntas.perhitungan.laporan import budget_use, not_yet_served

APPROVED = LOCKED_REPORT
"""A quarter's report counts as approved once the head approved it, and stays so when sent and
accepted; returned or reopened (disusun) it is not: the very statuses that lock the quarter
(``alur.locks``), so what a report prints as approved can no longer change."""


# --- the rows of the "format SPM Kemendagri" tables ----------------------------------------


@dataclass(frozen=True)
class PenerimaRow:
    """A. Penerima: the JPD's recipients against the year's target."""

    uraian: str
    satuan: str
    sasaran: int | None  # jumlah yang harus dilayani
    per_tw: tuple[int | None, ...]  # terlayani, cumulative to each quarter's end (TW1..)
    terlayani: int | None  # to the period's end
    belum: int | None
    persen: Decimal | None  # the engine's capaian penerima, at the method's precision


@dataclass(frozen=True)
class MutuRow:
    """B. Mutu: one item (B.1 barang/jasa or B.2 SDM) needed against available."""

    kode: str
    uraian: str
    satuan: str
    jenis: str  # MutuKind value
    dibutuhkan: int | None
    tersedia: int | None
    belum: int | None  # what is still missing
    persen: Decimal | None


@dataclass(frozen=True)
class AnggaranRow:
    """C. Alokasi anggaran dan realisasi (the JPD's reported pagu and realisation)."""

    alokasi: Decimal | None
    per_tw: tuple[Decimal | None, ...]  # realisasi, cumulative to each quarter's end
    realisasi: Decimal | None
    selisih: Decimal | None
    persen: Decimal | None


@dataclass(frozen=True)
class BudgetLineRow:
    kode: str
    sub_kegiatan: str
    opd: str
    sumber: str
    pagu: Decimal
    realisasi: Decimal | None


@dataclass(frozen=True)
class NeedRowData:
    uraian: str
    aturan: str
    dibutuhkan: int | None
    tersedia: int | None
    kekurangan: int | None
    harga_satuan: Decimal | None
    biaya: Decimal | None


@dataclass(frozen=True)
class StageRow:
    nomor: int
    nama: str
    status: str  # selesai | sebagian | belum
    status_nama: str
    keterangan: str


@dataclass(frozen=True)
class AreaRow:
    """One kecamatan of the annex: counts, or None where suppressed (shown as "< 5" for a small
    count, "*" for one hidden so that no small count can be worked out)."""

    kode: str
    nama: str
    sasaran: int | None
    terlayani: int | None
    belum: int | None
    persen: Decimal | None
    tanda: tuple[str, str, str]  # marks of sasaran, terlayani, belum (Mark values)


@dataclass(frozen=True)
class AnnexTable:
    jpd_kode: str
    jpd_nama: str
    rows: tuple[AreaRow, ...]
    total_sasaran: int
    total_terlayani: int


@dataclass(frozen=True)
class JpdSection:
    kode: str
    nama: str
    opd: str
    status: str  # the JPD's workflow status in the period's last quarter
    penerima: PenerimaRow
    mutu: tuple[MutuRow, ...]
    anggaran: AnggaranRow
    shown: Shown
    permasalahan: str
    solusi: str
    kebutuhan: tuple[NeedRowData, ...]
    biaya_kebutuhan: Decimal
    sub_kegiatan: tuple[BudgetLineRow, ...]
    tahapan: tuple[StageRow, ...]

    @property
    def kebutuhan_dihitung(self) -> bool:
        """Stage 2 begun for the year, by the stages' own rule (``perencanaan.stages``): else
        the needs table would only repeat table B's requirements, every other cell empty."""
        return any(s.nomor == 2 and s.status != "belum" for s in self.tahapan)

    @property
    def mutu_barang(self) -> tuple[MutuRow, ...]:
        return tuple(m for m in self.mutu if m.jenis == MutuKind.BARANG_JASA)

    @property
    def mutu_sdm(self) -> tuple[MutuRow, ...]:
        return tuple(m for m in self.mutu if m.jenis == MutuKind.SDM)


@dataclass(frozen=True)
class UrusanSection:
    kode: str
    nama: str
    shown: Shown
    jpd: tuple[JpdSection, ...]


@dataclass(frozen=True)
class ActionRow:
    nomor: int
    kegiatan: str
    opd: str
    jpd: str
    mulai: date | None
    selesai: date | None
    indikator: str
    status: str


@dataclass(frozen=True)
class Approval:
    approved: bool  # every quarter of the period approved (sent and accepted included)
    status: str  # the period's status (the last quarter's; the lowest over the year)
    approved_at: Any  # datetime | None: the latest approval of the period
    approved_by: str
    quarters: tuple[tuple[int, str], ...]  # (quarter, status) of each quarter in the period


@dataclass(frozen=True)
class ReportData:
    pemda: Pemda
    year: int
    quarter: int | None  # None: the annual report
    method: Method
    index: Shown
    jpd_complete: int
    jpd_total: int
    urusan: tuple[UrusanSection, ...]
    texts: dict[str, str]
    head_title: str
    approval: Approval
    budget_total: dict[str, Any]
    alokasi_total: Decimal  # the JPD's reported pagu (table C), summed
    realisasi_total: Decimal  # and their realisation to the period's end
    stage_summary: tuple[tuple[int, str, int, int, int], ...]  # (no, name, done, partly, total)
    actions: tuple[ActionRow, ...]
    annex: tuple[AnnexTable, ...]
    trend: tuple[tuple[int, int, Decimal | None], ...] = field(default=())  # (year, tw, index)

    @property
    def quarters(self) -> tuple[int, ...]:
        """The quarters whose columns the tables show (TW1 to the period's end)."""
        return tuple(range(1, (self.quarter or 4) + 1))

    @property
    def last_quarter(self) -> int:
        return self.quarter or 4

    @property
    def annual(self) -> bool:
        return self.quarter is None

    @property
    def period_label(self) -> str:
        if self.quarter is None:
            return _("Tahun %(tahun)s") % {"tahun": self.year}
        return _("Triwulan %(tw)s Tahun %(tahun)s") % {"tw": self.quarter, "tahun": self.year}

    @property
    def jpd_sections(self) -> list[JpdSection]:
        return [j for u in self.urusan for j in u.jpd]


# --- reading ---------------------------------------------------------------------------------


def _name(user: Any) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username()).strip()


def approval_of(pemda: Pemda, year: int, quarter: int | None) -> Approval:
    """The approval of the period: a quarter's report state, or all four of the year."""
    wanted = [quarter] if quarter else [1, 2, 3, 4]
    states = {
        s.quarter: s
        for s in ReportState.objects.filter(
            pemda=pemda, year=year, quarter__in=wanted
        ).select_related("approved_by")
    }
    statuses = tuple((q, states[q].status if q in states else ReportStatus.DISUSUN) for q in wanted)
    approved = all(s in APPROVED for _, s in statuses)
    if approved:
        # the lowest step reached over the period: one quarter only sent makes the year "sent"
        rank = {ReportStatus.DISETUJUI: 0, ReportStatus.DIKIRIM: 1, ReportStatus.DITERIMA: 2}
        status = min((s for _, s in statuses), key=lambda s: rank[ReportStatus(s)])
    else:  # the first quarter still open
        status = next(s for _, s in statuses if s not in APPROVED)
    dated = sorted((s.approved_at, s.pk) for s in states.values() if s.approved_at is not None)
    latest = next((s for s in states.values() if dated and s.pk == dated[-1][1]), None)
    return Approval(
        approved=approved,
        status=str(status),
        approved_at=latest.approved_at if latest and approved else None,
        approved_by=_name(latest.approved_by) if latest and approved else "",
        quarters=statuses,
    )


def _mutu_rows(
    items: list[MutuItem], values: dict[int, tuple[int | None, int | None]], method: Method
) -> tuple[MutuRow, ...]:
    filled = [i for i in items if None not in values.get(i.pk, (None, None))]
    computed = {
        filled[r.index].pk: r
        for r in mutu_items_short_first(
            [(values[i.pk][1] or 0, values[i.pk][0] or 0) for i in filled]
        )
    }
    rows = []
    for item in items:
        dibutuhkan, tersedia = values.get(item.pk, (None, None))
        r = computed.get(item.pk)
        rows.append(
            MutuRow(
                kode=item.code,
                uraian=item.name,
                satuan=item.unit,
                jenis=item.kind,
                dibutuhkan=dibutuhkan,
                tersedia=tersedia,
                belum=r.kekurangan if r else None,
                persen=method.show(r.capaian, "jpd") if r and r.capaian is not None else None,
            )
        )
    return tuple(rows)


def _need_rows(budget: JpdBudget | None) -> tuple[tuple[NeedRowData, ...], Decimal]:
    if budget is None:
        return (), Decimal(0)
    rows = tuple(
        NeedRowData(
            uraian=r.name,
            aturan=r.rule_text,
            dibutuhkan=r.required,
            tersedia=r.available,
            kekurangan=r.gap,
            harga_satuan=r.unit_price,
            biaya=r.cost,
        )
        for r in budget.needs.rows
    ) + tuple(
        NeedRowData(
            uraian=f"{a.step}: {a.component}",
            aturan=_("kegiatan berbiaya"),
            dibutuhkan=None,
            tersedia=None,
            kekurangan=None,
            harga_satuan=None,
            biaya=cost,
        )
        for a, cost in budget.needs.activity_rows
    )
    return rows, budget.need_cost


def _line_rows(budget: JpdBudget | None, quarter: int) -> tuple[BudgetLineRow, ...]:
    if budget is None:
        return ()
    return tuple(
        BudgetLineRow(
            kode=r.line.sub_kegiatan.code,
            sub_kegiatan=r.line.sub_kegiatan.name,
            opd=r.line.opd.name if r.line.opd else "—",
            sumber=str(r.line.get_funding_source_display()),
            pagu=r.line.amount,
            realisasi=r.at(quarter),
        )
        for r in sorted(budget.lines, key=lambda r: (r.line.sub_kegiatan.code, r.line.pk))
    )


def _annex(
    pemda: Pemda, year: int, quarter: int, jpds: Iterable[Jpd], method: Method
) -> tuple[AnnexTable, ...]:
    """Coverage per kecamatan of each JPD with a by-name registry, suppressed as for a viewer
    outside the pemda (the report leaves the region); the engine's percentage where both counts
    are shown."""
    with_registry = registry_jpd_codes(pemda=pemda, year=year)
    tables = []
    for jpd in jpds:
        if jpd.code not in with_registry:
            continue
        areas = registry_by_area(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
        if not areas:
            continue
        marks = suppress_small_counts({(a.kode,): (a.sasaran, a.terlayani) for a in areas})
        rows = []
        for a in areas:
            m = marks.get((a.kode,))
            tanda = (m.sasaran, m.terlayani, m.belum) if m else (Mark.SHOWN,) * 3
            shown = all(t == Mark.SHOWN for t in tanda[:2])
            rows.append(
                AreaRow(
                    kode=a.kode,
                    nama=a.nama,
                    sasaran=a.sasaran if tanda[0] == Mark.SHOWN else None,
                    terlayani=a.terlayani if tanda[1] == Mark.SHOWN else None,
                    belum=not_yet_served(a.sasaran, a.terlayani)
                    if tanda[2] == Mark.SHOWN
                    else None,
                    persen=_percent(a.terlayani, a.sasaran, method) if shown else None,
                    tanda=(str(tanda[0]), str(tanda[1]), str(tanda[2])),
                )
            )
        tables.append(
            AnnexTable(
                jpd_kode=jpd.code,
                jpd_nama=jpd.name,
                rows=tuple(rows),
                total_sasaran=sum(a.sasaran for a in areas),
                total_terlayani=sum(a.terlayani for a in areas),
            )
        )
    return tuple(tables)


def _percent(part: int, whole: int, method: Method) -> Decimal | None:
    """Served as a share of the listed, through the engine (capped at 100)."""
    value, _warnings = capaian_penerima(min(part, whole), whole)
    return method.show(value, "jpd")


def report_data(
    pemda: Pemda, year: int, quarter: int | None = None, *, full: bool = True
) -> ReportData:
    """Everything the report of ``pemda`` for ``year`` (``quarter`` None: the annual report)
    prints. A fixed number of queries per JPD at most (the registry annex per JPD that has
    one). ``full=False`` reads only the achievement tables (A, B, C, nilai, category, problems):
    a kab/kota's profile in its province's consolidated report.

    Always in Indonesian, whatever the reader's language: the report is an official Indonesian
    document, and its fingerprint must not depend on who looked at it in which language."""
    with translation.override("id"):
        return _report_data(pemda, year, quarter, full=full)


def _report_data(pemda: Pemda, year: int, quarter: int | None, *, full: bool) -> ReportData:
    method = pemda.scoring_method.to_method()
    last = quarter or 4
    jpds = list(
        Jpd.objects.filter(level=pemda.level)
        .select_related("urusan")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=JpdVersion.objects.prefetch_related(
                    Prefetch("mutu_items", queryset=MutuItem.objects.order_by("order", "code"))
                ),
            )
        )
        .order_by("code")
    )
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    entries: dict[tuple[str, int], QuarterEntry] = {
        (e.jpd_id, e.quarter): e
        for e in QuarterEntry.objects.filter(pemda=pemda, year=year, quarter__lte=last)
    }
    mutu_values: dict[str, dict[int, tuple[int | None, int | None]]] = {}
    for jpd_id, item_id, dibutuhkan, tersedia in MutuEntry.objects.filter(
        pemda=pemda, entry__year=year, entry__quarter=last
    ).values_list("entry__jpd_id", "item_id", "dibutuhkan", "tersedia"):
        mutu_values.setdefault(jpd_id, {})[item_id] = (dibutuhkan, tersedia)
    result = QuarterResult.objects.filter(pemda=pemda, year=year, quarter=last).first()
    jpd_status = dict(
        JpdState.objects.filter(pemda=pemda, year=year, quarter=last).values_list(
            "jpd_id", "status"
        )
    )
    opds = {code: opd.name for code, opd in pengampu_opds(pemda=pemda).items()}
    budgets = {b.jpd.code: b for b in budget_overview(pemda, year)} if full else {}
    all_stages = (
        pemda_stages(pemda, year, needs={code: b.needs for code, b in budgets.items()})
        if full
        else None
    )
    stages = {s.jpd.code: s for s in all_stages.jpds} if all_stages else {}
    stage_summary = all_stages.summary if all_stages else []

    sections: dict[str, list[JpdSection]] = {}
    for jpd in jpds:
        version = jpd_version_for_year(jpd=jpd, year=year)
        items = list(version.mutu_items.all()) if version else []
        entry = entries.get((jpd.code, last))
        sasaran = targets.get(jpd.code)
        terlayani = entry.terlayani if entry else None
        per_tw = tuple(
            getattr(entries.get((jpd.code, q)), "terlayani", None) for q in range(1, last + 1)
        )
        spent_tw = tuple(
            getattr(entries.get((jpd.code, q)), "realisasi", None) for q in range(1, last + 1)
        )
        use = budget_use(entry.pagu if entry else None, entry.realisasi if entry else None)
        needs, need_cost = _need_rows(budgets.get(jpd.code))
        jstages = stages.get(jpd.code)
        sections.setdefault(jpd.urusan_id, []).append(
            JpdSection(
                kode=jpd.code,
                nama=jpd.name,
                opd=opds.get(jpd.code, jpd.pengampu),
                status=jpd_status.get(jpd.code, "draf"),
                penerima=PenerimaRow(
                    uraian=version.penerima if version else jpd.name,
                    satuan=_("orang"),
                    sasaran=sasaran,
                    per_tw=per_tw,
                    terlayani=terlayani,
                    belum=not_yet_served(sasaran, terlayani),
                    persen=method.show(entry.capaian_penerima, "jpd")
                    if entry and entry.capaian_penerima is not None
                    else None,
                ),
                mutu=_mutu_rows(items, mutu_values.get(jpd.code, {}), method),
                anggaran=AnggaranRow(
                    alokasi=use.alokasi,
                    per_tw=spent_tw,
                    realisasi=use.realisasi,
                    selisih=use.selisih,
                    persen=method.show(use.persen, "jpd") if use.persen is not None else None,
                ),
                shown=jpd_shown(entry, entry.kategori, method) if entry else EMPTY,
                permasalahan=(entry.permasalahan if entry else "").strip(),
                solusi=(entry.solusi if entry else "").strip(),
                kebutuhan=needs,
                biaya_kebutuhan=need_cost,
                sub_kegiatan=_line_rows(budgets.get(jpd.code), last),
                tahapan=tuple(
                    StageRow(s.number, s.name, s.state, s.label, s.reason)
                    for s in (jstages.stages if jstages else ())
                ),
            )
        )
    urusan = tuple(
        UrusanSection(u.code, u.name, urusan_shown(result, u.code, method), tuple(sections[u.code]))
        for u in Urusan.objects.order_by("code")
        if u.code in sections
    )
    texts = {**default_texts(pemda, year), **report_texts(pemda, year)}
    trend = tuple(
        (r.year, r.quarter, method.show(r.nilai, "daerah") if r.nilai is not None else None)
        for r in QuarterResult.objects.filter(pemda=pemda, year__lte=year, year__gte=year - 2)
        .filter(jpd_complete__gt=0)
        .order_by("year", "quarter")
        if (r.year, r.quarter) <= (year, last)
    )
    return ReportData(
        pemda=pemda,
        year=year,
        quarter=quarter,
        method=method,
        index=result_shown(result, method),
        jpd_complete=result.jpd_complete if result else 0,
        jpd_total=result.jpd_total if result else 0,
        urusan=urusan,
        texts=texts,
        head_title=head_title(pemda),
        approval=approval_of(pemda, year, quarter),
        budget_total=budget_totals(list(budgets.values())),
        alokasi_total=money_total(j.anggaran.alokasi for v in sections.values() for j in v),
        realisasi_total=money_total(j.anggaran.realisasi for v in sections.values() for j in v),
        stage_summary=tuple((s.number, s.name, s.done, s.partly, s.total) for s in stage_summary),
        actions=tuple(
            ActionRow(
                nomor=n,
                kegiatan=a.activity,
                opd=a.opd.name if a.opd else "—",
                jpd=f"{a.jpd.code} {a.jpd.name}" if a.jpd else "—",
                mulai=a.start,
                selesai=a.end,
                indikator=a.indicator or "",
                status=str(a.get_status_display()),
            )
            for n, a in enumerate(action_items(pemda, year) if full else [], start=1)
        ),
        annex=_annex(pemda, year, last, jpds, method) if full else (),
        trend=trend,
    )


# --- the fingerprint ---------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def canonical(data: ReportData) -> dict[str, Any]:
    """The report's content as plain JSON data: what its fingerprint covers. Every number, name
    and text printed is in it; when the report was made is not (two builds of the same data have
    one fingerprint), nor the fingerprint itself."""
    return {
        "pemda": {"kode": data.pemda.code, "nama": data.pemda.name},
        "tahun": data.year,
        "triwulan": data.quarter or 0,
        "metode": data.method.code,
        "indeks": _plain(data.index),
        "jpd_lengkap": data.jpd_complete,
        "jpd_total": data.jpd_total,
        "urusan": _plain(data.urusan),
        "teks": _plain(data.texts),
        "jabatan_kepala": data.head_title,
        "persetujuan": {
            "disetujui": data.approval.approved,
            "status": data.approval.status,
            "disetujui_pada": _plain(data.approval.approved_at),
            "disetujui_oleh": data.approval.approved_by,
            "triwulan": _plain(data.approval.quarters),
        },
        "anggaran": _plain(data.budget_total),
        "alokasi": _plain(data.alokasi_total),
        "realisasi": _plain(data.realisasi_total),
        "tahapan": _plain(data.stage_summary),
        "rencana_aksi": _plain(data.actions),
        "lampiran": _plain(data.annex),
        "tren": _plain(data.trend),
    }


def digest(data: ReportData) -> str:
    """SHA-256 of the canonical content (keys sorted, no whitespace, UTF-8)."""
    text = json.dumps(canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summary(data: ReportData) -> dict[str, Any]:
    """The headline figures kept with a seal and shown by the verification page."""
    return {
        "indeks": format(data.index.nilai, "f").replace(".", ",")
        if data.index.nilai is not None
        else "",
        "kategori": data.index.kategori_nama,
        "urusan": [
            {
                "kode": u.kode,
                "nama": u.nama,
                "nilai": format(u.shown.nilai, "f").replace(".", ",")
                if u.shown.nilai is not None
                else "",
            }
            for u in data.urusan
        ],
        "jpd": len(data.jpd_sections),
    }
