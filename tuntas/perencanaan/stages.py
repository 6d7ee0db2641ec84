"""The four stages of applying SPM per JPD and year (SPM reference §4: 1 pengumpulan data,
2 penghitungan kebutuhan, 3 perencanaan, 4 pelaksanaan), derived from the data where the data
shows them, and the documents (``StageDocument``) that attest a stage where it cannot.

Derivation (each stage: ``selesai`` / ``sebagian`` / ``belum`` with its reason):
  1. the year's annual target exists and, where the region keeps a by-name list for the JPD (it
     has rows this year or last year), this year's list exists;
  2. every need item has a required quantity and every gap is costed (a linked price, or no
     gap); costed activities need a price too (``selectors.jpd_needs``);
  3. budget lines (``BudgetLine``) exist for the year; a multi-year plan row alone is partial;
  4. the budget is being spent (realisation of a line, or the quarterly entry's realisation)
     and recipients are served (``terlayani`` of the latest quarter entered > 0).
A stage the data does not show as done is attested by a document filed for it, the JPD's own
or one for the whole pemda (the SK of the Tim Penerapan SPM, the RKPD): it is then ``selesai``
on the basis ``dokumen``, the data's reason kept beside it.

Documents: PDF, DOCX, XLSX, JPG or PNG judged by their bytes (never the name), bounded in size
(``settings.STAGE_DOCUMENT_MAX_BYTES``, 10 MB by default), kept outside the web root under
``VAR_DIR/dokumen`` (mode 0600, a random name; the row keeps the name, the size and the
SHA-256) and handed out only by a view that checks the reader's scope."""

from __future__ import annotations

import hashlib
import os
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuntas.core.errors import DomainError
from tuntas.core.formatting import angka, rupiah
from tuntas.core.services import audit_event_create
from tuntas.core.upload_guard import UploadRefused, ZipLimits, check_zip
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.penerima.selectors import registry_jpd_codes
from tuntas.perencanaan.models import BudgetLine, BudgetRealisation, PlanYear, StageDocument
from tuntas.perencanaan.selectors import JpdNeeds, jpd_needs, service_unit_counts

SELESAI, SEBAGIAN, BELUM = "selesai", "sebagian", "belum"
STATE_LABELS = {
    SELESAI: gettext_lazy("Selesai"),
    SEBAGIAN: gettext_lazy("Sebagian"),
    BELUM: gettext_lazy("Belum"),
}
STAGE_NAMES = {
    1: gettext_lazy("Pengumpulan data"),
    2: gettext_lazy("Penghitungan kebutuhan"),
    3: gettext_lazy("Perencanaan"),
    4: gettext_lazy("Pelaksanaan"),
}
STAGES = (1, 2, 3, 4)

# kind → (the stage it attests, or None for any; label; pemda-wide only)
DOCUMENT_KINDS: dict[str, tuple[int | None, object, bool]] = {
    "sk_tim": (1, gettext_lazy("SK Tim Penerapan SPM"), True),
    "data_dukung": (1, gettext_lazy("Data dukung pengumpulan data"), False),
    "perhitungan": (2, gettext_lazy("Dokumen penghitungan kebutuhan dan biaya"), False),
    "perencanaan": (3, gettext_lazy("Dokumen perencanaan (RPJMD, Renstra, RKPD, Renja)"), False),
    "anggaran": (3, gettext_lazy("Dokumen anggaran (RKA, DPA)"), False),
    "rencana_aksi": (3, gettext_lazy("Rencana aksi penerapan SPM"), False),
    "pelaksanaan": (4, gettext_lazy("Laporan pelaksanaan"), False),
    "lainnya": (None, gettext_lazy("Lainnya"), False),
}


def document_kind_label(kind: str) -> str:
    entry = DOCUMENT_KINDS.get(kind)
    return str(entry[1]) if entry else kind


# ------------------------------------------------------------------------------------------------
# derivation


@dataclass(frozen=True)
class StageStatus:
    number: int
    state: str  # selesai | sebagian | belum
    reason: str
    basis: str = "data"  # data | dokumen
    data_reason: str = ""  # the data's own reason, kept when a document attests the stage
    documents: tuple[StageDocument, ...] = ()

    @property
    def name(self) -> str:
        return str(STAGE_NAMES[self.number])

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def done(self) -> bool:
        return self.state == SELESAI


@dataclass(frozen=True)
class JpdStages:
    jpd: Jpd
    stages: tuple[StageStatus, ...]

    def stage(self, number: int) -> StageStatus:
        return self.stages[number - 1]


@dataclass(frozen=True)
class StageSummary:
    number: int
    name: str
    done: int
    partly: int
    total: int


@dataclass
class PemdaStages:
    pemda: Pemda
    year: int
    jpds: list[JpdStages]
    documents: list[StageDocument] = field(default_factory=list)  # every document of the year

    @property
    def pemda_documents(self) -> list[StageDocument]:
        """The documents filed for the whole pemda (the SK of the Tim Penerapan SPM, ...)."""
        return [d for d in self.documents if d.jpd_id is None]

    @property
    def team_decree(self) -> StageDocument | None:
        return next((d for d in self.pemda_documents if d.kind == "sk_tim"), None)

    @property
    def summary(self) -> list[StageSummary]:
        out = []
        for n in STAGES:
            states = [j.stage(n).state for j in self.jpds]
            out.append(
                StageSummary(
                    n,
                    str(STAGE_NAMES[n]),
                    states.count(SELESAI),
                    states.count(SEBAGIAN),
                    len(states),
                )
            )
        return out


def stage_one(
    *, has_target: bool, list_kept: bool, has_list: bool, sasaran: int | None
) -> tuple[str, str]:
    """Stage 1 from the target and the by-name list (where one is kept)."""
    if has_target and (has_list or not list_kept):
        if has_list:
            return SELESAI, _("Sasaran tahunan %(n)s dan daftar penerima by name ada.") % {
                "n": angka(sasaran)
            }
        return SELESAI, _("Sasaran tahunan %(n)s ditetapkan.") % {"n": angka(sasaran)}
    if has_target:
        return SEBAGIAN, _(
            "Sasaran tahunan ada, tetapi daftar penerima by name tahun ini belum diunggah "
            "(tahun lalu ada)."
        )
    if has_list:
        return SEBAGIAN, _("Daftar penerima by name ada, tetapi sasaran tahunan belum ditetapkan.")
    return BELUM, _("Sasaran tahunan belum ditetapkan.")


def stage_two(needs: JpdNeeds) -> tuple[str, str]:
    """Stage 2: every item has its required quantity and every gap is costed."""
    rows = needs.rows
    if not rows and not needs.activity_rows:
        return BELUM, _("Belum ada item kebutuhan.")
    unknown = sum(1 for r in rows if r.required is None)
    uncosted = sum(1 for r in rows if r.gap and r.unit_price is None)
    uncosted += sum(1 for _a, cost in needs.activity_rows if cost is None)
    if not unknown and not uncosted:
        return SELESAI, _("%(n)s item terhitung; biaya kekurangan %(biaya)s.") % {
            "n": angka(len(rows)),
            "biaya": rupiah(needs.cost),
        }
    parts = []
    if unknown:
        parts.append(
            _("%(n)s dari %(total)s item belum punya jumlah kebutuhan")
            % {"n": angka(unknown), "total": angka(len(rows))}
        )
    if uncosted:
        parts.append(_("%(n)s kekurangan belum diberi harga") % {"n": angka(uncosted)})
    text = "; ".join(parts) + "."
    if unknown == len(rows) and not any(c is not None for _a, c in needs.activity_rows):
        return BELUM, text[0].upper() + text[1:]
    return SEBAGIAN, text[0].upper() + text[1:]


def stage_three(*, lines: int, amount: Decimal | None, planned: bool) -> tuple[str, str]:
    if lines:
        return SELESAI, _("%(n)s baris anggaran, pagu %(pagu)s.") % {
            "n": angka(lines),
            "pagu": rupiah(amount or Decimal(0)),
        }
    if planned:
        return SEBAGIAN, _("Rencana tahunan ada, baris anggaran (sub-kegiatan) belum diisi.")
    return BELUM, _("Belum ada baris anggaran untuk tahun ini.")


def stage_four(
    *, realised: Decimal | None, served: int | None, quarter: int | None
) -> tuple[str, str]:
    spent = realised is not None and realised > 0
    serving = served is not None and served > 0
    if spent and serving:
        return SELESAI, _("Realisasi %(rp)s; %(n)s penerima terlayani sampai TW%(tw)s.") % {
            "rp": rupiah(realised),
            "n": angka(served),
            "tw": quarter,
        }
    if spent:
        return SEBAGIAN, _("Realisasi %(rp)s, tetapi belum ada penerima terlayani tercatat.") % {
            "rp": rupiah(realised)
        }
    if serving:
        return SEBAGIAN, _(
            "%(n)s penerima terlayani sampai TW%(tw)s, tetapi realisasi anggaran belum ada."
        ) % {"n": angka(served), "tw": quarter}
    return BELUM, _("Belum ada realisasi anggaran maupun penerima terlayani.")


def _attested(number: int, state: str, reason: str, documents: list[StageDocument]) -> StageStatus:
    docs = tuple(documents)
    if state == SELESAI or not docs:
        return StageStatus(number, state, reason, "data", "", docs)
    titles = ", ".join(d.title for d in docs[:3])
    return StageStatus(
        number,
        SELESAI,
        _("Dibuktikan dengan dokumen: %(judul)s.") % {"judul": titles},
        "dokumen",
        reason,
        docs,
    )


def stage_documents(pemda: Pemda, year: int) -> list[StageDocument]:
    return list(
        StageDocument.objects.filter(pemda=pemda, year=year)
        .select_related("jpd", "uploaded_by")
        .order_by("stage", "jpd_id", "id")
    )


def pemda_stages(
    pemda: Pemda,
    year: int,
    jpd_code: str | None = None,
    *,
    needs: dict[str, JpdNeeds] | None = None,
) -> PemdaStages:
    """The four stages of every JPD of the pemda's level (or one) for a year, in code order:
    what the stage page shows and the SPM report (issue 14) reads. A fixed number of queries
    plus the needs of each JPD (``selectors.jpd_needs``), unless the caller already has them
    (``needs``, by JPD code: the report reads them once for its budget tables too)."""
    jpds = list(Jpd.objects.filter(level=pemda.level).order_by("code"))
    if jpd_code is not None:
        jpds = [j for j in jpds if j.code == jpd_code]
    targets = dict(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", "sasaran")
    )
    this_year = registry_jpd_codes(pemda=pemda, year=year)
    kept = this_year | registry_jpd_codes(pemda=pemda, year=year - 1)
    lines = {
        row["jpd_id"]: row
        for row in BudgetLine.objects.filter(pemda=pemda, year=year)
        .values("jpd_id")
        .annotate(n=Count("id"), pagu=Sum("amount"))
    }
    planned = set(PlanYear.objects.filter(pemda=pemda, year=year).values_list("jpd_id", flat=True))
    # realisation is cumulative to a quarter's end: each line's latest quarter, summed per JPD
    per_line: dict[int, tuple[str, int, Decimal]] = {}
    for line_id, jpd_id, quarter, amount in BudgetRealisation.objects.filter(
        pemda=pemda, line__year=year
    ).values_list("line_id", "line__jpd_id", "quarter", "amount"):
        if line_id not in per_line or quarter > per_line[line_id][1]:
            per_line[line_id] = (jpd_id, quarter, amount)
    realised_lines: dict[str, Decimal] = defaultdict(Decimal)
    for jpd_id, _quarter, amount in per_line.values():
        realised_lines[jpd_id] += amount
    latest: dict[str, QuarterEntry] = {}
    for entry in QuarterEntry.objects.filter(pemda=pemda, year=year).only(
        "jpd_id", "quarter", "terlayani", "realisasi"
    ):
        if entry.jpd_id not in latest or entry.quarter > latest[entry.jpd_id].quarter:
            latest[entry.jpd_id] = entry
    documents = stage_documents(pemda, year)
    by_stage: dict[tuple[str | None, int], list[StageDocument]] = defaultdict(list)
    for d in documents:
        by_stage[(d.jpd_id, d.stage)].append(d)
    units = service_unit_counts(pemda)
    out = []
    for jpd in jpds:
        code = jpd.code
        one = stage_one(
            has_target=code in targets,
            list_kept=code in kept,
            has_list=code in this_year,
            sasaran=targets.get(code),
        )
        known = needs.get(code) if needs is not None else None
        two = stage_two(known if known is not None else jpd_needs(pemda, jpd, year, units=units))
        line = lines.get(code)
        three = stage_three(
            lines=line["n"] if line else 0,
            amount=line["pagu"] if line else None,
            planned=code in planned,
        )
        current = latest.get(code)
        realised = realised_lines.get(code)
        if not realised and current is not None:
            realised = current.realisasi
        four = stage_four(
            realised=realised,
            served=current.terlayani if current else None,
            quarter=current.quarter if current else None,
        )
        statuses = tuple(
            _attested(n, state, reason, by_stage[(code, n)] + by_stage[(None, n)])
            for n, (state, reason) in zip(STAGES, (one, two, three, four), strict=True)
        )
        out.append(JpdStages(jpd, statuses))
    return PemdaStages(pemda, year, out, documents)


def jpd_stages(pemda: Pemda, jpd: Jpd, year: int) -> JpdStages:
    """The four stages of one JPD."""
    return pemda_stages(pemda, year, jpd.code).jpds[0]


def stages_document(pemda: Pemda, year: int) -> dict[str, object]:
    """The stages as data (for reports and the API): per JPD, per stage its state, basis and
    reason."""
    found = pemda_stages(pemda, year)
    return {
        "pemda": pemda.code,
        "tahun": year,
        "jpd": [
            {
                "kode": j.jpd.code,
                "tahap": [
                    {
                        "tahap": s.number,
                        "nama": s.name,
                        "status": s.state,
                        "dasar": s.basis,
                        "alasan": s.reason,
                        "dokumen": [d.pk for d in s.documents],
                    }
                    for s in j.stages
                ],
            }
            for j in found.jpds
        ],
    }


# ------------------------------------------------------------------------------------------------
# documents: reads


def stage_document_get(pemda: Pemda, year: int, document_id: int) -> StageDocument | None:
    return (
        StageDocument.objects.filter(pemda=pemda, year=year, pk=document_id)
        .select_related("jpd")
        .first()
    )


def document_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "dokumen"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def document_file(document: StageDocument) -> Path | None:
    """The stored file of a document, only inside ``VAR_DIR/dokumen`` (None when missing)."""
    name = Path(document.path).name
    if not name or name != document.path:
        return None
    path = document_dir() / name
    return path if path.is_file() else None


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


def document_type(document: StageDocument) -> str:
    return Path(document.path).suffix.lstrip(".").lower()


def document_download_name(document: StageDocument) -> str:
    """The uploaded name with the extension its bytes proved."""
    stem = Path(document.file_name).stem or "dokumen"
    return f"{stem}.{document_type(document)}"


def jpds_for(pemda: Pemda) -> list[Jpd]:
    return list(Jpd.objects.filter(level=pemda.level).order_by("code"))


# ------------------------------------------------------------------------------------------------
# documents: writes

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
CHUNK = 64 * 1024
# a DOCX or XLSX is a zip archive: bounded before anything looks inside (upload_guard)
DOCUMENT_ZIP = ZipLimits(
    kind="dokumen", max_parts=2000, max_part_bytes=64 * MIB, max_total_bytes=256 * MIB
)


class DocumentRefused(DomainError):
    pass


def max_document_bytes() -> int:
    return int(getattr(settings, "STAGE_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff_type(path: Path) -> str | None:
    """What the file's bytes are: ``pdf``, ``png``, ``jpg``, ``docx`` or ``xlsx``; ``None`` for
    anything else (its name is never trusted). A zip archive is a DOCX or an XLSX only with the
    parts one has; its directory is bounded first."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            check_zip(path, DOCUMENT_ZIP)
        except UploadRefused as exc:
            raise DocumentRefused(str(exc)) from exc
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _check_kind(*, kind: str, stage: int, jpd: Jpd | None) -> None:
    entry = DOCUMENT_KINDS.get(kind)
    if entry is None:
        raise DocumentRefused(_("Jenis dokumen tidak dikenal."))
    kind_stage, label, pemda_wide = entry
    if stage not in STAGES:
        raise DocumentRefused(_("Tahap harus 1 sampai 4."))
    if kind_stage is not None and kind_stage != stage:
        raise DocumentRefused(
            _("%(jenis)s adalah dokumen tahap %(tahap)s.") % {"jenis": label, "tahap": kind_stage}
        )
    if pemda_wide and jpd is not None:
        raise DocumentRefused(
            _("%(jenis)s berlaku untuk seluruh pemda, bukan satu JPD.") % {"jenis": label}
        )


def _write_bounded(source: Iterable[bytes], path: Path, limit: int) -> tuple[int, str]:
    """Write the chunks to a new file (0600), counting and hashing; refuse past ``limit``."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for chunk in source:
            size += len(chunk)
            if size > limit:
                raise DocumentRefused(
                    _("Berkas terlalu besar (paling besar %(mb)s MB).") % {"mb": limit // MIB}
                )
            digest.update(chunk)
            handle.write(chunk)
    return size, digest.hexdigest()


def _chunks(stream: IO[bytes]) -> Iterable[bytes]:
    while block := stream.read(CHUNK):
        yield block


def stage_document_store(
    *,
    pemda: Pemda,
    year: int,
    stage: int,
    kind: str,
    title: str,
    jpd: Jpd | None,
    file_name: str,
    chunks: Iterable[bytes] | IO[bytes],
    size_hint: int | None = None,
    actor: User | None,
) -> StageDocument:
    """Keep an uploaded document attesting ``stage`` (the JPD's, or the pemda's when ``jpd`` is
    None): size- and type-checked (by its bytes), written 0600 under ``VAR_DIR/dokumen`` with a
    random name, its SHA-256 kept; the row and its audit event in one transaction. Refused
    (:class:`DocumentRefused`, Indonesian) with nothing left on disk."""
    _check_kind(kind=kind, stage=stage, jpd=jpd)
    if jpd is not None and jpd.level != pemda.level:
        raise DocumentRefused(_("JPD tidak dikenal untuk pemda ini."))
    title = " ".join(title.split())
    if not title:
        raise DocumentRefused(_("Judul dokumen wajib diisi."))
    if len(title) > 200:
        raise DocumentRefused(_("Judul dokumen paling panjang 200 karakter."))
    limit = max_document_bytes()
    if size_hint is not None and size_hint > limit:
        raise DocumentRefused(
            _("Berkas terlalu besar (paling besar %(mb)s MB).") % {"mb": limit // MIB}
        )
    source = _chunks(chunks) if hasattr(chunks, "read") else chunks  # type: ignore[arg-type]
    temporary = document_dir() / f"{secrets.token_hex(16)}.unggah"
    final: Path | None = None
    try:
        size, sha256 = _write_bounded(source, temporary, limit)
        if size == 0:
            raise DocumentRefused(_("Berkas kosong."))
        found = sniff_type(temporary)
        if found is None:
            raise DocumentRefused(
                _(
                    "Berkas ditolak: isinya bukan PDF, DOCX, XLSX, JPG atau PNG (yang diperiksa "
                    "isi berkas, bukan namanya)."
                )
            )
        final = temporary.with_name(f"{temporary.stem}.{found}")
        os.replace(temporary, final)
        with transaction.atomic():
            document = StageDocument.objects.create(
                pemda=pemda,
                jpd=jpd,
                year=year,
                stage=stage,
                kind=kind,
                title=title,
                file_name=Path(file_name or "").name[:255] or f"dokumen.{found}",
                path=final.name,
                size=size,
                sha256=sha256,
                uploaded_by=actor,
            )
            audit_event_create(
                action="perencanaan.dokumen_tahap.unggah",
                actor=actor,
                pemda=pemda.code,
                object_type="dokumen_tahap",
                object_id=str(document.pk),
                data={
                    "tahun": year,
                    "tahap": stage,
                    "jenis": kind,
                    "jpd": jpd.code if jpd else None,
                    "judul": title,
                    "ukuran": size,
                    "sha256": sha256,
                },
            )
    except BaseException:
        temporary.unlink(missing_ok=True)
        if final is not None:
            final.unlink(missing_ok=True)
        raise
    return document


@transaction.atomic
def stage_document_delete(*, pemda: Pemda, document: StageDocument, actor: User | None) -> None:
    """Delete a document (the view checks it is the uploader's or the actor is admin): the row
    and its audit event now, the file once the transaction commits."""
    if document.pemda_id != pemda.code:
        raise DocumentRefused(_("Dokumen tidak ditemukan."))
    path = document_file(document)
    audit_event_create(
        action="perencanaan.dokumen_tahap.hapus",
        actor=actor,
        pemda=pemda.code,
        object_type="dokumen_tahap",
        object_id=str(document.pk),
        data={
            "tahun": document.year,
            "tahap": document.stage,
            "jenis": document.kind,
            "jpd": document.jpd_id,
            "judul": document.title,
            "sha256": document.sha256,
        },
    )
    document.delete()
    if path is not None:
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# ------------------------------------------------------------------------------------------------
# demo


def demo_decree_pdf(pemda: Pemda, year: int) -> bytes:
    """A one-page PDF standing in for the SK of the Tim Penerapan SPM (demo data only)."""
    from weasyprint import HTML  # imported here: only the demo and exports need it

    from tuntas.perencanaan.exports_rencana_aksi import no_fetch

    html = (
        "<html><body style='font-family: DejaVu Sans, sans-serif'>"
        f"<h1>DATA CONTOH</h1><h2>Keputusan Kepala Daerah {pemda.name}</h2>"
        f"<p>tentang Tim Penerapan Standar Pelayanan Minimal Tahun {year}</p>"
        "<p>Dokumen sintetis untuk peragaan Tuntas, bukan dokumen resmi.</p></body></html>"
    )
    pdf: bytes = HTML(string=html, url_fetcher=no_fetch).write_pdf()
    return pdf


def demo_stages_seed(*, pemda: Pemda, year: int) -> StageDocument:
    """Give a demo pemda the SK of its Tim Penerapan SPM for ``year`` (a small generated PDF),
    once: a second run returns the document already there."""
    existing = StageDocument.objects.filter(pemda=pemda, year=year, kind="sk_tim").first()
    if existing is not None and document_file(existing) is not None:
        return existing
    if existing is not None:  # its file is gone: file it again
        stage_document_delete(pemda=pemda, document=existing, actor=None)
    return stage_document_store(
        pemda=pemda,
        year=year,
        stage=1,
        kind="sk_tim",
        title=f"SK Tim Penerapan SPM {pemda.name} Tahun {year} (contoh)",
        jpd=None,
        file_name=f"sk-tim-penerapan-spm-{year}.pdf",
        chunks=[demo_decree_pdf(pemda, year)],
        actor=None,
    )
