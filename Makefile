# The two set-up commands of the README:
#   make demo   install, migrate, load the Wuhan tree and demo accounts, serve on http://127.0.0.1:8000
#   make test   install (with the test packages and Debian's Chromium) and run the suite on PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install demo serve test browser messages contract

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

$(TEST_STAMP): requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(STAMP) $(TEST_STAMP)

install: $(STAMP) messages

messages: | $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore '.venv' --verbosity 0

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_areas
	$(BIN)/python manage.py demo_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The suite runs on every core (pytest-xdist; each process has its own test database).
test: $(TEST_STAMP) messages browser
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The API contract at length: schemathesis, every operation, anonymous and each role, 25 examples
# per operation and mode (the test command runs 2).
contract: $(TEST_STAMP) messages
	CONTRACT_EXAMPLES=$${CONTRACT_EXAMPLES:-25} $(BIN)/pytest -p no:randomly tests/portal/test_api_contract.py $(PYTEST_ARGS)
