"""Deadline reminders: who gets them and when, once each; e-mail (retried after a failure);
the page /pengingat/ and the header's unread count; ``tuntas pengingat`` and its task."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from tuntas.akun.models import Membership, Role
from tuntas.alur.models import Reminder, ReportState, ReportStatus
from tuntas.alur.pengingat import reminder_kind, reminders_send
from tuntas.alur.tasks import reminders_send_task
from tuntas.alur.tenggat import deadline_set
from tuntas.core.models import AuditEvent
from tuntas.organisasi.models import JpdAssignment, PerangkatDaerah
from tuntas.testing import PersonaTestCase, make_user
from tuntas.testing.api import entry_fill

YEAR, TW = 2025, 2  # reported from July; default deadline 20 July 2025
H7, H1, LATE = dt.date(2025, 7, 13), dt.date(2025, 7, 19), dt.date(2025, 7, 21)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def who(**filters: object) -> set[tuple[str, str, str]]:
    return {
        (r.pemda_id, r.kind, r.user.username)
        for r in Reminder.objects.filter(**filters).select_related("user")
    }


class ReminderServiceTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name in ("admin_a", "operator_kes"):
            cls.users[name].email = f"{name}@bekasikota.go.id"
            cls.users[name].save()
        # an OPD whose one JPD is complete: its operator gets nothing
        a = cls.pemda_a
        sosial = PerangkatDaerah.objects.create(pemda=a, name="Dinas Sosial Uji")
        JpdAssignment.objects.filter(pemda=a, jpd_id="1.06.K01").update(opd=sosial)
        entry_fill(a, "1.06.K01", year=YEAR, quarter=TW, sasaran=10, terlayani=10)
        cls.users["operator_sos"] = make_user("operator_sos")
        Membership.objects.create(
            user=cls.users["operator_sos"], pemda=a, opd=sosial, role=Role.OPERATOR
        )

    def test_which_reminder_is_due(self):
        due = dt.date(2025, 7, 20)
        self.assertIsNone(reminder_kind(due, dt.date(2025, 7, 12)))  # 8 days left
        self.assertEqual(reminder_kind(due, H7), "h-7")
        self.assertEqual(reminder_kind(due, dt.date(2025, 7, 18)), "h-7")  # caught up if missed
        self.assertEqual(reminder_kind(due, H1), "h-1")
        self.assertEqual(reminder_kind(due, due), "h-1")  # the deadline's day itself
        self.assertEqual(reminder_kind(due, LATE), "terlambat")

    def test_h7_goes_to_admins_and_operators_of_incomplete_jpd(self):
        made = reminders_send(today=H7)
        expected = {
            ("32.75", "h-7", "admin_a"),
            ("32.75", "h-7", "operator_kes"),
            ("32.75", "h-7", "operator_dik"),
            ("36.74", "h-7", "admin_b"),
            ("36.74", "h-7", "outsider"),
        }  # not verifikator, pimpinan, provinsi, pusat; not operator_sos (all complete)
        self.assertEqual(who(), expected)
        self.assertEqual(made, 5)
        reminder = Reminder.objects.get(user=self.users["operator_kes"])
        self.assertEqual((reminder.year, reminder.quarter), (YEAR, TW))
        self.assertIn("Laporan SPM TW2 2025 Kota Bekasi belum dikirim", reminder.text)
        self.assertIn("20 Juli 2025 (belum dikonfirmasi), 7 hari lagi", reminder.text)
        self.assertIn("1.02.K01", reminder.text)  # the OPD's incomplete JPD are named
        admin = Reminder.objects.get(user=self.users["admin_a"])
        self.assertNotIn("JPD perangkat daerah Anda", admin.text)
        # e-mailed to the two with an address
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), [
            "admin_a@bekasikota.go.id", "operator_kes@bekasikota.go.id"
        ])  # fmt: skip
        self.assertEqual(
            mail.outbox[0].subject, "[Tuntas] Pengingat laporan SPM TW2 2025 — Kota Bekasi"
        )
        self.assertIn("7 hari lagi", mail.outbox[0].body)
        self.assertEqual(Reminder.objects.filter(emailed_at__isnull=False).count(), 2)
        self.assertEqual(
            AuditEvent.objects.filter(action="pengingat.buat").values_list("pemda", flat=True)
            .order_by("pemda").distinct().count(),
            2,
        )  # fmt: skip

    def test_running_again_sends_nothing_twice(self):
        reminders_send(today=H7)
        count, mails = Reminder.objects.count(), len(mail.outbox)
        self.assertEqual(reminders_send(today=H7), 0)
        self.assertEqual(reminders_send(today=dt.date(2025, 7, 15)), 0)  # still the h-7 window
        self.assertEqual((Reminder.objects.count(), len(mail.outbox)), (count, mails))

    def test_h1_and_late_each_once_then_nothing_before_h7(self):
        self.assertEqual(reminders_send(today=dt.date(2025, 7, 1)), 0)  # 19 days left
        self.assertEqual(reminders_send(today=H1), 5)
        self.assertEqual(reminders_send(today=LATE), 5)
        self.assertEqual(reminders_send(today=dt.date(2025, 8, 5)), 0)  # late: once
        self.assertEqual({k for _, k, _ in who()}, {"h-1", "terlambat"})
        late = Reminder.objects.get(user=self.users["admin_a"], kind="terlambat")
        self.assertIn(
            "terlambat: batas waktu 20 Juli 2025 (belum dikonfirmasi) sudah lewat", late.text
        )

    def test_a_sent_report_gets_no_reminder(self):
        # (the entry saved in setUpTestData made pemda A's state row: update_or_create)
        returned = {
            "status": ReportStatus.DIKEMBALIKAN,
            "first_sent_at": dt.datetime(2025, 7, 10, tzinfo=dt.UTC),
        }
        ReportState.objects.update_or_create(
            pemda=self.pemda_a, year=YEAR, quarter=TW, defaults=returned
        )  # returned after sending: it was sent
        ReportState.objects.update_or_create(
            pemda=self.pemda_b, year=YEAR, quarter=TW, defaults={"status": ReportStatus.DISETUJUI}
        )  # approved, not sent: still reminded
        reminders_send(today=H7)
        self.assertEqual({p for p, _, _ in who()}, {"36.74"})

    def test_the_stored_deadline_decides(self):
        deadline_set(year=YEAR, quarter=TW, due=dt.date(2025, 7, 31), confirmed=True)
        self.assertEqual(reminders_send(today=H7), 0)  # 18 days left now
        self.assertEqual(reminders_send(today=dt.date(2025, 7, 24)), 5)
        text = Reminder.objects.get(user=self.users["admin_a"]).text
        self.assertIn("Batas waktu 31 Juli 2025, 7 hari lagi", text)

    def test_inactive_users_get_nothing(self):
        self.users["admin_b"].is_active = False
        self.users["admin_b"].save()
        reminders_send(today=H7)
        self.assertNotIn(("36.74", "h-7", "admin_b"), who())

    def test_a_failed_mail_is_sent_at_the_next_run(self):
        with (
            mock.patch("tuntas.alur.pengingat.send_mail", side_effect=OSError("SMTP mati")),
            self.assertLogs("tuntas.alur.pengingat", "ERROR"),
        ):
            reminders_send(today=H7)
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(Reminder.objects.filter(emailed_at__isnull=False).exists())
        self.assertEqual(reminders_send(today=dt.date(2025, 7, 14)), 0)  # no new reminder...
        self.assertEqual(len(mail.outbox), 2)  # ...but the mails go out now
        self.assertEqual(Reminder.objects.filter(emailed_at__isnull=False).count(), 2)
        reminders_send(today=dt.date(2025, 7, 15))
        self.assertEqual(len(mail.outbox), 2)  # and only once

    def test_the_command(self):
        out = StringIO()
        call_command("pengingat", "--tanggal", "2025-07-13", "--langsung", stdout=out)
        self.assertEqual(out.getvalue().strip(), "5 pengingat dibuat untuk 2025-07-13.")
        with self.assertRaisesMessage(CommandError, "--tanggal harus tanggal berformat TTTT-BB-HH"):
            call_command("pengingat", "--tanggal", "13/07/2025", "--langsung")

    @override_settings(TASKS=IMMEDIATE)
    def test_the_command_enqueues_the_task(self):
        out = StringIO()
        call_command("pengingat", "--tanggal", "2025-07-19", stdout=out)
        self.assertIn("Pengingat 2025-07-19 masuk antrean", out.getvalue())
        self.assertEqual(Reminder.objects.filter(kind="h-1").count(), 5)  # run at once here
        result = reminders_send_task.enqueue(today="2025-07-21")
        self.assertEqual(result.return_value, 5)


class ReminderPageTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        reminders_send(today=H7)

    def test_header_shows_the_unread_count_to_those_who_get_reminders(self):
        self.login("admin_a")
        page = self.client.get("/pengingat/").content.decode()
        self.assertIn('title="belum dibaca">1<', page)
        self.assertIn("7 hari lagi", page)
        self.assertIn("WIB", page)
        self.login("pimpinan_a")  # no reminders for this role: no link, no query
        page = self.client.get("/pengingat/").content.decode()
        self.assertNotIn('data-testid="pengingat"', page)
        self.assertIn("Belum ada pengingat.", page)

    def test_each_user_sees_only_their_own(self):
        self.login("operator_kes")
        page = self.client.get("/pengingat/").content.decode()
        mine = Reminder.objects.get(user=self.users["operator_kes"])
        other = Reminder.objects.get(user=self.users["admin_a"])
        self.assertIn(f'data-testid="pengingat-{mine.pk}"', page)
        self.assertNotIn(f'data-testid="pengingat-{other.pk}"', page)
        # marking someone else's: 404, nothing changes
        response = self.client.post("/pengingat/dibaca/", {"pengingat": other.pk})
        self.assertEqual(response.status_code, 404)
        other.refresh_from_db()
        self.assertIsNone(other.read_at)

    def test_mark_read(self):
        self.login("admin_a")
        reminder = Reminder.objects.get(user=self.users["admin_a"])
        response = self.client.post("/pengingat/dibaca/", {"pengingat": reminder.pk})
        self.assertRedirects(response, "/pengingat/", fetch_redirect_response=False)
        reminder.refresh_from_db()
        self.assertIsNotNone(reminder.read_at)
        page = self.client.get("/pengingat/").content.decode()
        self.assertNotIn('data-testid="pengingat-belum-dibaca"', page)
        self.assertIn("1 pengingat ditandai dibaca.", page)
        self.assertTrue(AuditEvent.objects.filter(action="pengingat.baca", pemda="32.75").exists())

    def test_mark_all_and_bad_input(self):
        self.login("operator_kes")
        response = self.client.post("/pengingat/dibaca/", {})
        self.assertRedirects(response, "/pengingat/", fetch_redirect_response=False)
        self.assertIn("Pilih pengingat", self.client.get("/pengingat/").content.decode())
        self.assertEqual(
            self.client.post("/pengingat/dibaca/", {"pengingat": "x"}).status_code, 404
        )
        self.assertFalse(Reminder.objects.filter(read_at__isnull=False).exists())
        self.client.post("/pengingat/dibaca/", {"semua": "1"})
        self.assertEqual(
            set(
                Reminder.objects.filter(read_at__isnull=False).values_list(
                    "user__username", flat=True
                )
            ),
            {"operator_kes"},
        )

    def test_time_in_the_pemda_zone(self):
        from tuntas.alur.tests.test_tenggat import papua_register

        jayapura = papua_register()
        admin = make_user("admin_jayapura")
        Membership.objects.create(user=admin, pemda=jayapura, role=Role.ADMIN_PEMDA)
        reminders_send(today=H1)
        self.client.force_login(admin)
        page = self.client.get("/pengingat/").content.decode()
        self.assertIn("WIT", page)
        self.assertIn("Kota Jayapura", page)
