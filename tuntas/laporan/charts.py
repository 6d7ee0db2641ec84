"""Charts for the reports (matplotlib, drawn without a display and without the network): each
function returns an SVG document as a string, ready to be put inline in an HTML page or a
WeasyPrint PDF (no XML declaration, no doctype, no script, no external reference).

matplotlib is heavy: it is imported inside the functions, on the first chart drawn.

Colours of the categories: ``CATEGORY_COLOURS`` mirrors the ``--<kategori>`` variables of
``tuntas/core/static/tuntas/tuntas.css`` (the ``k-<kategori>`` badges on screen), so a category
has one colour on screen, in the browser's charts (handed over as data) and in the files; a
test compares the two."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tuntas.core.formatting import format_decimal_id
from tuntas.perhitungan.engine import Band

# the screen's --paripurna … --belum (tuntas.css); "" (no category) is the .k- grey
CATEGORY_COLOURS: dict[str, str] = {
    "paripurna": "#0f6b3a",
    "utama": "#2e8b57",
    "madya": "#7fae3b",
    "pratama": "#e0b21b",
    "muda": "#e07b1b",
    "belum": "#c0392b",
    "": "#9aa7b1",
}
INK = "#1d2b36"
MUTED = "#5b6b78"
LINE = "#d5dde3"
# one line per year, the latest the strongest (as the dashboard's tren.js)
YEAR_COLOURS = ("#9aa7b1", "#7fae3b", "#e0b21b", "#e07b1b", "#0b5d8f")
FONT = "DejaVu Sans"
WIDTH_IN = 7.0  # fits an A4 page's text width


def colour_of(kategori: str) -> str:
    return CATEGORY_COLOURS.get(kategori, CATEGORY_COLOURS[""])


def category_css() -> str:
    """The ``k-<kategori>`` badge and ``row-<kategori>`` rules for printed documents, from
    ``CATEGORY_COLOURS`` (the screen has the same colours in tuntas.css)."""
    rules = []
    for code, colour in CATEGORY_COLOURS.items():
        ink = "#222" if code == "pratama" else "#fff"
        rules.append(f".k-{code} {{ background: {colour}; color: {ink}; }}")
        if code:
            rules.append(f"tr.row-{code} td:first-child {{ border-left: 1.6mm solid {colour}; }}")
    return "\n".join(rules)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value as shown (``None``: no value, drawn as none) and the
    category code that colours it."""

    label: str
    value: Decimal | None
    kategori: str = ""


def _figure(height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display, whatever the environment says
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "font.size": 8,
            "svg.fonttype": "none",  # text stays text: small, and found by pdftotext
            "svg.hashsalt": "tuntas",  # the same chart, the same SVG
            "axes.edgecolor": LINE,
            "axes.labelcolor": INK,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "text.color": INK,
        }
    )
    return Figure(figsize=(WIDTH_IN, height))


def _text(value: str) -> str:
    """A label as plain text: matplotlib reads ``$…$`` as mathematics."""
    return value.replace("$", r"\$")


def _number(value: Decimal) -> str:
    places = max(0, -int(value.as_tuple().exponent))
    return format_decimal_id(value, places)


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration, no doctype: inline in HTML
    # no <style> element (the pages' Content-Security-Policy refuses inline style sheets;
    # the drawing carries its styles as attributes) and no metadata
    text = re.sub(r"<(metadata|style)\b.*?</\1>", "", text, flags=re.S)
    # ids unique to this drawing: several charts inline in one document never share one
    prefix = "g" + hashlib.sha256(text.encode()).hexdigest()[:8] + "-"
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r"(url\(#|href=\"#)", rf"\1{prefix}", text)
    return text.strip()


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=200, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _band_lines(axes: Any, bands: Sequence[Band], *, vertical: bool) -> None:
    """A thin dashed line at each band's lower limit (named beside it on a vertical chart;
    a horizontal chart has the limits as its ticks and the names in its legend)."""
    for band in bands:
        limit = float(band.minimum)
        if limit <= 0:
            continue
        if vertical:
            axes.axvline(limit, color=MUTED, linewidth=0.6, linestyle="--", zorder=1)
        else:
            axes.axhline(limit, color=MUTED, linewidth=0.6, linestyle="--", zorder=1)
            axes.text(
                1.0, limit, " " + _text(band.name), transform=axes.get_yaxis_transform(),
                va="center", ha="left", fontsize=6, color=MUTED,
            )  # fmt: skip


def _legend(figure: Any, bands: Sequence[Band]) -> None:
    """The categories' colours and names, under the chart."""
    from matplotlib.patches import Patch

    handles = [Patch(color=colour_of(b.code), label=_text(b.name)) for b in bands]
    figure.legend(
        handles=handles, loc="lower center", ncol=min(len(handles), 6), frameon=False,
        fontsize=6.5, bbox_to_anchor=(0.5, -0.01), handlelength=1.2, columnspacing=1.2,
    )  # fmt: skip


def kabkota_bar(rows: Sequence[Bar], *, bands: Sequence[Band] = (), title: str = "") -> str:
    """A province's kab/kota on one chart: a horizontal bar per kab/kota (in the order given,
    the first on top), coloured by category, the index written at its end, and the method's
    band limits as dashed lines."""
    figure = _figure(max(1.8, 0.9 + 0.21 * len(rows)))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [float(r.value) if r.value is not None else 0.0 for r in rows]
    axes.barh(positions, values, color=[colour_of(r.kategori) for r in rows], height=0.7, zorder=2)
    for y, row in zip(positions, rows, strict=True):
        label = _number(row.value) if row.value is not None else "—"
        x = float(row.value) if row.value is not None else 0.0
        axes.text(
            x + 0.8, y, label, va="center", ha="left", fontsize=6.5, color=INK, zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4},
        )  # fmt: skip
    axes.set_yticks(positions, [_text(r.label) for r in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    limits = sorted(
        {
            Decimal(0),
            Decimal(100),
            *(Decimal(b.minimum.numerator) / b.minimum.denominator for b in bands),
        }
    )
    axes.set_xticks([float(x) for x in limits], [_number(x.normalize()) for x in limits])
    axes.tick_params(axis="y", length=0)
    axes.spines[["top", "right"]].set_visible(False)
    _band_lines(axes, bands, vertical=True)
    if bands:
        figure.subplots_adjust(bottom=0.5 / figure.get_figheight())
        _legend(figure, bands)
    if title:
        axes.set_title(_text(title), loc="left", fontsize=9)
    return _svg(figure)


def urusan_profile(rows: Sequence[Bar], *, bands: Sequence[Band] = (), title: str = "") -> str:
    """A region's urusan profile: a vertical bar per urusan, coloured by its category, the value
    on top, the method's band limits as dashed lines."""
    return _svg(_urusan_figure(rows, bands=bands, title=title))


def urusan_profile_png(
    rows: Sequence[Bar], *, bands: Sequence[Band] = (), title: str = ""
) -> bytes:
    """The same drawing as PNG (for the DOCX: Word has no inline SVG)."""
    return _png(_urusan_figure(rows, bands=bands, title=title))


def _urusan_figure(rows: Sequence[Bar], *, bands: Sequence[Band], title: str) -> Any:
    figure = _figure(2.6)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    values = [float(r.value) if r.value is not None else 0.0 for r in rows]
    axes.bar(positions, values, color=[colour_of(r.kategori) for r in rows], width=0.6, zorder=2)
    for x, row in zip(positions, rows, strict=True):
        label = _number(row.value) if row.value is not None else "—"
        y = float(row.value) if row.value is not None else 0.0
        axes.text(
            x, y + 1.5, label, va="bottom", ha="center", fontsize=7, color=INK, zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4},
        )  # fmt: skip
    axes.set_xticks(positions, [_text(r.label) for r in rows], fontsize=7)
    axes.set_ylim(0, 112)
    axes.set_yticks([0, 20, 40, 60, 80, 100])
    axes.spines[["top", "right"]].set_visible(False)
    _band_lines(axes, bands, vertical=False)
    if title:
        axes.set_title(_text(title), loc="left", fontsize=9)
    return figure


def trend_years(points: Mapping[str, Sequence[float | Decimal | None]], *, title: str = "") -> str:
    """The index over TW1..TW4, one line per year (``{"2025": [TW1, TW2, TW3, TW4]}``, as
    ``dasbor.views.trend_by_year`` gives it). Quarterly entries are cumulative toward the year's
    target, so every year starts low again: drawn as a line of its own, a new year does not read
    as a collapse."""
    return _svg(_trend_figure(points, title=title))


def trend_years_png(
    points: Mapping[str, Sequence[float | Decimal | None]], *, title: str = ""
) -> bytes:
    """The same drawing as PNG (for the DOCX)."""
    return _png(_trend_figure(points, title=title))


def _trend_figure(points: Mapping[str, Sequence[float | Decimal | None]], *, title: str) -> Any:
    figure = _figure(2.4)
    axes = figure.add_subplot()
    years = sorted(points)
    quarters = [1, 2, 3, 4]
    for i, year in enumerate(years):
        colour = YEAR_COLOURS[max(0, len(YEAR_COLOURS) - len(years) + i)]
        shown = [
            (q, float(v)) for q, v in zip(quarters, points[year], strict=False) if v is not None
        ]
        if not shown:
            continue
        xs, ys = zip(*shown, strict=True)
        axes.plot(
            xs, ys, marker="o", markersize=3, color=colour,
            linewidth=2.2 if i == len(years) - 1 else 1.4, label=_text(year),
        )  # fmt: skip
    axes.set_xticks(quarters, [f"TW{q}" for q in quarters])
    axes.set_xlim(0.7, 4.3)
    axes.set_ylim(0, 105)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color=LINE, linewidth=0.5)
    if years:
        axes.legend(frameon=False, fontsize=7, loc="lower right", ncol=min(len(years), 5))
    if title:
        axes.set_title(_text(title), loc="left", fontsize=9)
    return figure
