"""The four stages per JPD and year: derived from the data (targets and lists, costed needs,
budget lines, realisation and served counts), attested by uploaded documents where the data
cannot show them; the documents' checks (bytes not names, size, nothing left after a refusal),
their storage (outside the web root, 0600, SHA-256) and who may fetch or delete them."""

from __future__ import annotations

import hashlib
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.pendataan.services import mutu_items_for, target_set
from tuntas.penerima.tests.helpers import PenerimaTestCase
from tuntas.perencanaan.models import (
    BudgetLine,
    BudgetRealisation,
    NeedItem,
    PlanYear,
    StageDocument,
    SubKegiatan,
)
from tuntas.perencanaan.stages import (
    BELUM,
    SEBAGIAN,
    SELESAI,
    StageStatus,
    demo_stages_seed,
    jpd_stages,
    pemda_stages,
    stage_document_store,
    stage_one,
    stages_document,
)
from tuntas.testing.api import entry_fill

YEAR = 2025
K07 = "1.02.K07"  # Dinas Kesehatan is its pengampu in the personas' pemda
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(text: str = "Renja Dinas Kesehatan") -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


class StageCase(PenerimaTestCase):
    def setUp(self) -> None:
        self.jpd = Jpd.objects.get(code=K07)

    def target(self, sasaran: int, code: str = K07) -> None:
        target_set(pemda=self.pemda_a, jpd=Jpd.objects.get(code=code), year=YEAR,
                   sasaran=sasaran, reason="", expected_version=0, actor=None)  # fmt: skip

    def stage(self, number: int, code: str = K07) -> StageStatus:
        return jpd_stages(self.pemda_a, Jpd.objects.get(code=code), YEAR).stage(number)

    def dokumen_dir(self) -> Path:
        return Path(settings.VAR_DIR) / "dokumen"

    def files_on_disk(self) -> list[str]:
        folder = self.dokumen_dir()
        return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class DerivationTests(StageCase):
    def test_stage_one_from_the_target_and_the_list_where_one_is_kept(self):
        self.assertEqual(self.stage(1).state, BELUM)
        self.assertIn("Sasaran tahunan belum", self.stage(1).reason)
        self.target(1200)
        self.assertEqual((self.stage(1).state, self.stage(1).basis), (SELESAI, "data"))
        self.assertIn("1.200", self.stage(1).reason)
        # a list kept last year but not uploaded this year: partly
        kept = {YEAR: set(), YEAR - 1: {K07}}
        with mock.patch(
            "tuntas.perencanaan.stages.registry_jpd_codes",
            side_effect=lambda *, pemda, year: kept[year],
        ):
            self.assertEqual(self.stage(1).state, SEBAGIAN)
            kept[YEAR] = {K07}
            self.assertEqual(self.stage(1).state, SELESAI)
            self.assertIn("daftar penerima", self.stage(1).reason)

    def test_stage_one_rules(self):
        def rule(**kw: object) -> str:
            return stage_one(**{"sasaran": 10, **kw})[0]  # type: ignore[arg-type]

        self.assertEqual(rule(has_target=True, list_kept=False, has_list=False), SELESAI)
        self.assertEqual(rule(has_target=True, list_kept=True, has_list=True), SELESAI)
        self.assertEqual(rule(has_target=True, list_kept=True, has_list=False), SEBAGIAN)
        self.assertEqual(rule(has_target=False, list_kept=True, has_list=True), SEBAGIAN)
        self.assertEqual(rule(has_target=False, list_kept=False, has_list=False), BELUM)

    def test_stage_two_when_every_item_has_its_quantity_and_every_gap_a_price(self):
        k01 = Jpd.objects.get(code="1.02.K01")  # Permenkes rules: 90 tablets per woman, ...
        self.assertEqual(self.stage(2, "1.02.K01").state, BELUM)  # no target: nothing known
        self.target(500, "1.02.K01")
        two = self.stage(2, "1.02.K01")
        self.assertEqual(two.state, SEBAGIAN)  # quantities known, gaps not priced
        self.assertIn("belum diberi harga", two.reason)
        # K07's items are all "as needed": with a target still nothing is known
        self.target(500)
        self.assertEqual(self.stage(2).state, BELUM)
        # everything available (no gap), and the items counted "as needed" stated
        for jpd in (k01, self.jpd):
            for item in mutu_items_for(jpd=jpd, year=YEAR):
                NeedItem.objects.create(pemda=self.pemda_a, jpd=jpd, year=YEAR,
                                        mutu_code=item.code, available=10**9,
                                        stated_required=1)  # fmt: skip
        self.assertEqual(self.stage(2, "1.02.K01").state, SELESAI)
        self.assertEqual(self.stage(2).state, SELESAI)
        self.assertIn("Rp 0", self.stage(2).reason)

    def test_stage_three_from_budget_lines(self):
        self.assertEqual(self.stage(3).state, BELUM)
        PlanYear.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR, target=100)
        self.assertEqual(self.stage(3).state, SEBAGIAN)
        sub = SubKegiatan.objects.create(code="1.02.02.2.02.0001", name="Pengelolaan pelayanan")
        BudgetLine.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                  sub_kegiatan=sub, amount=Decimal("2500000"))  # fmt: skip
        BudgetLine.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR - 1,
                                  sub_kegiatan=sub, amount=Decimal("9"))  # fmt: skip
        three = self.stage(3)
        self.assertEqual(three.state, SELESAI)
        self.assertIn("Rp 2.500.000", three.reason)
        self.assertIn("1 baris", three.reason)

    def test_stage_four_from_realisation_and_served_counts(self):
        self.assertEqual(self.stage(4).state, BELUM)
        entry_fill(self.pemda_a, K07, year=YEAR, quarter=1, sasaran=100, terlayani=0)
        self.assertEqual(self.stage(4).state, BELUM)  # nobody served yet
        entry_fill(self.pemda_a, K07, year=YEAR, quarter=2, sasaran=100, terlayani=40)
        four = self.stage(4)
        self.assertEqual(four.state, SEBAGIAN)  # served, nothing spent
        self.assertIn("TW2", four.reason)
        sub = SubKegiatan.objects.create(code="1.02.02.2.02.0001", name="Pengelolaan pelayanan")
        line = BudgetLine.objects.create(pemda=self.pemda_a, jpd=self.jpd, year=YEAR,
                                         sub_kegiatan=sub, amount=Decimal("1000000"))  # fmt: skip
        BudgetRealisation.objects.create(pemda=self.pemda_a, line=line, quarter=1,
                                         amount=Decimal("100000"))  # fmt: skip
        BudgetRealisation.objects.create(pemda=self.pemda_a, line=line, quarter=2,
                                         amount=Decimal("350000"))  # fmt: skip
        four = self.stage(4)
        self.assertEqual(four.state, SELESAI)
        self.assertIn("Rp 350.000", four.reason)  # cumulative: the latest quarter, not a sum

    def test_a_document_attests_a_stage_the_data_does_not_show(self):
        stage_document_store(pemda=self.pemda_a, year=YEAR, stage=3, kind="perencanaan",
                             title="Renja Dinkes 2025", jpd=self.jpd, file_name="renja.pdf",
                             chunks=[PDF], actor=self.users["operator_kes"])  # fmt: skip
        three = self.stage(3)
        self.assertEqual((three.state, three.basis), (SELESAI, "dokumen"))
        self.assertIn("Renja Dinkes 2025", three.reason)
        self.assertIn("baris anggaran", three.data_reason)  # the data's own reason kept
        self.assertEqual(self.stage(3, "1.02.K01").state, BELUM)  # another JPD: not attested
        # the SK of the Tim Penerapan SPM is the whole pemda's: stage 1 of every JPD
        stage_document_store(pemda=self.pemda_a, year=YEAR, stage=1, kind="sk_tim",
                             title="SK Tim", jpd=None, file_name="sk.pdf", chunks=[PDF],
                             actor=self.users["verifikator_tim"])  # fmt: skip
        found = pemda_stages(self.pemda_a, YEAR)
        self.assertTrue(all(j.stage(1).state == SELESAI for j in found.jpds))
        self.assertEqual(getattr(found.team_decree, "title", None), "SK Tim")
        self.assertEqual(found.summary[0].done, len(found.jpds))
        # the data decides when it shows the stage done: no document basis then
        self.target(10)
        self.assertEqual(self.stage(1).basis, "data")

    def test_every_jpd_of_the_level_and_the_data_shape_for_reports(self):
        found = pemda_stages(self.pemda_a, YEAR)
        self.assertEqual(len(found.jpds), Jpd.objects.filter(level="kabkota").count())
        self.assertTrue(all(len(j.stages) == 4 for j in found.jpds))
        data = stages_document(self.pemda_a, YEAR)
        first = data["jpd"][0]
        self.assertEqual([t["tahap"] for t in first["tahap"]], [1, 2, 3, 4])
        self.assertEqual(first["tahap"][0]["status"], BELUM)

    def test_the_page_shows_each_stage_with_its_reason(self):
        self.target(1200)
        self.login("pimpinan_a")
        response = self.client.get(reverse("perencanaan-tahap", args=["32.75", YEAR]))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(f'data-jpd="{K07}"', html)
        self.assertIn('data-tahap="1" data-status="selesai"', html)
        self.assertIn("Sasaran tahunan 1.200 ditetapkan.", html)
        self.assertNotIn("unggah-dokumen", html)  # read-only: no upload button
        self.assertIn(reverse("perencanaan", args=["32.75", YEAR]), html)


@override_settings(STAGE_DOCUMENT_MAX_BYTES=4096)
class DocumentTests(StageCase):
    def upload(self, persona: str, name: str, content: bytes, **fields: object) -> Any:
        self.login(persona)
        data = {"tahap": "3", "jenis": "perencanaan", "jpd": K07, "judul": "Renja 2025",
                "berkas": SimpleUploadedFile(name, content), **fields}  # fmt: skip
        return self.client.post(reverse("perencanaan-tahap-unggah", args=["32.75", YEAR]), data)

    def test_a_pdf_is_kept_outside_the_web_root_with_its_hash(self):
        response = self.upload("operator_kes", "renja.pdf", PDF)
        self.assertEqual(response.status_code, 302)
        document = StageDocument.objects.get()
        path = self.dokumen_dir() / document.path
        self.assertTrue(path.is_file())
        self.assertEqual(path.read_bytes(), PDF)
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertNotIn("renja", document.path)  # a random name
        self.assertEqual(document.sha256, hashlib.sha256(PDF).hexdigest())
        self.assertEqual((document.size, document.file_name), (len(PDF), "renja.pdf"))
        self.assertFalse(str(path.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve())))
        event = AuditEvent.objects.get(action="perencanaan.dokumen_tahap.unggah")
        self.assertEqual((event.pemda, event.data["sha256"]), ("32.75", document.sha256))

    def test_a_file_named_pdf_that_is_not_one_is_refused_and_nothing_kept(self):
        before = self.files_on_disk()
        response = self.upload("operator_kes", "renja.pdf", b"<html>bukan pdf</html>")
        self.assertEqual(response.status_code, 400)
        self.assertIn("bukan PDF, DOCX, XLSX, JPG atau PNG", response.content.decode())
        self.assertFalse(StageDocument.objects.exists())
        self.assertEqual(self.files_on_disk(), before)

    def test_a_zip_that_is_no_office_document_is_refused(self):
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("isi.txt", "bukan docx")
        before = self.files_on_disk()
        response = self.upload("operator_kes", "renja.docx", buffer.getvalue())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.files_on_disk(), before)

    def test_too_big_is_refused_and_nothing_kept(self):
        before = self.files_on_disk()
        response = self.upload("operator_kes", "renja.pdf", PDF + b"0" * 5000)
        self.assertEqual(response.status_code, 400)
        self.assertIn("terlalu besar", response.content.decode())
        self.assertEqual(self.files_on_disk(), before)
        # streamed without a size known beforehand: refused while writing, nothing left
        with self.assertRaisesMessage(Exception, "terlalu besar"):
            stage_document_store(pemda=self.pemda_a, year=YEAR, stage=3, kind="perencanaan",
                                 title="x", jpd=self.jpd, file_name="x.pdf",
                                 chunks=[PDF, b"0" * 3000, b"0" * 3000], actor=None)  # fmt: skip
        self.assertEqual(self.files_on_disk(), before)
        self.assertFalse(StageDocument.objects.exists())

    @override_settings(STAGE_DOCUMENT_MAX_BYTES=1024 * 1024)
    def test_the_bytes_decide_the_type_not_the_name(self):
        self.assertEqual(self.upload("operator_kes", "renja.pdf", docx_bytes()).status_code, 302)
        self.assertEqual(self.upload("operator_kes", "foto.jpg", PNG).status_code, 302)
        types = sorted(Path(d.path).suffix for d in StageDocument.objects.all())
        self.assertEqual(types, [".docx", ".png"])
        self.login("pusat")
        document = StageDocument.objects.get(path__endswith=".docx")
        response = self.client.get(
            reverse("perencanaan-tahap-dokumen", args=["32.75", YEAR, document.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("wordprocessingml", response["Content-Type"])
        self.assertIn('filename="renja.docx"', response["Content-Disposition"])

    def test_who_may_file_for_what(self):
        # an OPD's operator files for its own JPD only, never for the whole pemda
        self.assertEqual(self.upload("operator_kes", "a.pdf", PDF, jpd="").status_code, 400)
        self.assertEqual(self.upload("operator_dik", "a.pdf", PDF).status_code, 400)
        self.assertEqual(self.upload("pimpinan_a", "a.pdf", PDF).status_code, 403)
        self.assertEqual(self.upload("outsider", "a.pdf", PDF).status_code, 404)
        self.assertFalse(StageDocument.objects.exists())
        # the SK is the whole pemda's: the SPM team files it, not for one JPD
        self.assertEqual(
            self.upload("verifikator_tim", "sk.pdf", PDF, tahap="1", jenis="sk_tim").status_code,
            400,
        )
        response = self.upload("verifikator_tim", "sk.pdf", PDF, tahap="1", jenis="sk_tim", jpd="")
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(StageDocument.objects.get().jpd)
        # a kind of another stage is refused
        response = self.upload("verifikator_tim", "x.pdf", PDF, tahap="4", jenis="perencanaan")
        self.assertEqual(response.status_code, 400)

    def test_download_is_for_readers_of_the_pemda_only(self):
        self.upload("operator_kes", "renja.pdf", PDF)
        document = StageDocument.objects.get()
        url = reverse("perencanaan-tahap-dokumen", args=["32.75", YEAR, document.pk])
        for persona, status in (("outsider", 404), ("admin_b", 404), ("nobody", 404),
                                ("provinsi_jabar", 200), ("pimpinan_a", 200)):  # fmt: skip
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(url)
                self.assertEqual(response.status_code, status)
                if status == 200:
                    self.assertEqual(b"".join(response.streaming_content), PDF)
                    self.assertEqual(response["Content-Type"], "application/pdf")
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)
        # another year's address does not reach it
        self.login("pimpinan_a")
        other = reverse("perencanaan-tahap-dokumen", args=["32.75", YEAR - 1, document.pk])
        self.assertEqual(self.client.get(other).status_code, 404)

    def test_deleted_by_its_uploader_or_the_admin_with_audit(self):
        self.upload("operator_kes", "renja.pdf", PDF)
        document = StageDocument.objects.get()
        path = self.dokumen_dir() / document.path
        url = reverse("perencanaan-tahap-dokumen-hapus", args=["32.75", YEAR, document.pk])
        self.login("verifikator_kes")  # may write the JPD, but did not upload it
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login("outsider")
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login("operator_kes")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(StageDocument.objects.exists())
        self.assertFalse(path.exists())
        event = AuditEvent.objects.get(action="perencanaan.dokumen_tahap.hapus")
        self.assertEqual(event.actor, self.users["operator_kes"])
        # the admin deletes anyone's
        self.upload("operator_kes", "renja.pdf", PDF)
        document = StageDocument.objects.get()
        self.login("admin_a")
        response = self.client.post(
            reverse("perencanaan-tahap-dokumen-hapus", args=["32.75", YEAR, document.pk])
        )
        self.assertEqual(response.status_code, 302)

    def test_the_page_lists_the_documents(self):
        self.upload("verifikator_tim", "sk.pdf", PDF, tahap="1", jenis="sk_tim", jpd="")
        self.login("verifikator_tim")
        html = self.client.get(reverse("perencanaan-tahap", args=["32.75", YEAR])).content.decode()
        self.assertIn("Renja 2025", html)
        self.assertIn("SK Tim Penerapan SPM", html)
        self.assertIn("unggah-dokumen", html)
        self.assertIn('data-status="selesai"', html)


class DemoTests(StageCase):
    def test_demo_decree_is_a_real_pdf_filed_once(self):
        first = demo_stages_seed(pemda=self.pemda_a, year=2026)
        again = demo_stages_seed(pemda=self.pemda_a, year=2026)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual((first.stage, first.kind, first.jpd), (1, "sk_tim", None))
        path = self.dokumen_dir() / first.path
        self.assertTrue(path.read_bytes().startswith(b"%PDF-"))
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout  # fmt: skip
        self.assertIn("DATA CONTOH", text)
        self.assertIn("Tim Penerapan Standar Pelayanan Minimal Tahun 2026", text)
        self.assertEqual(StageDocument.objects.count(), 1)
        found = pemda_stages(self.pemda_a, 2026)
        self.assertEqual(found.team_decree, first)
