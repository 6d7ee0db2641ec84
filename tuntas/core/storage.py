"""The static-file storage of production: whitenoise's compressed manifest storage (hashed names,
gzip and brotli copies), without rewriting source-map comments — the vendored bundles name
``.map`` files they do not ship, and a missing map must not stop ``collectstatic``."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: Any) -> tuple[Any, ...]:
    kept = []
    for extension, rules in patterns:
        rules = tuple(r for r in rules if "sourceMappingURL" not in str(r))
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class StaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
