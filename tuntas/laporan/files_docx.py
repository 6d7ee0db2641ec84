"""The Laporan Penerapan SPM as an editable DOCX (python-docx), from the one report object
(:func:`tuntas.laporan.document.report_data`), so it prints the same numbers as the PDF.

Layout (Permendagri 100/2018's "Format Laporan Penerapan SPM", SPM-REFERENCE §5.1): cover,
Lembar Pengesahan with the head's signature block, Kata Pengantar, Daftar Isi (a Word TOC field
over the Heading styles), BAB I Pendahuluan, BAB II per urusan and JPD with the "format SPM
Kemendagri" tables (A. penerima, B. mutu, C. anggaran) and the JPD's needs, budget lines,
problems and four stages, BAB III (stages and action plan), BAB IV Penutup, and the annex per
kecamatan with small counts suppressed ("< 5", "*"). Wide tables sit in a landscape section.

Every page's footer carries the fingerprint and where to check it (or says the report is a
draft); the fingerprint is also in the document's core properties (keywords ``sidik:<code>``),
which :func:`fingerprint_from_file` reads back. Numbers, dates and names are Indonesian
whatever the reader's language; times in the pemda's zone."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tuntas.core.formatting import angka, persen, rupiah, tanggal, waktu
from tuntas.core.safe_write import TitleBlock
from tuntas.laporan.document import AnnexTable, AreaRow, JpdSection, ReportData
from tuntas.laporan.models import Seal
from tuntas.laporan.selectors import TextKey, verification_url
from tuntas.penerima.disclosure import Mark
from tuntas.perhitungan.engine import capaian_penerima
from tuntas.perhitungan.laporan import not_yet_served

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KEYWORD_PREFIX = "sidik:"
_CODE = r"[0-9a-f]{16}"
_KEYWORD = re.compile(rf"sidik:({_CODE})", re.IGNORECASE)
_FOOTER = re.compile(rf"Sidik:\s*({_CODE})", re.IGNORECASE)
SMALL_SHOWN = "< 5"
HIDDEN_SHOWN = "*"


# --- shared with the other formats -------------------------------------------------------------


def footer_text(seal: Seal | None) -> str:
    """What every page's footer says: the fingerprint and its check, or that it is a draft."""
    if seal is None:
        return _("DRAF — belum disetujui")
    return _("Sidik: %(kode)s · verifikasi: %(url)s") % {
        "kode": seal.code,
        "url": verification_url(seal.code),
    }


def count_shown(value: int | None, mark: str) -> str:
    """A count of the annex as it may leave the region: "< 5" for a small one, "*" for one
    hidden so that no small count can be worked out, else the number."""
    if mark == Mark.SMALL:
        return SMALL_SHOWN
    if mark == Mark.HIDDEN or value is None:
        return HIDDEN_SHOWN
    return angka(value)


def annex_note() -> str:
    return _(
        "Tanda “< 5”: jumlah 1 sampai 4 orang tidak ditampilkan karena dapat menunjuk orang "
        "tertentu (UU 27/2022 tentang Pelindungan Data Pribadi); tanda “*”: jumlah disembunyikan "
        "agar jumlah kecil tidak dapat dihitung dari jumlah lainnya."
    )


def annex_totals(table: AnnexTable, data: ReportData) -> tuple[int | None, Decimal | None]:
    """The annex total's not-yet-served and percentage, through the engine."""
    belum = not_yet_served(table.total_sasaran, table.total_terlayani)
    value, _warnings = capaian_penerima(
        min(table.total_terlayani, table.total_sasaran), table.total_sasaran
    )
    return belum, data.method.show(value, "jpd")


def money(value: Decimal | int | None) -> str:
    """An amount under a "(Rp)" header: ``1.250.000``."""
    return rupiah(value).removeprefix("Rp ")


def iso_date(value: dt.date | None) -> str:
    """A date of the action plan as Indonesians write it (``3 Februari 2025``)."""
    return tanggal(value) if value else "—"


def report_title() -> str:
    return _("LAPORAN PENERAPAN STANDAR PELAYANAN MINIMAL")


def title_block(data: ReportData) -> TitleBlock:
    return TitleBlock(
        title=_("Laporan Penerapan Standar Pelayanan Minimal"),
        pemda=data.pemda.name,
        period=data.period_label,
        made=waktu(timezone.now(), data.pemda.zona.info),
        demo=data.pemda.is_demo,
    )


def _printable(value: str) -> str:
    """Text a DOCX can hold (XML refuses control characters)."""
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)


def _paragraphs(text: str) -> list[str]:
    """A typed text as paragraphs: blank lines (or single line breaks) separate them."""
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


# --- python-docx helpers -----------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _tc(
    text: str,
    width: int,
    *,
    bold: bool = False,
    align: str = "",
    span: int = 1,
    vmerge: str = "",
) -> str:
    """One table cell as WordprocessingML: 9 pt text, lines kept as line breaks."""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    paragraph = (
        f'<w:pPr><w:spacing w:after="0"/><w:jc w:val="{align}"/></w:pPr>'
        if align
        else ('<w:pPr><w:spacing w:after="0"/></w:pPr>')
    )
    run = ""
    if text:
        lines = [escape(line) for line in _printable(text).split("\n")]
        body = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
        run = f'<w:r><w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="18"/></w:rPr>{body}</w:r>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{paragraph}{run}</w:p></w:tc>"


class _Writer:
    """The document being written, with the few shapes the report uses."""

    def __init__(self) -> None:
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt, RGBColor

        self.Cm, self.Pt, self.align = Cm, Pt, WD_ALIGN_PARAGRAPH
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        for level, size in ((1, 14), (2, 12), (3, 11)):
            style = self.doc.styles[f"Heading {level}"]
            style.font.name = "Arial"
            style.font.size = Pt(size)
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = True

    # text
    def heading(self, text: str, level: int, *, center: bool = False) -> None:
        paragraph = self.doc.add_heading(_printable(text), level=level)
        if center:
            paragraph.alignment = self.align.CENTER

    def para(
        self,
        text: str = "",
        *,
        bold: bool = False,
        size: int | None = None,
        center: bool = False,
        style: str | None = None,
        italic: bool = False,
    ) -> Any:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(_printable(text))
            run.bold = bold
            run.italic = italic
            if size:
                run.font.size = self.Pt(size)
        if center:
            paragraph.alignment = self.align.CENTER
        return paragraph

    def prose(self, text: str) -> None:
        for part in _paragraphs(text) or ["—"]:
            self.para(part).alignment = self.align.JUSTIFY

    def label(self, name: str, value: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(_printable(name) + ": ").bold = True
        paragraph.add_run(_printable(value))

    def page_break(self) -> None:
        self.doc.add_page_break()

    def section(self, *, landscape: bool) -> None:
        """A new section on a new page, portrait or landscape (the footer carries on)."""
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        wide, tall = self.Cm(29.7), self.Cm(21.0)
        section.page_width, section.page_height = (wide, tall) if landscape else (tall, wide)

    # tables
    def width(self) -> int:
        """The text width of the current (last) section, in twips."""
        section = self.doc.sections[-1]
        sizes = (section.page_width, section.left_margin, section.right_margin)
        page, left, right = (int(x or 0) for x in sizes)
        return (page - left - right) // 635

    def table(
        self,
        header: Sequence[str | tuple[str, Sequence[str]]],
        rows: Sequence[Sequence[str]],
        *,
        numeric_from: int | None = None,
        weights: Sequence[float] | None = None,
        bold_last: bool = False,
    ) -> None:
        """A grid table ("Table Grid" style), its header rows repeated on every page. A header
        entry ``(label, [sub, ...])`` spans its sub-columns over two header rows; plain entries
        span both rows. Columns from ``numeric_from`` on are right-aligned (None: none);
        ``weights``: the columns' relative widths (default equal). Built as one piece of XML:
        python-docx's cell by cell calls take seconds for a region's hundreds of tables."""
        from docx.oxml import parse_xml

        grouped = any(isinstance(h, tuple) for h in header)
        count = sum(len(h[1]) if isinstance(h, tuple) else 1 for h in header)
        shares = list(weights or [1.0] * count)
        total = self.width()
        grid = [int(total * w / sum(shares)) for w in shares]
        parts = [
            f'<w:tbl {_W}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            "</w:tblPr><w:tblGrid>",
            *(f'<w:gridCol w:w="{g}"/>' for g in grid),
            "</w:tblGrid>",
        ]
        top: list[str] = []
        sub: list[str] = []
        col = 0
        for h in header:
            if isinstance(h, tuple):
                label, subs = h
                span = sum(grid[col : col + len(subs)])
                top.append(_tc(label, span, bold=True, align="center", span=len(subs)))
                sub += [
                    _tc(x, grid[col + i], bold=True, align="center") for i, x in enumerate(subs)
                ]
                col += len(subs)
            else:
                merge = "restart" if grouped else ""
                top.append(_tc(h, grid[col], bold=True, align="center", vmerge=merge))
                sub.append(_tc("", grid[col], vmerge="continue"))
                col += 1
        heads = [top, sub] if grouped else [top]
        for cells in heads:
            parts.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" + "".join(cells) + "</w:tr>")
        for r, values in enumerate(rows):
            last = bold_last and r == len(rows) - 1
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for i, value in enumerate(values):
                right = numeric_from is not None and i >= numeric_from
                parts.append(_tc(value, grid[i], bold=last, align="right" if right else ""))
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        after = self.doc.add_paragraph()
        after._p.addprevious(parse_xml("".join(parts)))

    # fields
    def _field_runs(self, paragraph: Any, instruction: str, placeholder: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def char(kind: str) -> Any:
            run = paragraph.add_run()
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
            return run

        char("begin")
        run = paragraph.add_run()
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = f" {instruction} "
        run._r.append(text)
        char("separate")
        paragraph.add_run(placeholder)
        char("end")

    def toc(self, entries: Sequence[tuple[int, str]]) -> None:
        """A Word table of contents field over Heading 1–3, shown with the chapter titles until
        the reader's editor updates it (Word asks on opening: ``updateFields``)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = self.doc.add_paragraph()
        self._field_runs(
            paragraph,
            'TOC \\o "1-3" \\h \\z \\u',
            _("(Perbarui bidang ini — klik kanan, Perbarui Bidang — untuk nomor halaman.)"),
        )
        for level, text in entries:
            entry = self.doc.add_paragraph(_printable(text))
            entry.paragraph_format.left_indent = self.Cm(0.8 * (level - 1))
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.doc.settings.element.append(update)

    def footer(self, text: str, demo: str | None) -> None:
        """Every page's footer: the fingerprint line and the page number (sections after the
        first are linked to it); a demo pemda's header says DATA CONTOH."""
        section = self.doc.sections[0]
        for name in ("Footer", "Header"):
            self.doc.styles[name].font.size = self.Pt(8)
        footer = section.footer.paragraphs[0]
        footer.text = _printable(text)
        footer.alignment = self.align.CENTER
        number = section.footer.add_paragraph(style="Footer")
        number.alignment = self.align.CENTER
        number.add_run(_("Halaman") + " ")
        self._field_runs(number, "PAGE", "1")
        if demo:
            header = section.header.paragraphs[0]
            header.text = ""
            header.add_run(demo).bold = True
            header.alignment = self.align.CENTER

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# --- the report's parts ------------------------------------------------------------------------


def _cover(w: _Writer, data: ReportData) -> None:
    for _i in range(6):
        w.para()
    w.para(report_title(), bold=True, size=18, center=True)
    w.para()
    w.para(data.pemda.name.upper(), bold=True, size=16, center=True)
    w.para(data.period_label.upper(), bold=True, size=14, center=True)
    if data.pemda.is_demo:
        w.para()
        w.para(TitleBlock.demo_mark(), bold=True, size=12, center=True)


def _signature(w: _Writer, data: ReportData, day: str) -> None:
    name = data.texts.get(TextKey.NAMA_KEPALA, "").strip()
    for text in (
        _("%(pemda)s, %(tanggal)s") % {"pemda": data.pemda.name, "tanggal": day},
        data.head_title.upper(),
    ):
        w.para(text, center=True)
    for _i in range(3):
        w.para()
    w.para(name or "(" + "." * 40 + ")", bold=True, center=True)


def _approval(w: _Writer, data: ReportData, seal: Seal | None) -> None:
    w.heading(_("LEMBAR PENGESAHAN"), 1, center=True)
    w.para(
        _("Laporan Penerapan Standar Pelayanan Minimal %(pemda)s %(periode)s")
        % {"pemda": data.pemda.name, "periode": data.period_label},
        center=True,
    )
    w.para()
    approval = data.approval
    if approval.approved and approval.approved_at:
        day = tanggal(approval.approved_at)
        w.para(_("Disahkan pada tanggal %(tanggal)s") % {"tanggal": day}, center=True)
    else:
        day = "." * 24
        w.para(_("Belum disetujui: laporan ini masih DRAF."), bold=True, center=True)
    w.para()
    _signature(w, data, day)
    w.para()
    if approval.approved and approval.approved_by:
        w.para(
            _("Disetujui di Tuntas oleh %(nama)s pada %(waktu)s.")
            % {"nama": approval.approved_by, "waktu": waktu(approval.approved_at)},
            size=8,
            center=True,
        )
    if seal is not None:
        w.para(
            _("Sidik laporan: %(kode)s — periksa di %(url)s")
            % {"kode": seal.code, "url": verification_url(seal.code)},
            size=8,
            center=True,
        )


def _contents(data: ReportData) -> list[tuple[int, str]]:
    entries = [
        (1, _("KATA PENGANTAR")),
        (1, _("BAB I PENDAHULUAN")),
        (1, _("BAB II PENERAPAN DAN PENCAPAIAN SPM")),
    ]
    entries += [(2, f"{u.kode} {u.nama}") for u in data.urusan]
    entries += [
        (1, _("BAB III TAHAPAN PENERAPAN DAN RENCANA AKSI")),
        (1, _("BAB IV PENUTUP")),
    ]
    if data.annex:
        entries.append((1, _("LAMPIRAN CAKUPAN PER KECAMATAN")))
    return entries


def _bab_i(w: _Writer, data: ReportData) -> None:
    w.heading(_("BAB I PENDAHULUAN"), 1, center=True)
    w.heading(_("A. Latar Belakang"), 2)
    w.prose(data.texts.get(TextKey.LATAR_BELAKANG, ""))
    w.heading(_("B. Dasar Hukum"), 2)
    lines = [
        re.sub(r"^\s*(\d+[.)]|[-•*])\s*", "", line).strip()
        for line in (data.texts.get(TextKey.DASAR_HUKUM) or "").splitlines()
    ]
    for line in [x for x in lines if x] or ["—"]:
        w.para(line, style="List Number")
    w.heading(_("C. Kebijakan Umum"), 2)
    w.prose(data.texts.get(TextKey.KEBIJAKAN_UMUM, ""))
    w.heading(_("D. Arah Kebijakan"), 2)
    w.prose(data.texts.get(TextKey.ARAH_KEBIJAKAN, ""))


def _scores(data: ReportData) -> str:
    index = data.index
    if index.nilai is None:
        return _("Indeks SPM belum dapat dihitung (data belum lengkap).")
    return _(
        "Indeks SPM %(pemda)s %(periode)s: %(nilai)s (%(kategori)s); JPD lengkap %(lengkap)s "
        "dari %(total)s."
    ) % {
        "pemda": data.pemda.name,
        "periode": data.period_label,
        "nilai": persen(index.nilai),
        "kategori": index.kategori_nama or "—",
        "lengkap": angka(data.jpd_complete),
        "total": angka(data.jpd_total),
    }


def _tw(data: ReportData) -> list[str]:
    return [f"TW{q}" for q in data.quarters]


def _pct(value: Decimal | None) -> str:
    return persen(value).removesuffix(" %") if value is not None else "—"


def _jpd(w: _Writer, data: ReportData, jpd: JpdSection) -> None:
    no = pgettext("nomor urut", "No")
    w.heading(f"{jpd.kode} {jpd.nama}", 3)
    w.label(_("Perangkat daerah pengampu"), jpd.opd or "—")
    shown = jpd.shown
    if shown.nilai is not None:
        w.label(
            _("Nilai JPD"),
            _("%(nilai)s (%(kategori)s); capaian penerima %(penerima)s, capaian mutu %(mutu)s")
            % {
                "nilai": persen(shown.nilai),
                "kategori": shown.kategori_nama or "—",
                "penerima": persen(shown.capaian_penerima),
                "mutu": persen(shown.capaian_mutu),
            },
        )
    else:
        w.label(_("Nilai JPD"), _("belum dapat dihitung (data belum lengkap)"))

    w.para(_("A. Penerima"), bold=True)
    p = jpd.penerima
    w.table(
        [
            no,
            _("Uraian"),
            _("Satuan"),
            _("Jumlah yang harus dilayani"),
            (_("Terlayani (kumulatif)"), _tw(data)),
            _("Belum terlayani"),
            "%",
        ],
        [
            ["1", p.uraian, p.satuan, angka(p.sasaran)]
            + [angka(v) for v in p.per_tw]
            + [angka(p.belum), _pct(p.persen)]
        ],
        numeric_from=3,
        weights=[0.5, 4, 1, 1.5, *[1.2] * len(data.quarters), 1.3, 1],
    )
    mutu_header = [
        no,
        _("Uraian"),
        _("Satuan"),
        _("Dibutuhkan"),
        _("Tersedia"),
        _("Belum tersedia"),
        "%",
    ]
    w.para(_("B. Mutu"), bold=True)
    for title, rows in (
        (_("B.1 Barang/jasa"), jpd.mutu_barang),
        (_("B.2 Sumber daya manusia"), jpd.mutu_sdm),
    ):
        w.para(title, italic=True)
        if not rows:
            w.para(_("Tidak ada item mutu."))
            continue
        w.table(
            mutu_header,
            [
                [
                    str(n),
                    m.uraian,
                    m.satuan,
                    angka(m.dibutuhkan),
                    angka(m.tersedia),
                    angka(m.belum),
                    _pct(m.persen),
                ]
                for n, m in enumerate(rows, start=1)
            ],
            numeric_from=3,
            weights=[0.5, 5, 1.2, 1.3, 1.3, 1.3, 1],
        )
    w.para(_("C. Alokasi anggaran dan realisasi"), bold=True)
    a = jpd.anggaran
    w.table(
        [
            _("Alokasi (Rp)"),
            (_("Realisasi (Rp, kumulatif)"), _tw(data)),
            _("Selisih (Rp)"),
            "%",
        ],
        [[money(a.alokasi)] + [money(v) for v in a.per_tw] + [money(a.selisih), _pct(a.persen)]],
        numeric_from=0,
    )
    w.para(_("Permasalahan"), bold=True)
    w.prose(jpd.permasalahan)
    w.para(_("Solusi"), bold=True)
    w.prose(jpd.solusi)

    w.para(_("Kebutuhan pemenuhan dan biaya"), bold=True)
    if jpd.kebutuhan:
        need_rows = [
            [
                str(n),
                k.uraian,
                k.aturan,
                angka(k.dibutuhkan),
                angka(k.tersedia),
                angka(k.kekurangan),
                money(k.harga_satuan),
                money(k.biaya),
            ]
            for n, k in enumerate(jpd.kebutuhan, start=1)
        ]
        need_rows.append(
            ["", _("Jumlah biaya pemenuhan"), "", "", "", "", "", money(jpd.biaya_kebutuhan)]
        )
        w.table(
            [
                no,
                _("Uraian"),
                _("Aturan"),
                _("Dibutuhkan"),
                _("Tersedia"),
                _("Kekurangan"),
                _("Harga satuan (Rp)"),
                _("Biaya (Rp)"),
            ],
            need_rows,
            numeric_from=3,
            bold_last=True,
            weights=[0.5, 3, 2.5, 1.4, 1.3, 1.4, 1.6, 1.8],
        )
    else:
        w.para(_("Kebutuhan belum dihitung."))
    w.para(_("Anggaran per sub-kegiatan"), bold=True)
    if jpd.sub_kegiatan:
        w.table(
            [
                _("Kode"),
                _("Sub-kegiatan"),
                _("Perangkat daerah"),
                _("Sumber dana"),
                _("Pagu (Rp)"),
                _("Realisasi (Rp)"),
            ],
            [
                [s.kode, s.sub_kegiatan, s.opd, s.sumber, money(s.pagu), money(s.realisasi)]
                for s in jpd.sub_kegiatan
            ],
            numeric_from=4,
            weights=[1.6, 4, 2.5, 1.3, 1.6, 1.6],
        )
    else:
        w.para(_("Belum ada sub-kegiatan yang ditandai untuk JPD ini."))
    w.para(_("Tahapan penerapan"), bold=True)
    if jpd.tahapan:
        w.table(
            [no, _("Tahapan"), _("Status"), _("Keterangan")],
            [[str(s.nomor), s.nama, s.status_nama, s.keterangan or "—"] for s in jpd.tahapan],
            weights=[0.5, 3, 1.2, 5],
        )


def _urusan_png(data: ReportData) -> bytes | None:
    from tuntas.laporan import charts
    from tuntas.laporan.report_charts import urusan_bars

    bars = urusan_bars(data)
    if not any(b.value is not None for b in bars):
        return None
    return charts.urusan_profile_png(bars, bands=data.method.bands)


def _trend_png(data: ReportData) -> bytes | None:
    from tuntas.laporan import charts
    from tuntas.laporan.report_charts import trend_points

    points = trend_points(data)
    return charts.trend_years_png(points) if points else None


def _chart(w: _Writer, png: bytes | None, caption: str) -> None:
    """A chart as a picture the width of the text, with its caption (the PDF's, in words)."""
    if png is None:
        return
    from docx.shared import Cm

    w.doc.add_picture(io.BytesIO(png), width=Cm(15))
    w.para(caption, size=8)


def _bab_ii(w: _Writer, data: ReportData) -> None:
    w.heading(_("BAB II PENERAPAN DAN PENCAPAIAN SPM"), 1, center=True)
    w.para(_scores(data))
    if data.urusan:
        w.table(
            [_("Kode"), _("Urusan"), _("Nilai (%)"), _("Kategori")],
            [
                [u.kode, u.nama, _pct(u.shown.nilai), u.shown.kategori_nama or "—"]
                for u in data.urusan
            ],
            weights=[1, 5, 1.2, 1.6],
        )
        _chart(w, _urusan_png(data), _("Profil urusan: nilai tiap urusan pada periode laporan."))
    if data.trend:
        _chart(
            w,
            _trend_png(data),
            _("Tren indeks: satu garis per tahun, TW1 sampai TW4. Capaian kumulatif menuju "
              "sasaran tahunan, sehingga awal tahun selalu lebih rendah."),
        )  # fmt: skip
        w.para(_("Tren indeks SPM"), bold=True)
        w.table(
            [_("Tahun"), _("Triwulan"), _("Indeks (%)")],
            [[str(y), f"TW{q}", _pct(v)] for y, q, v in data.trend],
        )
    for urusan in data.urusan:
        w.heading(f"{urusan.kode} {urusan.nama}", 2)
        if urusan.shown.nilai is not None:
            w.label(
                _("Nilai urusan"),
                f"{persen(urusan.shown.nilai)} ({urusan.shown.kategori_nama or '—'})",
            )
        for jpd in urusan.jpd:
            _jpd(w, data, jpd)


def _bab_iii(w: _Writer, data: ReportData) -> None:
    no = pgettext("nomor urut", "No")
    w.heading(_("BAB III TAHAPAN PENERAPAN DAN RENCANA AKSI"), 1, center=True)
    w.heading(_("A. Empat tahapan penerapan SPM"), 2)
    w.table(
        [no, _("Tahapan"), _("JPD selesai"), _("JPD sebagian"), _("Jumlah JPD")],
        [
            [str(n), name, angka(done), angka(partly), angka(total)]
            for n, name, done, partly, total in data.stage_summary
        ],
        numeric_from=2,
    )
    totals = data.budget_total
    w.heading(_("B. Kebutuhan dan anggaran"), 2)
    w.table(
        [
            _("Biaya pemenuhan kebutuhan (Rp)"),
            _("Anggaran sub-kegiatan (Rp)"),
            _("Kekurangan anggaran (Rp)"),
            _("Penerima belum terlayani"),
        ],
        [
            [
                money(totals.get("need")),
                money(totals.get("budget")),
                money(totals.get("shortfall")),
                angka(totals.get("unserved")),
            ]
        ],
        numeric_from=0,
    )
    w.heading(_("C. Rencana aksi"), 2)
    if data.actions:
        w.table(
            [
                no,
                _("Kegiatan"),
                _("Penanggung jawab"),
                _("JPD"),
                _("Mulai"),
                _("Selesai"),
                _("Indikator"),
                _("Status"),
            ],
            [
                [
                    str(a.nomor),
                    a.kegiatan,
                    a.opd,
                    a.jpd,
                    iso_date(a.mulai),
                    iso_date(a.selesai),
                    a.indikator or "—",
                    a.status,
                ]
                for a in data.actions
            ],
            weights=[0.5, 3.5, 2, 2.5, 1.3, 1.3, 2, 1.2],
        )
    else:
        w.para(_("Rencana aksi tahun ini belum berisi kegiatan."))


def _area_row(row: AreaRow) -> list[str]:
    shown = row.tanda[0] == Mark.SHOWN and row.tanda[1] == Mark.SHOWN
    return [
        row.kode,
        row.nama or "—",
        count_shown(row.sasaran, row.tanda[0]),
        count_shown(row.terlayani, row.tanda[1]),
        count_shown(row.belum, row.tanda[2]),
        _pct(row.persen) if shown else HIDDEN_SHOWN,
    ]


def _annex(w: _Writer, data: ReportData) -> None:
    w.heading(_("LAMPIRAN CAKUPAN PER KECAMATAN"), 1, center=True)
    w.para(
        _("Dari daftar penerima by-name, terlayani sampai akhir %(periode)s.")
        % {"periode": data.period_label}
    )
    for table in data.annex:
        w.heading(f"{table.jpd_kode} {table.jpd_nama}", 3)
        belum, pct = annex_totals(table, data)
        rows = [_area_row(r) for r in table.rows]
        rows.append(
            [
                "",
                _("Jumlah"),
                angka(table.total_sasaran),
                angka(table.total_terlayani),
                angka(belum),
                _pct(pct),
            ]
        )
        w.table(
            [
                _("Kode"),
                _("Kecamatan"),
                _("Sasaran"),
                _("Terlayani"),
                _("Belum terlayani"),
                "%",
            ],
            rows,
            numeric_from=2,
            bold_last=True,
            weights=[1.2, 3, 1.1, 1.2, 1.2, 0.9],
        )
    w.para(annex_note(), size=8, italic=True)


def report_docx(data: ReportData, seal: Seal | None) -> bytes:
    """The report as an editable DOCX. ``seal``: the approved report's fingerprint
    (``services.report_seal``), ``None`` for a draft."""
    with translation.override("id"), timezone.override(data.pemda.zona.info):
        w = _Writer()
        core = w.doc.core_properties
        core.title = f"{report_title()} — {data.pemda.name} — {data.period_label}"
        core.subject = _("Laporan Penerapan SPM")
        core.author = core.last_modified_by = "Tuntas"
        core.keywords = f"{KEYWORD_PREFIX}{seal.code}" if seal else ""
        core.comments = footer_text(seal)
        core.created = core.modified = timezone.now()
        core.revision = 1
        w.footer(footer_text(seal), TitleBlock.demo_mark() if data.pemda.is_demo else None)

        _cover(w, data)
        w.page_break()
        _approval(w, data, seal)
        w.page_break()
        w.heading(_("KATA PENGANTAR"), 1, center=True)
        w.prose(data.texts.get(TextKey.KATA_PENGANTAR, ""))
        w.para()
        _signature(
            w, data, tanggal(data.approval.approved_at) if data.approval.approved_at else "." * 24
        )
        w.page_break()
        w.para(_("DAFTAR ISI"), bold=True, size=14, center=True)
        w.toc(_contents(data))
        w.page_break()
        _bab_i(w, data)
        w.section(landscape=True)
        _bab_ii(w, data)
        w.page_break()
        _bab_iii(w, data)
        w.section(landscape=False)
        w.heading(_("BAB IV PENUTUP"), 1, center=True)
        w.prose(data.texts.get(TextKey.PENUTUP, ""))
        if data.annex:
            w.page_break()
            _annex(w, data)
        return w.bytes()


# --- reading a fingerprint back ----------------------------------------------------------------


def fingerprint_from_file(source: str | os.PathLike[str] | bytes) -> str | None:
    """The fingerprint code (16 hex digits) a DOCX report carries: from its core properties
    (keywords ``sidik:<code>``), else from the "Sidik: <code>" of a footer; ``None`` when the
    file is not a DOCX or carries none (a draft)."""
    from docx import Document

    try:
        document = Document(io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source))
    except Exception:  # not a DOCX (zip, package or XML errors of python-docx's reader)
        return None
    found = _KEYWORD.search(document.core_properties.keywords or "")
    if found:
        return found.group(1).lower()
    for section in document.sections:
        for paragraph in section.footer.paragraphs:
            found = _FOOTER.search(paragraph.text)
            if found:
                return found.group(1).lower()
    return None
