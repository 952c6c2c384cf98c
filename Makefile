# ISO điện tử — build, run, test, bench. Every target builds with the
# sqlite_fts5 tag so search behaves the same in tests and in the binary.
GO       ?= go
TAGS     := sqlite_fts5
BIN      := bin/qms
ADDR     ?= 127.0.0.1:8080
DB       ?= data/qms.db
# make run RUNFLAGS=--demo loads the small demo data set into a new database
RUNFLAGS ?=
CHROMIUM := $(shell command -v chromium || command -v chromium-browser || command -v google-chrome)
# The PostgreSQL store's tests start their own cluster with these (qms/postgres/pgtest)
INITDB   := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) $(shell command -v initdb))
# Short fuzz runs in make test (FUZZSHORT each); longer ones: make fuzz FUZZTIME=2000000x.
# Counts, not durations: go1.26's fuzz coordinator can fail a target with
# "context deadline exceeded" at the -fuzztime deadline having found nothing
# (go.dev/issue/75804, fixed in Go 1.27); a count has no deadline to race.
FUZZTIME ?= 200000x
FUZZSHORT ?= 50000x
# The load test's data set: `qms demo --scale province`, generated once
BENCHDB  ?= bench/province.db
# SQLite's query planner stability guarantee (QPSG). Without it SQLite
# re-planned, on every use, each cached statement with a "column = ?"
# term: go-sqlite3 clears the bindings of a statement it caches, and since
# SQLite 3.54 that expires a statement whose plan looked at a bound value.
# It cost the dossier page a quarter of its throughput (6,000 → 7,500-8,300
# req/s with it). Plans then never depend on bound values; none of ours
# need to. A build without it works, only slower (TestQueryPlannerStable
# says so).
CGO_CFLAGS ?= -O2 -g
export CGO_CFLAGS += -DSQLITE_ENABLE_QPSG

.PHONY: all build run test vet fmt-check bench fuzz screenshots clean

all: build

build:
	CGO_ENABLED=1 $(GO) build -tags $(TAGS) -o $(BIN) ./cmd/qms

## run: build and start the server on an embedded SQLite database (created if missing)
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB) $(RUNFLAGS)

## test: formatting, vet and every test (browser tests need Debian's chromium,
## the PostgreSQL store's tests Debian's postgresql: each starts a throw-away cluster),
## then the web tests again on PostgreSQL (QMS_TEST_STORE=postgres)
test: fmt-check vet
ifeq ($(CHROMIUM),)
	@echo "SKIP: browser tests (chromium not found; 'apt-get install chromium chromium-driver' to run them)"
endif
ifeq ($(shell command -v pdftotext),)
	@echo "SKIP: print-to-PDF tests (pdftotext not found; 'apt-get install poppler-utils' to run them)"
endif
ifeq ($(INITDB),)
	@echo "SKIP: PostgreSQL store tests (initdb not found; 'apt-get install postgresql' to run them)"
endif
	CGO_ENABLED=1 $(GO) test -tags $(TAGS) -count=1 ./...
ifeq ($(INITDB),)
	@echo "SKIP: web tests on PostgreSQL (initdb not found; 'apt-get install postgresql' to run them)"
else
	QMS_TEST_STORE=postgres CGO_ENABLED=1 $(GO) test -tags $(TAGS) -count=1 ./qms/web/
endif
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZSHORT)

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l cmd qms policies forms static 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## bench: Go benchmarks, then a bounded load test of a real server on 127.0.0.1
## over the province data set (generated into BENCHDB on first use, ~5 min);
## writes bench/results.json and prints the table; then, with PostgreSQL
## installed, two servers on one throw-away PostgreSQL against one on SQLite,
## one server killed mid-run (bench/cluster.json). Speed and memory goals are
## checked here, never in unit tests.
bench: build
	CGO_ENABLED=1 $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...
	@test -f $(BENCHDB) || ./$(BIN) demo --scale province --db $(BENCHDB)
	./$(BIN) loadtest --data $(BENCHDB) --out bench/results.json
ifeq ($(INITDB),)
	@echo "SKIP: two-server load test (initdb not found; 'apt-get install postgresql' to run it)"
else
	./$(BIN) loadtest --cluster --out bench/cluster.json
endif

## fuzz: every fuzz target for FUZZTIME (seed corpora are committed under testdata/fuzz)
fuzz:
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzDue$$' -fuzztime $(FUZZTIME) ./qms/calendar/
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzImport$$' -fuzztime $(FUZZTIME) ./qms/bpmn/
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseTTHC$$' -fuzztime $(FUZZTIME) ./qms/importer/
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzParseDossierHistory$$' -fuzztime $(FUZZTIME) ./qms/importer/
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzValidateEntry$$' -fuzztime $(FUZZTIME) ./qms/formschema/

## screenshots: each role's dashboard on the demo data at 1,366 and 390 px,
## written to docs/screenshots/<role>-<width>.png (needs Debian's chromium)
screenshots:
	QMS_SCREENSHOTS=$(CURDIR)/docs/screenshots CGO_ENABLED=1 $(GO) test -tags $(TAGS) -count=1 -run '^TestScreenshots$$' -v ./qms/web/

clean:
	rm -rf bin
