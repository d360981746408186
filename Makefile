# Hälsocenter rapport. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RAW ?= data/raw
OUT ?= output
IN ?= data/region

RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

# Every version is pinned in the lock files (`make lock` writes them from pyproject.toml).
# uv, itself installed from PyPI into .venv, installs them in a few seconds; when uv cannot
# be had or fails, pip installs the same files. The program itself is installed without
# resolving anything again (--no-deps -e .).
UV_VERSION := 0.13.9
UV := $(BIN)/uv
LOCK_RUN := requirements.lock
LOCK_TEST := requirements-test.lock
# uv does not read pip's configuration files: pass on the indexes pip is given by environment.
UV_ENV := $(if $(PIP_INDEX_URL),UV_DEFAULT_INDEX="$(PIP_INDEX_URL)") \
	$(if $(PIP_EXTRA_INDEX_URL),UV_EXTRA_INDEX_URL="$(PIP_EXTRA_INDEX_URL)" \
		UV_INDEX_STRATEGY=unsafe-best-match) \
	$(if $(PIP_FIND_LINKS),UV_FIND_LINKS="$(PIP_FIND_LINKS)")
PIP := $(BIN)/python -m pip --disable-pip-version-check
# The environment is private to this folder: let Python keep its compiled modules there even
# where the shell says not to (otherwise every run compiles pandas anew, 5-10 s).
unexport PYTHONDONTWRITEBYTECODE

SKRIV_OVER ?=
OVERWRITE := $(if $(SKRIV_OVER),--skriv-over,)

.PHONY: help report check mallar nytt-ar pdf compare serve bench test mutation lint clean example template lock

help: ## Visa de här kommandona
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The environment is made without pip (that alone takes 10 s here); the pip that made it
# puts uv into it. pip is added to the environment only if uv cannot be used.
$(BIN)/python:
	@$(PYTHON) -m venv --without-pip $(VENV)

# uv into the environment, if it can be had (asked only when something is to be installed).
define get_uv
	@test -x $(UV) || $(PYTHON) -m pip --disable-pip-version-check --python $(BIN)/python \
		install --quiet uv==$(UV_VERSION) 2>/dev/null \
		|| echo "Kunde inte installera uv; pip används i stället (tar längre tid)."
endef

# install(LOCKFILE): exactly the locked versions, then the program without its dependencies.
# The packages are compiled to bytecode as they are installed (pip does it by itself, uv when
# told): otherwise the first run compiles pandas and the rest, seconds slower.
define install
	@if test -x $(UV) \
		&& UV_COMPILE_BYTECODE=1 $(UV_ENV) $(UV) pip install --quiet --python $(BIN)/python -r $(1) \
		&& $(UV_ENV) $(UV) pip install --quiet --python $(BIN)/python --no-deps -e . ; then :; \
	else \
		if test -x $(UV); then echo "uv misslyckades; installerar med pip i stället ..."; fi; \
		$(PIP) --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --default-pip >/dev/null; \
		$(PIP) install --quiet -r $(1) && $(PIP) install --quiet --no-deps -e . ; \
	fi
endef

$(RUN_STAMP): $(LOCK_RUN) pyproject.toml | $(BIN)/python
	@echo "Installerar programmet i $(VENV) (första gången tar det några sekunder) ..."
	$(get_uv)
	$(call install,$(LOCK_RUN))
	@touch $@

$(TEST_STAMP): $(LOCK_TEST) pyproject.toml $(RUN_STAMP)
	@echo "Installerar testverktygen ..."
	$(get_uv)
	$(call install,$(LOCK_TEST))
	@touch $@

lock: | $(BIN)/python ## Lås om alla beroenden till de senaste versionerna som pyproject.toml tillåter
	$(get_uv)
	@$(UV_ENV) $(UV) pip compile --quiet --upgrade pyproject.toml --extra test --universal --generate-hashes \
		--custom-compile-command "make lock" -o $(LOCK_TEST)
	@$(UV_ENV) $(UV) pip compile --quiet --upgrade pyproject.toml --universal --generate-hashes \
		--constraint $(LOCK_TEST) --custom-compile-command "make lock" -o $(LOCK_RUN)
	@echo "Skrev $(LOCK_RUN) och $(LOCK_TEST). Kör make test och checka in båda."

# quietly(COMMAND): a coach's target ends as the program does, without make's English
# "make: *** [Makefile:NN: check] Error 1" after the program's Swedish lines. make prints
# that line for every failing recipe and has no switch against it, so on a failure the
# recipe ends make itself with SIGPIPE, the one signal shells report nothing for; the exit
# status stays non-zero (141). Under another make (MAKELEVEL > 0) a failure is as usual.
define quietly
	@$(1) || { status=$$?; [ "$(MAKELEVEL)" != 0 ] || kill -PIPE $$PPID; exit $$status; }
endef
HALSOCENTER := $(BIN)/halsocenter
FORCE := $(if $(TVINGA),--tvinga)
FILE := $(if $(FIL),--fil "$(FIL)")

report: $(RUN_STAMP) ## Kontrollera underlaget och skriv rapport och nyckeltal (RAW=mapp OUT=mapp)
	$(call quietly,$(HALSOCENTER) rapport --in "$(RAW)" --ut "$(OUT)" $(FORCE))

check: $(RUN_STAMP) ## Kontrollera bara underlaget, skriv ingen rapport
	$(call quietly,$(HALSOCENTER) kontrollera --in "$(RAW)" --ut "$(OUT)")

mallar: $(RUN_STAMP) ## Skriv tomma arbetsböcker i data/raw att fylla i (SKRIV_OVER=1 ersätter)
	$(call quietly,$(HALSOCENTER) mallar --ut "$(RAW)" $(OVERWRITE))

nytt-ar: $(RUN_STAMP) ## Förbered nästa års verksamhet.xlsx i output/ (SKRIV_OVER=1 ersätter)
	$(call quietly,$(HALSOCENTER) nytt-ar --in "$(RAW)" --ut "$(OUT)" $(OVERWRITE))

pdf: $(RUN_STAMP) ## Gör PDF av rapporten som den ligger i output/, också redigerad (FIL=rapport.docx; kräver LibreOffice)
	$(call quietly,$(HALSOCENTER) pdf --ut "$(OUT)" $(FILE))

compare: $(RUN_STAMP) ## Jämför kommunernas nyckeltal.csv i data/region (IN=mapp OUT=mapp)
	$(call quietly,$(HALSOCENTER) jamfor --in "$(IN)" --ut "$(OUT)")

PORT ?= 8000

serve: $(RUN_STAMP) ## Starta portalen på http://127.0.0.1:8000/ (PORT=8123 för en annan port)
	@$(BIN)/python -m pipeline.web serve --port "$(PORT)"

bench: $(RUN_STAMP) ## Mät tiderna (1 000 till 1 000 000 närvarorader) och skriv bench/results.md
	@$(BIN)/python -m bench.run

lint: $(TEST_STAMP) ## Kör ruff (kodstil)
	@$(BIN)/ruff check pipeline tests tools bench
	@$(BIN)/ruff format --check pipeline tests tools bench

# The tests run on both cores (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 2

test: lint ## Kör ruff och alla tester
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

# One mutant at a time in a temporary copy of the tree (the tree itself is never changed);
# the score and every surviving mutant, with why it is harmless, go to bench/mutation.md.
mutation: $(TEST_STAMP) ## Mutationstester: ändrar reglerna en i taget och räknar hur många testerna fångar
	@$(BIN)/python -m tools.mutate

example: $(RUN_STAMP) ## Skriv om exempeldata i data/example (Vaggeryd 2023)
	@$(BIN)/python -m tools.example_vaggeryd

template: $(RUN_STAMP) ## Bygg om Word-mallen från tools/bygg_mall.py (skriver över mallen)
	@$(BIN)/python -m tools.bygg_mall

clean: ## Ta bort genererade filer i output/ (inte data/raw)
	@find "$(OUT)" -mindepth 1 -type f ! -name .gitkeep ! -name '* (redigerad *' -delete
	@find "$(OUT)" -mindepth 1 -type d -empty -delete
	@echo "Tömde $(OUT)/ (filer du har redigerat, '… (redigerad …)', finns kvar)"
