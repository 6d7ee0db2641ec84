"""The registry of report builders: which function makes which file (kind × format).

A builder is registered with ``@register(kind, fmt)``::

    @register("pemda", "pdf")
    def region_report_pdf(
        pemda: Pemda | None, year: int, quarter: int, progress: Progress
    ) -> Built:
        progress(10, "Mengumpulkan data")
        ...
        return pdf_bytes, "laporan-spm-32.75-2025.pdf", "application/pdf"

``pemda`` is None only for the national summary (kind ``nasional``); ``quarter`` 0 is the
annual report; ``progress(percent, step)`` records how far the build is (0–100, and a short
Indonesian text of the current step) for the status page. A builder raises
:class:`~tuntas.core.errors.DomainError` with an Indonesian message for a report that cannot be
made (the message is shown); any other exception is logged and shown as a system error.

The modules that register builders are listed in ``BUILDER_MODULES`` and imported on the first
look-up, in the web process and in every worker (database queue or RQ) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TypeAlias

from tuntas.organisasi.models import Pemda

Progress: TypeAlias = Callable[[int, str], None]
# (the file's bytes, its file name, its MIME type)
Built: TypeAlias = tuple[bytes, str, str]
Builder: TypeAlias = Callable[[Pemda | None, int, int, Progress], Built]

KINDS = ("pemda", "provinsi", "paket", "nasional", "espm")  # models.BuildKind
FORMATS = ("pdf", "docx", "xlsx")  # models.BuildFormat

# the modules whose import registers the shipped builders (dotted paths)
BUILDER_MODULES: tuple[str, ...] = ("tuntas.laporan.builders_shipped",)

_REGISTRY: dict[tuple[str, str], Builder] = {}
_loaded = False


@dataclass(frozen=True)
class BuilderKey:
    kind: str
    fmt: str


def register(kind: str, fmt: str) -> Callable[[Builder], Builder]:
    """Register ``func`` as the builder of ``kind`` in ``fmt``; the decorator returns it as is.
    A second builder for the same pair replaces the first (the last import wins)."""
    if kind not in KINDS:
        raise ValueError(f"jenis laporan tidak dikenal: {kind!r} (pilihan: {', '.join(KINDS)})")
    if fmt not in FORMATS:
        raise ValueError(f"format tidak dikenal: {fmt!r} (pilihan: {', '.join(FORMATS)})")

    def decorator(func: Builder) -> Builder:
        _REGISTRY[(kind, fmt)] = func
        return func

    return decorator


def unregister(kind: str, fmt: str) -> None:
    """Remove a builder (tests that register their own)."""
    _REGISTRY.pop((kind, fmt), None)


def load_builders() -> None:
    """Import the modules of ``BUILDER_MODULES`` once (their decorators register)."""
    global _loaded
    if _loaded:
        return
    for module in BUILDER_MODULES:
        import_module(module)
    _loaded = True


def builder_get(kind: str, fmt: str) -> Builder | None:
    load_builders()
    return _REGISTRY.get((kind, fmt))


def builders_available() -> list[BuilderKey]:
    """Every registered (kind, format), in the order of ``KINDS`` and ``FORMATS``."""
    load_builders()
    return [BuilderKey(k, f) for k in KINDS for f in FORMATS if (k, f) in _REGISTRY]


def formats_for(kind: str) -> list[str]:
    load_builders()
    return [f for f in FORMATS if (kind, f) in _REGISTRY]
