"""The region's report in a browser: the head of region opens an approved quarter, sees its
index and fingerprint, downloads it as PDF, DOCX and XLSX (each file carries the same index and
fingerprint); anyone, signed out, checks the fingerprint at /verifikasi/; a background build goes
from "antre" to "selesai" and its file downloads; the SPM team edits the closing text and the
report shows it. Every page at 1366 and 375 px (nothing scrolls the whole page sideways)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from e2e.conftest import SCREENSHOTS
from tuntas.akun.models import Membership, Role
from tuntas.alur.models import ReportState, ReportStatus
from tuntas.laporan.models import BuildStatus, ReportBuild
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.seed import demo_data_seed, demo_periods
from tuntas.testing import PASSWORD, ensure_test_regions, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1366, 375)
PENUTUP = "Penutup uji: laporan ini disusun bersama seluruh perangkat daerah Kota Bekasi."


@pytest.fixture
def approved():
    """Kota Bekasi (demo data) with its last two quarters filled, the latest approved by the
    mayor; the SPM team (tim.spm) and the mayor (walikota) as users. Returns (year, quarter)."""
    ensure_test_regions()
    pemda = pemda_register(code="32.75", is_demo=True)
    periods = demo_periods()[-2:]
    demo_data_seed(pemda_list=[pemda], periods=periods)
    head = make_user("walikota")
    Membership.objects.create(user=head, pemda=pemda, role=Role.PIMPINAN)
    Membership.objects.create(user=make_user("tim.spm"), pemda=pemda, role=Role.VERIFIKATOR)
    year, quarter = periods[-1]
    ReportState.objects.create(pemda=pemda, year=year, quarter=quarter,
                               status=ReportStatus.DISETUJUI, approved_by=head,
                               approved_at=dt.datetime(year, 3 * quarter, 20, 3, tzinfo=dt.UTC))  # fmt: skip
    return year, quarter


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert scroll <= inner, f"{width} px: the page scrolls sideways ({scroll} px > {inner} px)"


def snap(page, name: str) -> None:
    """var/screenshots/laporan-<name>.png, the whole page (any page: signed in or not)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"laporan-{name}.png"), full_page=True)


def both_widths(page, url: str, name: str, *, ready: str | None = None) -> None:
    """Open ``url`` at 1366 and at 375 px, check the width, take laporan-<name>-<width>.png."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        if ready:
            expect(page.get_by_test_id(ready)).to_be_visible()
        no_sideways_scroll(page, width)
        snap(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def download(page, test_id: str) -> bytes:
    with page.expect_download() as caught:
        page.get_by_test_id(test_id).click()
    return Path(caught.value.path()).read_bytes()


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def percent_value(shown: str) -> Decimal:
    """'71,23 %' (as the page shows it) → Decimal('71.23')."""
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})*(?:,\d+)?)\s*%", shown.strip())
    assert match, f"not a percentage: {shown!r}"
    return Decimal(match.group(1).replace(".", "").replace(",", "."))


def run_db_worker_once() -> DBTaskResult:
    """What one turn of `tuntas db_worker` does (as tuntas/laporan/tests/test_builds.py): the
    e2e server runs no worker."""
    queued = DBTaskResult.objects.ready().get()
    assert queued.task_path == "tuntas.laporan.tasks.report_build_task"
    queued.claim("e2e")
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=1, worker_id="e2e", excluded_queue_names=[],
    ).run_task(queued)  # fmt: skip
    queued.refresh_from_db()
    return queued


def test_approved_report_downloads_and_verifies(live_server, page, browser, approved, tmp_path):
    year, quarter = approved
    base = live_server.url
    report = f"{base}/pemda/32.75/laporan/{year}/{quarter}/"

    sign_in(page, base, "walikota")
    both_widths(page, report, "halaman", ready="sidik")
    # on a phone a table's caption starts at the left, in view (not centred across the width
    # the table scrolls through)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(report)
    caption = page.locator("#bab-2 .jpd caption").first.bounding_box()
    assert caption is not None and caption["x"] < 40, caption
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(report)
    index = page.get_by_test_id("indeks").inner_text()
    value = percent_value(index)
    assert Decimal(0) < value <= Decimal(100), index
    code = page.get_by_test_id("sidik").inner_text().strip()
    assert re.fullmatch(r"[0-9a-z]{16}", code), code
    expect(page.get_by_test_id("laporan-sidik")).to_contain_text("Disetujui")
    expect(page.get_by_test_id("draf")).to_have_count(0)

    # PDF: the index as the page shows it and the fingerprint in its text
    pdf = download(page, "unduh-pdf")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert index.replace("\xa0", " ") in text.replace("\xa0", " "), index
    assert code in text

    # DOCX: a zip whose body names the fingerprint (and the index)
    docx = download(page, "unduh-docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert code in body
    assert index.replace("\xa0", " ").split(" ")[0] in body, index

    # XLSX: calamine opens it; its summary holds the same index (as a number) and fingerprint
    xlsx = download(page, "unduh-xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    facts = {
        row[0]: row[1]
        for row in book.get_sheet_by_name("Ringkasan").to_python()
        if len(row) > 1 and isinstance(row[0], str)
    }
    assert facts["Sidik"] == code
    assert facts["Pemda"] == "Kota Bekasi"
    # a percent cell holds the fraction (0.7335 shown as 73,35 %)
    assert Decimal(str(facts["Indeks SPM (%)"])) * 100 == value

    # the public check, signed out: a new browser context without the session
    anonymous = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 900})
    try:
        public = anonymous.new_page()
        both_widths(public, f"{base}/verifikasi/{code}/", "verifikasi", ready="sidik-cocok")
        expect(public.get_by_test_id("sidik-pemda")).to_have_text("Kota Bekasi (32.75)")
        expect(public.get_by_test_id("sidik-periode")).to_have_text(f"Triwulan {quarter} {year}")
        expect(public.get_by_test_id("sidik-status")).to_have_text("Disetujui")
        expect(public.get_by_test_id("sidik-terkini")).to_be_visible()
        expect(public.get_by_test_id("sidik-indeks")).to_contain_text(index.split(" ")[0])
        response = public.goto(f"{base}/verifikasi/0123456789abcdef/")
        assert response is not None and response.status == 404
        expect(public.get_by_test_id("sidik-tidak-cocok")).to_contain_text("tidak cocok")
        assert "Kota Bekasi" not in public.content()
        public.set_viewport_size({"width": 375, "height": 900})
        no_sideways_scroll(public, 375)
        snap(public, "verifikasi-tidak-cocok-375")
    finally:
        anonymous.close()


def test_background_build_reaches_done_and_downloads(live_server, page, approved):
    year, quarter = approved
    base = live_server.url
    sign_in(page, base, "walikota")
    page.goto(f"{base}/pemda/32.75/laporan/{year}/{quarter}/")
    form = page.get_by_test_id("bangun-latar")
    form.get_by_label("Bangun di latar belakang:").select_option("xlsx")
    form.get_by_role("button", name="Bangun").click()
    page.wait_for_url(re.compile(r"/laporan/bangun/\d+/$"))
    status = page.get_by_test_id("status-bangun")
    expect(status).to_have_attribute("data-status", "antre")
    status_url = page.url
    build = ReportBuild.objects.get()
    assert (build.kind, build.pemda_id, build.year, build.quarter, build.fmt) == (
        "pemda", "32.75", year, quarter, "xlsx",
    )  # fmt: skip
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        no_sideways_scroll(page, width)
        snap(page, f"bangun-antre-{width}")

    task = run_db_worker_once()
    assert task.status == "SUCCESSFUL", task.traceback
    build.refresh_from_db()
    assert build.status == BuildStatus.SELESAI, build.error
    # htmx polls the page every second: it turns to "selesai" without a reload
    expect(status).to_have_attribute("data-status", "selesai", timeout=10000)
    assert page.url == status_url
    expect(page.get_by_test_id("persen")).to_have_text("100%")
    body = download(page, "unduh")
    assert len(body) == build.size
    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    facts = {r[0]: r[1] for r in book.get_sheet_by_name("Ringkasan").to_python() if len(r) > 1}
    assert facts["Periode"].endswith(str(year)), facts["Periode"]
    assert len(facts["Sidik"]) == 16
    both_widths(page, status_url, "bangun-selesai", ready="unduh")


def test_spm_team_edits_the_closing_text(live_server, page, approved):
    year, quarter = approved
    base = live_server.url
    texts = f"{base}/pemda/32.75/laporan/{year}/teks/"

    # the head of region reads the report but does not edit its texts
    sign_in(page, base, "walikota")
    page.goto(f"{base}/pemda/32.75/laporan/{year}/{quarter}/")
    expect(page.get_by_role("link", name=re.compile("Sunting teks"))).to_have_count(0)
    assert page.goto(texts).status == 403

    sign_in(page, base, "tim.spm")
    page.goto(f"{base}/pemda/32.75/laporan/{year}/{quarter}/")
    page.get_by_role("link", name=re.compile("Sunting teks")).click()
    page.wait_for_url(texts)
    both_widths(page, texts, "teks")
    page.get_by_label("Penutup", exact=True).fill(PENUTUP)
    page.get_by_role("button", name="Simpan teks").click()
    expect(page.get_by_text("Teks laporan tersimpan.")).to_be_visible()
    # the section now carries its own text (its label says so)
    expect(page.get_by_label("Penutup (teks sendiri)", exact=True)).to_have_value(PENUTUP)
    expect(page.get_by_label("Latar Belakang", exact=True)).to_be_visible()  # still the default

    page.goto(f"{base}/pemda/32.75/laporan/{year}/{quarter}/")
    expect(page.locator("#bab-4")).to_contain_text(PENUTUP)
    # the annual report of the same year shows it too (texts are per year)
    page.goto(f"{base}/pemda/32.75/laporan/{year}/0/")
    expect(page.locator("#bab-4")).to_contain_text(PENUTUP)
