"""The user's reminders (``/pengingat/``) and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from tuntas.akun.scope import request_scope
from tuntas.alur.pengingat import reminder_rows, reminders_for_user, reminders_mark_read


@login_required
@require_safe
def reminder_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows = reminder_rows(scope)
    return render(
        request,
        "alur/pengingat.html",
        {"rows": rows, "unread": sum(1 for r in rows if r.reminder.read_at is None)},
    )


@login_required
@require_POST
def reminder_read(request: HttpRequest) -> HttpResponse:
    """``pengingat=<id>``: that reminder (the user's own; 404 otherwise); ``semua``: all."""
    scope = request_scope(request)
    if request.POST.get("semua"):
        ids = None
    else:
        raw = request.POST.get("pengingat", "").strip()
        if not raw:
            messages.error(request, gettext("Pilih pengingat yang akan ditandai dibaca."))
            return redirect("pengingat")
        if not raw.isdigit() or not reminders_for_user(scope).filter(pk=int(raw)).exists():
            raise Http404("Tidak ditemukan")
        ids = [int(raw)]
    changed = reminders_mark_read(user=request.user, scope=scope, ids=ids)  # type: ignore[arg-type]
    if changed:
        messages.success(
            request,
            gettext("%(n)s pengingat ditandai dibaca.") % {"n": changed},
        )
    return redirect("pengingat")
