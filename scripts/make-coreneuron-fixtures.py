#!/usr/bin/env python3
"""Regenerates the CoreNEURON fixtures of Tests/NDFormatsTests/Fixtures/coreneuron/.

Usage:
  .venv/bin/python scripts/make-coreneuron-fixtures.py OUT_DIR [--vecevent PATH/TO/vecevent.mod]

Needs NEURON 9.0.2 (`pip install neuron==9.0.2`) in the Python that runs this script, and
mpirun (Open MPI) for the 2-rank runs. Small NEURON models are built, written with
pc.nrncore_write (CoreNEURON's dataset format 1.8) and simulated twice: by NEURON itself
in the same process, and by nrniv-core from the written files. OUT_DIR gets:

  tiny/           2 cells (gids 0, 1): an IClamp on cell 0, an ExpSyn and an Exp2Syn on
                  cell 1 driven by gid 0, a NetStim driving an ExpSyn on cell 0; 60 ms
  ring_np1/       a ring of 5 cells (gid i-1 excites gid i; a NetStim starts it), 1 rank; 100 ms
  ring_np2/       the same ring written from 2 ranks (gid mod 2), under mpirun -np 2
  multi/          the same ring on 1 rank with pc.nthread(2): two groups, 0 and 3
  tiny_vecstim/   tiny + a VecStim (spikes at 30 and 35 ms) into cell 1's ExpSyn
  tiny_extras/    tiny_vecstim + a second IClamp whose amp is played from a Vector
                  (Vector.play, continuous) + nrnbbcore_register_mapping (0_3.dat)
  tiny_play/      tiny + IClamps whose amp is played (Vector.play, continuous): five
                  points on cell 1, a two-point ramp on cell 0 (no VecStim needed)
  NAME.neuron.spikes              NEURON's spikes, "%.8g\\t%d" (time, gid) sorted by time then gid
  NAME.nrniv-core.out.dat         nrniv-core's out.dat on 1 rank
  NAME.nrniv-core-np2.out.dat     nrniv-core's out.dat on 2 ranks (ring_np2 and multi)

Each dataset folder holds files.dat, bbcore_mech.dat, globals.dat and <group>_1.dat,
<group>_2.dat (and tiny_extras/0_3.dat). The output is deterministic: the same NEURON
gives the same bytes, so `cmp` against the committed fixtures checks them.

VecStim is not built into NEURON 9.0.2, so tiny_vecstim and tiny_extras need
--vecevent: NEURON's share/examples/nrniv/netcon/vecevent.mod (not part of this
repository). It is compiled in a temporary folder with nrnivmodl-core (special-core,
which simulates those two datasets) and nrnivmodl (libnrnmech.so, loaded by the
building process). Without --vecevent those two are skipped.

Every model is built in a fresh process (this script run with --build MODEL), from a
temporary working folder: NEURON loads ./x86_64/libnrnmech.so from the current folder
by itself, and any mechanism it loads changes bbcore_mech.dat.
"""
import argparse
import ctypes.util
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

# name: (model built by --build, tstop [ms], ranks that write it, needs VecStim, nrniv-core rank counts)
DATASETS = {
    "tiny": ("tiny", 60.0, 1, False, (1,)),
    "ring_np1": ("ring", 100.0, 1, False, (1,)),
    "ring_np2": ("ring", 100.0, 2, False, (1, 2)),
    "multi": ("multi", 100.0, 1, False, (1, 2)),
    "tiny_vecstim": ("tiny_vecstim", 60.0, 1, True, (1,)),
    "tiny_extras": ("tiny_extras", 60.0, 1, True, (1,)),
    "tiny_play": ("tiny_play", 60.0, 1, False, (1,)),
}


# --------------------------------------------------------------------------------------
# The models (run in the building process: `--build MODEL OUT_DIR`)
# --------------------------------------------------------------------------------------

def build_and_write(model, out_root, mech_lib, use_mpi):
    """Builds MODEL, writes its dataset with nrncore_write and NEURON's spikes."""
    from neuron import h

    if use_mpi:
        h.nrnmpi_init()
    h.load_file("stdrun.hoc")
    if mech_lib:
        h.nrn_load_dll(mech_lib)
    pc = h.ParallelContext()
    rank, nhost = int(pc.id()), int(pc.nhost())
    keep = []  # NEURON objects must outlive the run

    class Cell:
        """A soma (L = diam = 20 um, hh, one compartment) and a dendrite (200 um, 2 um,
        3 compartments, pas g 0.001 e -65) on soma(1); spike source soma(0.5), threshold -20 mV."""

        def __init__(self, gid):
            self.gid = gid
            self.soma = h.Section(name="soma_%d" % gid)
            self.dend = h.Section(name="dend_%d" % gid)
            self.dend.connect(self.soma(1))
            s, d = self.soma, self.dend
            s.L = s.diam = 20
            s.nseg = 1
            s.insert("hh")
            d.L, d.diam, d.nseg = 200, 2, 3
            d.insert("pas")
            for seg in d:
                seg.pas.g = 0.001
                seg.pas.e = -65
            for sec in (s, d):
                sec.Ra = 100
                sec.cm = 1
            pc.set_gid2node(gid, rank)
            nc = h.NetCon(s(0.5)._ref_v, None, sec=s)
            nc.threshold = -20.0
            pc.cell(gid, nc)

    def tiny():
        assert nhost == 1
        c0, c1 = Cell(0), Cell(1)
        ic = h.IClamp(c0.soma(0.5))
        ic.delay, ic.dur, ic.amp = 2, 1, 0.5
        es = h.ExpSyn(c1.dend(0.5))
        es.tau, es.e = 2, 0
        e2 = h.Exp2Syn(c1.dend(0.5))
        e2.tau1, e2.tau2, e2.e = 0.5, 5, 0
        nc1 = pc.gid_connect(0, es)
        nc1.weight[0], nc1.delay = 0.05, 1
        nc2 = pc.gid_connect(0, e2)
        nc2.weight[0], nc2.delay = 0.03, 2
        ns = h.NetStim()
        ns.start, ns.number, ns.interval, ns.noise = 20, 3, 10, 0
        es0 = h.ExpSyn(c0.soma(0.5))
        es0.tau, es0.e = 2, 0
        nc3 = h.NetCon(ns, es0)
        nc3.weight[0], nc3.delay = 0.1, 1
        keep.extend([c0, c1, ic, es, e2, nc1, nc2, ns, es0, nc3])
        return c0, c1, es

    def tiny_vecstim():
        c0, c1, es = tiny()
        vs = h.VecStim()
        vt = h.Vector([30, 35])
        vs.play(vt)
        nc = h.NetCon(vs, es)
        nc.weight[0], nc.delay = 0.05, 1
        keep.extend([vs, vt, nc])
        return c0, c1

    def tiny_extras():
        c0, c1 = tiny_vecstim()
        ic = h.IClamp(c1.soma(0.5))
        ic.delay, ic.dur = 0, 1e9
        tv = h.Vector([0, 50, 52, 54, 60])
        yv = h.Vector([0, 0, 1.0, 0, 0])
        yv.play(ic._ref_amp, tv, 1)
        keep.extend([ic, tv, yv])

        def register_mapping():
            # neurodamus-style section/segment mapping, after finitialize so that
            # node_index() is final: soma with 2 electrodes, dendrite without.
            for c in (c0, c1):
                soma_sec = h.Vector([0])
                soma_seg = h.Vector([c.soma(0.5).node_index()])
                lfp = h.Vector([0.5 + c.gid, -0.25])
                pc.nrnbbcore_register_mapping(c.gid, "soma", soma_sec, soma_seg, lfp, 2)
                dend_sec = h.Vector([1, 1, 1])
                dend_seg = h.Vector([seg.node_index() for seg in c.dend])
                pc.nrnbbcore_register_mapping(c.gid, "dend", dend_sec, dend_seg)
                keep.extend([soma_sec, soma_seg, lfp, dend_sec, dend_seg])

        return register_mapping

    def tiny_play():
        # Vector.play into IClamp.amp without VecStim: a train of points on cell 1 and
        # a two-point ramp (a SONATA linear clamp from 0 to 1 nA) on cell 0.
        c0, c1, es = tiny()
        ic = h.IClamp(c1.soma(0.5))
        ic.delay, ic.dur = 0, 1e9
        tv = h.Vector([0, 50, 52, 54, 60])
        yv = h.Vector([0, 0, 1.0, 0, 0])
        yv.play(ic._ref_amp, tv, 1)
        ramp = h.IClamp(c0.soma(0.5))
        ramp.delay, ramp.dur = 25, 10
        rt = h.Vector([25, 35])
        ry = h.Vector([0, 1.0])
        ry.play(ramp._ref_amp, rt, 1)
        keep.extend([ic, tv, yv, ramp, rt, ry])

    def ring(ncell=5, weight=0.01, nthread=1):
        cells = {gid: Cell(gid) for gid in range(ncell) if gid % nhost == rank}
        syns = {}
        for gid, c in cells.items():
            syn = h.ExpSyn(c.dend(0.5))
            syn.tau, syn.e = 2, 0
            syns[gid] = syn
            nc = pc.gid_connect((gid - 1 + ncell) % ncell, syn)
            nc.weight[0], nc.delay = weight, 1
            keep.append(nc)
        if 0 in cells:
            ns = h.NetStim()
            ns.start, ns.number, ns.interval, ns.noise = 1, 1, 10, 0
            nc = h.NetCon(ns, syns[0])
            nc.weight[0], nc.delay = weight, 1
            keep.extend([ns, nc])
        keep.extend([cells, syns])
        if nthread > 1:
            pc.nthread(nthread)

    before_write = None
    if model == "tiny":
        tiny()
    elif model == "tiny_vecstim":
        tiny_vecstim()
    elif model == "tiny_extras":
        before_write = tiny_extras()
    elif model == "tiny_play":
        tiny_play()
    elif model == "ring":
        ring()
    elif model == "multi":
        ring(nthread=2)
    else:
        raise SystemExit("unknown model " + model)
    name = "ring_np%d" % nhost if model == "ring" else model
    tstop = DATASETS[name][1]
    folder = os.path.join(out_root, name)
    if rank == 0:
        os.makedirs(folder, exist_ok=True)
    pc.barrier()

    h.cvode.cache_efficient(1)
    pc.set_maxstep(10)
    h.finitialize(-65)
    if before_write:
        before_write()
    pc.nrncore_write(folder)

    # NEURON's own run, in the same process.
    tv, iv = h.Vector(), h.Vector()
    pc.spike_record(-1, tv, iv)
    h.tstop = tstop
    h.v_init = -65
    h.stdinit()
    pc.psolve(tstop)
    gathered = pc.py_gather([(tv[i], int(iv[i])) for i in range(len(tv))], 0)
    if rank == 0:
        spikes = sorted(s for part in gathered for s in part)
        with open(os.path.join(out_root, name + ".neuron.spikes"), "w") as f:
            f.writelines("%.8g\t%d\n" % s for s in spikes)
        print("%s: %d NEURON spikes in %g ms" % (name, len(spikes), tstop))
    pc.barrier()
    pc.done()
    if use_mpi:
        h.quit()


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------

def run(cmd, cwd, log=None, check=True):
    with open(log, "w") if log else open(os.devnull, "w") as out:
        p = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    if check and p.returncode != 0:
        raise SystemExit("failed (%d): %s%s" % (p.returncode, " ".join(cmd), "; see " + log if log else ""))
    return p.returncode


def mpirun(np):
    cmd = ["mpirun", "--oversubscribe", "-np", str(np)]
    if os.getuid() == 0:
        cmd.append("--allow-run-as-root")
    return cmd


def neuron_prefix():
    """The neuron wheel's folder (bin/nrniv-core, lib/libcorenrnmpi_ompi.so), without importing it."""
    out = subprocess.run([sys.executable, "-c", "import importlib.util as u; "
                          "print(u.find_spec('neuron').submodule_search_locations[0])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(out, ".data")


def compile_vecstim(mod, work):
    """special-core and libnrnmech.so for vecevent.mod, built in WORK/mech/x86_64."""
    mods = os.path.join(work, "mech", "mods")
    os.makedirs(mods)
    shutil.copy(mod, os.path.join(mods, "vecevent.mod"))
    bindir = os.path.dirname(sys.executable)
    mech = os.path.dirname(mods)
    one_core = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    # nrnivmodl-core exits 1 here after building special-core (it then tries to wrap
    # x86_64/special, which nrnivmodl makes next); the binaries are checked below.
    run(one_core + [os.path.join(bindir, "nrnivmodl-core"), "-p", "1", "mods"], mech,
        os.path.join(work, "nrnivmodl-core.log"), check=False)
    run(one_core + [os.path.join(bindir, "nrnivmodl"), "mods"], mech, os.path.join(work, "nrnivmodl.log"))
    special_core = os.path.join(mech, "x86_64", "special-core")
    lib = os.path.join(mech, "x86_64", "libnrnmech.so")
    for f in (special_core, lib):
        if not os.path.exists(f):
            raise SystemExit("compiling %s did not make %s (logs in %s)" % (mod, f, work))
    return special_core, lib


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--vecevent", help="vecevent.mod (VecStim) for tiny_vecstim and tiny_extras")
    ap.add_argument("--build", help=argparse.SUPPRESS)       # internal: build one model
    ap.add_argument("--mech-lib", help=argparse.SUPPRESS)    # internal: libnrnmech.so to load
    ap.add_argument("--mpi", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    out = os.path.abspath(args.out_dir)
    if args.build:
        build_and_write(args.build, out, args.mech_lib, args.mpi)
        return

    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    if os.getuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    os.environ.update(env)
    prefix = neuron_prefix()
    nrniv_core = os.path.join(os.path.dirname(sys.executable), "nrniv-core")
    mpi_lib = os.path.join(prefix, "lib", "libcorenrnmpi_ompi.so")
    libmpi = ctypes.util.find_library("mpi") or "libmpi.so.40"
    me = os.path.abspath(__file__)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="coreneuron-fixtures-") as work:
        special_core = mech_lib = None
        if args.vecevent:
            special_core, mech_lib = compile_vecstim(os.path.abspath(args.vecevent), work)
        clean = os.path.join(work, "run")  # no x86_64/ here: NEURON would load it
        os.makedirs(clean)
        for name, (model, tstop, ranks, vecstim, core_ranks) in DATASETS.items():
            if vecstim and not mech_lib:
                print("%s: skipped (needs --vecevent)" % name)
                continue
            folder = os.path.join(out, name)
            shutil.rmtree(folder, ignore_errors=True)
            for f in os.listdir(out):
                if f.startswith(name + "."):
                    os.remove(os.path.join(out, f))
            build = [sys.executable, me, out, "--build", model] + (["--mech-lib", mech_lib] if vecstim else [])
            if ranks > 1:
                # -x PATH: the ranks find the same python and NEURON as this process.
                build = mpirun(ranks) + ["-x", "PATH", "-x", "OMP_NUM_THREADS"] + build + ["--mpi"]
            run(build, clean, os.path.join(work, name + ".build.log"))
            with open(os.path.join(work, name + ".build.log")) as f:
                print(f.read().strip().splitlines()[-1])

            for np in core_ranks:
                suffix = "nrniv-core" if np == 1 else "nrniv-core-np%d" % np
                result = os.path.join(work, name + "." + suffix)
                core = [special_core if vecstim else nrniv_core]
                if np > 1:
                    # --mpi-lib is the wheel's Open MPI shim; it needs libmpi's symbols loaded first.
                    core = (mpirun(np) + ["-x", "OMP_NUM_THREADS", "-x", "LD_PRELOAD=" + libmpi]
                            + core + ["--mpi", "--mpi-lib", mpi_lib])
                run(core + ["-d", folder, "-f", os.path.join(folder, "files.dat"), "-o", result, "--tstop", "%g" % tstop],
                    clean, result + ".log")
                spikes = os.path.join(out, "%s.%s.out.dat" % (name, suffix))
                shutil.copy(os.path.join(result, "out.dat"), spikes)
                same = filecmp.cmp(spikes, os.path.join(out, name + ".neuron.spikes"), shallow=False)
                failures += not same
                print("  %s on %d rank%s: %d spikes, %s NEURON's" % (
                    "special-core" if vecstim else "nrniv-core", np, "s" if np > 1 else "",
                    sum(1 for _ in open(spikes)), "the same as" if same else "DIFFERENT FROM"))
    if failures:
        raise SystemExit("%d nrniv-core run(s) differ from NEURON" % failures)


if __name__ == "__main__":
    main()
