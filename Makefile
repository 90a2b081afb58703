SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

MVN ?= ./mvnw -B
# Namespace the dev certificate is valid for (pullsecret-injector.<NAMESPACE>.svc).
NAMESPACE ?= pullsecret-injector
# Policy used by `make run`.
POLICY ?= examples/policy.yaml
IMAGE ?= pullsecret-injector:dev
# Manifests for `make review` (Pods, Deployments, ... ; YAML with many documents, or JSON).
POD ?= examples/workloads.yaml
# Source Secret manifests for `make review` (a file or a directory).
SECRETS ?= examples/embedded-api
# `make bench-scale`: namespaces with copies, namespaces of the 60-s token scenario and its minutes,
# new namespaces a second and for how many seconds.
NAMESPACES ?= 5000
TOKEN_NAMESPACES ?= 1000
MINUTES ?= 10
CHURN_RATE ?= 50
CHURN_SECONDS ?= 60
# `make bench`: seconds of warm-up per scenario, measured runs per scenario, seconds per run.
WARMUP ?= 30
RUNS ?= 3
DURATION ?= 20
JAR := target/quarkus-app/quarkus-run.jar
# How long `make fuzz` runs each fuzz target (Jazzer duration: 30s, 5m, 1h).
FUZZ_TIME ?= 5m
# actionlint, built from its Go module at a pinned version (needs Go and the Go module proxy):
# checks the GitHub Actions workflows, which cannot run here.
ACTIONLINT ?= go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
# The chart whose README and values.schema.json are generated from the comments of its values.yaml:
# helm-docs (from its Go module at a pinned version) writes the README from README.md.gotmpl,
# tools/chart-schema (this repository's, its one dependency pinned in go.sum) the schema.
CHART := charts/pullsecret-injector
HELM_DOCS ?= go run github.com/norwoodj/helm-docs/cmd/helm-docs@v1.14.2 --chart-search-root $(CHART) --sort-values-order file --log-level warning
CHART_SCHEMA ?= go -C tools/chart-schema run .
# The Jazzer fuzz test classes (one fuzz target each), in src/test/java/io/pullsecretinjector/fuzz.
FUZZ_TARGETS ?= AdmissionFuzzTest PolicyParserFuzzTest

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: run
run: certs/tls.crt ## Build and run the webhook on https://localhost:8443 with $(POLICY) (embedded API when there is no cluster)
	$(MVN) -q package -DskipTests -Dembedded-api
	INJECTOR_POLICY_FILE=$${INJECTOR_POLICY_FILE:-$(POLICY)} java -jar target/quarkus-app/quarkus-run.jar

.PHONY: demo
demo: $(JAR) ## Send the example reviews to the server of `make run` (second terminal) and show what it did
	java -jar $(JAR) demo

.PHONY: review
review: $(JAR) ## Offline: what the webhook would do to POD=file.yaml under $(POLICY) (no server, no cluster)
	java -jar $(JAR) review --policy $(POLICY) --secrets $(SECRETS) $(POD)

$(JAR):
	$(MVN) -q package -DskipTests

.PHONY: test
test: ## Run the whole test suite
	$(MVN) verify

.PHONY: e2e
e2e: ## The scenarios against a real kube-apiserver built from source (cached in ~/.cache; needs Go; ~10 min warm)
	MVN="$(MVN)" e2e/run.sh

.PHONY: lint
lint: ## Check .github/workflows with actionlint, and that every chart value is documented and the chart's README and schema are current (needs Go)
	$(ACTIONLINT) -no-color .github/workflows/*.yaml
	go -C tools/chart-schema test ./...
	$(CHART_SCHEMA) -check $(CURDIR)/$(CHART)
	$(HELM_DOCS) --dry-run | diff -u $(CHART)/README.md - \
	  || { echo "$(CHART)/README.md is not what README.md.gotmpl and values.yaml give: run make chart-docs and commit the result." >&2; exit 1; }

.PHONY: chart-docs
chart-docs: ## Write the chart's values.schema.json and README.md from the comments of values.yaml and README.md.gotmpl (needs Go)
	$(CHART_SCHEMA) $(CURDIR)/$(CHART)
	$(HELM_DOCS)

.PHONY: bench
bench: ## Benchmark /mutate against a ceiling endpoint and a bare Quarkus app, on JDK 25 with the image's AOT cache (~20 min; WARMUP=30 RUNS=3 DURATION=20); see bench/README.md
	WARMUP=$(WARMUP) RUNS=$(RUNS) DURATION=$(DURATION) MVN="$(MVN)" bench/run.sh

.PHONY: bench-scale
bench-scale: ## The sync loop at cluster scale: rotation, resync, memory, 60-s tokens, namespace churn (~25 min; MINUTES=10); see bench/README.md
	NAMESPACES=$(NAMESPACES) TOKEN_NAMESPACES=$(TOKEN_NAMESPACES) MINUTES=$(MINUTES) CHURN_RATE=$(CHURN_RATE) \
	  CHURN_SECONDS=$(CHURN_SECONDS) MVN="$(MVN)" bench/scale.sh

.PHONY: fuzz
fuzz: ## Fuzz each target coverage-guided for FUZZ_TIME (default 5m); a finding is saved as crash-* next to the corpus
	for target in $(FUZZ_TARGETS); do \
	  JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$(FUZZ_TIME) $(MVN) test-compile surefire:test@fuzz-regression -Dtest="$$target"; \
	done

.PHONY: certs
certs: ## Write a dev CA and server certificate to certs/ (NAMESPACE=... sets the service name)
	scripts/dev-certs.sh certs $(NAMESPACE)

certs/tls.crt:
	scripts/dev-certs.sh certs $(NAMESPACE)

.PHONY: package
package: ## Build target/quarkus-app (the product: no embedded API, no benchmark code)
	$(MVN) package -DskipTests

.PHONY: image
image: ## Build the container image $(IMAGE) from a clean build of the product (needs a container engine)
	$(MVN) clean package -DskipTests
	docker build -f src/main/docker/Dockerfile.jvm -t $(IMAGE) .

.PHONY: clean
clean: ## Remove build output
	$(MVN) -q clean
