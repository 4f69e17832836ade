# Runbook — see README.md. `make run` and `make test` are the two commands
# that must always work on a fresh Debian machine.
GO      ?= go
BIN     := bin/runbook
PLUGINS := build/plugins

.PHONY: run test bench build plugins lock verify-lock deps deps-test vet fmt clean as as-deps

## run: install what is missing, build, and start everything (`runbook up`)
run: deps build plugins
	$(BIN) up

## test: vet, race-enabled tests, and check plugins.lock matches the sources
test: deps-test build plugins as
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	$(BIN) plugin verify

## bench: every benchmark (figures go to docs/PERFORMANCE.md)
bench: deps-test build plugins as
	$(GO) test -run='^$$' -bench=. -benchmem -timeout 30m ./...

deps:
	@.ci/install-deps

# Tests also drive a real browser and a real sshd.
deps-test:
	@.ci/install-deps chromium sshd

build:
	$(GO) build -o $(BIN) ./cmd/runbook

## plugins: build every plugin under plugins/ to $(PLUGINS)/NAME.wasm
plugins: build
	$(BIN) plugin build -out $(PLUGINS)

## lock: rebuild plugins and rewrite plugins.lock (commit the result)
lock: plugins
	$(BIN) plugin lock -dir $(PLUGINS)

verify-lock: plugins
	$(BIN) plugin verify

## as-deps: the AssemblyScript compiler, from sdk/assemblyscript/package-lock.json
AS_DIR := sdk/assemblyscript
as-deps: $(AS_DIR)/node_modules/.package-lock.json
$(AS_DIR)/node_modules/.package-lock.json: $(AS_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || .ci/install-deps nodejs npm
	cd $(AS_DIR) && npm ci --no-audit --no-fund

## as: build the AssemblyScript example plugins to build/plugins-as/NAME.wasm
as: as-deps
	$(AS_DIR)/build.sh build/plugins-as

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin build
