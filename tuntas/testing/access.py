"""The access matrix: every route of the site, page or API, read or write, with what each persona
must get. ``tuntas/setup/tests/test_isolation.py`` walks Django's URL resolver (the API's routes
included) and fails for a route that has no entry here, then checks every entry for every
persona — so a new route cannot ship without its isolation test (like NetBox's view test
cases, driven from the resolver).

Each entry: the route's URL keyword arguments (``{opd}``-style placeholders are filled from the
fixture's objects) and its checks. A check names the statuses that differ from the default:
404 for every signed-in persona (outsiders cannot tell a forbidden object from a missing one) and
302 to the login page for an anonymous visitor. Writes are checked with an empty or harmless
body: an allowed persona gets past the access check (200, 302 or 400), a refused one gets 403 or
404; every request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Personas of tuntas.testing.PersonaTestCase, plus the anonymous visitor.
ANON = "anonim"
PERSONAS = (
    "operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a",
    "pimpinan_a", "provinsi_jabar", "pusat", "outsider", "admin_b", "nobody", ANON,
)  # fmt: skip

A_MEMBERS = ("operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim", "admin_a",
             "pimpinan_a")  # fmt: skip
A_READERS = (*A_MEMBERS, "provinsi_jabar", "pusat")


def every(status: int, personas: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(personas, status)


@dataclass(frozen=True)
class Check:
    method: str  # get | post | put | delete (a put's data is sent as JSON)
    expect: dict[str, int]
    default: int = 404
    anonymous: int = 302
    to_login: bool = True  # an anonymous 302 goes to the login page
    data: dict[str, object] = field(default_factory=dict)
    query: str = ""
    json: bool = False  # send ``data`` as a JSON body (API writes)


@dataclass(frozen=True)
class Route:
    kwargs: dict[str, str]
    checks: tuple[Check, ...]


SIGNED_IN = tuple(p for p in PERSONAS if p != ANON)
K = {"kode": "32.75"}
PROV = {"kode": "32"}
PERIOD = {**K, "tahun": "2025", "tw": "2"}
HEALTH = {**PERIOD, "jpd": "1.02.K07"}  # pengampu: Dinas Kesehatan
API_HEALTH = {**PERIOD, "kode_jpd": "1.02.K07"}
BY_NAME = {**K, "tahun": "2025", "jpd": "1.02.K06"}
# who writes a health JPD of pemda A: its OPD's operator and verifikator, the SPM team, admin
HEALTH_WRITERS = ("operator_kes", "verifikator_kes", "verifikator_tim", "admin_a")
# by-name data of a health JPD: the same four; other members are refused (403)
BY_NAME_READERS = HEALTH_WRITERS
REFUSED_MEMBERS = ("operator_dik", "pimpinan_a")
# who approves pemda A's report: its head, or its admin "atas nama"
APPROVERS = ("admin_a", "pimpinan_a")
HEALTH_API = {**PERIOD, "kode_jpd": "1.02.K07"}
# the stage documents and the action plan (perencanaan): the SPM team and the admin write the
# plan (and delete the fixture's document: its uploader and the admin); read-only roles
PLAN_WRITERS = ("verifikator_tim", "admin_a")
PLAN_READ_ONLY = ("pimpinan_a", "provinsi_jabar", "pusat")
# plan and budget lines: who writes every JPD of pemda A, who reads it only, who does not write
# a health JPD
PEMDA_WRITERS = ("verifikator_tim", "admin_a")
READ_ONLY_A = ("pimpinan_a", "provinsi_jabar", "pusat")
NOT_HEALTH = ("operator_dik", *READ_ONLY_A)
ADMIN_ONLY_403 = ("operator_kes", "operator_dik", "verifikator_kes", "verifikator_tim",
                  "pimpinan_a", "provinsi_jabar", "pusat")  # fmt: skip


def read_page(readers: tuple[str, ...], **extra: int) -> tuple[Check, ...]:
    """A read-only page: ``readers`` get 200, others 404; POST is not allowed (405)."""
    return (
        Check("get", {**every(200, readers), **extra}),
        Check("post", {}, default=405),
    )


def admin_form(get_status: int, post_status: int) -> tuple[Check, ...]:
    """A settings page of pemda A: only its admin_pemda; other readers of the pemda 403."""
    return (
        Check("get", {**every(403, ADMIN_ONLY_403), "admin_a": get_status}),
        Check("post", {**every(403, ADMIN_ONLY_403), "admin_a": post_status}),
    )


def by_name(get_status: int | None, post_status: int | None) -> tuple[Check, ...]:
    """A by-name page of JPD 1.02.K06 (Dinas Kesehatan): the four who may see the list; other
    members of pemda A 403; the province, pusat and outsiders 404 (only aggregates leave)."""
    checks = []
    for method, status in (("get", get_status), ("post", post_status)):
        if status is None:
            checks.append(Check(method, {}, default=405))
        else:
            checks.append(
                Check(method, {**every(status, BY_NAME_READERS), **every(403, REFUSED_MEMBERS)})
            )
    return tuple(checks)


PUBLIC = (
    Check("get", {}, default=200, anonymous=200),
    Check("post", {}, default=405, anonymous=405),
)

# fixtures referred to in kwargs: {opd} {user} {membership} {job} {upload} {build} ...
SITE: dict[str, Route] = {
    # --- accounts and language
    "beranda": Route(
        {},
        (
            Check("get", {"nobody": 403}, default=302),  # each persona to its dashboard
            Check("post", {}, default=405),
        ),
    ),
    "akun:masuk": Route(
        {},
        (
            Check("get", {}, default=302, anonymous=200),  # signed in: sent on
            Check("post", {}, default=302, anonymous=200),  # empty form: shown again
        ),
    ),
    "akun:keluar": Route(
        {},
        (
            Check("get", {}, default=405, anonymous=405),
            Check("post", {}, default=302, anonymous=302, to_login=False),
        ),
    ),
    "akun:sandi": Route(
        {},
        (
            Check("get", {}, default=200),
            Check("post", {}, default=200),  # empty form: errors shown
        ),
    ),
    "akun:sandi-selesai": Route(
        {},
        (
            Check("get", {}, default=200),
            Check("post", {}, default=405),
        ),
    ),
    "set_language": Route(
        {},
        (
            Check("get", {}, default=302, anonymous=302, to_login=False),
            Check("post", {}, default=302, anonymous=302, data={"language": "en"}, to_login=False),
        ),
    ),
    # --- reference data, public
    "metode-daftar": Route({}, PUBLIC),
    "metode": Route({"kode": "ipspm-2021"}, PUBLIC),
    "api:openapi-json": Route({}, (Check("get", {}, default=200, anonymous=200),)),
    "api:openapi-view": Route({}, (Check("get", {}, default=200, anonymous=200),)),
    "api:api-root": Route({}, (Check("get", {}, default=404, anonymous=404),)),
    "api:catalog_year": Route(
        {"tahun": "2025"},
        (
            Check("get", {}, default=200, anonymous=200),  # reference data: public
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    # --- open data (tuntas/laporan/views_data.py): approved aggregates, public for everyone
    "data-katalog": Route({}, PUBLIC),
    "data-csv": Route({"dataset": "indeks"}, PUBLIC),
    "data-json": Route({"dataset": "jpd"}, PUBLIC),
    "data-metadata": Route({"dataset": "urusan"}, PUBLIC),
    # --- end open data
    # --- dashboards and their downloads
    "dasbor-pemda": Route(K, read_page(A_READERS)),
    "dasbor-provinsi": Route(PROV, read_page(("provinsi_jabar", "pusat"))),
    "dasbor-nasional": Route({}, read_page(("pusat",))),
    "dasbor-unduh-pemda": Route({**K, "tabel": "jpd", "fmt": "csv"}, read_page(A_READERS)),
    "dasbor-unduh-provinsi": Route({**PROV, "fmt": "csv"}, read_page(("provinsi_jabar", "pusat"))),
    "dasbor-unduh-nasional": Route({"fmt": "csv"}, read_page(("pusat",))),
    # --- consolidated reports (laporan): the province's over its kab/kota, the national summary
    "laporan-konsolidasi": Route(
        {**PROV, "tahun": "2025", "tw": "2"}, read_page(("provinsi_jabar", "pusat"))
    ),
    "laporan-konsolidasi-pdf": Route(
        {**PROV, "tahun": "2025", "tw": "0"}, read_page(("provinsi_jabar", "pusat"))
    ),
    "laporan-konsolidasi-xlsx": Route(
        {**PROV, "tahun": "2025", "tw": "2"}, read_page(("provinsi_jabar", "pusat"))
    ),
    "laporan-nasional": Route({"tahun": "2025", "tw": "2"}, read_page(("pusat",))),
    "laporan-nasional-pdf": Route({"tahun": "2025", "tw": "2"}, read_page(("pusat",))),
    "laporan-nasional-xlsx": Route({"tahun": "2025", "tw": "0"}, read_page(("pusat",))),
    "dasbor-wilayah": Route(BY_NAME, read_page(A_READERS)),  # aggregates only
    "dasbor-wilayah-rinci": Route({**BY_NAME, "wilayah": "32.75.01"}, read_page(A_READERS)),
    # --- read API (bearer token or session; anonymous 401)
    "api:pemda_list": Route(
        {},
        (
            Check("get", {}, default=200, anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    "api:pemda_dasbor": Route(
        K,
        (
            Check("get", every(200, A_READERS), anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    "api:provinsi_dasbor": Route(
        PROV,
        (
            Check("get", every(200, ("provinsi_jabar", "pusat")), anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    "api:nasional_dasbor": Route(
        {},
        (
            Check("get", {"pusat": 200}, anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    # --- quarterly entry through the API: GET and PUT on one address (ninja names the address
    # once per operation). A PUT with the version the fixture's entry had before it was saved
    # (0) is refused as stale (409) for whoever may write it; read-only roles 403, outsiders
    # 404, anonymous 401
    "api:isian_baca": Route(
        API_HEALTH,
        (
            Check("get", every(200, A_READERS), anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    "api:isian_simpan": Route(
        API_HEALTH,
        (
            Check(
                "put",
                {
                    **every(409, HEALTH_WRITERS),
                    **every(403, ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat")),
                },
                anonymous=401,
                data={
                    "terlayani": None,
                    "mutu": [],
                    "pagu": None,
                    "realisasi": None,
                    "permasalahan": "",
                    "solusi": "",
                    "versi": 0,
                },
            ),
            Check("delete", {}, default=405, anonymous=405),
        ),
    ),
    # --- quarterly entry
    "isian-daftar": Route(PERIOD, read_page(A_READERS)),
    "isian": Route(
        HEALTH,
        (
            Check("get", every(200, A_READERS)),
            # empty form: the writers reach validation (400); read-only roles 403
            Check(
                "post",
                {
                    **every(400, HEALTH_WRITERS),
                    **every(403, ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat")),
                },
            ),
        ),
    ),
    "isian-hitung": Route(
        HEALTH,
        (
            Check("get", {}, default=405),
            Check("post", every(200, A_READERS)),  # computes, stores nothing
        ),
    ),
    "sasaran": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", {}, default=405),
            Check(
                "post",
                {
                    **every(302, HEALTH_WRITERS),
                    **every(403, ("operator_dik", "pimpinan_a", "provinsi_jabar", "pusat")),
                },
            ),
        ),
    ),
    "isian-unduh": Route(
        PERIOD,
        (
            Check(
                "get",
                {
                    **every(200, A_MEMBERS[:5]),
                    **every(403, ("pimpinan_a", "provinsi_jabar", "pusat")),
                },
            ),
            Check("post", {}, default=405),
        ),
    ),
    "isian-unggah": Route(
        PERIOD,
        (
            Check(
                "get",
                {
                    **every(200, A_MEMBERS[:5]),
                    **every(403, ("pimpinan_a", "provinsi_jabar", "pusat")),
                },
            ),
            Check(
                "post",
                {
                    **every(400, A_MEMBERS[:5]),
                    **every(403, ("pimpinan_a", "provinsi_jabar", "pusat")),
                },
            ),
        ),
    ),
    # an upload is its uploader's (verifikator_tim): anyone else, even of the pemda, 404
    "isian-unggah-konfirmasi": Route(
        {**PERIOD, "unggahan": "{upload}"},
        (
            Check(
                "get",
                {"verifikator_tim": 200, **every(403, ("pimpinan_a", "provinsi_jabar", "pusat"))},
            ),
            Check(
                "post",
                {"verifikator_tim": 302, **every(403, ("pimpinan_a", "provinsi_jabar", "pusat"))},
            ),
        ),
    ),
    # --- approval workflow (alur): steps are decided by the service, so a refused role is 403
    # and an allowed one is sent back to the page (302) with the service's answer
    "alur-laporan": Route(PERIOD, read_page(A_READERS)),
    "alur-riwayat-unduh": Route(PERIOD, read_page(A_READERS)),
    # --- reports (laporan): the e-SPM workbook, for every reader of the pemda
    "laporan-espm": Route(PERIOD, read_page(A_READERS)),
    "alur-laporan-aksi": Route(
        PERIOD,
        (
            Check("get", {}, default=405),
            Check(
                "post",
                {**every(403, A_READERS), **every(302, APPROVERS)},
                data={"aksi": "setujui"},
            ),
        ),
    ),
    "alur-jpd": Route(HEALTH, read_page(A_READERS)),
    "alur-jpd-aksi": Route(
        HEALTH,
        (
            Check("get", {}, default=405),
            Check(
                "post",
                {**every(403, A_READERS), **every(302, HEALTH_WRITERS)},
                data={"aksi": "ajukan"},
            ),
        ),
    ),
    "alur-tanda": Route(
        {**PERIOD, "tanda": "{flag}"},
        (
            Check("get", {}, default=405),
            Check(
                "post",
                {**every(403, A_READERS), **every(302, HEALTH_WRITERS)},
                data={"komentar": "Sudah diperiksa."},
            ),
        ),
    ),
    "api:laporan_status": Route(
        PERIOD,
        (
            Check("get", every(200, A_READERS), anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    "api:laporan_jpd_langkah": Route(
        {**HEALTH_API, "aksi": "ajukan"},
        (
            Check("get", {}, default=405, anonymous=405),
            # the entry of the fixture is complete: its OPD and the SPM team may submit it
            Check(
                "post",
                {**every(403, A_READERS), **every(200, HEALTH_WRITERS)},
                anonymous=401,
                json=True,
            ),
        ),
    ),
    "api:laporan_langkah": Route(
        {**PERIOD, "aksi": "setujui"},
        (
            Check("get", {}, default=405, anonymous=405),
            # nothing verified yet: who may approve is told why not (409), others 403
            Check(
                "post",
                {**every(403, A_READERS), **every(409, APPROVERS)},
                anonymous=401,
                json=True,
            ),
        ),
    ),
    # --- needs, cost and plan (perencanaan)
    "perencanaan": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "api:kebutuhan": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", every(200, A_READERS), anonymous=401),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
    # --- the four stages, their documents and the action plan (perencanaan/views_stages.py)
    "perencanaan-tahap": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    # members who enter data upload (an empty form: 400); read-only roles 403
    "perencanaan-tahap-unggah": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(200, A_MEMBERS[:5]), **every(403, PLAN_READ_ONLY)}),
            Check("post", {**every(400, A_MEMBERS[:5]), **every(403, PLAN_READ_ONLY)}),
        ),
    ),
    "perencanaan-tahap-dokumen": Route(
        {**K, "tahun": "2025", "dokumen": "{dokumen}"}, read_page(A_READERS)
    ),
    # the fixture's document is verifikator_tim's: the uploader or the admin delete it
    "perencanaan-tahap-dokumen-hapus": Route(
        {**K, "tahun": "2025", "dokumen": "{dokumen}"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(302, PLAN_WRITERS)}),
        ),
    ),
    "perencanaan-rencana-aksi": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "perencanaan-rencana-aksi-unduh": Route(
        {**K, "tahun": "2025", "fmt": "docx"}, read_page(A_READERS)
    ),
    "perencanaan-rencana-aksi-baru": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(403, A_READERS), **every(200, PLAN_WRITERS)}),
            Check("post", {**every(403, A_READERS), **every(400, PLAN_WRITERS)}),
        ),
    ),
    "perencanaan-rencana-aksi-ubah": Route(
        {**K, "tahun": "2025", "aksi": "{aksi}"},
        (
            Check("get", {**every(403, A_READERS), **every(200, PLAN_WRITERS)}),
            Check("post", {**every(403, A_READERS), **every(400, PLAN_WRITERS)}),
        ),
    ),
    "perencanaan-rencana-aksi-hapus": Route(
        {**K, "tahun": "2025", "aksi": "{aksi}"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(302, PLAN_WRITERS)}),
        ),
    ),
    "perencanaan-rencana-aksi-geser": Route(
        {**K, "tahun": "2025", "aksi": "{aksi}"},
        (
            Check("get", {}, default=405),
            Check(
                "post",
                {**every(403, A_READERS), **every(302, PLAN_WRITERS)},
                data={"arah": "turun"},
            ),
        ),
    ),
    # plan and budget lines (perencanaan/views_budget.py): the SPM team and admin write every
    # JPD, an OPD its own (1.02.K07: Dinas Kesehatan); read-only roles 403, outsiders 404
    "anggaran": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "anggaran-sipd": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "anggaran-baris-baru": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(200, A_MEMBERS[:5]), **every(403, READ_ONLY_A)}),
            Check("post", {**every(400, A_MEMBERS[:5]), **every(403, READ_ONLY_A)}),
        ),
    ),
    "anggaran-baris": Route(
        {**K, "tahun": "2025", "baris": "{line}"},
        (
            Check("get", {**every(200, HEALTH_WRITERS), **every(403, NOT_HEALTH)}),
            Check("post", {**every(400, HEALTH_WRITERS), **every(403, NOT_HEALTH)}),
        ),
    ),
    "anggaran-baris-hapus": Route(
        {**K, "tahun": "2025", "baris": "{line}"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(302, HEALTH_WRITERS), **every(403, NOT_HEALTH)}),
        ),
    ),
    "anggaran-realisasi": Route(
        {**K, "tahun": "2025", "baris": "{line}"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(400, HEALTH_WRITERS), **every(403, NOT_HEALTH)}),
        ),
    ),
    "rencana": Route(
        {**K, "jpd": "1.02.K07"},
        (
            Check("get", every(200, A_READERS)),
            Check("post", {**every(302, HEALTH_WRITERS), **every(403, NOT_HEALTH)}),
        ),
    ),
    "subkegiatan": Route(
        K,
        (
            Check("get", every(200, A_READERS)),
            Check("post", {**every(403, A_READERS), **every(400, PEMDA_WRITERS)}),
        ),
    ),
    "subkegiatan-hapus": Route(
        {**K, "sk": "{subkegiatan}"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(302, PEMDA_WRITERS)}),
        ),
    ),
    # end plan and budget lines
    # --- service units and needs (stage 2): units are written by the SPM team and admin
    # (verifikator_tim, admin_a; 403 for the other members, the province and pusat), a JPD's
    # needs by its OPD too (HEALTH_WRITERS); empty forms reach validation (400)
    "perencanaan-unit": Route(K, read_page(A_READERS)),
    "perencanaan-unit-templat": Route(K, read_page(A_READERS)),
    "perencanaan-unit-simpan": Route(
        K,
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), "verifikator_tim": 400, "admin_a": 400}),
        ),
    ),
    "perencanaan-unit-aktif": Route(
        K,
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), "verifikator_tim": 400, "admin_a": 400}),
        ),
    ),
    "perencanaan-unit-impor": Route(
        K,
        (
            Check("get", {**every(403, A_READERS), "verifikator_tim": 200, "admin_a": 200}),
            Check("post", {**every(403, A_READERS), "verifikator_tim": 400, "admin_a": 400}),
        ),
    ),
    "perencanaan-kebutuhan": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", every(200, A_READERS)),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    # nothing to carry from last year: back to the page with a message (302)
    "perencanaan-bawa": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(302, HEALTH_WRITERS)}),
        ),
    ),
    "perencanaan-lokal": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    "perencanaan-lokal-hapus": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    # the year's import of available quantities: whoever may write some JPD of pemda A
    "perencanaan-tersedia-impor": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(403, A_READERS), **every(200, A_MEMBERS[:5])}),
            Check("post", {**every(403, A_READERS), **every(400, A_MEMBERS[:5])}),
        ),
    ),
    "perencanaan-tersedia-templat": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(403, A_READERS), **every(200, A_MEMBERS[:5])}),
            Check("post", {}, default=405),
        ),
    ),
    # price list (SSH): the SPM team and admin pemda write it; prices of a JPD's needs and its
    # activities: its OPD too (1.02.K07: Dinas Kesehatan); every reader sees them. An empty
    # form reaches validation (400); read-only roles 403
    "perencanaan-harga": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "perencanaan-harga-templat": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "perencanaan-harga-simpan": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(400, ("verifikator_tim", "admin_a"))}),
        ),
    ),
    "perencanaan-harga-hapus": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(400, ("verifikator_tim", "admin_a"))}),
        ),
    ),
    "perencanaan-harga-unggah": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(403, A_READERS), **every(200, ("verifikator_tim", "admin_a"))}),
            Check("post", {**every(403, A_READERS), **every(400, ("verifikator_tim", "admin_a"))}),
        ),
    ),
    "perencanaan-harga-item": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", every(200, A_READERS)),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    "perencanaan-kegiatan": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", every(200, A_READERS)),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    "perencanaan-kegiatan-hapus": Route(
        {**K, "tahun": "2025", "jpd": "1.02.K07"},
        (
            Check("get", {}, default=405),
            Check("post", {**every(403, A_READERS), **every(400, HEALTH_WRITERS)}),
        ),
    ),
    "perencanaan-biaya": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    "perencanaan-biaya-unduh": Route({**K, "tahun": "2025"}, read_page(A_READERS)),
    # end price list, prices of needs, activity costing, totals
    # --- settings (admin_pemda)
    "pengaturan": Route(K, admin_form(200, 405)),
    "pengaturan-opd": Route(K, admin_form(200, 400)),
    "pengaturan-opd-ubah": Route({**K, "opd_id": "{opd}"}, admin_form(405, 302)),
    "pengaturan-opd-koordinator": Route({**K, "opd_id": "{opd}"}, admin_form(405, 302)),
    "pengaturan-opd-hapus": Route({**K, "opd_id": "{opd}"}, admin_form(405, 302)),
    "pengaturan-pengampu": Route(K, admin_form(200, 405)),
    "pengaturan-pengampu-ubah": Route({**K, "jpd": "1.02.K07"}, admin_form(405, 302)),
    "pengaturan-pengguna": Route(K, admin_form(200, 405)),
    "pengaturan-pengguna-baru": Route(K, admin_form(200, 400)),
    "pengaturan-pengguna-detail": Route({**K, "user_id": "{user}"}, admin_form(200, 405)),
    "pengaturan-keanggotaan-tambah": Route({**K, "user_id": "{user}"}, admin_form(405, 400)),
    "pengaturan-keanggotaan-cabut": Route(
        {**K, "user_id": "{user}", "membership_id": "{membership}"}, admin_form(405, 302)
    ),
    "pengaturan-pengguna-sandi": Route({**K, "user_id": "{user}"}, admin_form(405, 200)),
    "pengaturan-pengguna-status": Route({**K, "user_id": "{user}"}, admin_form(405, 302)),
    # --- by-name recipients (personal data)
    "penerima": Route(
        K,
        (
            Check("get", every(200, A_MEMBERS)),  # the overview: counts only
            Check("post", {}, default=405),
        ),
    ),
    "penerima-unggah": Route(
        K,
        (
            Check("get", {**every(200, A_MEMBERS[:5]), "pimpinan_a": 403}),
            Check("post", {**every(400, A_MEMBERS[:5]), "pimpinan_a": 403}),
        ),
    ),
    "penerima-impor": Route({**K, "impor": "{job}"}, by_name(200, None)),
    "penerima-impor-laporan": Route({**K, "impor": "{job}"}, by_name(200, None)),
    # a retry of a job that has not failed is refused with a message and a redirect (302)
    "penerima-impor-ulangi": Route({**K, "impor": "{job}"}, by_name(None, 302)),
    "penerima-templat": Route({**K, "jpd": "1.02.K06"}, by_name(200, None)),
    "penerima-log": Route(
        K,
        (
            Check("get", {**every(403, A_MEMBERS), "admin_a": 200}),
            Check("post", {}, default=405),
        ),
    ),
    "penerima-daftar": Route(BY_NAME, by_name(200, 400)),
    "penerima-nik": Route(BY_NAME, by_name(None, 400)),
    "penerima-ekspor": Route(BY_NAME, by_name(200, 400)),
    # --- background builds of report files (laporan/views_builds.py): whoever reads the pemda
    # may ask for its reports (an empty form: 400) and follow and download its builds; the
    # national summary: pusat only. The fixture's build is a finished one of pemda A.
    "laporan-bangun": Route(
        K, (Check("get", every(200, A_READERS)), Check("post", every(400, A_READERS)))
    ),
    "laporan-bangun-nasional": Route(
        {}, (Check("get", {"pusat": 200}), Check("post", {"pusat": 400}))
    ),
    "laporan-bangun-status": Route({"build": "{build}"}, read_page(A_READERS)),
    "laporan-bangun-unduh": Route({"build": "{build}"}, read_page(A_READERS)),
    # --- deadline reminders: each signed-in user's own (an empty POST marks nothing: back, 302)
    "pengingat": Route({}, (Check("get", {}, default=200), Check("post", {}, default=405))),
    "pengingat-dibaca": Route({}, (Check("get", {}, default=405), Check("post", {}, default=302))),
    # --- the region's report (tuntas/laporan/views.py): readers of the pemda; its texts are
    # edited by the SPM team (admin pemda, pemda-wide verifier); the fingerprint check is public
    "laporan-pemda": Route({**K, "tahun": "2025", "tw": "2"}, read_page(A_READERS)),
    "laporan-unduh": Route({**K, "tahun": "2025", "tw": "2", "fmt": "xlsx"}, read_page(A_READERS)),
    "laporan-teks": Route(
        {**K, "tahun": "2025"},
        (
            Check("get", {**every(403, A_READERS), **every(200, PLAN_WRITERS)}),
            Check("post", {**every(403, A_READERS), **every(302, PLAN_WRITERS)}),
        ),
    ),
    "laporan-verifikasi": Route(
        {"kode": "00000000000000ff"},
        (
            Check("get", {}, default=404, anonymous=404),
            Check("post", {}, default=405, anonymous=405),
        ),
    ),
}


def access_fixture(case: object) -> dict[str, str]:
    """The objects the routes' placeholders refer to, in pemda A (32.75): an OPD, a user with
    a membership, a by-name import job, an uploaded workbook awaiting confirmation, a target
    and an entry of JPD 1.02.K07."""
    from tuntas.akun.models import Membership
    from tuntas.alur.models import FieldFlag
    from tuntas.katalog.models import Jpd
    from tuntas.organisasi.models import PerangkatDaerah
    from tuntas.pendataan.models import ExcelUpload
    from tuntas.penerima.models import ImportJob, ImportStatus
    from tuntas.testing.api import entry_fill

    pemda = case.pemda_a  # type: ignore[attr-defined]
    users = case.users  # type: ignore[attr-defined]
    entry_fill(pemda, "1.02.K07", year=2025, quarter=2, sasaran=100, terlayani=80)
    opd = PerangkatDaerah.objects.get(pemda=pemda, name="Dinas Kesehatan")
    member = users["operator_kes"]
    membership = Membership.objects.get(user=member, pemda=pemda)
    job = ImportJob.objects.create(
        pemda=pemda, jpd=Jpd.objects.get(code="1.02.K06"), year=2025, file_name="x.csv",
        uploaded_by=member, status=ImportStatus.SELESAI,
    )  # fmt: skip
    upload = ExcelUpload.objects.create(
        pemda=pemda, year=2025, quarter=2, uploaded_by=users["verifikator_tim"], file_name="b.xlsx"
    )
    # the job's error report: a file in VAR_DIR/laporan (removed by the caller's cleanup)
    folder = Path(settings.VAR_DIR) / "laporan"
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"akses-uji-{job.pk}.xlsx"
    report.write_bytes(b"PK")
    job.report_path = str(report)
    job.save(update_fields=["report_path"])
    flag = FieldFlag.objects.create(
        pemda=pemda, jpd=Jpd.objects.get(code="1.02.K07"), year=2025, quarter=2, field="terlayani"
    )
    # perencanaan: a stage document of verifikator_tim (a file under VAR_DIR/dokumen) and one
    # activity of the 2025 action plan
    from tuntas.perencanaan.action_plan import ActionData, action_item_create
    from tuntas.perencanaan.stages import stage_document_store

    dokumen = stage_document_store(
        pemda=pemda, year=2025, stage=1, kind="sk_tim", title="SK Tim", jpd=None,
        file_name="sk.pdf", chunks=[b"%PDF-1.4\n%%EOF\n"], actor=users["verifikator_tim"],
    )  # fmt: skip
    aksi = action_item_create(
        pemda=pemda, year=2025, data=ActionData(activity="Rapat tim"), actor=None
    )
    # plan and budget lines: a line of 1.02.K07 in 2025 on a code the region added, and an
    # unused code of the region
    from tuntas.perencanaan.models import BudgetLine, SubKegiatan

    sub = SubKegiatan.objects.create(pemda=pemda, code="9.99.99.2.01.0001", name="Uji")
    spare = SubKegiatan.objects.create(pemda=pemda, code="9.99.99.2.01.0002", name="Uji 2")
    line = BudgetLine.objects.create(
        pemda=pemda, jpd=Jpd.objects.get(code="1.02.K07"), year=2025, sub_kegiatan=sub,
        amount=1000000,
    )  # fmt: skip
    # a finished report build of pemda A (laporan: background builds)
    from tuntas.laporan.models import ReportBuild

    build = ReportBuild.objects.create(
        pemda=pemda, kind="pemda", year=2025, quarter=2, fmt="xlsx", status="selesai",
        progress=100, file_name="uji.xlsx", mime="application/octet-stream", content=b"PK",
        size=2, dedup_key="pemda:32.75:2025:2:xlsx", requested_by=users["admin_a"],
    )  # fmt: skip
    return {
        "build": str(build.pk),
        "dokumen": str(dokumen.pk),
        "aksi": str(aksi.pk),
        "line": str(line.pk),
        "subkegiatan": str(spare.pk),
        "flag": str(flag.pk),
        "report": str(report),
        "opd": str(opd.pk),
        "user": str(member.pk),
        "membership": str(membership.pk),
        "job": str(job.pk),
        "upload": str(upload.pk),
    }
