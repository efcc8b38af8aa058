# ndtools — build, test, benchmark.  `make` builds; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := build

TOOLS := nd-rebalance nd-stats nd-circuit nd-estimate nd-allocate nd-instantiate nd-core nd-mpi-check
# Debian packages the C library targets and the MPI runs need.
APT_PACKAGES := pkg-config libjansson-dev zlib1g-dev libdeflate-dev libhdf5-dev libopenmpi-dev openmpi-bin
PKG_CONFIG_NAMES := jansson zlib libdeflate hdf5 ompi-c
SWIFT_BUILD_FLAGS := -c release
MPIRUN ?= mpirun $(if $(filter 0,$(shell id -u)),--allow-run-as-root) --oversubscribe
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
# Where `make bench` finds neurodamus's tools/ (rebalance-corenrn-data.py, ...); empty: ours only.
REF_TOOLS ?=
BENCH_ENTRIES ?= 200000
BENCH_RUNS ?= 5
# make fuzz: inputs per parser and the generator's seed (scripts/fuzz.sh).
FUZZ_COUNT ?= 10000
FUZZ_SEED ?= 1

.PHONY: fuzz fuzz-smoke neurodamus-fixtures build deps test unit-tests mpi-test bench bench-rebalance bench-circuit bench-allocate bench-core bench-instantiate example check-sonata validate kill-test clean workflow tools-built FORCE compare check-coreneuron coreneuron-fixtures venv

# The reference stack (NEURON 9.0.2 with nrniv-core, h5py, MorphIO, libsonata) for the
# optional checks and benchmarks, in a virtual environment of the project's own;
# `make test` needs none of it.
VENV := $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
$(PYTHON):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q neuron==9.0.2 neurodamus==4.2.9 h5py morphio libsonata numpy
venv: $(PYTHON)

build: deps
	swift build $(SWIFT_BUILD_FLAGS)
	@mkdir -p bin
	@for t in $(TOOLS); do ln -sf "$$(swift build $(SWIFT_BUILD_FLAGS) --show-bin-path)/$$t" bin/$$t; done
	@echo "built: $(addprefix bin/,$(TOOLS))"

# Installs what is missing with apt when root; otherwise prints the command and stops.
deps:
	@missing=""; \
	for p in $(PKG_CONFIG_NAMES); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	command -v mpirun >/dev/null || missing="$$missing mpirun"; \
	if [ -n "$$missing" ]; then \
	  echo "missing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "run: sudo apt-get install -y $(APT_PACKAGES)"; exit 1; \
	  fi; \
	fi

test: build unit-tests mpi-test fuzz-smoke

# One release build serves the libraries, the tools and the tests (no @testable imports).
unit-tests:
	ND_BIN="$(CURDIR)/bin" swift test $(SWIFT_BUILD_FLAGS) --disable-testable-imports

# Mutational fuzzing of every parser (nd-fuzz, scripts/fuzz.sh): one line per parser with
# the inputs tried, the errors (expected), the signals and the hangs; crashing inputs are
# kept in .fuzz/crashes/. FUZZ_COUNT inputs per parser (10000), FUZZ_SEED (1).
fuzz: build
	FUZZ_COUNT=$(FUZZ_COUNT) FUZZ_SEED=$(FUZZ_SEED) nice -n 19 scripts/fuzz.sh

# The short fixed-seed pass `make test` runs.
fuzz-smoke: build
	FUZZ_COUNT=300 FUZZ_SEED=1 FUZZ_TOOL_EVERY=50 FUZZ_WORK=$(CURDIR)/.fuzz/smoke scripts/fuzz.sh

# MPI for real: a process alone is a world of one; under mpirun the ranks sum and gather.
mpi-test:
	@out="$$(bin/nd-mpi-check)"; echo "nd-mpi-check: $$out"; \
	test "$$out" = "ranks=1 sum=0 gathered=0" || { echo "MPI smoke test (singleton) failed"; exit 1; }
	@out="$$($(MPIRUN) -np 2 bin/nd-mpi-check)"; echo "mpirun -np 2 nd-mpi-check: $$out"; \
	test "$$out" = "ranks=2 sum=1 gathered=0,1" || { echo "MPI smoke test (2 ranks) failed"; exit 1; }

bench: bench-rebalance bench-circuit bench-allocate bench-core

# The ring network (scripts/make-ring-circuit.py) in NEURON, CoreNEURON and nd-core;
# CELLS (10000), RUNS (5), TSTOP (100) in the environment.
bench-core: build $(PYTHON)
	PATH=$(VENV)/bin:$$PATH $(PYTHON) scripts/bench-core.py

# CoreNEURON's own datasets both ways (scripts/check-coreneuron.py): nrniv-core runs
# what nd-instantiate writes, nd-core runs what NEURON's nrncore_write writes; same spikes
# on 1 and 2 ranks, with files.dat and a rebalanced one. TSTOP in the environment.
check-coreneuron: build $(PYTHON)
	PATH=$(VENV)/bin:$$PATH $(PYTHON) scripts/check-coreneuron.py

# The NEURON-written datasets under Tests/NDFormatsTests/Fixtures/coreneuron.
coreneuron-fixtures: $(PYTHON)
	PATH=$(VENV)/bin:$$PATH $(PYTHON) scripts/make-coreneuron-fixtures.py Tests/NDFormatsTests/Fixtures/coreneuron

# The neurodamus-written datasets under Tests/NDFormatsTests/Fixtures/neurodamus: neurodamus
# 4.2.9 on its ringtest circuit, special-core and NEURON built from its mod files.
# MODDIR=<neurodamus checkout>/tests/mechanisms/common (the mod files stay out of here).
neurodamus-fixtures:
	@test -n "$(MODDIR)" || { echo "make neurodamus-fixtures MODDIR=<neurodamus>/tests/mechanisms/common"; exit 64; }
	python3 scripts/make-neurodamus-fixtures.py $(MODDIR)

# nd-allocate against neurodamus (from the venv) on 2 and 10 million cells.
ALLOCATE_CELLS ?= 2000000 10000000
bench-allocate: build
	for n in $(ALLOCATE_CELLS); do CELLS=$$n RUNS=$(BENCH_RUNS) NEURODAMUS_PYTHON=$(PYTHON) python3 scripts/bench-allocate.py || exit 1; done

bench-rebalance: build
	REF_TOOLS="$(REF_TOOLS)" ENTRIES=$(BENCH_ENTRIES) RUNS=$(BENCH_RUNS) python3 scripts/bench-rebalance.py

bench-circuit: build
	RUNS=$(BENCH_RUNS) python3 scripts/bench-circuit.py

# nd-instantiate at scale (scripts/bench-instantiate.py): 100,000 synthesized cells x 100
# synapses on 1 and 2 processes, 1,000,000 x 10 on 2; time, peak RSS per process, bytes.
# RUNS (1), ONLY (run names), SYNAPSES_KIND (stochastic) in the environment.
bench-instantiate: build
	MPIRUN="$(MPIRUN)" python3 scripts/bench-instantiate.py

# Reruns of nd-circuit synth, nd-allocate and nd-instantiate killed with SIGKILL at KILLS
# seeded moments: the output is the complete old one, the complete new one, or none.
kill-test: build
	KILLS=$(or $(KILLS),20) SEED=$(or $(SEED),1) python3 scripts/kill-test.py

# The bundled example circuit (committed; a test checks it is what this writes).
example: build
	rm -rf examples/circuit
	bin/nd-circuit synth --cells 500 --populations 2 --seed 1 --synapses-per-cell 50 --synapses exp examples/circuit

# NDSonata against the reference readers (libsonata, MorphIO from PyPI) on a synthesized
# circuit, the bundled example and the hand-made fixtures; the example's stimuli in NEURON.
check-sonata: build $(PYTHON)
	rm -rf .check && bin/nd-circuit synth --cells 3000 --populations 3 --seed 5 .check/circuit
	$(PYTHON) scripts/check-sonata.py .check/circuit/simulation_config.json examples/circuit/simulation_config.json \
	    Tests/NDSonataTests/Fixtures/usecase/simulation_config.json
	$(PYTHON) scripts/check-morphologies.py .check/circuit/morphologies/*.swc \
	    Tests/NDSonataTests/Fixtures/usecase/CircuitA/morphologies/*/* Tests/NDSonataTests/Fixtures/morphology.h5
	$(PYTHON) scripts/check-synth-spikes.py examples/circuit/simulation_config.json

clean:
	rm -rf .build bin/nd-* .bench .check .compare .validate out .venv

# ---------------------------------------------------------------------------------------
# The four-step workflow as file targets: dry run -> allocation -> model -> rebalance ->
# simulation and stats. Every step reads its prerequisites and writes its target
# atomically; a step first removes its old target, so a failed step leaves none behind
# and make runs it again. Run `make` first (the workflow uses
# the tools in bin/, it does not build them).
CONFIG ?= examples/circuit/simulation_config.json
RANKS ?= 4
CYCLES ?= 1
MACHINES ?= 2
RANKS_PER_MACHINE ?= 2
ALGORITHM ?= refine
OUT ?= out
# Simulated time [ms]; empty: the simulation config's tstop.
TSTOP ?=
BIN := $(CURDIR)/bin
SIM_RANKS = $(shell echo $$(( $(MACHINES) * $(RANKS_PER_MACHINE) )))
.DELETE_ON_ERROR:

workflow: $(OUT)/out.dat $(OUT)/stats.txt
	@cat $(OUT)/stats.txt

tools-built:
	@for t in nd-estimate nd-allocate nd-instantiate nd-rebalance nd-stats nd-core; do \
	  test -x $(BIN)/$$t || { echo "bin/$$t is missing: run make first"; exit 1; }; done

# Parameters as files, rewritten only when they change, so that changing a variable
# reruns exactly the steps that use it.
$(OUT)/.allocation-params: FORCE
	@mkdir -p $(OUT); echo '$(RANKS) $(CYCLES) $(ALGORITHM)' | cmp -s - $@ || echo '$(RANKS) $(CYCLES) $(ALGORITHM)' > $@
$(OUT)/.machine-params: FORCE
	@mkdir -p $(OUT); echo '$(MACHINES) $(RANKS_PER_MACHINE)' | cmp -s - $@ || echo '$(MACHINES) $(RANKS_PER_MACHINE)' > $@
$(OUT)/.run-params: FORCE
	@mkdir -p $(OUT); echo '$(TSTOP)' | cmp -s - $@ || echo '$(TSTOP)' > $@
FORCE:

$(OUT)/estimates.jsonl: $(CONFIG) | tools-built
	@rm -f $@
	@mkdir -p $(OUT)
	$(BIN)/nd-estimate $(CONFIG) --num-target-ranks $(RANKS) --modelbuilding-steps $(CYCLES) --output-dir $(OUT) > $@.tmp
	@mv $@.tmp $@

$(OUT)/allocation.jsonl: $(OUT)/estimates.jsonl $(OUT)/.allocation-params
	@rm -f $@
	$(BIN)/nd-allocate --ranks $(RANKS) --cycles $(CYCLES) --algorithm $(ALGORITHM) --output-dir $(OUT) -o $@ $<

$(OUT)/coreneuron_input/files.dat: $(OUT)/allocation.jsonl $(CONFIG)
	rm -rf $(OUT)/coreneuron_input
	$(BIN)/nd-instantiate $(CONFIG) --output-path $(OUT) --lb-mode Memory --allocation $< > $(OUT)/buckets.jsonl

$(OUT)/rebalanced.dat: $(OUT)/coreneuron_input/files.dat $(OUT)/.machine-params
	@rm -f $@
	$(BIN)/nd-rebalance $< $(MACHINES) --ranks-per-machine $(RANKS_PER_MACHINE) --balance ranks --output-file $@

$(OUT)/out.dat: $(OUT)/rebalanced.dat $(OUT)/.run-params
	@rm -f $@
	$(MPIRUN) -np $(SIM_RANKS) $(BIN)/nd-core --read-config $(OUT)/coreneuron_input/sim.conf -f $< -o $(OUT) \
	    --ranks-per-machine $(RANKS_PER_MACHINE) $(if $(TSTOP),--tstop $(TSTOP))

$(OUT)/stats.txt: $(OUT)/rebalanced.dat
	@rm -f $@
	$(BIN)/nd-stats $< $(MACHINES) --ranks-per-machine $(RANKS_PER_MACHINE) --dat-path $(OUT)/coreneuron_input \
	    --compare $(OUT)/coreneuron_input/files.dat --svg $(OUT)/loads.svg > $@.tmp
	@mv $@.tmp $@

# The balance proof (scripts/compare.py): RoundRobin, Memory, Memory + rebalance on a
# synthesized circuit; CELLS, RANKS, MACHINES, TSTOP as environment variables.
compare: tools-built
	python3 scripts/compare.py

# nd-core against NEURON on the same network (pip: neuron, h5py, morphio). VALIDATE_CONFIG
# (default: the bundled circuit) and VALIDATE_TSTOP (default: the config's tstop).
VALIDATE_CONFIG ?= examples/circuit/simulation_config.json
VALIDATE_TSTOP ?=
validate: tools-built $(PYTHON)
	rm -rf .validate
	$(BIN)/nd-instantiate $(VALIDATE_CONFIG) --output-path .validate --ranks 2 > /dev/null
	$(MPIRUN) -np 2 $(BIN)/nd-core --read-config .validate/coreneuron_input/sim.conf -o .validate $(if $(VALIDATE_TSTOP),--tstop $(VALIDATE_TSTOP))
	$(PYTHON) scripts/validate-neuron.py $(VALIDATE_CONFIG) .validate/out.dat $(if $(VALIDATE_TSTOP),--tstop $(VALIDATE_TSTOP)) $(if $(VALIDATE_MECHANISMS),--mechanisms $(VALIDATE_MECHANISMS))
	$(if $(VALIDATE_MECHANISMS),@echo "validate: the embedded-CoreNEURON comparison needs NEURON's built-in mechanisms; skipped with VALIDATE_MECHANISMS",$(PYTHON) scripts/validate-neuron.py $(VALIDATE_CONFIG) .validate/out.dat $(if $(VALIDATE_TSTOP),--tstop $(VALIDATE_TSTOP)) --coreneuron)
