"""The province pack: parts claimed once each, shared among workers, merged with bookmarks."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

from django.utils import timezone
from pypdf import PdfReader

from tuntas.laporan import paket
from tuntas.laporan.models import PartStatus, ReportPack, ReportPart
from tuntas.organisasi.services import pemda_register
from tuntas.testing import PersonaTestCase
from tuntas.testing.api import entry_fill

YEAR = 2025


def one_page(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


class PackCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        pemda_register(code="32.01")
        entry_fill(cls.pemda_a, "1.02.K07", year=YEAR, quarter=4, sasaran=12345, terlayani=6789)


class PackTests(PackCase):
    def test_one_worker_builds_every_part_and_merges_with_bookmarks(self):
        queued: list[int] = []
        steps: list[str] = []
        content = paket.pack_build(
            province=self.prov,
            year=YEAR,
            quarter=0,
            summary=lambda: one_page("Ringkasan provinsi"),
            enqueue=queued.append,
            progress=lambda p, step: steps.append(step),
        )
        reader = PdfReader(io.BytesIO(content))
        titles = [item.title for item in reader.outline]
        self.assertEqual(titles, ["Laporan konsolidasi Provinsi Jawa Barat", "Kabupaten Bogor",
                                  "Kota Bekasi"])  # fmt: skip
        text = "".join(page.extract_text() for page in reader.pages)
        self.assertIn("Ringkasan provinsi", text)
        self.assertIn("12.345", text)  # Kota Bekasi's profile holds its numbers
        self.assertIn("Kabupaten Bogor — Tahun 2025", text)
        self.assertEqual(len(queued), 1)  # helpers asked for: parts − 1, at most HELPER_TASKS
        self.assertIn("Profil kab/kota 2/2", steps)
        self.assertFalse(ReportPack.objects.exists())  # nothing left behind

    def test_a_part_claimed_by_another_worker_is_not_rendered_twice(self):
        pack = paket.pack_create(province=self.prov, year=YEAR, quarter=0)
        first = pack.parts.get(index=0)
        ReportPart.objects.filter(pk=first.pk).update(
            status=PartStatus.BERJALAN, claimed_at=timezone.now()
        )
        with mock.patch.object(paket, "profile_pdf", return_value=one_page("x")) as render:
            self.assertEqual(paket.pack_work(pack.pk), 1)
        self.assertEqual(render.call_count, 1)
        self.assertEqual(render.call_args.args[0], self.pemda_a)  # only the unclaimed part
        self.assertEqual(pack.parts.get(index=0).status, PartStatus.BERJALAN)

    def test_a_silent_claim_is_taken_over(self):
        pack = paket.pack_create(province=self.prov, year=YEAR, quarter=0)
        old = timezone.now() - paket.PART_STALE_AFTER - dt.timedelta(seconds=1)
        ReportPart.objects.filter(pack=pack).update(status=PartStatus.BERJALAN, claimed_at=old)
        with mock.patch.object(paket, "profile_pdf", return_value=one_page("x")):
            self.assertEqual(paket.pack_work(pack.pk), 2)
        self.assertEqual(set(pack.parts.values_list("status", flat=True)), {PartStatus.SELESAI})

    def test_a_failed_profile_fails_the_pack_naming_the_kabkota(self):
        def render(pemda, *args):
            if pemda.code == "32.01":
                raise RuntimeError("rusak")
            return one_page(pemda.name)

        with (
            mock.patch.object(paket, "profile_pdf", side_effect=render),
            self.assertRaisesMessage(paket.PackFailed, "Kabupaten Bogor"),
        ):
            paket.pack_build(province=self.prov, year=YEAR, quarter=0,
                             summary=lambda: one_page("s"), enqueue=lambda _pk: None,
                             progress=lambda *_: None)  # fmt: skip
        self.assertFalse(ReportPack.objects.exists())


class PackBuilderTests(PackCase):
    def test_the_registered_builder_makes_the_pack(self):
        from tuntas.laporan.builders import builder_get

        builder = builder_get("paket", "pdf")
        content, name, mime = builder(self.prov, YEAR, 0, lambda *_: None)
        self.assertEqual((name, mime), ("paket-laporan-spm-32-2025-tahunan.pdf", "application/pdf"))
        reader = PdfReader(io.BytesIO(content))
        titles = [item.title for item in reader.outline if not isinstance(item, list)]
        self.assertEqual(titles[1:], ["Kabupaten Bogor", "Kota Bekasi"])
        with self.assertRaisesMessage(Exception, "satu provinsi"):
            builder(self.pemda_a, YEAR, 0, lambda *_: None)
