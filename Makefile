.PHONY: run test lint
run:
	./bin/run
test:
	./bin/test
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
