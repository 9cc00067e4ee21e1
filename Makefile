# sheaf: gather departments' spreadsheet figures into SQLite, check them, draft the report.

GO      ?= go
BIN     := bin/sheaf
EXAMPLE := examples/shangzhi-2024/sheaf.yaml

.PHONY: build test test-slow test-browser test-deploy test-crash lint demo bench bench-curves corpus-report xls-corpus clean

build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/sheaf

# The test suite: real SQLite files, real workbooks (LibreOffice- and
# excelize-written fixtures), loopback only.
test:
	$(GO) test ./...

# Tests too slow for every run: the careful reader's memory bound on a
# 400,000-row (10 MB) workbook; real daemons (two on one database, SIGTERM
# during a resync).
test-slow:
	SHEAF_SLOW=1 $(GO) test ./sheets -run 'MemoryBound' -count=1 -v
	SHEAF_SLOW=1 $(GO) test ./cmd/sheaf -run 'TestTwoDaemonsOnOneDatabase|TestResyncStoppedBySIGTERMIsInterrupted|TestDaemonFollowsItsConfiguration|TestResyncReachesOnlyItsOwnDaemon|TestReloadLetsAWebSyncFinish' -count=1 -v

# Headless Chromium (Debian's chromium package) signs in to the bundled
# example's status page, presses 立即同步 and waits for the new run; it saves
# a screenshot in $SHEAF_TEST_OUTPUT when set. Skipped without chromium.
test-browser:
	$(GO) test -tags browser ./web -run Browser -count=1 -v

# The service files: `systemd-analyze verify` on deploy/sheaf.service, and
# the image of deploy/Containerfile built with podman, buildah or docker;
# each skipped, with a message, where its tool is missing.
test-deploy:
	SHEAF_CONTAINER_BUILD=1 $(GO) test ./deploy -count=1 -v

# Kill a sync, then the mail sender, with SIGKILL at 50 points each; after
# each kill the database must be sound, no file half-stored, the next sync
# complete, and in the end every queued message delivered.
test-crash:
	SHEAF_CRASH_KILLS=50 $(GO) test ./jobs -run 'TestSyncCrashLoop|TestMailKilled' -count=1 -timeout 20m -v

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Sync the bundled example (a county's education report), show where it
# stands, draft the report into examples/shangzhi-2024/drafts/, and write the
# reminders, digest and draft mail it would send into
# examples/shangzhi-2024/outbox/ (.eml files any mail program opens).
demo: build
	./$(BIN) sync --config $(EXAMPLE)
	@echo
	./$(BIN) status --config $(EXAMPLE)
	@echo
	./$(BIN) flags --config $(EXAMPLE)
	@echo
	./$(BIN) remind --config $(EXAMPLE)
	./$(BIN) run --once digest --config $(EXAMPLE)
	./$(BIN) draft --mail --config $(EXAMPLE)
	./$(BIN) outbox --config $(EXAMPLE)
	@echo "The messages are in examples/shangzhi-2024/outbox/, the chat posts in examples/shangzhi-2024/chat/, the draft in examples/shangzhi-2024/drafts/"

# Benchmarks: generated corpora (500 workbooks × 200 rows; one 200,000-row
# workbook; a prefecture's 500 departments and 20,000 indicators; curves in
# which one dimension grows), time and peak memory, and the openpyxl script
# on the same files when Debian's python3-openpyxl is installed. Corpora are
# cached in $SHEAF_BENCH_DIR (default ~/.cache/sheaf-bench). The prefecture
# and the curves are large: each sync is run once. See bench/README.md.
bench:
	$(GO) test ./jobs -run '^$$' -bench 'CorpusA|CorpusB|Reconcile' -benchtime 3x -timeout 60m
	SHEAF_BENCH_CURVES=full $(GO) test ./jobs -run '^$$' -bench 'Prefecture|Curves' -benchtime 1x -timeout 60m

# The curves alone, at every point.
bench-curves:
	SHEAF_BENCH_CURVES=full $(GO) test ./jobs -run '^$$' -bench Curves -benchtime 1x -timeout 60m

# Sync every folder of a corpus of real-world files (by default the shared
# sample of Apache POI's spreadsheet test data beside this repository) as one
# department's folder: every file must have an outcome someone can see; the
# counts per outcome and the reasons are printed.
CORPORA ?= ../shared/corpora
corpus-report:
	SHEAF_CORPORA=$(abspath $(CORPORA)) $(GO) test ./jobs -run TestCorporaEveryFileAccountedFor -count=1 -v -timeout 30m

# Read every .xls of a corpus of legacy workbooks (by default the shared
# sample of Apache POI's .xls test data) with the xls reader: prints how many
# were read, refused with a flag, crashed (must be 0) and hung (must be 0),
# and, where LibreOffice is installed, the share of cells equal to its
# conversion to .xlsx.
XLS_CORPUS ?= ../shared/corpora/poi-xls
xls-corpus:
	SHEAF_XLS_CORPUS=$(abspath $(XLS_CORPUS)) $(GO) test ./sheets -run TestXLSCorpus -count=1 -v -timeout 60m

clean:
	rm -rf bin examples/*/data examples/*/outbox
