"""Registry drill-down: small counts hidden from viewers outside the pemda (UU 27/2022) and the
three levels of a province's own JPD (kab/kota, kecamatan, desa).

The suppression rule is tested on hand-made tables (``suppress_small_counts`` is pure), then on
the pages. Registry rows come from the real import (``recipients_import``), never hand-written."""

from __future__ import annotations

import random
import re
from html import unescape
from typing import Any

from django.contrib.auth.models import User
from django.test import SimpleTestCase

from tuntas.akun.models import Membership, Role
from tuntas.katalog.models import Jpd
from tuntas.penerima.disclosure import (
    SMALL_COUNT_MIN,
    AreaPath,
    CountMarks,
    Mark,
    suppress_small_counts,
)
from tuntas.penerima.tests.helpers import YEAR, PenerimaTestCase, nik
from tuntas.penerima.tests.test_registry_counts import (
    KEC_BARAT,
    add_regions,
    import_rows,
    not_served,
    served,
)
from tuntas.testing import AccessMatrixMixin, make_user, page_query_counts
from tuntas.wilayah.models import Region

S, T, B = Mark.SHOWN, Mark.SMALL, Mark.HIDDEN  # shown, "< 5", "*"


def table(rows: list[tuple[int, int]]) -> dict[AreaPath, CountMarks]:
    """One table: rows r0, r1, ... of (sasaran, terlayani); the totals are the root ``()``."""
    return suppress_small_counts({(f"r{i}",): row for i, row in enumerate(rows)})


def marks_of(result: dict[AreaPath, CountMarks]) -> list[tuple[Mark, Mark, Mark]]:
    """(sasaran, terlayani, belum) marks of the rows in order, then of the totals."""
    rows = sorted(k for k in result if k)
    return [(m.sasaran, m.terlayani, m.belum) for m in (*(result[k] for k in rows), result[()])]


def possible_values(
    rows: list[tuple[int, int]], result: dict[AreaPath, CountMarks]
) -> dict[tuple[int, int], set[int]]:
    """What an attacker can work out of every count shown as "< 5" (row, column 0/1/2; row -1:
    the totals): every value consistent with what is shown, the labels ("< 5": 1 to 4, "*": at
    least 5, a number: itself) and the sums (each column adds up to its total, sasaran =
    terlayani + belum), found by trying every combination (integers, not intervals)."""
    cap = 2 * sum(s for s, _ in rows) + 5

    def domain(value: int, mark: Mark) -> range:
        if mark == S:
            return range(value, value + 1)
        return range(1, SMALL_COUNT_MIN) if mark == T else range(SMALL_COUNT_MIN, cap + 1)

    def options(s: int, t: int, m: CountMarks) -> list[tuple[int, int]]:
        return [(tv, bv) for tv in domain(t, m.terlayani) for bv in domain(s - t, m.belum)
                if tv + bv in domain(s, m.sasaran)]  # fmt: skip

    per_row = [options(s, t, result[(f"r{i}",)]) for i, (s, t) in enumerate(rows)]
    total_s, total_t = sum(s for s, _ in rows), sum(t for _, t in rows)
    ends = set(options(total_s, total_t, result[()]))
    forward = [{(0, 0)}]  # reachable (terlayani, belum) sums after each row
    for opts in per_row:
        forward.append({(a + tv, b + bv) for a, b in forward[-1] for tv, bv in opts
                        if a + tv <= cap and b + bv <= cap})  # fmt: skip
    backward = [ends]  # sums the rows from i on must still make
    for opts in reversed(per_row):
        backward.insert(0, {(a - tv, b - bv) for a, b in backward[0] for tv, bv in opts
                            if a >= tv and b >= bv})  # fmt: skip
    out: dict[tuple[int, int], set[int]] = {}
    for i, opts in enumerate(per_row):
        fits = [(tv + bv, tv, bv) for tv, bv in opts
                if any((a + tv, b + bv) in backward[i + 1] for a, b in forward[i])]  # fmt: skip
        m = result[(f"r{i}",)]
        for col, mark in enumerate((m.sasaran, m.terlayani, m.belum)):
            if mark == T:
                out[(i, col)] = {f[col] for f in fits}
    m = result[()]
    finals = [(tv + bv, tv, bv) for tv, bv in ends if (tv, bv) in forward[-1]]
    for col, mark in enumerate((m.sasaran, m.terlayani, m.belum)):
        if mark == T:
            out[(-1, col)] = {f[col] for f in finals}
    return out


class SuppressionRuleTests(SimpleTestCase):
    """``suppress_small_counts`` on hand-made tables."""

    def test_no_small_count_shows_everything(self):
        self.assertEqual(marks_of(table([(10, 5), (20, 10), (7, 7)])), [(S, S, S)] * 4)
        self.assertEqual(suppress_small_counts({}), {})

    def test_one_small_count_hides_the_next_smallest_of_its_column(self):
        # everybody served: belum is 0 everywhere, shown; sasaran and terlayani go together
        self.assertEqual(
            marks_of(table([(3, 3), (8, 8), (20, 20), (9, 9)])),
            [(T, T, S), (B, B, S), (S, S, S), (S, S, S), (S, S, S)],
        )

    def test_zero_stays_zero(self):
        result = marks_of(table([(6, 0), (30, 0), (9, 9), (12, 12)]))
        # belum 0 of the served rows and terlayani 0 of the others: all shown
        self.assertEqual(result, [(S, S, S)] * 5)
        self.assertEqual(marks_of(table([(2, 0), (1, 0)]))[:2], [(T, S, T), (T, S, T)])

    def test_a_small_not_served_count_cannot_be_worked_out_of_its_row(self):
        # belum 3 in the first row: its terlayani (47) is hidden too (50 − 47 would give it),
        # then the next smallest terlayani (10), whose row hides its belum (30 − 10 = 20)
        self.assertEqual(
            marks_of(table([(50, 47), (30, 10), (40, 20)])),
            [(S, B, T), (S, B, B), (S, S, S), (S, S, S)],
        )

    def test_all_small(self):
        # every count of the rows is small; a total that would give them back is hidden as
        # well: terlayani 2 over two rows means 1 and 1
        self.assertEqual(
            marks_of(table([(1, 1), (2, 1), (3, 0)])),
            [(T, T, S), (T, T, T), (T, S, T), (S, T, T)],
        )
        # a single row is its own total
        self.assertEqual(marks_of(table([(3, 3)])), [(T, T, S), (T, T, S)])

    def test_ties(self):
        # the next smallest is 7, twice: the first in order is hidden, the other shown
        self.assertEqual(
            marks_of(table([(3, 3), (7, 7), (7, 7), (10, 10)])),
            [(T, T, S), (B, B, S), (S, S, S), (S, S, S), (S, S, S)],
        )
        # at 5 that would not do: the hidden one is at least 5 and, being the smallest, at most
        # the 5 still shown, so it would be 5 and give the 3 back: both 5 are hidden
        self.assertEqual(
            marks_of(table([(3, 3), (5, 5), (5, 5), (10, 10)])),
            [(T, T, S), (B, B, S), (B, B, S), (S, S, S), (S, S, S)],
        )

    def test_the_threshold_is_a_parameter(self):
        rows = {("a",): (3, 3), ("b",): (8, 8)}
        self.assertFalse(any(m.suppressed for m in suppress_small_counts(rows, minimum=3).values()))
        self.assertTrue(suppress_small_counts(rows, minimum=4)[("a",)].suppressed)
        self.assertEqual(SMALL_COUNT_MIN, 5)

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            suppress_small_counts({("a",): (3, 4)})  # served more than on the list
        with self.assertRaises(ValueError):
            suppress_small_counts({("a",): (3, 3), ("a", "a1"): (2, 2)})  # leaf and parent

    def test_a_hidden_area_is_hidden_on_the_page_of_its_sub_areas_too(self):
        result = suppress_small_counts(
            {
                ("A", "A1"): (2, 2),
                ("A", "A2"): (1, 1),
                ("B", "B1"): (20, 20),
                ("B", "B2"): (30, 30),
                ("C", "C1"): (40, 40),
            }
        )
        # per kecamatan: A (3) is small, C (40) the next smallest, hidden with it
        self.assertEqual(result[("A",)].sasaran, T)
        self.assertEqual(result[("C",)].sasaran, B)
        self.assertEqual(result[("B",)].sasaran, S)
        # per desa of C: its only desa is C itself, so it is hidden there as well
        self.assertEqual(result[("C", "C1")].sasaran, B)
        # per desa of A: its total is "< 5" as on the kecamatan page; both desa are small
        self.assertEqual((result[("A", "A1")].sasaran, result[("A", "A2")].sasaran), (T, T))
        # B and its desa are shown: nothing small there, and B1 + B2 = B is no secret
        self.assertFalse(result[("B", "B1")].suppressed or result[("B", "B2")].suppressed)

    def test_random_tables_against_an_exhaustive_attacker(self):
        """No "< 5" can be worked out exactly from a table, except where nothing is left to
        hide: then its whole column (total included) is hidden or zero, e.g. two rows of 1
        whose total is "< 5" but at least 2. And never exactly one hidden count in a column
        whose total is shown (the complementary rule)."""
        rng = random.Random(20250127)
        for _ in range(150):
            rows = []
            for _ in range(rng.randint(1, 4)):
                s = rng.choice([rng.randint(1, 5), rng.randint(1, 12)])
                rows.append((s, rng.randint(0, s)))
            result = table(rows)
            values = [(s, t, s - t) for s, t in rows]
            values.append((sum(v[0] for v in values), sum(v[1] for v in values),
                           sum(v[2] for v in values)))  # fmt: skip
            marks = marks_of(result)
            with self.subTest(rows=rows):
                for v, m in zip(values[:-1], marks[:-1], strict=True):
                    for value, mark in zip(v, m, strict=True):
                        self.assertEqual(mark == T, 0 < value < SMALL_COUNT_MIN)
                        self.assertFalse(value == 0 and mark != S)
                for col in range(3):
                    if marks[-1][col] == S:
                        self.assertNotEqual(sum(1 for m in marks[:-1] if m[col] != S), 1)
                for (row, col), found in possible_values(rows, result).items():
                    if len(found) > 1:
                        continue
                    self.assertTrue(
                        all(v[col] == 0 or m[col] != S for v, m in zip(values, marks, strict=True)),
                        f"row {row} column {col} given away: {found}",
                    )

    def test_a_province_sized_tree(self):
        """27 kab/kota × 25 kecamatan × 10 desa with 1–3 people each: the worst case, settled
        (its speed is not a unit test's business)."""
        rng = random.Random(3)
        leaves = {}
        for k in range(27):
            for c in range(25):
                for d in range(10):
                    s = rng.randint(1, 3)
                    leaves[(f"k{k}", f"k{k}c{c}", f"k{k}c{c}d{d}")] = (s, rng.randint(0, s))
        result = suppress_small_counts(leaves)
        self.assertEqual(len(result), 1 + 27 + 27 * 25 + len(leaves))
        for path in leaves:  # every desa count of 1-3 people is "< 5"
            self.assertEqual(result[path].sasaran, T, path)
        self.assertFalse(result[()].suppressed)  # the province's own total stays visible


NUM_CELL = re.compile(r'<td class="num">([^<]*)</td>')


def row_cells(html: str, testid: str) -> list[str]:
    """The numeric cells of the table row marked ``data-testid=testid``, unescaped."""
    start = html.index(f'data-testid="{testid}"')
    return [unescape(c) for c in NUM_CELL.findall(html[start : html.index("</tr>", start)])]


def shown_numbers(html: str) -> list[int]:
    """Every count shown in the table and the cards of a page (percentages left out)."""
    cells = NUM_CELL.findall(html)
    cells += re.findall(r'data-testid="wilayah-(?:sasaran|terlayani|belum)">([^<]*)<', html)
    return [int(c.replace(".", "")) for c in map(unescape, cells) if re.fullmatch(r"[\d.]+", c)]


# Kota Bekasi, 1.02.K06, 2025 (TW4): Bekasijaya 20 on the list, 15 served; Margahayu 3, all
# served; Kranji (Bekasi Barat) 12, 10 served. Per kecamatan: Bekasi Timur 23/18/5, Bekasi
# Barat 12/10/2 (sasaran/terlayani/belum).
def bekasi_rows() -> list[dict[str, Any]]:
    rows = [served(n, f"{YEAR}-02-01") for n in range(1, 16)]
    rows += [not_served(n) for n in range(16, 21)]
    rows += [served(n, f"{YEAR}-02-01", kode_desa="32.75.01.1002") for n in range(21, 24)]
    rows += [served(n, f"{YEAR}-02-01", kode_desa="32.75.02.1002") for n in range(24, 34)]
    rows += [not_served(n, kode_desa="32.75.02.1002") for n in range(34, 36)]
    return rows


KEC = f"/pemda/32.75/wilayah/{YEAR}/1.02.K06/"


class KabKotaSuppressionTests(PenerimaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        import_rows(cls, cls.pemda_a, bekasi_rows(), "bekasi.csv")

    def pages(self) -> dict[str, str]:
        return {
            url: self.client.get(url).content.decode()
            for url in (KEC, f"{KEC}32.75.01/", f"{KEC}{KEC_BARAT}/")
        }

    def test_outsiders_never_see_a_count_from_1_to_4(self):
        for persona in ("provinsi_jabar", "pusat"):
            self.login(persona)
            for url, page in self.pages().items():
                with self.subTest(persona=persona, url=url):
                    numbers = shown_numbers(page)
                    self.assertTrue(numbers)  # the page does show counts
                    self.assertFalse([n for n in numbers if 0 < n < SMALL_COUNT_MIN], numbers)

    def test_outsider_kecamatan_page(self):
        self.login("pusat")
        page = self.client.get(KEC).content.decode()
        # Bekasi Barat's belum (2) is small; Bekasi Timur's (5) is hidden with it; so are both
        # terlayani (12 − 10 and 23 − 18 would give the belum back); sasaran stays
        self.assertEqual(row_cells(page, "kecamatan-32.75.01"), ["23", "*", "*", "*"])
        self.assertEqual(row_cells(page, f"kecamatan-{KEC_BARAT}"), ["12", "*", "< 5", "*"])
        # the totals of the whole kota are shown
        self.assertEqual(row_cells(page, "wilayah-jumlah"), ["35", "28", "7", "80,00 %"])
        self.assertIn('data-testid="catatan-kecil"', page)
        self.assertIn("tidak ditampilkan kepada pengguna di luar pemda ini", page)
        self.assertIn('data-testid="catatan-sembunyi"', page)
        self.assertIn("angka bukan nol terkecil berikutnya", page)
        self.assertNotIn('data-testid="catatan-anggota"', page)

    def test_outsider_desa_page_keeps_what_the_kecamatan_page_hid(self):
        self.login("provinsi_jabar")
        kec = self.client.get(KEC).content.decode()
        desa = self.client.get(f"{KEC}32.75.01/").content.decode()
        # the kecamatan row there is the total here: the same numbers and marks
        self.assertEqual(
            row_cells(desa, "wilayah-jumlah")[:3], row_cells(kec, "kecamatan-32.75.01")[:3]
        )
        self.assertIn('data-testid="wilayah-terlayani">*<', desa)
        self.assertEqual(row_cells(desa, "desa-32.75.01.1002"), ["< 5", "< 5", "0", "*"])
        # Bekasijaya: 20 = 15 + 5 with 23 on the kecamatan, so 3 in Margahayu: hidden
        self.assertEqual(row_cells(desa, "desa-32.75.01.1001"), ["*", "15", "*", "*"])
        barat = self.client.get(f"{KEC}{KEC_BARAT}/").content.decode()
        self.assertEqual(row_cells(barat, "desa-32.75.02.1002"), ["12", "*", "< 5", "*"])

    def test_the_pages_follow_the_pure_rule(self):
        leaves = {("32.75.01", "32.75.01.1001"): (20, 15), ("32.75.01", "32.75.01.1002"): (3, 3),
                  (KEC_BARAT, "32.75.02.1002"): (12, 10)}  # fmt: skip
        expected = suppress_small_counts(leaves)
        label = {S: None, T: "< 5", B: "*"}
        self.login("pusat")
        for url, (parent, testid) in {
            KEC: ((), "kecamatan-{}"),
            f"{KEC}32.75.01/": (("32.75.01",), "desa-{}"),
        }.items():
            page = self.client.get(url).content.decode()
            for path, marks in expected.items():
                if len(path) != len(parent) + 1 or path[:-1] != parent:
                    continue
                with self.subTest(url=url, path=path):
                    cells = row_cells(page, testid.format(path[-1]))[:3]
                    for cell, mark in zip(
                        cells, (marks.sasaran, marks.terlayani, marks.belum), strict=True
                    ):
                        if label[mark]:
                            self.assertEqual(cell, label[mark])
                        else:
                            self.assertRegex(cell, r"^\d+$")

    def test_members_see_exact_counts(self):
        for persona in ("operator_kes", "verifikator_tim", "admin_a", "pimpinan_a"):
            self.login(persona)
            with self.subTest(persona=persona):
                kec = self.client.get(KEC).content.decode()
                self.assertEqual(
                    row_cells(kec, f"kecamatan-{KEC_BARAT}"), ["12", "10", "2", "83,33 %"]
                )
                desa = self.client.get(f"{KEC}32.75.01/").content.decode()
                self.assertEqual(row_cells(desa, "desa-32.75.01.1002"), ["3", "3", "0", "100,00 %"])
                self.assertNotIn('<td class="num">&lt;', desa)
                self.assertIn('data-testid="catatan-anggota"', desa)
                self.assertNotIn('data-testid="catatan-kecil"', desa)

    def test_a_kabkota_has_no_kabkota_level(self):
        self.login("pusat")
        for code in ("32.75", "32.01"):
            with self.subTest(code=code):
                self.assertEqual(self.client.get(f"{KEC}{code}/").status_code, 404)


PROV_JPD = "1.02.P01"
TOP = f"/pemda/32/wilayah/{YEAR}/{PROV_JPD}/"


def add_bogor() -> None:
    """Two kecamatan of Kabupaten Bogor with one desa each (Jawa Barat)."""
    for code, name, level, kind, parent in (
        ("32.01.01", "Cibinong", "kecamatan", "kecamatan", "32.01"),
        ("32.01.01.1001", "Pakansari", "desa", "kelurahan", "32.01.01"),
        ("32.01.02", "Gunung Putri", "kecamatan", "kecamatan", "32.01"),
        ("32.01.02.2001", "Wanaherang", "desa", "desa", "32.01.02"),
    ):
        Region.objects.create(code=code, name=name, level=level, kind=kind, parent_id=parent)


def province_rows(start: int, per_desa: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """``per_desa``: desa → (on the list, served); people numbered from ``start``."""
    rows, n = [], start
    for desa, (count, done) in per_desa.items():
        region = desa.replace(".", "")[:6]
        for i in range(count):
            over = {"kode_desa": desa, "nik": nik(n, region=region)}
            rows.append(served(n, f"{YEAR}-03-01", **over) if i < done else not_served(n, **over))
            n += 1
    return rows


class ProvinceDrillDownTests(PenerimaTestCase, AccessMatrixMixin):
    """A province's own JPD: per kab/kota, then per kecamatan of one, then per desa."""

    p01: Jpd
    admin_prov: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        add_regions()
        add_bogor()
        cls.p01 = Jpd.objects.get(code=PROV_JPD)
        cls.admin_prov = make_user("admin_prov")  # a member of the province itself
        Membership.objects.create(user=cls.admin_prov, pemda=cls.prov, role=Role.ADMIN_PEMDA)
        per_desa = {"32.75.01.1001": (30, 20), "32.75.01.1002": (8, 8), "32.75.02.1002": (10, 6),
                    "32.01.01.1001": (3, 1), "32.01.02.2001": (25, 25)}  # fmt: skip
        import_rows(cls, cls.prov, province_rows(1, per_desa), "jabar.csv", jpd=cls.p01)

    def test_access(self):
        readers = {"provinsi_jabar": 200, "pusat": 200}
        for url in (TOP, f"{TOP}32.75/", f"{TOP}32.75.01/", f"{TOP}32.01.02/?tw=1"):
            self.check_access("get", url, readers)
        self.client.force_login(self.admin_prov)
        self.assertEqual(self.client.get(f"{TOP}32.01/").status_code, 200)

    def test_not_found_outside_the_province_or_at_a_wrong_level(self):
        self.client.force_login(self.admin_prov)
        for code in ("36.74", "36.74.01", "32", "32.99", "32.75.99", "32.75.01.1001", "x"):
            with self.subTest(code=code):
                self.assertEqual(self.client.get(f"{TOP}{code}/").status_code, 404)
        # a kab/kota JPD under the province, the province's JPD under a kab/kota
        self.assertEqual(self.client.get(f"/pemda/32/wilayah/{YEAR}/1.02.K06/").status_code, 404)
        self.login("pusat")
        self.assertEqual(
            self.client.get(f"/pemda/32.75/wilayah/{YEAR}/{PROV_JPD}/").status_code, 404
        )

    def test_three_levels_for_a_member(self):
        self.client.force_login(self.admin_prov)
        top = self.client.get(f"{TOP}?tw=2").content.decode()
        self.assertEqual(row_cells(top, "kabkota-32.75"), ["48", "34", "14", "70,83 %"])
        self.assertEqual(row_cells(top, "kabkota-32.01"), ["28", "26", "2", "92,86 %"])
        self.assertEqual(row_cells(top, "wilayah-jumlah"), ["76", "60", "16", "78,95 %"])
        self.assertIn("KOTA BEKASI", top)
        self.assertIn(f'href="{TOP}32.01/?tw=2"', top)  # a kab/kota leads to its kecamatan
        self.assertIn("Daftar penerima per kabupaten/kota", top)
        self.assertNotIn('data-testid="kecamatan-', top)

        kab = self.client.get(f"{TOP}32.01/?tw=2").content.decode()
        self.assertEqual(row_cells(kab, "kecamatan-32.01.01"), ["3", "1", "2", "33,33 %"])
        self.assertEqual(row_cells(kab, "kecamatan-32.01.02"), ["25", "25", "0", "100,00 %"])
        self.assertIn(f'href="{TOP}32.01.02/?tw=2"', kab)  # a kecamatan leads to its desa
        self.assertNotIn("Pakansari", kab)
        self.assertIn(f'href="{TOP}?tw=2">Per kabupaten/kota</a>', kab)  # back to the top
        self.assertIn("/pemda/32/?tahun=", kab)  # and to the dashboard

        kec = self.client.get(f"{TOP}32.01.02/?tw=2").content.decode()
        self.assertEqual(row_cells(kec, "desa-32.01.02.2001"), ["25", "25", "0", "100,00 %"])
        self.assertIn('data-testid="wilayah-sasaran">25<', kec)
        # the breadcrumbs: dashboard › per kab/kota › Kabupaten Bogor › Gunung Putri
        crumbs = kec[kec.index('data-testid="wilayah-jejak"') :].split("</p>")[0]
        self.assertIn(f'href="{TOP}?tw=2"', crumbs)
        self.assertIn(f'href="{TOP}32.01/?tw=2">KABUPATEN BOGOR</a>', crumbs)
        self.assertIn("<strong>Gunung Putri</strong>", crumbs)
        self.assertNotIn('href="/pemda/32/wilayah/2025/1.02.P01/32.01.02.2001/', kec)  # no deeper

    def test_outsiders_of_the_province_see_small_counts_hidden(self):
        self.login("provinsi_jabar")  # the overseer role is no member of the province itself
        for url in (TOP, f"{TOP}32.01/", f"{TOP}32.01.01/", f"{TOP}32.75/", f"{TOP}32.75.02/"):
            page = self.client.get(url).content.decode()
            with self.subTest(url=url):
                self.assertFalse([n for n in shown_numbers(page) if 0 < n < SMALL_COUNT_MIN])
        kab = self.client.get(f"{TOP}32.01/").content.decode()
        self.assertEqual(row_cells(kab, "kecamatan-32.01.01"), ["< 5", "< 5", "< 5", "*"])
        top = self.client.get(TOP).content.decode()
        self.assertEqual(row_cells(top, "wilayah-jumlah")[0], "76")

    def test_query_counts_do_not_grow_with_rows_or_areas(self):
        self.client.force_login(self.admin_prov)
        urls = {"kabkota": TOP, "kecamatan": f"{TOP}32.75/", "desa": f"{TOP}32.75.01/"}

        def measure() -> dict[str, int]:
            return page_query_counts(self.client, urls)

        few = measure()
        # more people, in more desa, kecamatan and kab/kota
        Region.objects.create(code="32.73", name="KOTA BANDUNG", level="kabkota", kind="kota",
                              parent_id="32")  # fmt: skip
        for k in range(1, 4):
            Region.objects.create(code=f"32.73.0{k}", name=f"Kec {k}", level="kecamatan",
                                  kind="kecamatan", parent_id="32.73")  # fmt: skip
            Region.objects.create(code=f"32.73.0{k}.1001", name=f"Kel {k}", level="desa",
                                  kind="kelurahan", parent_id=f"32.73.0{k}")  # fmt: skip
        more = {f"32.73.0{k}.1001": (40, 30) for k in range(1, 4)}
        more |= {"32.75.01.1001": (30, 20), "32.75.02.1002": (50, 5)}
        import_rows(type(self), self.prov, province_rows(500, more), "lebih.csv", jpd=self.p01)
        page = self.client.get(TOP).content.decode()
        self.assertIn('data-testid="kabkota-32.73"', page)  # the data really grew
        self.assertEqual(measure(), few)
        # session, user, pemda, memberships, JPD, then the counts per desa, the names, the
        # target (first page) or the area (other pages), then the session's save (3); and, for
        # this admin_pemda, the unread reminders in the header (alur.context_processors)
        self.assertEqual(few, {"kabkota": 12, "kecamatan": 12, "desa": 12})
        self.login("pusat")  # an outsider: the same queries (the rule runs in Python)
        with self.assertNumQueries(11):
            self.client.get(f"{TOP}32.73/")

    def test_the_region_dashboard_of_the_province_links_the_drilldown(self):
        self.login("pusat")
        page = self.client.get(f"/pemda/32/?tahun={YEAR}&tw=2")
        self.assertContains(page, f'href="{TOP}?tw=2"')
        self.assertContains(page, ">per kabupaten/kota</a>")  # its first level
        self.assertNotContains(page, "per kecamatan/desa")

    def test_served_by_the_quarter_end(self):
        self.client.force_login(self.admin_prov)
        tw1 = self.client.get(f"{TOP}?tw=1").content.decode()  # served 1 March: in TW1
        self.assertEqual(row_cells(tw1, "wilayah-jumlah")[:2], ["76", "60"])
