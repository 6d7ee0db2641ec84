"""The e-SPM-ready workbook of a pemda's quarter, downloaded by anyone who may read the pemda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuntas.akun.scope import pemda_get_for_user
from tuntas.laporan.espm import XLSX_TYPE, espm_file_name, espm_xlsx
from tuntas.laporan.espm_schema import EspmLayoutError
from tuntas.pendataan.lookups import period_or_404


@login_required
@require_safe
def espm_download(request: HttpRequest, kode: str, tahun: int, tw: int) -> HttpResponse:
    pemda = pemda_get_for_user(request, kode)
    period_or_404(tahun, tw)
    try:
        content = espm_xlsx(pemda, tahun, tw)
    except EspmLayoutError as exc:  # the deployment's layout file was edited into a bad shape
        messages.error(
            request,
            _("Berkas e-SPM tidak dapat dibuat: tata letaknya tidak sah. %(rincian)s")
            % {"rincian": "; ".join(exc.errors)},
        )
        return redirect("alur-laporan", kode=pemda.code, tahun=tahun, tw=tw)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{espm_file_name(pemda, tahun, tw)}"'
    return response
