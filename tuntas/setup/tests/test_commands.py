"""Operational commands: `tuntas pemda-baru`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tuntas.core.models import AuditEvent
from tuntas.katalog.models import Jpd
from tuntas.organisasi.models import JpdAssignment, Pemda, PerangkatDaerah
from tuntas.organisasi.services import assignment_set

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("pemda-baru", *args, stdout=out)
    return out.getvalue()


def test_registers_a_kabkota_with_default_opd_and_pengampu():
    assert "32.75 Kota Bekasi: 9 perangkat daerah, 29 JPD ditugaskan." in run("32.75")
    pemda = Pemda.objects.get(code="32.75")
    assert (pemda.level, pemda.province_code, pemda.name) == ("kabkota", "32", "Kota Bekasi")
    coordinator = PerangkatDaerah.objects.get(pemda=pemda, is_coordinator=True)
    assert coordinator.name == "Bagian Tata Pemerintahan Setda"
    by_jpd = dict(JpdAssignment.objects.filter(pemda=pemda).values_list("jpd_id", "opd__name"))
    assert by_jpd["1.02.K01"] == "Dinas Kesehatan"
    assert by_jpd["1.05.K02"] == "Badan Penanggulangan Bencana Daerah"
    assert by_jpd["1.05.K05"] == "Dinas Pemadam Kebakaran dan Penyelamatan"
    assert set(by_jpd) == set(Jpd.objects.filter(level="kabkota").values_list("code", flat=True))


def test_compact_code_and_province():
    run("32")
    province = Pemda.objects.get(code="32")
    assert province.name == "Provinsi Jawa Barat"
    assert JpdAssignment.objects.filter(pemda=province).count() == 14
    assert (
        PerangkatDaerah.objects.get(pemda=province, is_coordinator=True).name
        == "Biro Tata Pemerintahan Setda"
    )


def test_idempotent_and_keeps_the_admins_changes():
    run("3275")  # compact code
    pemda = Pemda.objects.get(code="32.75")
    sosial = PerangkatDaerah.objects.get(pemda=pemda, name="Dinas Sosial")
    assignment_set(pemda=pemda, jpd=Jpd.objects.get(code="1.02.K10"), opd=sosial, actor=None)
    events = AuditEvent.objects.filter(action="pemda.daftar").count()
    run("32.75")
    assert Pemda.objects.count() == 1
    assert PerangkatDaerah.objects.filter(pemda=pemda).count() == 9
    assert JpdAssignment.objects.filter(pemda=pemda).count() == 29
    assert JpdAssignment.objects.get(pemda=pemda, jpd="1.02.K10").opd == sosial
    assert AuditEvent.objects.filter(action="pemda.daftar").count() == events  # nothing changed


@pytest.mark.parametrize("code", ["32.75.01", "99.99", "abc"])
def test_unknown_or_wrong_level_codes_are_refused(code):
    with pytest.raises(CommandError, match="bukan provinsi atau kabupaten/kota"):
        run(code)
    assert not Pemda.objects.exists()
