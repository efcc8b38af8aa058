#!/usr/bin/env python3
"""Real-stack CoreNEURON dataset of neurodamus' v5_sonata circuit (neocortex channels).

usage: make-neurodamus-v5-fixture.py MODDIR [MODDIR ...] [--v5 DIR] [--out DIR] [--work DIR]
                          [--venv DIR | --python PY] [--cells N ...] [--tstop MS]
                          [--name NAME]

MODDIR   folders of mod files, merged in the order given: a file name that appears in
         a later folder replaces the earlier one. The fixture was made with
             <neurodamus>/tests/mechanisms/neocortex  <neurodamus>/tests/mechanisms/common
         (neurodamus tag 4.2.4, d2d66aaa), i.e. the neocortex set that neurodamus' CI
         builds for its v5_sonata tests (ci/scripts/make-neocortex-env.sh), with the
         synapse files of tests/mechanisms/common (the ones ndtools implements; only
         ProbAMPANMDA_EMS.mod differs: slope_mg/scale_mg). Plus, as always, the wheel's
         neurodamus/data/mod/*.mod (added first, so the MODDIRs can override them).
         No mod file is stored with the fixture; md5 sums are checked (warning only).
--v5     neurodamus' tests/simulations/v5_sonata (default: MODDIR[0]/../../simulations/v5_sonata)
--out    where the fixture goes (default: Tests/NDFormatsTests/Fixtures/neurodamus of this
         repository)
--work   scratch folder (default: $TMPDIR/v5-fixture-work); the mod build is reused
         when the merged mod set is unchanged
--venv   an existing venv with neuron-nightly==9.1.0.dev28 neurodamus==4.2.9
         libsonata==0.2.2 (default: create <work>/venv with --python, PyPI)
--cells  node ids (population "default" of sub_mini5) to simulate (default: 0 2 =
         cNAC187 L1_HAC + cADpyr229 L23_PC: together they insert all 13 channels the
         four v5 templates use; Ca_HVA only in cADpyr229, Ca only in the interneurons)
--tstop  ms (default 50; dt 0.025 as in simulation_config_mini.json)

What it does (CPU-heavy steps under `nice -n 19`):
 1. mods: wheel data/mod + MODDIRs, copied into one folder and built with
    `LC_ALL=C nrnivmodl -coreneuron -incflags -DDISABLE_REPORTINGLIB` (as neurodamus'
    ci/build_ndcore.sh; LC_ALL=C fixes the glob order and so the type numbers).
 2. the simulation config: v5_sonata/simulation_config_mini.json (network
    sub_mini5/circuit_config.json; inputs ThresholdExc/ThresholdInh noise and
    hypamp_mosaic hyperpolarizing, random_seed 767740, v_init -65, dt 0.025), with:
    node_set "Fixture" = the --cells (added to a copy of sub_mini5/node_sets.json),
    tstop = --tstop, no reports (no libsonatareport in this build), and the noise
    inputs' duration cut to tstop. The circuit (incl. the external_default virtual
    population's edges onto these cells) is used unchanged.
 3. neurodamus (1 rank) with simulator CORENEURON and --keep-build; CoreNEURON runs
    embedded and writes output/out.dat.
 4. special-core standalone on the kept dataset (1 rank, -e tstop): its out.dat must be
    byte-identical to neurodamus' run.
 5. <out>/<name>/ = every file of build/coreneuron_input + build/sim.conf (+ report.conf)
    + output/populations_offset.dat; <out>/<name>.special-core.out.dat = CoreNEURON's
    out.dat. Prints the phase-2 mechanism instance counts (decoded from <id>_2.dat).
"""
import argparse
import filecmp
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PIP_PACKAGES = ["neuron-nightly==9.1.0.dev28", "neurodamus==4.2.9", "libsonata==0.2.2",
                "h5py", "numpy"]

# md5 of the mod files the fixture in /work/i13/v5 was made with (prefixes)
EXPECTED_MD5 = {}  # filled from MD5_TABLE below
MD5_TABLE = """
Ca.mod d6c0c897
CaDynamics_DC0.mod ff8a4058
CaDynamics_E2.mod 12d6460f
Ca_HVA.mod e626f750
Ca_HVA2.mod 71fceba2
Ca_LVAst.mod 301d755b
GluSynapse.mod fede281a
Ih.mod 98a77715
Im.mod 43cf01e7
K_Pst.mod d1feef25
K_Tst.mod bb74ea27
KdShu2007.mod c176e66f
Kv7.mod 7d842e49
NaTa_t.mod c9028241
NaTg.mod 269dca01
NaTg_axon.mod 48c38db6
NaTg_persistent_axon.mod ffe905c6
NaTg_persistent_somadend.mod 8f16c07f
NaTg_somadend.mod 44cd3ebc
NaTs2_t.mod b54ec5a5
Nap_Et2.mod 8212a8be
ProbAMPANMDA_EMS.mod 6346fb44
ProbGABAAB_EMS.mod 912973c9
SK_E2.mod 29c5cf50
SKv3_1.mod bdc4ec00
StochKv.mod c056b11a
StochKv3.mod c9eac151
gap.mod d33c5db3
"""
for _line in MD5_TABLE.split("\n"):
    if _line.strip():
        _n, _h = _line.split()
        EXPECTED_MD5[_n] = _h
REQUIRED_MODS = ["Ih.mod", "SKv3_1.mod", "NaTs2_t.mod", "K_Pst.mod", "ProbAMPANMDA_EMS.mod",
                 "ProbGABAAB_EMS.mod"]

RUN_ND = r'''
import argparse
ap = argparse.ArgumentParser()
ap.add_argument("config")
ap.add_argument("--simulator", default=None)
ap.add_argument("--keep-build", action="store_true")
args = ap.parse_args()
from neuron import h
from neurodamus import Neurodamus
opts = {}
if args.simulator:
    opts["simulator"] = args.simulator
if args.keep_build:
    opts["keep_build"] = True
Neurodamus(args.config, **opts).run()
h.quit()
'''


def _ringtest_script():
    """make-neurodamus-fixtures.py, beside this script: its small helpers serve both."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_neurodamus_fixtures",
                                                  os.path.join(HERE, "make-neurodamus-fixtures.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _ringtest_script()
log, run, md5 = _shared.log, _shared.run, _shared.md5


def make_venv(work, python):
    venv = os.path.join(work, "venv")
    marker = os.path.join(venv, ".fixture-packages")
    want = " ".join(PIP_PACKAGES)
    if os.path.exists(marker) and open(marker).read() == want:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    log("venv: creating", venv)
    subprocess.run([python, "-m", "venv", venv], check=True)
    subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q"] + PIP_PACKAGES,
                   check=True)
    with open(marker, "w") as f:
        f.write(want)
    return venv


def build_mods(work, venv, nd_pkg, moddirs):
    chosen = {}  # name -> path; later folders win
    for p in sorted(glob.glob(os.path.join(nd_pkg, "data", "mod", "*.mod"))):
        chosen[os.path.basename(p)] = p
    for d in moddirs:
        files = sorted(glob.glob(os.path.join(d, "*.mod")))
        if not files:
            sys.exit("no .mod files in %s" % d)
        for p in files:
            chosen[os.path.basename(p)] = p
    for req in REQUIRED_MODS:
        if req not in chosen:
            sys.exit("no %s in %s" % (req, moddirs))
    for n, p in sorted(chosen.items()):
        if n in EXPECTED_MD5 and not md5(p).startswith(EXPECTED_MD5[n]):
            log("WARNING: %s md5 %s, the fixture was made with %s..." % (p, md5(p), EXPECTED_MD5[n]))
    sig = "\n".join("%s %s" % (n, md5(p)) for n, p in sorted(chosen.items()))
    mods, build = os.path.join(work, "mods"), os.path.join(work, "build")
    stamp = os.path.join(build, ".mods-md5")
    xdir = os.path.join(build, "x86_64")
    if os.path.exists(stamp) and open(stamp).read() == sig and os.path.exists(os.path.join(xdir, "special-core")):
        log("mods: reusing build", build)
        return xdir, sig, chosen
    shutil.rmtree(mods, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)
    os.makedirs(mods)
    os.makedirs(build)
    for n, p in chosen.items():
        shutil.copy(p, os.path.join(mods, n))
    log("mods: building %d mod files (nrnivmodl -coreneuron; many minutes on 2 cores)" % len(chosen))
    env = dict(os.environ, LC_ALL="C", PATH=os.path.join(venv, "bin") + ":" + os.environ["PATH"])
    logf = os.path.join(work, "nrnivmodl.log")
    run([os.path.join(venv, "bin", "nrnivmodl"), "-coreneuron", "-incflags", "-DDISABLE_REPORTINGLIB", mods],
        build, logf, env)
    for f in ("special", "special-core", "libnrnmech.so", "libcorenrnmech.so"):
        if not os.path.exists(os.path.join(xdir, f)):
            sys.exit("nrnivmodl made no x86_64/%s (see %s)" % (f, logf))
    with open(stamp, "w") as f:
        f.write(sig)
    return xdir, sig, chosen


def read_mechs(dataset):
    """{type: name} from bbcore_mech.dat, and {type: count} summed over the <id>_2.dat files."""
    names = {}
    with open(os.path.join(dataset, "bbcore_mech.dat"), "rb") as f:
        lines = f.read().split(b"\n")
    # line 2 is n_memb_func (types 0 and 1 included); then one line per mechanism:
    # name type pnttype is_art is_ion dsize psize ...; an ion's line is followed by its charge
    i = 2
    while i < len(lines) and lines[i].strip():
        parts = lines[i].decode().split()
        names[int(parts[1])] = parts[0]
        i += 2 if parts[4] == "1" else 1
    counts = {}
    for p in sorted(glob.glob(os.path.join(dataset, "*_2.dat"))):
        with open(p, "rb") as f:
            head = []
            while len(head) < 7:
                head.append(f.readline().decode().strip())
            assert head[0] == "1.8", (p, head[0])  # then "N n_real_cell" ... "N nmech"
            nmech = int(head[6].split()[0])
            for _ in range(nmech):
                t = int(f.readline())
                c = int(f.readline())
                counts[t] = counts.get(t, 0) + c
    return names, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("moddirs", nargs="+")
    ap.add_argument("--v5", default=None)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "Tests", "NDFormatsTests", "Fixtures", "neurodamus"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--venv", default=None)
    ap.add_argument("--python", default="python3")
    ap.add_argument("--cells", type=int, nargs="+", default=[0, 2])
    ap.add_argument("--tstop", type=float, default=50.0)
    ap.add_argument("--name", default="v5_sonata")
    args = ap.parse_args()
    moddirs = [os.path.abspath(d) for d in args.moddirs]
    v5 = os.path.abspath(args.v5 or os.path.join(moddirs[0], "..", "..", "simulations", "v5_sonata"))
    if not os.path.exists(os.path.join(v5, "simulation_config_mini.json")):
        sys.exit("no v5_sonata circuit at %s (pass --v5 <neurodamus>/tests/simulations/v5_sonata)" % v5)
    out = os.path.abspath(args.out)
    work = os.path.abspath(args.work or os.path.join(tempfile.gettempdir(), "v5-fixture-work"))
    os.makedirs(work, exist_ok=True)
    os.makedirs(out, exist_ok=True)

    venv = os.path.abspath(args.venv) if args.venv else make_venv(work, args.python)
    py = os.path.join(venv, "bin", "python")
    nd_pkg, nrn_pkg = subprocess.run(
        [py, "-c", "import neurodamus, neuron, os; print(os.path.dirname(neurodamus.__file__));"
                   "print(os.path.dirname(neuron.__file__))"],
        check=True, capture_output=True, text=True).stdout.split()
    xdir, sig, chosen = build_mods(work, venv, nd_pkg, moddirs)

    # the circuit, copied (node_sets.json gets the "Fixture" node set)
    circ = os.path.join(work, "v5_sonata")
    shutil.rmtree(circ, ignore_errors=True)
    shutil.copytree(v5, circ, ignore=shutil.ignore_patterns("reference"))
    ns_path = os.path.join(circ, "sub_mini5", "node_sets.json")
    with open(ns_path) as f:
        ns = json.load(f)
    ns["Fixture"] = {"population": "default", "node_id": sorted(args.cells)}
    with open(ns_path, "w") as f:
        json.dump(ns, f, indent=2)
    with open(os.path.join(v5, "simulation_config_mini.json")) as f:
        cfg = json.load(f)
    cfg["network"] = os.path.join(circ, "sub_mini5", "circuit_config.json")
    cfg["node_set"] = "Fixture"
    cfg["run"]["tstop"] = args.tstop
    cfg["output"] = {"output_dir": "output"}
    cfg.pop("reports", None)
    for inp in cfg["inputs"].values():
        inp["duration"] = min(inp["duration"], args.tstop)
    cfg.pop("manifest", None)

    rdir = os.path.join(work, "run")
    shutil.rmtree(rdir, ignore_errors=True)
    os.makedirs(rdir)
    with open(os.path.join(rdir, "simulation_config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    runner = os.path.join(work, "run_nd.py")
    with open(runner, "w") as f:
        f.write(RUN_ND)
    env = dict(os.environ,
               PATH=os.path.join(venv, "bin") + ":" + os.environ["PATH"],
               NRNMECH_LIB_PATH=os.path.join(xdir, "libnrnmech.so"),
               CORENEURONLIB=os.path.join(xdir, "libcorenrnmech.so"),
               HOC_LIBRARY_PATH=os.path.join(nd_pkg, "data", "hoc"),
               OMP_NUM_THREADS="1", LC_ALL="C", NEURON_INIT_MPI="0",
               OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    env.pop("NEURODAMUS_PYTHON", None)

    log("neurodamus CORENEURON, 1 rank, cells %s, tstop %g" % (sorted(args.cells), args.tstop))
    run([py, runner, "simulation_config.json", "--simulator", "CORENEURON", "--keep-build"], rdir,
        os.path.join(work, "neurodamus.log"), env)
    core_in = os.path.join(rdir, "build", "coreneuron_input")
    out_dat = os.path.join(rdir, "output", "out.dat")

    sc = os.path.join(work, "special-core")
    shutil.rmtree(sc, ignore_errors=True)
    os.makedirs(sc)
    run([os.path.join(xdir, "special-core"), "-d", core_in, "-e", "%g" % args.tstop, "-o", sc], work,
        os.path.join(work, "special-core.log"), env)
    same = filecmp.cmp(os.path.join(sc, "out.dat"), out_dat, shallow=False)

    dest = os.path.join(out, args.name)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    for f in sorted(os.listdir(core_in)):
        shutil.copy(os.path.join(core_in, f), dest)
    for f in ("build/sim.conf", "build/report.conf", "output/populations_offset.dat"):
        p = os.path.join(rdir, f)
        if os.path.exists(p):
            shutil.copy(p, dest)
    shutil.copy(out_dat, os.path.join(out, args.name + ".special-core.out.dat"))

    names, counts = read_mechs(dest)
    size = sum(os.path.getsize(os.path.join(dest, f)) for f in os.listdir(dest))
    log("%s: %d files, %d bytes" % (dest, len(os.listdir(dest)), size))
    log("special-core standalone -e %g: out.dat %s" % (
        args.tstop, "byte-identical to neurodamus' run" if same else "DIFFERENT from neurodamus' run"))
    log("spikes (time gid): %s" % "; ".join(l.strip().replace("\t", " ") for l in open(out_dat)))
    log("phase-2 mechanism instances (type name count):")
    for t in sorted(counts):
        log("  %3d %-24s %d" % (t, names.get(t, "?"), counts[t]))
    with open(os.path.join(work, "mods.md5"), "w") as f:
        f.write(sig + "\n")


if __name__ == "__main__":
    main()
