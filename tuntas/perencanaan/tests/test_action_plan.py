"""The SPM action plan: its rows written through the services (validated, audited, in order),
the page and who may write it, and its two files: the DOCX opened back with python-docx and the
PDF read back with pdftotext (and rendered with pdftoppm)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tempfile
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import PerangkatDaerah
from tuntas.perencanaan.action_plan import (
    ActionData,
    ActionPlanError,
    action_item_create,
    action_item_delete,
    action_item_move,
    action_item_update,
    action_items,
    demo_action_plan_seed,
)
from tuntas.perencanaan.exports_rencana_aksi import action_plan_docx, action_plan_pdf
from tuntas.perencanaan.models import ActionItem
from tuntas.testing import PersonaTestCase

YEAR = 2026


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True,
                              check=True, text=True).stdout  # fmt: skip


def docx_text(data: bytes) -> tuple[str, list[list[str]]]:
    from docx import Document

    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    return text, rows


class ServiceTests(PersonaTestCase):
    def add(self, activity: str, **kw: object) -> ActionItem:
        return action_item_create(pemda=self.pemda_a, year=YEAR,
                                  data=ActionData(activity=activity, **kw),  # type: ignore[arg-type]
                                  actor=self.users["verifikator_tim"])  # fmt: skip

    def order(self) -> list[str]:
        return [i.activity for i in action_items(self.pemda_a, YEAR)]

    def test_rows_are_added_at_the_end_moved_and_deleted_with_audit(self):
        a, b, c = self.add("A"), self.add("B"), self.add("C")
        self.assertEqual(self.order(), ["A", "B", "C"])
        action_item_move(pemda=self.pemda_a, year=YEAR, item_id=c.pk, direction="naik",
                         actor=None)  # fmt: skip
        self.assertEqual(self.order(), ["A", "C", "B"])
        action_item_move(pemda=self.pemda_a, year=YEAR, item_id=a.pk, direction="naik",
                         actor=None)  # fmt: skip
        self.assertEqual(self.order(), ["A", "C", "B"])
        action_item_delete(pemda=self.pemda_a, year=YEAR, item_id=b.pk, actor=None)
        self.assertEqual(self.order(), ["A", "C"])
        actions = list(AuditEvent.objects.filter(pemda="32.75").values_list("action", flat=True))
        self.assertEqual(actions.count("perencanaan.rencana_aksi.tambah"), 3)
        self.assertIn("perencanaan.rencana_aksi.urutkan", actions)
        self.assertIn("perencanaan.rencana_aksi.hapus", actions)

    def test_update_records_what_changed(self):
        item = self.add("Rapat koordinasi")
        kes = PerangkatDaerah.objects.get(pemda=self.pemda_a, name="Dinas Kesehatan")
        action_item_update(pemda=self.pemda_a, year=YEAR, item_id=item.pk,
                           data=ActionData(activity="Rapat koordinasi", opd_id=kes.pk,
                                           status="berjalan"), actor=None)  # fmt: skip
        item.refresh_from_db()
        self.assertEqual((item.opd, item.status), (kes, "berjalan"))
        event = AuditEvent.objects.get(action="perencanaan.rencana_aksi.ubah")
        self.assertEqual({c["kolom"] for c in event.data["perubahan"]}, {"opd", "status"})

    def test_validation(self):
        other_opd = PerangkatDaerah.objects.filter(pemda=self.pemda_b).first()
        assert other_opd is not None
        for data, message in (
            (ActionData(activity="  "), "Kegiatan wajib diisi"),
            (ActionData(activity="x", opd_id=other_opd.pk), "Perangkat daerah tidak dikenal"),
            (ActionData(activity="x", jpd_code="1.02.P01"), "JPD tidak dikenal"),
            (ActionData(activity="x", start=dt.date(YEAR, 5, 1), end=dt.date(YEAR, 4, 1)),
             "sebelum tanggal mulai"),
            (ActionData(activity="x", status="gagal"), "Status tidak dikenal"),
            (ActionData(activity="x" * 2001), "paling panjang"),
        ):  # fmt: skip
            with self.subTest(message=message), self.assertRaisesMessage(ActionPlanError, message):
                action_item_create(pemda=self.pemda_a, year=YEAR, data=data, actor=None)
        self.assertFalse(ActionItem.objects.exists())
        # another pemda's row is not reached
        item = self.add("A")
        with self.assertRaises(ActionPlanError):
            action_item_delete(pemda=self.pemda_b, year=YEAR, item_id=item.pk, actor=None)

    def test_demo_plan_is_plausible_and_the_same_every_run(self):
        first = [(i.activity, i.opd_id, i.jpd_id, i.start, i.end, i.status)
                 for i in demo_action_plan_seed(pemda=self.pemda_a, year=YEAR)]  # fmt: skip
        again = [(i.activity, i.opd_id, i.jpd_id, i.start, i.end, i.status)
                 for i in demo_action_plan_seed(pemda=self.pemda_a, year=YEAR)]  # fmt: skip
        self.assertEqual(first, again)
        self.assertTrue(6 <= len(first) <= 10)
        self.assertEqual({row[5] for row in first}, {"belum", "berjalan", "selesai"})
        self.assertTrue(all(row[3] <= row[4] and row[3].year == YEAR for row in first))
        self.assertTrue(any(row[1] is not None for row in first))
        self.assertTrue(any(row[2] == "1.02.K01" for row in first))


class PageTests(PersonaTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(name, args=["32.75", YEAR, *args])

    def test_the_spm_team_adds_edits_and_reorders_others_read(self):
        self.login("verifikator_tim")
        kes = PerangkatDaerah.objects.get(pemda=self.pemda_a, name="Dinas Kesehatan")
        data = {"kegiatan": "Pendataan ibu hamil", "opd": kes.pk, "jpd": "1.02.K01",
                "mulai": f"{YEAR}-02-01", "selesai": f"{YEAR}-03-31", "indikator": "Data lengkap",
                "status": "berjalan", "catatan": ""}  # fmt: skip
        response = self.client.post(self.url("perencanaan-rencana-aksi-baru"), data)
        self.assertEqual(response.status_code, 302)
        item = ActionItem.objects.get()
        self.assertEqual(
            (item.jpd_id, item.opd, item.start), ("1.02.K01", kes, dt.date(YEAR, 2, 1))
        )
        # an end before the start: the form says so, nothing changes
        bad = {**data, "selesai": f"{YEAR}-01-01"}
        response = self.client.post(self.url("perencanaan-rencana-aksi-ubah", item.pk), bad)
        self.assertEqual(response.status_code, 400)
        self.assertIn("sebelum tanggal mulai", response.content.decode())
        response = self.client.post(
            self.url("perencanaan-rencana-aksi-ubah", item.pk), {**data, "status": "selesai"}
        )
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.status, "selesai")
        # every reader sees it, with Indonesian dates; read-only roles get no edit links
        self.login("provinsi_jabar")
        html = self.client.get(self.url("perencanaan-rencana-aksi")).content.decode()
        self.assertIn("Pendataan ibu hamil", html)
        self.assertIn("1 Februari 2026", html)
        self.assertNotIn(self.url("perencanaan-rencana-aksi-ubah", item.pk), html)
        self.assertIn(reverse("perencanaan", args=["32.75", YEAR]), html)
        # an OPD's operator may not write the plan
        self.login("operator_kes")
        self.assertEqual(
            self.client.post(self.url("perencanaan-rencana-aksi-baru"), data).status_code, 403
        )
        self.login("outsider")
        self.assertEqual(self.client.get(self.url("perencanaan-rencana-aksi")).status_code, 404)

    def test_downloads(self):
        self.login("pimpinan_a")
        for fmt, mime in (("docx", "wordprocessingml"), ("pdf", "application/pdf")):
            response = self.client.get(self.url("perencanaan-rencana-aksi-unduh", fmt))
            self.assertEqual(response.status_code, 200)
            self.assertIn(mime, response["Content-Type"])
            self.assertIn(f"rencana-aksi-spm-32.75-{YEAR}.{fmt}", response["Content-Disposition"])
        self.assertEqual(
            self.client.get(self.url("perencanaan-rencana-aksi-unduh", "xlsx")).status_code, 404
        )


class ExportTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo_action_plan_seed(pemda=cls.pemda_a, year=YEAR)
        action_item_create(
            pemda=cls.pemda_a,
            year=YEAR,
            data=ActionData(
                activity="Teks\x01 dengan karakter kendali <b>dan</b> & tanda", note="=SUM(A1)"
            ),
            actor=None,
        )

    def items(self) -> list[ActionItem]:
        return action_items(self.pemda_a, YEAR)

    def test_the_docx_holds_every_row(self):
        text, rows = docx_text(action_plan_docx(self.pemda_a, YEAR, self.items()))
        self.assertIn("Rencana Aksi Penerapan Standar Pelayanan Minimal", text)
        self.assertIn("Kota Bekasi", text)
        self.assertIn(f"Tahun {YEAR}", text)
        self.assertEqual(rows[0][:3], ["No", "Kegiatan", "Penanggung jawab"])
        self.assertEqual(len(rows), 1 + len(self.items()))
        body = {r[1]: r for r in rows[1:]}
        sk = body["Penetapan SK Tim Penerapan SPM dan pembagian tugas perangkat daerah pengampu"]
        self.assertEqual((sk[4], sk[5], sk[7]), ("6 Januari 2026", "31 Januari 2026", "Selesai"))
        pregnant = next(r for r in rows if r[3].startswith("1.02.K01"))
        self.assertEqual(pregnant[2], "Dinas Kesehatan")
        self.assertIn("Teks dengan karakter kendali <b>dan</b> & tanda", body)
        self.assertEqual(rows[-1][8], "=SUM(A1)")  # text, never a formula (a table cell)

    def test_the_pdf_holds_every_row_with_page_numbers(self):
        data = action_plan_pdf(self.pemda_a, YEAR, self.items())
        self.assertTrue(data.startswith(b"%PDF-"))
        text = " ".join(pdf_text(data).split())
        self.assertIn("Rencana Aksi Penerapan Standar Pelayanan Minimal", text)
        self.assertIn("Kota Bekasi", text)
        self.assertIn("Pemutakhiran sasaran ibu hamil", text)
        self.assertIn("Pemantauan dan evaluasi triwulanan", text)
        self.assertIn("6 Januari 2026", text)
        self.assertIn("Teks dengan karakter kendali <b>dan</b>", text)  # escaped, shown as text
        self.assertRegex(text, r"1 ?/ ?1$")  # the footer's page number  # the footer's page numbers
        self.assertNotIn("Ubah", text)  # the screen's edit column is not printed
        # rendered: one page image at 60 dpi (look at it: TUNTAS_PDF_PNG=folder keeps it)
        keep = os.environ.get("TUNTAS_PDF_PNG")
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "rencana.pdf"
            pdf.write_bytes(data)
            out = Path(keep or folder) / "rencana-aksi"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                            str(out)], check=True)  # fmt: skip
            pages = list(Path(keep or folder).glob("rencana-aksi*.png"))
            self.assertEqual(len(pages), 1)
            self.assertGreater(pages[0].stat().st_size, 5000)

    def test_a_demo_pemda_says_data_contoh_and_an_empty_plan_says_so(self):
        self.pemda_a.is_demo = True
        text = " ".join(pdf_text(action_plan_pdf(self.pemda_a, YEAR, self.items())).split())
        self.assertIn("DATA CONTOH", text)
        docx, _none = docx_text(action_plan_docx(self.pemda_a, YEAR, self.items()))
        self.assertIn("DATA CONTOH", docx)
        self.pemda_a.is_demo = False
        empty, _rows = docx_text(action_plan_docx(self.pemda_a, YEAR - 1, []))
        self.assertIn("belum berisi kegiatan", empty)
        self.assertIn("belum berisi kegiatan", pdf_text(action_plan_pdf(self.pemda_a, 2020, [])))


class NotAPersonaCase(TestCase):
    def test_no_fetch_refuses_everything(self):
        from tuntas.perencanaan.exports_rencana_aksi import no_fetch

        with self.assertRaises(ValueError):
            no_fetch("file:///etc/passwd")
