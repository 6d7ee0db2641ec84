"""Workflow steps. Each is one transaction: lock the rows (report state, then JPD state, then the
entry: the order of ``alur.locks``), check who asks and where things stand, change the state,
write the audit row. Refusals are Indonesian: :class:`StepForbidden` (the caller's role may not
take the step: 403), :class:`StepRefused` (not now, from this state: 409), :class:`StepInvalid`
(a reason or a field missing or unknown: 422)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tuntas.akun.scope import Scope
from tuntas.alur import policy
from tuntas.alur.locks import LOCKED_REPORT, locked_reason, report_state_lock
from tuntas.alur.models import (
    FieldFlag,
    FlagComment,
    JpdState,
    JpdStatus,
    ReportState,
    ReportStatus,
)
from tuntas.core.errors import DomainError
from tuntas.core.services import audit_event_create
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opd_id
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.pendataan.selectors import entry_snapshots
from tuntas.pendataan.services import mutu_items_for
from tuntas.pendataan.values import entry_key, field_labels

JPD_STEPS = ("ajukan", "verifikasi", "kembalikan", "buka")
REPORT_STEPS = ("setujui", "kirim", "terima", "kembalikan")
REASON_MAX = 2000


class StepForbidden(DomainError):
    """The caller's role may not take this step (403)."""


class StepRefused(DomainError):
    """Not from where things stand now (409)."""


class StepInvalid(DomainError):
    """A reason or a field is missing or unknown (422); ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def report_key(pemda_code: str, year: int, quarter: int) -> str:
    return f"{pemda_code}/{year}/TW{quarter}"


def _reason(reason: str, *, needed: bool) -> str:
    text = reason.strip()
    if needed and not text:
        raise StepInvalid("alasan", gettext("Alasan wajib diisi untuk langkah ini."))
    if len(text) > REASON_MAX:
        raise StepInvalid(
            "alasan",
            gettext("Alasan terlalu panjang (paling banyak %(n)s karakter).") % {"n": REASON_MAX},
        )
    return text


def _status_label(status: str, choices: type[JpdStatus] | type[ReportStatus]) -> str:
    return str(choices(status).label).lower()


def _flags_open(
    *,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    quarter: int,
    fields: Iterable[str],
    reason: str,
    actor: User | None,
) -> list[str]:
    """Point a return at single values: each gets a flag (unless one is open) whose thread
    starts with the reason. Unknown keys are refused by name."""
    wanted = list(dict.fromkeys(f for f in fields if f))
    if not wanted:
        return []
    labels = field_labels(mutu_items_for(jpd=jpd, year=year))
    unknown = [f for f in wanted if f not in labels]
    if unknown:
        raise StepInvalid(
            "isian",
            gettext("Isian %(fields)s tidak dikenal untuk JPD %(jpd)s.")
            % {"fields": ", ".join(unknown), "jpd": jpd.code},
        )
    open_fields = set(
        FieldFlag.objects.filter(
            pemda=pemda, jpd=jpd, year=year, quarter=quarter, resolved_at__isnull=True
        ).values_list("field", flat=True)
    )
    for key in wanted:
        flag = (
            FieldFlag.objects.filter(
                pemda=pemda,
                jpd=jpd,
                year=year,
                quarter=quarter,
                field=key,
                resolved_at__isnull=True,
            ).first()
            if key in open_fields
            else FieldFlag.objects.create(
                pemda=pemda, jpd=jpd, year=year, quarter=quarter, field=key, opened_by=actor
            )
        )
        assert flag is not None
        FlagComment.objects.create(pemda=pemda, flag=flag, author=actor, text=reason)
    return wanted


def _flags_resolve(*, pemda: Pemda, jpd: Jpd, year: int, quarter: int, actor: User | None) -> int:
    return FieldFlag.objects.filter(
        pemda=pemda, jpd=jpd, year=year, quarter=quarter, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolved_by=actor)


def _audit(
    *,
    action: str,
    actor: User | None,
    pemda: Pemda,
    object_type: str,
    object_id: str,
    before: str,
    after: str,
    **data: object,
) -> None:
    audit_event_create(
        action=f"alur.{action}",
        actor=actor,
        pemda=pemda.code,
        object_type=object_type,
        object_id=object_id,
        data={
            "dari": before,
            "ke": after,
            **{k: v for k, v in data.items() if v not in ("", [], None)},
        },
    )


@transaction.atomic
def jpd_step(
    *,
    scope: Scope,
    pemda: Pemda,
    jpd: Jpd,
    year: int,
    quarter: int,
    step: str,
    actor: User | None,
    reason: str = "",
    fields: Iterable[str] = (),
) -> JpdState:
    """``ajukan`` (the OPD submits), ``verifikasi`` (the SPM team), ``kembalikan`` (the SPM team
    returns it with a reason, maybe pointing at values) or ``buka`` (unlock this one JPD with a
    reason: the SPM team before sending, the receiving level after; an approved or sent report
    goes back to ``disusun``)."""
    if step not in JPD_STEPS:
        raise StepInvalid("aksi", gettext("Langkah %(step)s tidak dikenal.") % {"step": step})
    report = report_state_lock(pemda=pemda, year=year, quarter=quarter)
    state, _ = JpdState.objects.select_for_update().get_or_create(
        pemda=pemda, jpd=jpd, year=year, quarter=quarter
    )
    before = state.status
    now = timezone.now()
    pointed: list[str] = []
    text = ""
    if step == "ajukan":
        if not policy.may_submit(scope, pemda, pengampu_opd_id(pemda=pemda, jpd=jpd)):
            raise StepForbidden(
                gettext("Hanya OPD pengampu JPD ini atau tim SPM yang dapat mengajukannya.")
            )
        if report.status in LOCKED_REPORT:
            raise StepRefused(
                locked_reason(report=report, jpd_state=None, jpd=jpd, quarter=quarter, year=year)
                or ""
            )
        if state.status not in (JpdStatus.DRAF, JpdStatus.DIKEMBALIKAN):
            raise StepRefused(
                gettext("JPD %(jpd)s sudah %(status)s.")
                % {"jpd": jpd.code, "status": _status_label(state.status, JpdStatus)}
            )
        entry = (
            QuarterEntry.objects.select_for_update()
            .filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
            .first()
        )
        if entry is None or not entry.is_complete:
            raise StepRefused(
                gettext(
                    "Isian JPD %(jpd)s belum lengkap: sasaran, terlayani dan setiap item mutu "
                    "harus terisi sebelum diajukan."
                )
                % {"jpd": jpd.code}
            )
        state.status = JpdStatus.DIAJUKAN
        state.submitted_at, state.submitted_by = now, actor
    elif step == "verifikasi":
        if not policy.is_spm_team(scope, pemda):
            raise StepForbidden(
                gettext("Hanya tim SPM (verifikator atau admin pemda) yang memverifikasi.")
            )
        if report.status in LOCKED_REPORT:
            raise StepRefused(
                locked_reason(report=report, jpd_state=None, jpd=jpd, quarter=quarter, year=year)
                or ""
            )
        if state.status != JpdStatus.DIAJUKAN:
            raise StepRefused(
                gettext(
                    "JPD %(jpd)s berstatus %(status)s; hanya JPD yang diajukan dapat diverifikasi."
                )
                % {"jpd": jpd.code, "status": _status_label(state.status, JpdStatus)}
            )
        state.status = JpdStatus.DIVERIFIKASI
        state.verified_at, state.verified_by = now, actor
        state.verified_values = entry_snapshots(pemda, year, quarter, [jpd.code]).get(jpd.code, {})
        _flags_resolve(pemda=pemda, jpd=jpd, year=year, quarter=quarter, actor=actor)
    elif step == "kembalikan":
        if not policy.is_spm_team(scope, pemda):
            raise StepForbidden(
                gettext("Hanya tim SPM (verifikator atau admin pemda) yang mengembalikan JPD.")
            )
        if report.status in LOCKED_REPORT:
            raise StepRefused(
                gettext(
                    "Laporan sudah %(status)s; gunakan “buka” untuk membuka satu JPD dengan alasan."
                )
                % {"status": _status_label(report.status, ReportStatus)}
            )
        if state.status not in (JpdStatus.DIAJUKAN, JpdStatus.DIVERIFIKASI):
            raise StepRefused(
                gettext("JPD %(jpd)s berstatus %(status)s; tidak ada yang dapat dikembalikan.")
                % {"jpd": jpd.code, "status": _status_label(state.status, JpdStatus)}
            )
        text = _reason(reason, needed=True)
        pointed = _flags_open(
            pemda=pemda,
            jpd=jpd,
            year=year,
            quarter=quarter,
            fields=fields,
            reason=text,
            actor=actor,
        )
        state.status, state.reason = JpdStatus.DIKEMBALIKAN, text
    else:  # buka
        sent = report.status in (ReportStatus.DIKIRIM, ReportStatus.DITERIMA)
        allowed = policy.is_receiver(scope, pemda) if sent else policy.is_spm_team(scope, pemda)
        if not allowed:
            raise StepForbidden(
                gettext("Laporan sudah dikirim: hanya penerima laporan yang dapat membuka JPD.")
                if sent
                else gettext("Hanya tim SPM yang dapat membuka JPD sebelum laporan dikirim.")
            )
        if (
            state.status not in (JpdStatus.DIAJUKAN, JpdStatus.DIVERIFIKASI)
            and report.status not in LOCKED_REPORT
        ):
            raise StepRefused(
                gettext("JPD %(jpd)s berstatus %(status)s dan tidak terkunci.")
                % {"jpd": jpd.code, "status": _status_label(state.status, JpdStatus)}
            )
        text = _reason(reason, needed=True)
        pointed = _flags_open(
            pemda=pemda,
            jpd=jpd,
            year=year,
            quarter=quarter,
            fields=fields,
            reason=text,
            actor=actor,
        )
        state.status, state.reason = JpdStatus.DIKEMBALIKAN, text
        if report.status in LOCKED_REPORT:
            _report_reopen(report=report, pemda=pemda, actor=actor, because=jpd.code, reason=text)
    state.save()
    _audit(
        action=f"jpd.{step}",
        actor=actor,
        pemda=pemda,
        object_type="jpd",
        object_id=entry_key(pemda.code, year, quarter, jpd.code),
        before=before,
        after=state.status,
        alasan=text,
        isian=pointed,
    )
    return state


def _report_reopen(
    *, report: ReportState, pemda: Pemda, actor: User | None, because: str, reason: str
) -> None:
    """An unlock sends an approved or sent report back to ``disusun``; its history stays."""
    before = report.status
    report.status = ReportStatus.DISUSUN
    report.save()
    _audit(
        action="laporan.susun-ulang",
        actor=actor,
        pemda=pemda,
        object_type="laporan",
        object_id=report_key(pemda.code, report.year, report.quarter),
        before=before,
        after=report.status,
        alasan=reason,
        jpd=because,
    )


def open_jpd(pemda: Pemda, year: int, quarter: int) -> list[tuple[str, str]]:
    """``(JPD code, status)`` of every JPD with a target this year that is not yet verified."""
    targeted = list(
        AnnualTarget.objects.filter(pemda=pemda, year=year)
        .order_by("jpd_id")
        .values_list("jpd_id", flat=True)
    )
    states = dict(
        JpdState.objects.filter(pemda=pemda, year=year, quarter=quarter).values_list(
            "jpd_id", "status"
        )
    )
    return [
        (code, states.get(code, JpdStatus.DRAF))
        for code in targeted
        if states.get(code) != JpdStatus.DIVERIFIKASI
    ]


@transaction.atomic
def report_step(
    *,
    scope: Scope,
    pemda: Pemda,
    year: int,
    quarter: int,
    step: str,
    actor: User | None,
    reason: str = "",
    points: Iterable[tuple[Jpd, str]] = (),
) -> ReportState:
    """``setujui`` (the head, or admin pemda "atas nama" with a note in ``reason``; every JPD
    with a target verified), ``kirim`` (to the province, a province's to pusat), ``terima`` or
    ``kembalikan`` (the receiving level; a return needs a reason and may point at values of
    single JPD — those JPD are returned to their OPD)."""
    if step not in REPORT_STEPS:
        raise StepInvalid("aksi", gettext("Langkah %(step)s tidak dikenal.") % {"step": step})
    report = report_state_lock(pemda=pemda, year=year, quarter=quarter)
    before = report.status
    now = timezone.now()
    text = ""
    extra: dict[str, object] = {}
    status_now = _status_label(report.status, ReportStatus)
    if step == "setujui":
        if not policy.may_approve(scope, pemda):
            raise StepForbidden(
                gettext(
                    "Hanya pimpinan (atau admin pemda atas nama pimpinan) yang menyetujui laporan."
                )
            )
        if report.status not in (ReportStatus.DISUSUN, ReportStatus.DIKEMBALIKAN):
            raise StepRefused(gettext("Laporan sudah %(status)s.") % {"status": status_now})
        waiting = open_jpd(pemda, year, quarter)
        if waiting:
            raise StepRefused(
                gettext("Belum dapat disetujui: JPD berikut belum diverifikasi: %(list)s.")
                % {
                    "list": ", ".join(
                        f"{code} ({_status_label(status, JpdStatus)})" for code, status in waiting
                    )
                }
            )
        if not AnnualTarget.objects.filter(pemda=pemda, year=year).exists():
            raise StepRefused(
                gettext("Belum ada JPD bersasaran tahun ini; tidak ada yang disetujui.")
            )
        on_behalf = policy.approves_on_behalf(scope, pemda)
        text = _reason(reason, needed=on_behalf)
        report.status = ReportStatus.DISETUJUI
        report.approved_at, report.approved_by = now, actor
        report.on_behalf_note = text if on_behalf else ""
        report.approved_values = entry_snapshots(pemda, year, quarter)
        extra["atas_nama"] = on_behalf
    elif step == "kirim":
        if not policy.may_send(scope, pemda):
            raise StepForbidden(gettext("Hanya pimpinan atau admin pemda yang mengirim laporan."))
        if report.status != ReportStatus.DISETUJUI:
            raise StepRefused(
                gettext("Laporan berstatus %(status)s; hanya laporan yang disetujui dapat dikirim.")
                % {"status": status_now}
            )
        report.status = ReportStatus.DIKIRIM
        report.sent_at = now
        report.first_sent_at = report.first_sent_at or now
    else:  # terima, kembalikan: the receiving level
        if not policy.is_receiver(scope, pemda):
            raise StepForbidden(
                gettext(
                    "Hanya penerima laporan (provinsi; pusat untuk laporan provinsi) yang dapat "
                    "menerimanya."
                )
                if step == "terima"
                else gettext(
                    "Hanya penerima laporan (provinsi; pusat untuk laporan provinsi) yang dapat "
                    "mengembalikannya."
                )
            )
        if report.status != ReportStatus.DIKIRIM:
            raise StepRefused(
                gettext(
                    "Laporan berstatus %(status)s; hanya laporan terkirim yang dapat diputuskan."
                )
                % {"status": status_now}
            )
        report.decided_at = now
        if step == "terima":
            report.status = ReportStatus.DITERIMA
        else:
            text = _reason(reason, needed=True)
            returned: dict[str, list[str]] = {}
            for jpd, field in points:
                returned.setdefault(jpd.code, [])
                state, _ = JpdState.objects.select_for_update().get_or_create(
                    pemda=pemda, jpd=jpd, year=year, quarter=quarter
                )
                returned[jpd.code] += _flags_open(
                    pemda=pemda,
                    jpd=jpd,
                    year=year,
                    quarter=quarter,
                    fields=[field] if field else [],
                    reason=text,
                    actor=actor,
                )
                if state.status != JpdStatus.DIKEMBALIKAN:
                    jpd_before = state.status
                    state.status, state.reason = JpdStatus.DIKEMBALIKAN, text
                    state.save()
                    _audit(
                        action="jpd.kembalikan",
                        actor=actor,
                        pemda=pemda,
                        object_type="jpd",
                        object_id=entry_key(pemda.code, year, quarter, jpd.code),
                        before=jpd_before,
                        after=state.status,
                        alasan=text,
                        isian=returned[jpd.code],
                    )
            report.status = ReportStatus.DIKEMBALIKAN
            extra["jpd"] = sorted(returned)
    report.reason = text or report.reason
    report.save()
    _audit(
        action=f"laporan.{step}",
        actor=actor,
        pemda=pemda,
        object_type="laporan",
        object_id=report_key(pemda.code, year, quarter),
        before=before,
        after=report.status,
        alasan=text,
        **extra,
    )
    return report


@transaction.atomic
def flag_comment_add(
    *,
    scope: Scope,
    pemda: Pemda,
    flag: FieldFlag,
    text: str,
    actor: User | None,
    resolve: bool = False,
) -> FieldFlag:
    """Answer on a flagged value's thread (whoever may enter the JPD or the SPM team); the SPM
    team may also mark it resolved."""
    if flag.pemda_id != pemda.code:
        raise StepRefused(gettext("Tanda isian tidak ditemukan."))
    team = policy.is_spm_team(scope, pemda)
    if not team and not policy.may_submit(scope, pemda, pengampu_opd_id(pemda=pemda, jpd=flag.jpd)):
        raise StepForbidden(gettext("Peran Anda hanya dapat membaca percakapan ini."))
    body = text.strip()
    if not body and not resolve:
        raise StepInvalid("komentar", gettext("Komentar kosong."))
    if len(body) > REASON_MAX:
        raise StepInvalid(
            "komentar",
            gettext("Komentar terlalu panjang (paling banyak %(n)s karakter).") % {"n": REASON_MAX},
        )
    if flag.resolved_at is not None:
        raise StepRefused(gettext("Tanda isian ini sudah selesai."))
    if body:
        FlagComment.objects.create(pemda=pemda, flag=flag, author=actor, text=body)
    if resolve:
        if not team:
            raise StepForbidden(gettext("Hanya tim SPM yang menandai selesai."))
        flag.resolved_at, flag.resolved_by = timezone.now(), actor
        flag.save()
    audit_event_create(
        action="alur.tanda.selesai" if resolve else "alur.tanda.komentar",
        actor=actor,
        pemda=pemda.code,
        object_type="jpd",
        object_id=entry_key(pemda.code, flag.year, flag.quarter, flag.jpd_id),
        data={"isian": flag.field, "komentar": body},
    )
    return flag
