"""Reads of the workflow. The first argument is the pemda already fetched through the scope
check (``tuntas.akun.scope.pemda_get_for_user``); a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from tuntas.akun.scope import Scope
from tuntas.alur import policy
from tuntas.alur.locks import LOCKED_JPD, LOCKED_REPORT, locked_reason
from tuntas.alur.models import (
    FieldFlag,
    FlagComment,
    JpdState,
    JpdStatus,
    ReportState,
    ReportStatus,
)
from tuntas.alur.tenggat import ReportTimeliness, classify, deadline_for
from tuntas.core.formatting import waktu
from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import Pemda
from tuntas.organisasi.selectors import pengampu_opds
from tuntas.pendataan.locks import EntryNotes, FlagNote
from tuntas.pendataan.models import AnnualTarget, QuarterEntry
from tuntas.pendataan.selectors import entry_snapshots
from tuntas.pendataan.services import mutu_items_for
from tuntas.pendataan.values import entry_key, field_labels, values_differ
from tuntas.wilayah.models import Region

STEP_NAMES = {
    "ajukan": gettext_lazy("Ajukan"),
    "verifikasi": gettext_lazy("Verifikasi"),
    "kembalikan": gettext_lazy("Kembalikan"),
    "buka": gettext_lazy("Buka kembali"),
    "setujui": gettext_lazy("Setujui"),
    "kirim": gettext_lazy("Kirim"),
    "terima": gettext_lazy("Terima"),
}


def named(steps: list[str]) -> list[tuple[str, str]]:
    """``(step, its button label)`` for a page."""
    return [(s, str(STEP_NAMES[s])) for s in steps]


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    old: object
    new: object


@dataclass
class JpdRow:
    jpd: Jpd
    opd_id: int | None
    opd_name: str
    status: str
    reason: str
    has_target: bool
    complete: bool
    flags_open: int
    holder: str
    steps: list[str] = field(default_factory=list)
    # what changed since the JPD was last verified (after it was returned or unlocked)
    changes: list[Change] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(JpdStatus(self.status).label)

    @property
    def named_steps(self) -> list[tuple[str, str]]:
        return named(self.steps)

    @property
    def is_open(self) -> bool:
        """Counts against approval: has a target and is not verified."""
        return self.has_target and self.status != JpdStatus.DIVERIFIKASI


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    by: str
    action: str
    label: str
    reason: str
    jpd: str


@dataclass
class ReportBoard:
    pemda: Pemda
    year: int
    quarter: int
    report: ReportState
    rows: list[JpdRow]
    history: list[HistoryRow]
    holder: str
    steps: list[str]
    # JPD code → what changed since the report was approved (after an unlock)
    changes_since_approval: dict[str, list[Change]]
    on_behalf: bool
    timeliness: ReportTimeliness

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.report.status).label)

    @property
    def named_steps(self) -> list[tuple[str, str]]:
        return named(self.steps)

    @property
    def open_rows(self) -> list[JpdRow]:
        return [r for r in self.rows if r.is_open]


def report_state_get(pemda: Pemda, year: int, quarter: int) -> ReportState:
    """The stored state, or an unsaved ``disusun`` one."""
    return ReportState.objects.filter(pemda=pemda, year=year, quarter=quarter).first() or (
        ReportState(pemda=pemda, year=year, quarter=quarter)
    )


def receiver_name(pemda: Pemda) -> str:
    """Who receives the pemda's report: its province, or the ministry for a province."""
    if pemda.level != "kabkota":
        return gettext("Kemendagri (pusat)")
    name = (
        Region.objects.filter(code=pemda.province_code).values_list("name", flat=True).first()
        or pemda.province_code
    )
    return gettext("Provinsi %(name)s") % {"name": name.title() if name.isupper() else name}


def diff(
    before: dict[str, object], after: dict[str, object], labels: dict[str, str]
) -> list[Change]:
    keys = list(labels) + [k for k in list(before) + list(after) if k not in labels]
    out = []
    for key in dict.fromkeys(keys):
        old, new = before.get(key), after.get(key)
        if values_differ(old, new):
            out.append(Change(key, labels.get(key, key), old, new))
    return out


def _jpd_holder(status: str, opd_name: str, report_status: str) -> str:
    if status == JpdStatus.DRAF:
        return gettext("Operator %(opd)s (mengisi)") % {"opd": opd_name}
    if status == JpdStatus.DIKEMBALIKAN:
        return gettext("Operator %(opd)s (memperbaiki)") % {"opd": opd_name}
    if status == JpdStatus.DIAJUKAN:
        return gettext("Tim SPM (memverifikasi)")
    if report_status in (ReportStatus.DISUSUN, ReportStatus.DIKEMBALIKAN):
        return gettext("Pimpinan (menunggu persetujuan laporan)")
    return "—"


def jpd_steps_allowed(
    scope: Scope, pemda: Pemda, report_status: str, status: str, opd_id: int | None
) -> list[str]:
    """The steps this user may take on this JPD now (what the page offers; the service decides
    again)."""
    steps = []
    locked_report = report_status in LOCKED_REPORT
    sent = report_status in (ReportStatus.DIKIRIM, ReportStatus.DITERIMA)
    team = policy.is_spm_team(scope, pemda)
    if not locked_report:
        if status in (JpdStatus.DRAF, JpdStatus.DIKEMBALIKAN) and policy.may_submit(
            scope, pemda, opd_id
        ):
            steps.append("ajukan")
        if status == JpdStatus.DIAJUKAN and team:
            steps.append("verifikasi")
        if status in LOCKED_JPD and team:
            steps.append("kembalikan")
    # unlock one JPD of an approved or sent report: the SPM team before sending, the
    # receiving level after (before approval, "kembalikan" does it)
    if locked_report and (policy.is_receiver(scope, pemda) if sent else team):
        steps.append("buka")
    return steps


def report_steps_allowed(scope: Scope, pemda: Pemda, status: str) -> list[str]:
    steps = []
    if status in (ReportStatus.DISUSUN, ReportStatus.DIKEMBALIKAN) and policy.may_approve(
        scope, pemda
    ):
        steps.append("setujui")
    if status == ReportStatus.DISETUJUI and policy.may_send(scope, pemda):
        steps.append("kirim")
    if status == ReportStatus.DIKIRIM and policy.is_receiver(scope, pemda):
        steps += ["terima", "kembalikan"]
    return steps


def _who(user: User | None) -> str:
    if user is None:
        return gettext("sistem")
    return user.get_full_name() or user.get_username()


STEP_LABELS = {
    "alur.jpd.ajukan": "JPD %(jpd)s diajukan",
    "alur.jpd.verifikasi": "JPD %(jpd)s diverifikasi",
    "alur.jpd.kembalikan": "JPD %(jpd)s dikembalikan",
    "alur.jpd.buka": "JPD %(jpd)s dibuka kembali",
    "alur.laporan.setujui": "Laporan disetujui",
    "alur.laporan.kirim": "Laporan dikirim",
    "alur.laporan.terima": "Laporan diterima",
    "alur.laporan.kembalikan": "Laporan dikembalikan",
    "alur.laporan.susun-ulang": "Laporan kembali disusun (JPD %(jpd)s dibuka)",
    "alur.tanda.komentar": "Komentar pada JPD %(jpd)s",
    "alur.tanda.selesai": "Tanda isian JPD %(jpd)s selesai",
}


def step_label(event: AuditEvent) -> str:
    jpd = event.object_id.rsplit("/", 1)[-1] if event.object_type == "jpd" else ""
    jpd = jpd or str(event.data.get("jpd", ""))
    template = STEP_LABELS.get(event.action)
    if template is None:
        return event.action
    label = gettext(template) % {"jpd": jpd}
    if event.data.get("atas_nama"):
        label += " " + gettext("(atas nama pimpinan)")
    return label


def workflow_history(pemda: Pemda, year: int, quarter: int) -> list[HistoryRow]:
    """Every workflow step of the quarter, oldest first (the append-only audit)."""
    prefix = f"{pemda.code}/{year}/TW{quarter}"
    events = (
        AuditEvent.objects.filter(pemda=pemda.code, action__startswith="alur.")
        .filter(Q(object_id=prefix) | Q(object_id__startswith=prefix + "/"))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    rows = []
    for e in events:
        jpd = e.object_id.rsplit("/", 1)[-1] if e.object_type == "jpd" else ""
        reason = str(e.data.get("alasan") or e.data.get("komentar") or "")
        rows.append(HistoryRow(e.created_at, _who(e.actor), e.action, step_label(e), reason, jpd))
    return rows


def report_board(scope: Scope, pemda: Pemda, year: int, quarter: int) -> ReportBoard:
    """The quarter's report with every JPD of the pemda's level: status, who holds it, what the
    caller may do, what changed since verification or approval, and the history."""
    report = report_state_get(pemda, year, quarter)
    jpd_list = list(Jpd.objects.filter(level=pemda.level).order_by("code"))
    opds = pengampu_opds(pemda=pemda)
    states = {s.jpd_id: s for s in JpdState.objects.filter(pemda=pemda, year=year, quarter=quarter)}
    targets = set(
        AnnualTarget.objects.filter(pemda=pemda, year=year).values_list("jpd_id", flat=True)
    )
    complete = set(
        QuarterEntry.objects.filter(
            pemda=pemda, year=year, quarter=quarter, is_complete=True
        ).values_list("jpd_id", flat=True)
    )
    flags: dict[str, int] = {}
    for code in FieldFlag.objects.filter(
        pemda=pemda, year=year, quarter=quarter, resolved_at__isnull=True
    ).values_list("jpd_id", flat=True):
        flags[code] = flags.get(code, 0) + 1
    reopened = report.status not in LOCKED_REPORT and bool(report.approved_values)
    need_now = [
        code
        for code, s in states.items()
        if s.verified_values and s.status != JpdStatus.DIVERIFIKASI
    ]
    now = entry_snapshots(pemda, year, quarter) if (need_now or reopened) else {}
    labels_of: dict[str, dict[str, str]] = {}

    def labels(jpd: Jpd) -> dict[str, str]:
        if jpd.code not in labels_of:
            labels_of[jpd.code] = field_labels(mutu_items_for(jpd=jpd, year=year))
        return labels_of[jpd.code]

    rows = []
    since_approval: dict[str, list[Change]] = {}
    for jpd in jpd_list:
        opd = opds.get(jpd.code)
        opd_name = opd.name if opd else gettext("(belum ada pengampu)")
        state = states.get(jpd.code)
        status = state.status if state else JpdStatus.DRAF
        row = JpdRow(
            jpd=jpd,
            opd_id=opd.pk if opd else None,
            opd_name=opd_name,
            status=status,
            reason=state.reason if state and status == JpdStatus.DIKEMBALIKAN else "",
            has_target=jpd.code in targets,
            complete=jpd.code in complete,
            flags_open=flags.get(jpd.code, 0),
            holder=_jpd_holder(status, opd_name, report.status)
            if jpd.code in targets or state is not None
            else gettext("— (belum bersasaran)"),
            steps=jpd_steps_allowed(scope, pemda, report.status, status, opd.pk if opd else None)
            if jpd.code in targets or jpd.code in complete or state is not None
            else [],
        )
        if jpd.code in need_now:
            assert state is not None
            row.changes = diff(state.verified_values, now.get(jpd.code, {}), labels(jpd))
        if reopened:
            changes = diff(
                report.approved_values.get(jpd.code, {}), now.get(jpd.code, {}), labels(jpd)
            )
            if changes:
                since_approval[jpd.code] = changes
        rows.append(row)
    holder = {
        ReportStatus.DISUSUN: gettext("Tim SPM (menyusun)"),
        ReportStatus.DIKEMBALIKAN: gettext("Tim SPM (memperbaiki)"),
        ReportStatus.DISETUJUI: gettext("Admin pemda (mengirim)"),
        ReportStatus.DIKIRIM: receiver_name(pemda),
        ReportStatus.DITERIMA: "—",
    }[ReportStatus(report.status)]
    return ReportBoard(
        pemda=pemda,
        year=year,
        quarter=quarter,
        report=report,
        rows=rows,
        history=workflow_history(pemda, year, quarter),
        holder=holder,
        steps=report_steps_allowed(scope, pemda, report.status),
        changes_since_approval=since_approval,
        on_behalf=policy.approves_on_behalf(scope, pemda),
        timeliness=classify(
            pemda, year, quarter, report if report.pk else None, deadline_for(year, quarter)
        ),
    )


@dataclass(frozen=True)
class FlagView:
    flag: FieldFlag
    label: str
    comments: list[FlagComment]


def jpd_flags(
    pemda: Pemda, jpd: Jpd, year: int, quarter: int, *, open_only: bool = True
) -> list[FlagView]:
    """The values a return pointed at, with their threads (open ones, or all)."""
    labels = field_labels(mutu_items_for(jpd=jpd, year=year))
    flags = FieldFlag.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    if open_only:
        flags = flags.filter(resolved_at__isnull=True)
    comments: dict[int, list[FlagComment]] = {}
    for c in (
        FlagComment.objects.filter(flag__in=flags).select_related("author").order_by("at", "id")
    ):
        comments.setdefault(c.flag_id, []).append(c)
    return [FlagView(f, labels.get(f.field, f.field), comments.get(f.pk, [])) for f in flags]


def flag_get(pemda: Pemda, flag_id: int) -> FieldFlag | None:
    return FieldFlag.objects.filter(pk=flag_id, pemda=pemda).select_related("jpd").first()


def jpd_state_get(pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> JpdState:
    return JpdState.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter).first() or (
        JpdState(pemda=pemda, jpd=jpd, year=year, quarter=quarter)
    )


@dataclass(frozen=True)
class ValueChange:
    at: datetime
    by: str
    key: str
    label: str
    old: object
    new: object
    reason: str
    action: str


def value_history(pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> list[ValueChange]:
    """Every change of every value of a JPD-quarter (and of its annual target), newest first:
    who, when, old → new, and the reason where one was given; workflow steps in between."""
    labels = field_labels(mutu_items_for(jpd=jpd, year=year))
    events = (
        AuditEvent.objects.filter(pemda=pemda.code)
        .filter(
            Q(object_id=entry_key(pemda.code, year, quarter, jpd.code))
            | Q(object_type="sasaran", object_id=f"{pemda.code}/{year}/{jpd.code}")
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    return history_rows(events, labels)


def history_rows(events: object, labels: dict[str, str]) -> list[ValueChange]:
    rows = []
    for e in events:  # type: ignore[attr-defined]
        who = _who(e.actor)
        reason = str(e.data.get("alasan") or e.data.get("komentar") or "")
        changes = e.data.get("perubahan")
        if changes:
            for c in changes:
                key = str(c.get("kolom", ""))
                rows.append(
                    ValueChange(
                        e.created_at,
                        who,
                        key,
                        labels.get(key, key),
                        c.get("lama"),
                        c.get("baru"),
                        reason,
                        e.action,
                    )
                )
        elif e.action.startswith("alur."):
            rows.append(
                ValueChange(e.created_at, who, "", step_label(e), None, None, reason, e.action)
            )
    return rows


def quarter_audit(pemda: Pemda, year: int, quarter: int) -> list[tuple[str, ValueChange]]:
    """Every audited change of a pemda's quarter, oldest first, with the JPD it belongs to:
    the entries' values, the year's targets and the workflow steps (the XLSX export)."""
    prefix = f"{pemda.code}/{year}/TW{quarter}"
    events = (
        AuditEvent.objects.filter(pemda=pemda.code)
        .filter(
            Q(object_id=prefix)
            | Q(object_id__startswith=prefix + "/")
            | Q(object_type="sasaran", object_id__startswith=f"{pemda.code}/{year}/")
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    items: dict[str, dict[str, str]] = {}
    out = []
    jpds = {j.code: j for j in Jpd.objects.filter(level=pemda.level)}
    for e in events:
        code = (
            e.object_id.rsplit("/", 1)[-1] if e.object_type in ("jpd", "isian", "sasaran") else ""
        )
        if code and code not in items and code in jpds:
            items[code] = field_labels(mutu_items_for(jpd=jpds[code], year=year))
        for row in history_rows([e], items.get(code, {})):
            out.append((code, row))
    return out


def entry_notes_for(*, pemda: Pemda, jpd: Jpd, year: int, quarter: int) -> EntryNotes:
    """Registered with ``pendataan``: the JPD's status, lock and pointed values for its page."""
    report = report_state_get(pemda, year, quarter)
    state = JpdState.objects.filter(pemda=pemda, jpd=jpd, year=year, quarter=quarter).first()
    status = state.status if state else JpdStatus.DRAF
    flags = tuple(
        FlagNote(
            f.flag.field,
            f.label,
            tuple(
                f"{(c.author.get_full_name() or c.author.get_username()) if c.author else '—'}"
                f" ({waktu(c.at)}): {c.text}"
                for c in f.comments
            ),
        )
        for f in jpd_flags(pemda, jpd, year, quarter)
    )
    return EntryNotes(
        status=str(JpdStatus(status).label),
        locked=locked_reason(report=report, jpd_state=state, jpd=jpd, quarter=quarter, year=year),
        reason=state.reason if state and status == JpdStatus.DIKEMBALIKAN else "",
        flags=flags,
        link=reverse("alur-jpd", args=[pemda.code, year, quarter, jpd.code]),
    )
