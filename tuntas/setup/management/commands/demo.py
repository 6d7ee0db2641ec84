"""``tuntas demo``: a living demo in one command.

Registers Kota Bekasi (32.75), Kota Tangerang Selatan (36.74), every kab/kota of Jawa Barat and
Banten and the two provinces as demo pemda (``is_demo``: the screens say *data contoh*), fills
them with synthetic figures from TW1 2024 up to the quarter being reported now
(:mod:`tuntas.pendataan.seed`), and (re)creates one login per role with a new password each run.
Safe to repeat: what exists is kept, nothing is duplicated.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tuntas.akun.models import Membership, Role
from tuntas.akun.services import password_change_require
from tuntas.alur.pengingat import reminders_send
from tuntas.alur.seed import demo_workflow_seed
from tuntas.alur.tenggat import local_today
from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.laporan.seed import demo_reports_seed
from tuntas.organisasi.models import Pemda, PerangkatDaerah
from tuntas.organisasi.services import pemda_register
from tuntas.pendataan.seed import demo_data_seed, demo_periods, demo_region_codes
from tuntas.perencanaan.seed import demo_plan_seed
from tuntas.wilayah.models import Region

PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
HOME_PEMDA = "32.75"  # Kota Bekasi: where the pemda logins work
HOME_PROVINCE = "32"  # Jawa Barat: the provinsi login
# the regions of the source documents get a costed plan (stages 2–4)
PLAN_PEMDA = ("32.75", "36.74")


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # a Role value, or "" for the Django superuser
    label: str
    pemda: str | None
    opd: str | None
    scope: str
    can: str


def logins(bekasi: Pemda, jabar: Pemda) -> list[Login]:
    return [
        Login(
            "operator", Role.OPERATOR, "Operator OPD", bekasi.code, "Dinas Kesehatan",
            f"Dinas Kesehatan {bekasi.name}",
            "mengisi sasaran dan capaian triwulan JPD kesehatan, lalu mengajukannya",
        ),
        Login(
            "verifikator", Role.VERIFIKATOR, "Verifikator", bekasi.code, None,
            f"Tim SPM {bekasi.name}",
            "memeriksa, memverifikasi atau mengembalikan JPD; mengisi semua JPD",
        ),
        Login(
            "admin_pemda", Role.ADMIN_PEMDA, "Admin pemda", bekasi.code, None, bekasi.name,
            "semua isian, verifikasi, mengirim laporan, pengaturan pemda (pengampu JPD)",
        ),
        Login(
            "pimpinan", Role.PIMPINAN, "Pimpinan", bekasi.code, None, bekasi.name,
            "menyetujui laporan triwulan; melihat dasbor dan capaian",
        ),
        Login(
            "provinsi", Role.PROVINSI, "Pembina provinsi", jabar.code, None, jabar.name,
            "memantau kab/kota; menerima, mengembalikan atau membuka laporan mereka",
        ),
        Login(
            "pusat", Role.PUSAT, "Pusat (Kemendagri)", None, None, "nasional",
            "dasbor nasional semua pemda (baca saja)",
        ),
        Login(
            "admin", "", "Administrator sistem", None, None, "seluruh sistem",
            "halaman administrasi /admin/: wilayah, katalog, jejak audit",
        ),
    ]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Siapkan peragaan: pemda contoh Jawa Barat dan Banten berisi data sintetis 2024 s.d. "
        "triwulan berjalan, dan satu akun per peran (kata sandi baru setiap kali)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--alamat", default="http://127.0.0.1:8000", help="alamat aplikasi")
        parser.add_argument(
            "--hanya",
            action="append",
            metavar="KODE",
            help="isi data contoh hanya untuk wilayah ini (boleh diulang atau dipisah koma), "
            "mis. --hanya 32.75",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Jpd.objects.exists() or not Region.objects.filter(code=HOME_PEMDA).exists():
            raise CommandError(
                "Katalog SPM atau data wilayah belum dimuat; jalankan `tuntas init`."
            )
        if options["hanya"]:
            codes = [c.strip() for arg in options["hanya"] for c in arg.split(",") if c.strip()]
        else:
            codes = demo_region_codes()
        start = time.perf_counter()
        try:
            seeded = [pemda_register(code=code, is_demo=True) for code in codes]
            bekasi = pemda_register(code=HOME_PEMDA, is_demo=True)
            jabar = pemda_register(code=HOME_PROVINCE, is_demo=True)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        periods = demo_periods()
        report = demo_data_seed(pemda_list=seeded, periods=periods)
        seconds = time.perf_counter() - start
        table = self._logins(logins(bekasi, jabar))
        names = [login.username for login in logins(bekasi, jabar)]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        chain = demo_workflow_seed(
            pemda_list=[p for p in seeded if p.is_demo], periods=periods, home=bekasi, users=users
        )
        reminders = reminders_send(today=local_today(bekasi))
        plan_year = periods[-1][0]
        plan_pemda = [p for p in seeded if p.is_demo and p.code in PLAN_PEMDA]
        plan = demo_plan_seed(pemda_list=plan_pemda, year=plan_year)
        # the last full year of the home pemda: accepted, and its annual report sealed
        report_year = plan_year - 1
        seal = demo_reports_seed(home=bekasi, year=report_year, head=users.get("pimpinan"))

        url = options["alamat"].rstrip("/") + "/"
        first, last = periods[0], periods[-1]
        provinces = sum(1 for p in seeded if p.level == "provinsi" and p.is_demo)
        lines = [
            "",
            f"Tuntas siap: buka {url}",
            "",
            f"Data contoh (angka sintetis, ditandai “data contoh” di layar): {report.pemda} pemda "
            f"({provinces} provinsi, {report.pemda - provinces} kabupaten/kota), "
            f"TW{first[1]} {first[0]} s.d. TW{last[1]} {last[0]}.",
            f"  baru: {report.targets} sasaran, {report.entries} isian triwulan, "
            f"{report.mutu} isian mutu, {report.results} indeks triwulan; "
            f"{report.periods_skipped} pemda-triwulan sudah ada, dilewati "
            f"({seconds:.1f} detik).",
            f"  alur persetujuan: {chain.reports} laporan triwulan (terkirim/diterima), "
            f"{chain.jpd} JPD terverifikasi; {reminders} pengingat batas waktu baru.",
            f"  perencanaan {plan_year}: {plan.pemda} pemda ({', '.join(p.name for p in plan_pemda)})"
            f" dengan unit layanan ({plan.units} baru), kebutuhan, standar satuan harga, biaya,"
            " rencana lima tahun, baris anggaran, status empat tahap dan rencana aksi.",
            f"  Laporan Penerapan SPM {bekasi.name} tahun {report_year} (semua triwulan diterima):"
            f" {url}pemda/{bekasi.code}/laporan/{report_year}/0/"
            + (f" · sidik {seal.code}: {url}verifikasi/{seal.code}/" if seal else ""),
            f"  Laporan konsolidasi {jabar.name}: {url}provinsi/{jabar.code}/laporan/"
            f"{last[0]}/{last[1]}/ · data terbuka: {url}data/",
        ]
        for code in report.not_demo:
            lines.append(
                f"  Lewati {code}: sudah terdaftar sebagai pemda sungguhan, tidak diisi data contoh."
            )
        lines += [
            "",
            "Akun peragaan (kata sandi dibuat baru setiap `make demo` / `tuntas demo`):",
            *table,
            "",
            f"Setelah masuk, tiap peran langsung dibawa ke dasbornya, mis. {url}pemda/{bekasi.code}/"
            f" ({bekasi.name}), {url}provinsi/{jabar.code}/, {url}nasional/.",
        ]
        base = settings.BASE_DIR
        lines += [
            "",
            "Kalkulator capaian SPM (tanpa basis data), di terminal lain:",
            f"  {base}/.venv/bin/tuntas hitung {base}/contoh/capaian-kab-contoh.csv",
            f"  {base}/.venv/bin/tuntas hitung --json {base}/contoh/capaian-kab-contoh.csv",
            "",
        ]
        self.stdout.write("\n".join(lines))

    @transaction.atomic
    def _logins(self, plan: list[Login]) -> list[str]:
        """Create or refresh each demo user with a new password; the table rows to print."""
        user_model = get_user_model()
        rows = [("Peran", "Pengguna", "Kata sandi", "Lingkup", "Dapat")]
        for login in plan:
            password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
            user, created = user_model.objects.get_or_create(username=login.username)
            user.is_active = True
            user.is_staff = user.is_superuser = login.role == ""
            user.set_password(password)
            user.save()
            # the printed password works as it is: no change asked at sign-in (a reset made
            # through the admin pages before this run is undone with it)
            password_change_require(user=user, required=False)
            if login.role:
                opd = (
                    PerangkatDaerah.objects.get(pemda_id=login.pemda, name=login.opd)
                    if login.opd
                    else None
                )
                Membership.objects.get_or_create(
                    user=user, pemda_id=login.pemda, opd=opd, role=login.role
                )
            audit_event_create(
                action="akun.demo",
                object_type="user",
                object_id=str(user.pk),
                data={"baru": created, "peran": login.role or "superuser"},
            )
            rows.append((login.label, login.username, password, login.scope, login.can))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        return [
            "  "
            + "  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths, strict=True))
            + "  "
            + r[4]
            for r in rows
        ]
