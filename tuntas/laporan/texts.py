"""The report's narrative: sensible defaults a region edits (BAB I, foreword, closing, the
head's name for the signature block). Defaults name the pemda and the year; the legal basis
lists the regulations the catalog's method follows (SPM-REFERENCE §2)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tuntas.laporan.models import TextKey
from tuntas.organisasi.models import Pemda


def head_title(pemda: Pemda) -> str:
    """The title of the head who signs: Gubernur, Bupati or Wali Kota."""
    if pemda.level == "provinsi":
        return _("Gubernur %(nama)s") % {"nama": pemda.name.removeprefix("Provinsi ").strip()}
    if pemda.name.startswith("Kota "):
        return _("Wali Kota %(nama)s") % {"nama": pemda.name.removeprefix("Kota ").strip()}
    return _("Bupati %(nama)s") % {"nama": pemda.name.removeprefix("Kabupaten ").strip()}


LEGAL_BASIS = (
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa "
    "kali diubah, terakhir dengan Undang-Undang Nomor 6 Tahun 2023;",
    "Peraturan Pemerintah Nomor 2 Tahun 2018 tentang Standar Pelayanan Minimal;",
    "Peraturan Pemerintah Nomor 13 Tahun 2019 tentang Laporan dan Evaluasi Penyelenggaraan "
    "Pemerintahan Daerah;",
    "Peraturan Menteri Dalam Negeri Nomor 59 Tahun 2021 tentang Penerapan Standar Pelayanan "
    "Minimal;",
    "Peraturan Menteri Pendidikan, Kebudayaan, Riset, dan Teknologi Nomor 32 Tahun 2022 tentang "
    "Standar Teknis Pelayanan Minimal Pendidikan;",
    "Peraturan Menteri Kesehatan Nomor 6 Tahun 2024 tentang Standar Teknis Pemenuhan Standar "
    "Pelayanan Minimal Kesehatan;",
    "Peraturan Menteri Pekerjaan Umum dan Perumahan Rakyat Nomor 13 Tahun 2023 tentang Standar "
    "Teknis Standar Pelayanan Minimal Bidang Pekerjaan Umum dan Bidang Perumahan Rakyat;",
    "Peraturan Menteri Dalam Negeri Nomor 101 Tahun 2018, Nomor 114 Tahun 2018 dan Nomor 121 "
    "Tahun 2018 tentang Standar Teknis Pelayanan Dasar Sub-Urusan Bencana, Kebakaran, serta "
    "Ketenteraman dan Ketertiban Umum;",
    "Peraturan Menteri Sosial Nomor 9 Tahun 2018 tentang Standar Teknis Pelayanan Dasar pada "
    "Standar Pelayanan Minimal Bidang Sosial di Daerah Provinsi dan Daerah Kabupaten/Kota.",
)


def default_texts(pemda: Pemda, year: int) -> dict[str, str]:
    """The default of every section (Indonesian official prose; the pemda edits it)."""
    names = {"pemda": pemda.name, "tahun": year}
    return {
        TextKey.KATA_PENGANTAR: _(
            "Puji syukur ke hadirat Tuhan Yang Maha Esa, Laporan Penerapan Standar Pelayanan "
            "Minimal (SPM) %(pemda)s Tahun %(tahun)s dapat diselesaikan. Laporan ini memuat "
            "capaian penerapan SPM pada enam urusan pemerintahan wajib yang berkaitan dengan "
            "pelayanan dasar, pemenuhan mutu barang/jasa dan sumber daya manusia, alokasi dan "
            "realisasi anggaran, permasalahan beserta solusinya, serta status empat tahapan "
            "penerapan SPM. Terima kasih kepada seluruh perangkat daerah dan Tim Penerapan SPM "
            "atas kerja samanya."
        )
        % names,
        TextKey.LATAR_BELAKANG: _(
            "Standar Pelayanan Minimal adalah ketentuan mengenai jenis dan mutu pelayanan dasar "
            "yang merupakan urusan pemerintahan wajib yang berhak diperoleh setiap warga negara "
            "secara minimal. %(pemda)s menerapkan SPM melalui empat tahapan: pengumpulan data, "
            "penghitungan kebutuhan pemenuhan pelayanan dasar, penyusunan rencana pemenuhan "
            "pelayanan dasar, dan pelaksanaan pemenuhan pelayanan dasar, serta melaporkannya "
            "setiap triwulan sebagaimana diamanatkan Peraturan Menteri Dalam Negeri Nomor 59 "
            "Tahun 2021."
        )
        % names,
        TextKey.DASAR_HUKUM: "\n".join(LEGAL_BASIS),
        TextKey.KEBIJAKAN_UMUM: _(
            "Kebijakan umum penerapan SPM %(pemda)s mengacu pada Rencana Pembangunan Jangka "
            "Menengah Daerah (RPJMD): pelayanan dasar diprioritaskan dalam perencanaan dan "
            "penganggaran sehingga setiap warga negara yang berhak memperoleh pelayanan dasar "
            "sesuai standar."
        )
        % names,
        TextKey.ARAH_KEBIJAKAN: _(
            "Arah kebijakan Tahun %(tahun)s sebagaimana Kebijakan Umum Anggaran (KUA): "
            "pemenuhan sasaran penerima pelayanan dasar, pemenuhan kekurangan mutu barang/jasa "
            "dan sumber daya manusia, serta penandaan anggaran SPM pada sub-kegiatan yang "
            "mendukung pelayanan dasar."
        )
        % names,
        TextKey.PENUTUP: _(
            "Demikian Laporan Penerapan SPM %(pemda)s Tahun %(tahun)s disusun sebagai bahan "
            "evaluasi dan pertanggungjawaban penerapan SPM, serta sebagai dasar perbaikan "
            "perencanaan dan penganggaran pelayanan dasar pada tahun berikutnya."
        )
        % names,
        TextKey.NAMA_KEPALA: "",
    }
