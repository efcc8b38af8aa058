#!/usr/bin/env python3
"""Decode a neurodamus ringtest CoreNEURON dataset (format 1.8) and check it against
what /work/i13/SPEC.md (ndtools issue 13) says about ProbAMPANMDA_EMS / ProbGABAAB_EMS.

usage: check-neurodamus-dataset.py DATASETDIR [-v] [--use U] [--seed S]

--use U  every synapse's Use was set to U (connection_overrides synapse_configure),
         instead of |u_syn| of its edge
--seed S the run's random_seed (default 1122, the ringtest's)

Prints: the mechanism list of bbcore_mech.dat, the mechanisms each <id>_2.dat holds
(with instance counts), the bbcorepointer blocks, then one PASS/FAIL line per check,
and a last line "N passed, M failed". Exit status 1 if a check failed.
Standard library only. Everything is read byte-exactly (chkpnt sequence, sizes, EOF).
The expected values per synapse are the ringtest edges (neurodamus
tests/simulations/ringtest/create_data.py) and the formulas of SPEC §1.4, §3, §4, §5.
"""
import hashlib
import math
import os
import re
import struct
import sys

# ---------------------------------------------------------------- expectations (SPEC)
SPEC_MECHS = {  # SPEC §6.3: name -> (type, pnttype, artificial, param_size, dparam_size)
    "ALU": (24, 15, 0, 4, 4), "ConductanceSource": (25, 16, 0, 14, 2),
    "CoreNEURONArtificialCell": (26, 17, 1, 2, 2), "GluSynapse": (27, 18, 0, 54, 11),
    "InhPoissonStim": (28, 19, 1, 10, 7), "MembraneCurrentSource": (29, 20, 0, 6, 2),
    "ProbAMPANMDA_EMS": (30, 21, 0, 42, 6), "ProbGABAAB_EMS": (31, 22, 0, 43, 6),
    "SonataReportHelper": (32, 23, 1, 4, 3), "SonataReport": (33, 24, 0, 4, 3),
    "ttx_ion": (34, 0, 0, 5, 1), "TTXDynamicsSwitch": (35, 0, 0, 5, 4),
    "EFieldIntegrator": (36, 25, 0, 1, 10), "Gap": (37, 26, 0, 7, 2), "VecStim": (38, 27, 1, 4, 4),
}
SPEC_N_MEMB_FUNC = 39
# mechanisms with bbcore_write/bbcore_read (SPEC §6.3 table, last column)
BBCORE = {"ALU", "GluSynapse", "InhPoissonStim", "ProbAMPANMDA_EMS", "ProbGABAAB_EMS",
          "SonataReport", "VecStim"}
# SPEC §6.4 order (without replay there is no VecStim)
SPEC_ORDER = ["capacitance", "pas", "na_ion", "k_ion", "IClamp", "hh", "ProbAMPANMDA_EMS",
              "ProbGABAAB_EMS", "CoreNEURONArtificialCell", "VecStim"]
# vdata slots per instance (pntproc, bbcorepointer, netsend, random semantics)
NVDATA = {"IClamp": 1, "ProbAMPANMDA_EMS": 5, "ProbGABAAB_EMS": 5, "CoreNEURONArtificialCell": 1,
          "VecStim": 3, "ExpSyn": 1, "Exp2Syn": 1, "NetStim": 2}
NET_RECEIVE_NARGS = {"ProbAMPANMDA_EMS": 5, "ProbGABAAB_EMS": 5, "CoreNEURONArtificialCell": 1,
                     "VecStim": 1, "ExpSyn": 1, "Exp2Syn": 1}
AMPA_NAMES = ("tau_d_AMPA Use Dep Fac mg u0 Nrrp synapseID verboseLevel selected_for_report NMDA_ratio "
              "conductance i i_AMPA i_NMDA g_AMPA g_NMDA g A_AMPA_step B_AMPA_step A_NMDA_step B_NMDA_step "
              "unoccupied occupied tsyn u next_delay A_AMPA B_AMPA A_NMDA B_NMDA factor_AMPA factor_NMDA "
              "mggate usingR123 DA_AMPA DB_AMPA DA_NMDA DB_NMDA v _g _tsav").split()
GABA_NAMES = ("tau_r_GABAA tau_d_GABAA Use Dep Fac e_GABAA e_GABAB u0 Nrrp synapseID verboseLevel "
              "selected_for_report GABAB_ratio conductance i i_GABAA i_GABAB g_GABAA g_GABAB g A_GABAA_step "
              "B_GABAA_step A_GABAB_step B_GABAB_step unoccupied occupied tsyn u next_delay A_GABAA B_GABAA "
              "A_GABAB B_GABAB factor_GABAA factor_GABAB usingR123 DA_GABAA DB_GABAA DA_GABAB DB_GABAB "
              "v _g _tsav").split()
A_GLOBALS = ["tau_r_AMPA", "tau_r_NMDA", "tau_d_NMDA", "e", "slope_mg", "scale_mg", "gmax",
             "nc_type_param", "minis_single_vesicle", "init_depleted"]
G_GLOBALS = ["tau_r_GABAB", "tau_d_GABAB", "gmax", "nc_type_param", "minis_single_vesicle", "init_depleted"]
# ringtest edges: (src gid, tgt gid) -> syn_type, conductance, decay, delay, dep, fac, u_syn
EDGES = {
    (0, 1): (60, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0), (1, 2): (104, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0),
    (2, 0): (77, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0),
    (1000, 1001): (24, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0), (1001, 1000): (29, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0),
    (0, 1000): (131, 100.0, 2.0, 3.0, 4.0, 5.0, 6.0),
}
NRRP = 4
POP_OFFSETS = {"RingA": 0, "RingB": 1000}
RANDOMIZE_GABA_RISE = True  # the fixtures' config sets conditions.randomize_gaba_rise_time


# ---------------------------------------------------------------- Random123 (SPEC §4, §5.5)
M32 = 0xFFFFFFFF


def philox4x32_10(c, k):
    c = list(c)
    k = list(k)
    for r in range(10):
        if r:
            k = [(k[0] + 0x9E3779B9) & M32, (k[1] + 0xBB67AE85) & M32]
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k[0]) & M32, p1 & M32, ((p0 >> 32) ^ c[3] ^ k[1]) & M32, p0 & M32]
    return c


class Stream:
    def __init__(self, gix, id1, id2, id3):
        self.k = [gix & M32, 0]
        self.c = [0, id3 & M32, id1 & M32, id2 & M32]
        self.which = 0
        self.r = philox4x32_10(self.c, self.k)

    def dblpick(self):
        v = self.r[self.which]
        self.which += 1
        if self.which > 3:
            self.which = 0
            self.c[0] = (self.c[0] + 1) & M32
            self.r = philox4x32_10(self.c, self.k)
        return (float(v) + 1.0) * (1.0 / 4294967297.0)


def lognormal_repick(gix, ids, mean=0.2, var=0.1):
    s = Stream(gix, *ids)
    mu = math.log(mean * mean / math.sqrt(var + mean * mean))
    sigma = math.sqrt(math.log((var + mean * mean) / (mean * mean)))
    while True:
        v1 = 2.0 * s.dblpick() - 1.0
        v2 = 2.0 * s.dblpick() - 1.0
        w = v1 * v1 + v2 * v2
        if w <= 1.0:
            break
    y = math.sqrt((-2.0 * math.log(w)) / w)
    return math.pow(2.718281828459045, (v2 * y) * sigma + mu)


def pop_hash(name):
    d = hashlib.md5(name.encode()).digest()
    return ((d[1] & 0x0F) << 8) + d[0]


def step(dt, tau):
    return math.exp(dt * ((-1.0) / tau))


def factor(tr, td):
    tp = (tr * td) / (td - tr) * math.log(td / tr)
    f = -math.exp(-tp / tr) + math.exp(-tp / td)
    return 1.0 / f


def mggate(v, slope, mg, scale):
    return 1.0 / (1.0 + math.exp(slope * -(v)) * (mg / scale))


# ---------------------------------------------------------------- byte-exact reader
class Reader:
    DT = {"int": ("i", 4), "double": ("d", 8)}

    def __init__(self, path, chkpnt):
        with open(path, "rb") as f:
            self.buf = f.read()
        self.pos = 0
        self.chkpnt = chkpnt
        self.name = os.path.basename(path)

    def line(self):
        end = self.buf.index(b"\n", self.pos)
        s = self.buf[self.pos:end].decode("ascii")
        self.pos = end + 1
        return s

    def int(self):
        return int(re.match(r"\s*(-?\d+)", self.line()).group(1))

    def arr(self, kind, n):
        s = self.line()
        assert s == "chkpnt %d" % self.chkpnt, "%s: %r, expected chkpnt %d" % (self.name, s, self.chkpnt)
        self.chkpnt += 1
        code, size = self.DT[kind]
        v = list(struct.unpack_from("<%d%s" % (n, code), self.buf, self.pos))
        self.pos += n * size
        return v

    def eof(self):
        assert self.pos == len(self.buf), "%s: %d bytes left" % (self.name, len(self.buf) - self.pos)


def read_dataset(d):
    with open(os.path.join(d, "files.dat")) as f:
        lines = f.read().split()
    assert lines[0] == "1.8"
    i = 1
    if lines[i] == "-1":
        i += 1
    n = int(lines[i])
    ids = [int(x) for x in lines[i + 1:i + 1 + n]]
    mechs, order = {}, []
    with open(os.path.join(d, "bbcore_mech.dat")) as f:
        bl = f.read().split("\n")[:-1]
    n_memb = int(bl[1])
    j = 2
    while j < len(bl):
        t = bl[j].split()
        name, typ, pnt, art, ion, psz, dsz = t[0], *map(int, t[1:7])
        mechs[typ] = dict(name=name, type=typ, pnt=pnt, art=art, ion=ion, psize=psz, dsize=dsz)
        order.append(typ)
        j += 2 if ion else 1
    glob = []
    with open(os.path.join(d, "globals.dat")) as f:
        for s in f.read().split("\n")[1:]:
            if s:
                glob.append(s.split())
    files = {}
    for fid in ids:
        r = Reader(os.path.join(d, "%d_1.dat" % fid), 0)
        assert r.line() == "1.8"
        npre, nnc = r.int(), r.int()
        p1 = dict(output_gid=r.arr("int", npre), srcgid=r.arr("int", nnc))
        r.eof()
        r = Reader(os.path.join(d, "%d_2.dat" % fid), r.chkpnt)
        assert r.line() == "1.8"
        h = {k: r.int() for k in ("ncell", "ngid", "n_real_gid", "nnode", "ndiam", "nmech")}
        ml = [(r.int(), r.int()) for _ in range(h["nmech"])]
        h.update({k: r.int() for k in ("nidata", "nvdata", "nweight")})
        nn = h["nnode"]
        p2 = dict(h=h, mechlist=ml, parent=r.arr("int", nn))
        for k in ("a", "b", "area", "v"):
            p2[k] = r.arr("double", nn)
        if h["ndiam"]:
            p2["diam"] = r.arr("double", nn)
        p2["mech"] = []
        for t, c in ml:
            m = mechs[t]
            md = dict(type=t, name=m["name"], n=c)
            md["nodeindices"] = None if m["art"] else r.arr("int", c)
            md["data"] = r.arr("double", c * m["psize"])
            if m["dsize"]:
                md["pdata"] = r.arr("int", c * m["dsize"])
                md["npointer"] = r.int()
                if md["npointer"]:
                    r.arr("int", md["npointer"])
                md["nmodlrandom"] = r.int()
                if md["nmodlrandom"]:
                    raise AssertionError("nmodlrandom not expected")
            p2["mech"].append(md)
        p2["output_vindex"] = r.arr("int", len(p1["output_gid"]))
        p2["threshold"] = r.arr("double", h["n_real_gid"])
        p2["pnttype"] = r.arr("int", len(p1["srcgid"]))
        p2["pntindex"] = r.arr("int", len(p1["srcgid"]))
        p2["weights"] = r.arr("double", h["nweight"])
        p2["delays"] = r.arr("double", len(p1["srcgid"]))
        p2["nbb_line"] = r.line()
        nbb = int(p2["nbb_line"].split()[0])
        p2["bb"] = []
        for _ in range(nbb):
            t, ic, dc = r.int(), r.int(), r.int()
            ia = r.arr("int", ic) if ic else []
            da = r.arr("double", dc) if dc else []
            p2["bb"].append((t, ic, dc, ia, da))
        p2["nvecplay"] = r.int()
        p2["vecplay"] = []
        for _ in range(p2["nvecplay"]):
            vt, mt, ix, sz = r.int(), r.int(), r.int(), r.int()
            p2["vecplay"].append((vt, mt, ix, r.arr("double", sz), r.arr("double", sz)))
        r.eof()
        p3path = os.path.join(d, "%d_3.dat" % fid)
        if os.path.exists(p3path):
            r = Reader(p3path, r.chkpnt)
            assert r.line() == "1.8"
            for _ in range(r.int()):
                cgid, nsec, nseg, nsl = (int(x) for x in r.line().split()[:4])
                for _ in range(nsl):
                    t = r.line().split()
                    ng, tl = int(t[2]), int(t[3])
                    if ng:
                        r.arr("int", ng)
                        r.arr("int", ng)
                        if tl > 0:
                            r.arr("double", tl)
            r.eof()
        files[fid] = (p1, p2)
    return ids, n_memb, mechs, order, glob, files


# ---------------------------------------------------------------- checks
class Checks:
    def __init__(self):
        self.ok = self.bad = 0

    def __call__(self, cond, what):
        if cond:
            self.ok += 1
        else:
            self.bad += 1
        print("  %s  %s" % ("PASS" if cond else "FAIL", what))
        return cond


def same(a, b):
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def main(argv):
    d = argv[0]
    verbose = "-v" in argv
    use_override = float(argv[argv.index("--use") + 1]) if "--use" in argv else None
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 1122
    ids, n_memb, mechs, order, glob, files = read_dataset(d)
    C = Checks()
    byname = {m["name"]: m for m in mechs.values()}
    gd = {g[0]: float(g[1]) for g in glob if len(g) == 2 and g[0] not in ("0",)}
    dt = gd["dt"]
    vinit = -65.0
    gix = int(gd["Random123_globalindex"])
    offsets = dict(POP_OFFSETS)
    pof = os.path.join(d, "populations_offset.dat")
    if os.path.exists(pof):
        offsets = {l.split("::")[0]: int(l.split("::")[1]) for l in open(pof) if "::" in l}

    print("# %s: files.dat ids %s" % (d, ids))
    print("## bbcore_mech.dat: n_memb_func %d" % n_memb)
    print("   " + " ".join("%s=%d" % (mechs[t]["name"], t) for t in order))
    for fid in ids:
        p1, p2 = files[fid]
        print("## %d_2.dat: %d cells, %d nodes; mechanisms: %s" % (
            fid, p2["h"]["ncell"], p2["h"]["nnode"],
            ", ".join("%s(%d) x%d" % (mechs[t]["name"], t, c) for t, c in p2["mechlist"])))
        print("   bbcorepointer line %r, blocks: %s; VecPlay %d" % (
            p2["nbb_line"], ", ".join("%s(%d) icnt %d dcnt %d" % (mechs[t]["name"], t, ic, dc)
                                      for t, ic, dc, _, _ in p2["bb"]), p2["nvecplay"]))
        if verbose:
            for md in p2["mech"]:
                if md["name"].startswith("Prob"):
                    names = AMPA_NAMES if "AMPA" in md["name"] else GABA_NAMES
                    sz = len(names)
                    for i in range(md["n"]):
                        print("   %s[%d] " % (md["name"], i) + " ".join(
                            "%s=%r" % (nm, v) for nm, v in zip(names, md["data"][i * sz:(i + 1) * sz])))

    print("## checks")
    # --- bbcore_mech.dat (§2.3, §6.3)
    C(n_memb == SPEC_N_MEMB_FUNC, "§6.3 n_memb_func = %d (file %d)" % (SPEC_N_MEMB_FUNC, n_memb))
    for name, (t, pnt, art, psz, dsz) in SPEC_MECHS.items():
        m = byname.get(name)
        got = m and (m["type"], m["pnt"], m["art"], m["psize"], m["dsize"])
        C(got == (t, pnt, art, psz, dsz), "§6.3 %s type/pnttype/art/param/dparam = %s (file %s)"
          % (name, (t, pnt, art, psz, dsz), got))
    # --- globals.dat (§4.3, §4.6, §6.5)
    names = [g[0] for g in glob if len(g) == 2]
    C(gix == seed, "§4.3 Random123_globalindex = random_seed %d (file %d)" % (seed, gix))
    simconf = os.path.join(d, "sim.conf")
    if os.path.exists(simconf):
        sc = dict(l.strip().split("=", 1) for l in open(simconf) if "=" in l)
        C(sc.get("seed") == str(seed), "§4.3 sim.conf seed=%d (%s)" % (seed, sc.get("seed")))
    ia = names.index("tau_r_AMPA_ProbAMPANMDA_EMS")
    C(names[ia:ia + 10] == [g + "_ProbAMPANMDA_EMS" for g in A_GLOBALS], "§4.6 the 10 A globals, in order")
    ig = names.index("tau_r_GABAB_ProbGABAAB_EMS")
    C(names[ig:ig + 6] == [g + "_ProbGABAAB_EMS" for g in G_GLOBALS] and ig == ia + 10,
      "§4.6 the 6 G globals, in order, right after A's")
    iglu = [k for k, n in enumerate(names) if n.endswith("_GluSynapse")]
    tail = names[ig + 6:ig + 10]
    C(len(iglu) == 29 and iglu[-1] + 1 == names.index("interval_min_InhPoissonStim") == ia - 1
      and tail == ["Dt_SonataReportHelper", "ttxi0_ttx_ion", "ttxo0_ttx_ion", "ttxi_sentinel_TTXDynamicsSwitch"],
      "§6.5 GluSynapse's 29 globals, interval_min_InhPoissonStim, A, G, Dt_SonataReportHelper, ttxi0/ttxo0_ttx_ion, "
      "ttxi_sentinel_TTXDynamicsSwitch (GluSynapse %d; after G: %s)" % (len(iglu), tail))
    A = {g: gd[g + "_ProbAMPANMDA_EMS"] for g in A_GLOBALS}
    G = {g: gd[g + "_ProbGABAAB_EMS"] for g in G_GLOBALS}
    C(A["slope_mg"] == 0.062 and A["scale_mg"] == 3.57 and A["nc_type_param"] == 4 and G["nc_type_param"] == 4,
      "§1.2/§1.6 common mods: slope_mg 0.062, scale_mg 3.57, nc_type_param 4")

    hashes = {p: pop_hash(p) for p in offsets}
    C(hashes.get("RingA") == 1341 and hashes.get("RingB") == 1057,
      "§5.5 population hashes RingA 1341, RingB 1057 (%s)" % hashes)

    def pop_of(gid):
        return max((o, p) for p, o in offsets.items() if o <= gid)[1]

    for fid in ids:
        p1, p2 = files[fid]
        h = p2["h"]
        tag = "%d_2.dat:" % fid
        ml_names = [mechs[t]["name"] for t, _ in p2["mechlist"]]
        pos = [SPEC_ORDER.index(n) if n in SPEC_ORDER else -1 for n in ml_names]
        C(-1 not in pos and pos == sorted(pos), "%s §6.4 mechanism order %s" % (tag, ml_names))
        ncell = h["ncell"]

        def cell_of(node):
            while node >= ncell:
                node = p2["parent"][node]
            return node

        cell_gid = p1["output_gid"][:h["n_real_gid"]]
        # vdata bookkeeping (§2.3)
        voff, vtotal = {}, 0
        for md in p2["mech"]:
            voff[md["name"]] = vtotal
            vtotal += NVDATA.get(md["name"], 0) * md["n"]
        C(vtotal == h["nvdata"], "%s §2.3 nvdata = Σ vdata slots per instance (%d, header %d)" % (tag, vtotal, h["nvdata"]))
        # netcons: weights (§2.4, §1.7) and which instance each targets
        wpos, k = [], 0
        for i, t in enumerate(p2["pnttype"]):
            wpos.append(k)
            k += NET_RECEIVE_NARGS.get(mechs[t]["name"], 0)
        C(k == h["nweight"], "%s §2.4 nweight = Σ NET_RECEIVE args (5 per Prob* NetCon) (%d, header %d)"
          % (tag, k, h["nweight"]))
        src_of = {}
        for i, t in enumerate(p2["pnttype"]):
            src_of.setdefault((t, p2["pntindex"][i]), []).append(i)
        for md in p2["mech"]:
            name, n = md["name"], md["n"]
            if name == "CoreNEURONArtificialCell":
                C(n == 1 and md["data"] == [0.0, -1e20] and md["pdata"][0] == -1 and md["pdata"][1] == voff[name],
                  "%s §6.1 CoreNEURONArtificialCell: 1 instance, data [0, -1e20], pdata [-1, vdata %d] (%s %s)"
                  % (tag, voff[name], md["data"], md["pdata"]))
                fake = ncell == 0
                vix = p2["output_vindex"][-1]
                C(vix == -(md["type"] + 1000 * 0) and p1["output_gid"][-1] == (fid if fake else -1),
                  "%s §6.1 its presyn: output_vindex -%d, output_gid %s (%d, %d)"
                  % (tag, md["type"], fid if fake else -1, vix, p1["output_gid"][-1]))
                continue
            if not name.startswith("Prob"):
                continue
            amp = name == "ProbAMPANMDA_EMS"
            names = AMPA_NAMES if amp else GABA_NAMES
            sz = len(names)
            C(mechs[md["type"]]["psize"] == sz and mechs[md["type"]]["dsize"] == 6,
              "%s §2.1/2.2 %s param_size %d, dparam_size 6" % (tag, name, sz))
            bb = [b for b in p2["bb"] if b[0] == md["type"]]
            C(len(bb) == 1 and bb[0][1] == 7 * n and bb[0][2] == 0,
              "%s §4.4 %s bbcorepointer block: icnt 7 x %d, dcnt 0 (%s)" % (tag, name, n, [(b[1], b[2]) for b in bb]))
            iarr = bb[0][3] if bb else []
            for i in range(n):
                x = dict(zip(names, md["data"][i * sz:(i + 1) * sz]))
                node = md["nodeindices"][i]
                tgid = cell_gid[cell_of(node)]
                ncs = src_of.get((md["type"], i), [])
                what = "%s %s[%d] (node %d, gid %d)" % (tag, name, i, node, tgid)
                if not C(len(ncs) == 1, "%s: one NetCon targets it (%d)" % (what, len(ncs))):
                    continue
                nc = ncs[0]
                sgid = p1["srcgid"][nc]
                syn_type, cond, decay, delay, dep, fac, usyn = EDGES[(sgid, tgid)]
                C((syn_type < 100) != amp, "%s: §5.2 syn_type %d -> %s" % (what, syn_type, name))
                w = p2["weights"][wpos[nc]:wpos[nc] + 5]
                C(w == [cond, 0.0, 0.0, 0.0, 0.0] and p2["delays"][nc] == delay,
                  "%s: §2.4 NetCon from %d: weights [cond, 0, 0, 0, nc_type 0] = %s, delay %g (%g)"
                  % (what, sgid, w, delay, p2["delays"][nc]))
                # pdata (§2.3)
                pd = md["pdata"][i * 6:(i + 1) * 6]
                C(pd == [node] + [voff[name] + i * 5 + s for s in range(5)],
                  "%s: §2.3 pdata [node, vdata off+5i .. +4] = %s" % (what, pd))
                # bbcore ints (§4.4, §5.5)
                id3 = hashes[pop_of(sgid)] * 65536 + hashes[pop_of(tgid)] + 0 + 300
                ints = iarr[i * 7:(i + 1) * 7]
                C(ints == [tgid + 251, 0 + 100, id3, 0, 0, 0, 0],
                  "%s: §4.4/§5.5 bbcore ints [gid+251, synapseID+100, id3, seq 0, which 0, 0, 0] = %s" % (what, ints))
                # values (§2.1/§2.2 with §1.4, §3)
                exp = dict(Use=abs(usyn) if use_override is None else use_override, Dep=abs(dep), Fac=abs(fac), u0=0.0, Nrrp=float(NRRP), synapseID=0.0,
                           verboseLevel=0.0, selected_for_report=0.0, conductance=cond, unoccupied=0.0,
                           occupied=float(NRRP), tsyn=0.0, u=0.0, next_delay=-1.0, usingR123=1.0, v=vinit,
                           _g=0.0, _tsav=-1e20, g=0.0)
                if amp:
                    exp.update(tau_d_AMPA=decay, mg=1.0, NMDA_ratio=0.71, g_AMPA=0.0, g_NMDA=0.0,
                               i=-0.0, i_AMPA=-0.0, i_NMDA=-0.0,
                               A_AMPA_step=step(dt, A["tau_r_AMPA"]), B_AMPA_step=step(dt, decay),
                               A_NMDA_step=step(dt, A["tau_r_NMDA"]), B_NMDA_step=step(dt, A["tau_d_NMDA"]),
                               factor_AMPA=factor(A["tau_r_AMPA"], decay),
                               factor_NMDA=factor(A["tau_r_NMDA"], A["tau_d_NMDA"]),
                               mggate=mggate(vinit, A["slope_mg"], 1.0, A["scale_mg"]))
                    for s in ("A_AMPA", "B_AMPA", "A_NMDA", "B_NMDA"):
                        exp[s] = 0.0
                        exp["D" + s] = 0.0
                else:
                    if RANDOMIZE_GABA_RISE:
                        tr = lognormal_repick(gix, (tgid + 251, 0 + 100, id3 - 300 + 450))
                    else:
                        tr = 0.2
                    exp.update(tau_r_GABAA=tr, tau_d_GABAA=decay, e_GABAA=-80.0, e_GABAB=-97.0, GABAB_ratio=0.0,
                               i=0.0, i_GABAA=0.0, i_GABAB=0.0, g_GABAA=0.0, g_GABAB=0.0,
                               A_GABAA_step=step(dt, tr), B_GABAA_step=step(dt, decay),
                               A_GABAB_step=step(dt, G["tau_r_GABAB"]), B_GABAB_step=step(dt, G["tau_d_GABAB"]),
                               factor_GABAA=factor(tr, decay), factor_GABAB=factor(G["tau_r_GABAB"], G["tau_d_GABAB"]))
                    for s in ("A_GABAA", "B_GABAA", "A_GABAB", "B_GABAB"):
                        exp[s] = 0.0
                        exp["D" + s] = 0.0
                assert set(exp) == set(names), set(names) ^ set(exp)
                bad = ["%s=%r (expected %r)" % (nm, x[nm], exp[nm]) for nm in names if not same(x[nm], exp[nm])]
                C(not bad, "%s: §2.1/2.2 all %d values as predicted (incl. ±0.0 signs, factors, steps%s)%s"
                  % (what, sz, ", mggate" if amp else ", lognormal tau_r_GABAA" if RANDOMIZE_GABA_RISE else "",
                     "" if not bad else ": " + "; ".join(bad)))
        # bbcorepointer blocks: one per mechanism with bbcore_write, in mech-list order (§4.4)
        want = [t for t, _ in p2["mechlist"] if mechs[t]["name"] in BBCORE]
        C([b[0] for b in p2["bb"]] == want and int(p2["nbb_line"].split()[0]) == len(want),
          "%s §4.4 bbcorepointer count line %r and block types %s = mech-list order %s"
          % (tag, p2["nbb_line"], [b[0] for b in p2["bb"]], want))
    print("%d passed, %d failed" % (C.ok, C.bad))
    return 1 if C.bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
