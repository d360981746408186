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

SKRIV_OVER ?=
OVERWRITE := $(if $(SKRIV_OVER),--skriv-over,)

.PHONY: help report check mallar nytt-ar pdf compare bench test lint clean example template

help: ## Visa de här kommandona
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(RUN_STAMP): pyproject.toml
	@echo "Installerar programmet i $(VENV) (första gången tar det en stund) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	@echo "Installerar testverktygen ..."
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

report: $(RUN_STAMP) ## Kontrollera underlaget och skriv rapport och nyckeltal (RAW=mapp OUT=mapp)
	@$(BIN)/halsocenter rapport --in "$(RAW)" --ut "$(OUT)" $(if $(TVINGA),--tvinga,)

check: $(RUN_STAMP) ## Kontrollera bara underlaget, skriv ingen rapport
	@$(BIN)/halsocenter kontrollera --in "$(RAW)" --ut "$(OUT)"

mallar: $(RUN_STAMP) ## Skriv tomma arbetsböcker i data/raw att fylla i (SKRIV_OVER=1 ersätter)
	@$(BIN)/halsocenter mallar --ut "$(RAW)" $(OVERWRITE)

nytt-ar: $(RUN_STAMP) ## Förbered nästa års verksamhet.xlsx i output/ (SKRIV_OVER=1 ersätter)
	@$(BIN)/halsocenter nytt-ar --in "$(RAW)" --ut "$(OUT)" $(OVERWRITE)

pdf: report ## Gör PDF av rapporten (kräver LibreOffice)
	@$(BIN)/halsocenter pdf --ut "$(OUT)"

compare: $(RUN_STAMP) ## Jämför kommunernas nyckeltal.csv i data/region (IN=mapp OUT=mapp)
	@$(BIN)/halsocenter jamfor --in "$(IN)" --ut "$(OUT)"

bench: $(RUN_STAMP) ## Mät tiderna (1 000 till 1 000 000 närvarorader) och skriv bench/results.md
	@$(BIN)/python bench/run.py

lint: $(TEST_STAMP) ## Kör ruff (kodstil)
	@$(BIN)/ruff check pipeline tests tools bench
	@$(BIN)/ruff format --check pipeline tests tools bench

test: lint ## Kör ruff och alla tester
	@$(BIN)/python -m pytest

example: $(RUN_STAMP) ## Skriv om exempeldata i data/example (Vaggeryd 2023)
	@$(BIN)/python -m pipeline.example_vaggeryd

template: $(RUN_STAMP) ## Bygg om Word-mallen från tools/bygg_mall.py (skriver över mallen)
	@$(BIN)/python tools/bygg_mall.py

clean: ## Ta bort genererade filer i output/ (inte data/raw)
	@find "$(OUT)" -mindepth 1 -type f ! -name .gitkeep ! -name '* (redigerad *' -delete
	@find "$(OUT)" -mindepth 1 -type d -empty -delete
	@echo "Tömde $(OUT)/ (filer du har redigerat, '… (redigerad …)', finns kvar)"
