# Two commands do all the set-up on a fresh machine: `make app` and `make test`.
# Every target creates .venv when it is missing and installs the project into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

.PHONY: app test system lint dataset briefs install clean bench-ingest bench-checks bench-compare bench-anomaly eval-anomaly eval-checks bench-app bench-briefs bench-limits bench-scale

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make app: serve the Streamlit app on the default dataset (http://localhost:$(PORT))
app: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true --server.port $(PORT) --browser.gatherUsageStats false

## make test: system packages where it can (scripts/system_packages.sh), ruff (lint + format check) and every test
test: system lint
	$(PY) -m pytest

## make system: the system packages the briefs and the browser test need, installed when root with apt-get
system:
	@bash scripts/system_packages.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## make dataset: rebuild datasets/normalized/ from the documents in datasets/raw/
dataset: $(STAMP)
	$(VENV)/bin/analytics build-dataset datasets/raw datasets/normalized

## make briefs: one hearing brief (PDF + HTML) per department of the default dataset, into build/briefs/
briefs: $(STAMP)
	$(VENV)/bin/analytics brief --all --out build/briefs

## make bench-ingest: ingest speed, peak memory and 收支总表 totals vs plain pdfplumber on datasets/raw/
bench-ingest: $(STAMP)
	$(PY) scripts/bench_ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## make bench-checks: time every check over the default dataset (target: under 1 second)
bench-checks: $(STAMP)
	$(PY) scripts/bench_checks.py

## make bench-anomaly: fit every anomaly detector on the default dataset (target: under 2 seconds)
bench-anomaly: $(STAMP)
	$(PY) scripts/bench_anomaly.py

## make bench-briefs: print every brief to PDF with WeasyPrint and, in the same run, with headless Chromium
bench-briefs: $(STAMP)
	$(PY) scripts/bench_briefs.py

## make bench-app: server-side time of page interactions on the default dataset (target: under 300 ms)
bench-app: $(STAMP)
	$(PY) scripts/bench_app.py

## make eval-anomaly: precision and recall of each detector on anomalies injected into copies of the dataset
eval-anomaly: $(STAMP)
	$(PY) scripts/eval_anomaly.py

## make eval-checks: recall of the checks on defects injected into what the readers see of datasets/raw (ARGS=--corpus DIR …)
eval-checks: $(STAMP)
	$(PY) scripts/eval_checks.py $(ARGS)

## make bench-compare: every comparison over the default dataset and a 1,000,000-line resampled one
bench-compare: $(STAMP)
	$(PY) scripts/bench_compare.py

## make bench-limits: what each class of hostile input (bombs, pipes, devices) costs the CLI, against a plain reading
bench-limits: $(STAMP)
	$(PY) scripts/bench_limits.py $(ARGS)

## make bench-scale: each step's time and peak memory at 1×, 10×, 100× and 1000× the default dataset (ARGS=--sizes …)
bench-scale: $(STAMP)
	$(PY) scripts/bench_scale.py $(ARGS)
