# Tuntas — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help install demo test lint typecheck check-migrations ci lock clean

help:
	@echo "make demo   - siapkan lingkungan, basis data, data rujukan, lalu jalankan aplikasi"
	@echo "make test   - jalankan seluruh pengujian (SQLite; PostgreSQL bila TUNTAS_DATABASE_URL diisi)"
	@echo "make lint   - ruff + mypy + kontrak impor (lint-imports) + makemigrations --check"

$(STAMP): pyproject.toml requirements/build.txt requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tuntas butuh Python >= 3.11 (ditemukan %s)" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/build.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)

# Demo: regions, catalog, demo pemda of Jawa Barat and Banten with synthetic data (data contoh)
# and one login per role (new passwords each run), then the server. Safe to repeat.
demo: $(STAMP)
	$(BIN)/tuntas migrate --no-input
	$(BIN)/tuntas init
	$(BIN)/tuntas demo --alamat http://$(HOST):$(PORT)
	@# the background worker (by-name recipient imports) runs next to the server and stops with it;
	@# imports left by a worker that died last time are marked failed first (they can be retried)
	$(BIN)/tuntas bersihkan-unggahan
	$(BIN)/tuntas db_worker & WORKER=$$!; trap 'kill $$WORKER' EXIT INT TERM; $(BIN)/tuntas runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy tuntas
	$(BIN)/lint-imports
	$(BIN)/tuntas makemigrations --check --dry-run

ci: test lint

# Regenerate the locks from pyproject.toml (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet --target .cache/uv uv
	PYTHONPATH=.cache/uv $(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/main.txt -q
	PYTHONPATH=.cache/uv $(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt -q
	PYTHONPATH=.cache/uv $(PYTHON) -m uv pip compile requirements/build.in --python-version 3.11 --generate-hashes -o requirements/build.txt -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
