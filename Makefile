# The two commands the README shows: `make demo` and `make test`. Both set everything up themselves.
PYTHON ?= python3
UV_VERSION ?= 0.13.9

# Airflow 3 (newest) is the main environment; Airflow 2.11 the oldest we support.
VENV ?= .venv
CONSTRAINTS ?= constraints/airflow-3.txt
VENV_AF2 ?= .venv-af2
CONSTRAINTS_AF2 ?= constraints/airflow-2.11.txt

PYTEST_ARGS ?=

.PHONY: all python-check venv venv-af2 test test-af3 test-af2 demo airflow airflow-af2 lint docs bench clean

all: test

# Before anything is built: the interpreter that makes the venvs must be Python 3.11 or newer.
python-check:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: $(PYTHON) is "$$($(PYTHON) -V 2>&1 | head -n 1)"; Python 3.11 or newer is" \
	       "needed. Run e.g. 'make test PYTHON=python3.12'." >&2; exit 1; }

# A venv is (re)built when pyproject.toml or its constraints file changes.
$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | python-check
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip install -q --python $(VENV)/bin/python -c $(CONSTRAINTS) -e ".[test,docs,release]"
	touch $@

$(VENV_AF2)/.installed: pyproject.toml $(CONSTRAINTS_AF2) | python-check
	$(PYTHON) -m venv $(VENV_AF2)
	$(VENV_AF2)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(VENV_AF2)/bin/uv pip install -q --python $(VENV_AF2)/bin/python -c $(CONSTRAINTS_AF2) -e ".[test]"
	touch $@

venv: $(VENV)/.installed
venv-af2: $(VENV_AF2)/.installed

# Lint and type-check first (cheap, and DESIGN.md promises ruff- and mypy-clean code), then every test
# (unit, integration against the sandbox, example DAGs under `airflow dags test`) on the newest Airflow 3
# and again on Airflow 2.11. `make -k test` (what CI runs) keeps going after a failed lint or a failed
# Airflow version, so every part reports, and still exits non-zero.
# The documentation site is built first, warnings as errors; tests/release (in test-af3) builds the wheel
# and the sdist and installs the wheel into a fresh venv.
test: lint docs test-af3 test-af2

# With PYTHONDONTWRITEBYTECODE set (as on the CI machine) and venvs installed without .pyc files, every
# process the tests start (`airflow dags test`, `airflow standalone`'s components, the sandbox) compiles
# each module it imports again: about 5 s of CPU per `airflow dags test`. The tests then keep the bytecode
# in the venv's .pycache (outside the checkout and site-packages) for the next process to load. Without
# PYTHONDONTWRITEBYTECODE nothing changes.
ifneq ($(PYTHONDONTWRITEBYTECODE),)
BYTECODE_ENV = PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(1))/.pycache
endif

test-af3: venv
	@echo "=== tests on Airflow $$($(VENV)/bin/python -c 'import airflow; print(airflow.__version__)') ==="
	$(call BYTECODE_ENV,$(VENV)) $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# Run once, on Airflow 3 only: test files that touch no Airflow (the clients, the sandbox, the hostile-server
# and conformance suites, pure code: `--skip-airflow-free`, decided per file by tests/conftest.py), and the
# 100,000-row memory measurement of the SQL transfer; on 2.11 they would repeat the same code and add
# minutes. Everything that touches Airflow (hooks, operators, sensors, triggers, example DAGs, the UI) runs
# on both. `make test-af2 AF2_ONCE=` runs all.
AF2_ONCE ?= --skip-airflow-free --ignore=tests/integration/sql/test_sql_streaming.py

test-af2: venv-af2
	@echo "=== tests on Airflow $$($(VENV_AF2)/bin/python -c 'import airflow; print(airflow.__version__)') ==="
	$(call BYTECODE_ENV,$(VENV_AF2)) $(VENV_AF2)/bin/python -m pytest $(AF2_ONCE) $(PYTEST_ARGS)

demo: venv
	$(VENV)/bin/python -m airflow_provider_ileti.demo

# A whole local Airflow on 127.0.0.1:8080 (api-server or webserver, scheduler, triggerer) with the sandbox,
# its connections in the metadata database and the example DAGs, for a person to click through.
airflow: venv
	$(VENV)/bin/python -m airflow_provider_ileti.sandbox.local_airflow $(AIRFLOW_ARGS)

airflow-af2: venv-af2
	$(VENV_AF2)/bin/python -m airflow_provider_ileti.sandbox.local_airflow $(AIRFLOW_ARGS)

lint: venv
	@echo "=== ruff and mypy ==="
	$(VENV)/bin/ruff check airflow_provider_ileti tests dags_examples benchmarks
	$(VENV)/bin/mypy airflow_provider_ileti

# The documentation site (docs/site): Sphinx, pages in Markdown (MyST), the API reference from the
# docstrings, examples included from dags_examples/. Any warning fails the build.
DOCS_OUT ?= docs/site/_build/html

docs: venv
	@echo "=== docs ==="
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html docs/site $(DOCS_OUT)
	@echo "docs: $(DOCS_OUT)/index.html"

# The baselines the benchmarks measure against come on top of the test venv: Airflow's http provider
# (import_cost) and the official İletiniz SDK (iletiniz_bulk; a test dependency too).
# `make bench BENCH=poll_thousand` runs one script; CI runs none.
BENCH_PACKAGES ?= apache-airflow-providers-http iletiniz==0.1.0
BENCH ?=

$(VENV)/.bench-installed: $(VENV)/.installed
	$(VENV)/bin/uv pip install -q --python $(VENV)/bin/python -c $(CONSTRAINTS) $(BENCH_PACKAGES)
	touch $@

bench: $(VENV)/.bench-installed
	$(VENV)/bin/python -m benchmarks $(BENCH)

# Also the demo's throw-away AIRFLOW_HOME (`make demo` recreates it).
clean:
	rm -rf $(VENV) $(VENV_AF2) .pytest_cache .airflow-home .airflow-local docs/site/_build

# --- scale: past one machine (issue #18; docs/scale.md) -----------------------------------------------
# Airflow on CeleryExecutor with the OS's Redis and PostgreSQL (apt-get when missing), a triggerer and
# Celery workers, all on loopback, in a venv of its own (.venv-scale: the test venvs stay unchanged); runs
# the sharded campaign with 1, 2 and 4 workers and the fault runs, and prints the table and the counts.
# Knobs: `make scale SCALE_ARGS="--recipients 1000000 --shards 16 --phases throughput"` (--help lists them).
VENV_SCALE ?= .venv-scale
SCALE_PACKAGES ?= apache-airflow-providers-celery==3.26.0 celery redis psycopg2-binary asyncpg
SCALE_ARGS ?=

$(VENV_SCALE)/.installed: pyproject.toml $(CONSTRAINTS) | python-check
	$(PYTHON) -m venv $(VENV_SCALE)
	$(VENV_SCALE)/bin/python -m pip install -q "uv==$(UV_VERSION)"
	$(VENV_SCALE)/bin/uv pip install -q --python $(VENV_SCALE)/bin/python -c $(CONSTRAINTS) -e ".[sandbox]" \
	  $(SCALE_PACKAGES)
	touch $@

.PHONY: scale
scale: $(VENV_SCALE)/.installed
	$(VENV_SCALE)/bin/python scale/run.py $(SCALE_ARGS)
# --- end scale ------------------------------------------------------------------------------------------
