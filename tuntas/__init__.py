"""Tuntas: Standar Pelayanan Minimal untuk pemerintah daerah."""

__version__ = "0.1.0"
