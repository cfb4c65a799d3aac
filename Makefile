# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: run test install openapi bench clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/python deploy/launcher.py

test: $(STAMP)
	$(VENV)/bin/python -m pytest -p no:cacheprovider -q -ra

openapi: $(STAMP)
	$(VENV)/bin/python -m services.kit.openapi
	$(VENV)/bin/python -m services.kit.asyncapi

bench: $(STAMP)
	$(VENV)/bin/python bench/baseline.py
	$(VENV)/bin/python bench/exports.py
	$(VENV)/bin/python bench/latency.py --both

clean:
	rm -rf var
