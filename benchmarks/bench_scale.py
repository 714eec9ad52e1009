"""PCA of 5,000 people x 500,000 variants from a Zarr store (toolkit.genomics + Dask) vs plink2.

Issue #11 target: ``pca(open_zarr(path), n_components=10)`` in <= 600 s and <= 4096 MB peak on 2 cores.

Data (generated once, cached): 5,000 people of Yoruba, European and Han Chinese ancestry (1,667 / 1,667 /
1,666) simulated with msprime through the stdpopsim model ``HomSap/OutOfAfrica_3G09`` (the model of
``toolkit.datasets.make_population``, its mutation rate, uniform recombination), as independent 10 Mb
segments labelled chromosomes 1, 2, ...; like a genotyping array, only biallelic sites with minor allele
frequency >= 0.05 are kept, until there are 500,000 of them; 1% of genotype calls are then set missing.
Steps, each cached in the data folder (``TOOLKIT_BENCH_SCALE_DIR``, default build/bench-scale/):

1. simulate segment by segment into a PLINK 1 fileset (``.bed/.bim/.fam``; the family id holds the
   population), holding one segment in memory at a time;
2. convert it to a VCF Zarr store with bio2zarr's PLINK converter (``bio2zarr.plink.convert``: chunks of
   10,000 variants x all people, encoded chunk by chunk);
3. time ``pca(open_zarr(store), n_components=10)`` in a fresh process with Dask's threaded scheduler on
   2 threads (or ``--scheduler local-cluster``: a ``distributed.LocalCluster`` in that same process); the
   process's peak resident memory (VmHWM) is then the peak of the whole computation;
4. reference: ``plink2 --pca approx 10`` (randomized PCA, Galinsky et al. 2016) on the same genotypes, 2
   threads, in the same run; skip it with ``--no-plink2``.

Sanity checks (rows of their own): the top two PCs put each person with their own population (nearest
centroid, >= 99%), and toolkit and plink2 PC1/PC2 agree (|r| >= 0.99).

``--small``: 500 people x 20,000 variants (a few seconds; used by tests/test_benchmarks_scale.py).
Timings on a shared machine are pessimistic: the script prints the load average next to them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from _common import emit, run_measured

HERE = Path(__file__).resolve().parent
SMALL = "--small" in sys.argv
N_PER_POP = {"YRI": 167, "CEU": 167, "CHB": 166} if SMALL else {"YRI": 1667, "CEU": 1667, "CHB": 1666}
N_VARIANTS = 10_000 if SMALL else 500_000
SEGMENT_MB = 6.0 if SMALL else 10.0  # each Mb holds about 2,000 variants with MAF >= 0.05
MIN_MAF, MISSING_RATE, CHUNK = 0.05, 0.01, 10_000
SCHEDULER = sys.argv[sys.argv.index("--scheduler") + 1] if "--scheduler" in sys.argv else "threads"
TARGET_S, TARGET_MB = 600, 4096
N_SAMPLES = sum(N_PER_POP.values())
LABEL = f"{N_SAMPLES:,} x {N_VARIANTS:,}"
WORK = Path(os.environ.get("TOOLKIT_BENCH_SCALE_DIR", HERE.parent / "build" / "bench-scale"))
STEM = WORK / f"biobank_{N_SAMPLES}x{N_VARIANTS}"
BED_CODE = np.array([3, 2, 0, 1], dtype=np.uint8)  # ALT count 0, 1, 2, missing -> PLINK 2-bit code


# ---------------------------------------------------------------- 1. simulation -> PLINK fileset
def simulate_segment(seed: int):
    """One SEGMENT_MB-long segment of the Out-of-Africa model (msprime via stdpopsim)."""
    import stdpopsim

    species = stdpopsim.get_species("HomSap")
    model = species.get_demographic_model("OutOfAfrica_3G09")
    contig = species.get_contig(length=SEGMENT_MB * 1e6, mutation_rate=model.mutation_rate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return stdpopsim.get_engine("msprime").simulate(model, contig, samples=N_PER_POP, seed=seed)


def common_alt_counts(ts, rng) -> tuple[np.ndarray, pd.DataFrame]:
    """ALT allele counts (sites x people, 3 = missing) of the common biallelic sites, and their alleles.

    Each site's ALT count is read from its tree (samples below the mutation), so only the kept sites'
    genotypes are decoded."""
    n_haps, counts = ts.num_samples, np.full(ts.num_sites, -1)
    for tree in ts.trees():
        for site in tree.sites():
            if len(site.mutations) == 1:  # one mutation: biallelic
                counts[site.id] = tree.num_samples(site.mutations[0].node)
    common = (counts >= MIN_MAF * n_haps) & (counts <= (1 - MIN_MAF) * n_haps)
    kept = ts.delete_sites(np.flatnonzero(~common))
    haps = np.array([v.genotypes.astype(np.uint8) for v in kept.variants(copy=False)])
    alt = haps.reshape(len(haps), -1, 2).sum(axis=2, dtype=np.uint8)  # nodes 2i, 2i+1 = person i
    alt[rng.random(alt.shape) < MISSING_RATE] = 3
    rows = [(int(v.site.position) + 1, v.alleles[0], v.alleles[1]) for v in kept.variants(copy=False)]
    return alt, pd.DataFrame(rows, columns=["pos", "ref", "alt"])


def pack_bed(alt: np.ndarray) -> bytes:
    """PLINK 1 SNP-major bytes: four people per byte, the first person in the lowest two bits."""
    codes = BED_CODE[alt]
    pad = -codes.shape[1] % 4
    codes = np.pad(codes, ((0, 0), (0, pad)), constant_values=1).reshape(len(codes), -1, 4)
    return (codes[..., 0] | codes[..., 1] << 2 | codes[..., 2] << 4 | codes[..., 3] << 6).tobytes()


def sample_table(ts) -> pd.DataFrame:
    """Sample ids as make_population names them (e.g. CEU_1667), with each person's population."""
    nodes = ts.tables.nodes.population[ts.samples()[::2]]
    names = np.array([ts.population(p).metadata["name"] for p in range(ts.num_populations)])
    pops = names[nodes]
    return pd.DataFrame({"sample": [f"{p}_{i:04d}" for i, p in enumerate(pops)], "population": pops})


def make_plink_fileset() -> pd.DataFrame:
    """Simulate segments until N_VARIANTS common biallelic variants; write .bed/.bim/.fam; return samples."""
    rng, n_done, seed = np.random.default_rng(2026), 0, 0
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = {ext: Path(f"{STEM}.partial{ext}") for ext in (".bed", ".bim", ".fam")}
    with open(tmp[".bed"], "wb") as bed, open(tmp[".bim"], "w") as bim:
        bed.write(bytes([0x6C, 0x1B, 0x01]))
        while n_done < N_VARIANTS:
            seed += 1
            t0 = time.perf_counter()
            ts = simulate_segment(seed)
            alt, info = common_alt_counts(ts, rng)
            keep = min(len(info), N_VARIANTS - n_done)
            alt, info = alt[:keep], info.iloc[:keep]
            bed.write(pack_bed(alt))
            chrom = str(seed)
            bim.writelines(f"{chrom}\t{chrom}:{p}\t0\t{p}\t{a}\t{r}\n"
                           for p, r, a in zip(info["pos"], info["ref"], info["alt"]))
            n_done += keep
            print(f"segment {seed}: {ts.num_sites:,} sites, kept {keep:,} common; total {n_done:,} "
                  f"({time.perf_counter() - t0:.1f} s)", flush=True)
    samples = sample_table(ts)
    samples.assign(fid=samples["population"], father=0, mother=0, sex=0, pheno=-9)[
        ["fid", "sample", "father", "mother", "sex", "pheno"]].to_csv(
        tmp[".fam"], sep="\t", header=False, index=False)
    for ext in (".bim", ".fam", ".bed"):  # the .bed last: its presence marks a complete fileset
        tmp[ext].replace(STEM.with_suffix(ext))
    return samples


def read_fam() -> pd.DataFrame:
    fam = pd.read_csv(STEM.with_suffix(".fam"), sep="\t", header=None, dtype=str)
    return pd.DataFrame({"sample": fam[1], "population": fam[0]})


# ---------------------------------------------------------------- 2. PLINK fileset -> Zarr
def plink_to_zarr(stem: Path, store: Path, n_samples: int) -> Path:
    """bio2zarr's PLINK 1 converter (it decodes the .bed a chunk at a time), into a temporary folder
    renamed at the end, so a store that exists is whole. Sample ids are the .fam's individual ids."""
    from bio2zarr import plink

    tmp = store.with_name(f"{store.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        plink.convert(str(stem), str(tmp), variants_chunk_size=CHUNK, samples_chunk_size=n_samples,
                      worker_processes=0)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.replace(store)
    return store


# ---------------------------------------------------------------- 3-4. the timed runs
def run_toolkit_pca(store: Path, out_csv: Path) -> tuple[float, float]:
    """Wall time of open_zarr + pca (s) and the process's peak memory (MB), in a fresh process."""
    cluster = ("from distributed import Client, LocalCluster\n"
               "client = Client(LocalCluster(n_workers=1, threads_per_worker=2, processes=False, "
               "dashboard_address='127.0.0.1:0', worker_dashboard_address='127.0.0.1:0'))\n")
    threads = "import dask\ndask.config.set(scheduler='threads', num_workers=2)\n"
    setup = cluster if SCHEDULER == "local-cluster" else threads
    code = (setup + "from toolkit.genomics import open_zarr, pca\n"
            "t0 = time.perf_counter()\n"
            f"pcs = pca(open_zarr({str(store)!r}), n_components=10)\n"
            "print('__PCA_S__', time.perf_counter() - t0)\n"
            f"pcs.to_csv({str(out_csv)!r})\n")
    _, peak_mb, stdout = run_measured(code)
    pca_s = float(next(l for l in stdout.splitlines() if l.startswith("__PCA_S__")).split()[1])
    return pca_s, peak_mb


def run_plink2_pca(out: Path) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of plink2 --pca approx 10 on the same genotypes, 2 threads."""
    cmd = ["plink2", "--bfile", str(STEM), "--maf", str(MIN_MAF), "--pca", "approx", "10",
           "--threads", "2", "--memory", str(TARGET_MB), "--out", str(out)]
    wrapper = ("import resource, subprocess, sys, time\nt = time.perf_counter()\n"
               f"subprocess.run({cmd!r}, check=True, capture_output=True)\n"
               "print(time.perf_counter() - t, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    wall, peak = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True,
                                check=True).stdout.split()
    return float(wall), float(peak)


def population_accuracy(pcs: pd.DataFrame, populations: pd.Series) -> float:
    """Fraction of people whose PC1-PC2 position is nearest their own population's centre."""
    xy = pcs[["PC1", "PC2"]]
    centres = xy.groupby(populations.loc[xy.index].to_numpy()).mean()
    dist = ((xy.to_numpy()[:, None, :] - centres.to_numpy()[None]) ** 2).sum(axis=2)
    return float((centres.index.to_numpy()[dist.argmin(axis=1)] == populations.loc[xy.index]).mean())


def plink2_agreement(pcs: pd.DataFrame, eigenvec: Path) -> list[float]:
    """|Pearson r| between the toolkit's and plink2's PC1 and PC2, matched by sample id."""
    ref = pd.read_csv(eigenvec, sep="\t").set_index("IID").loc[pcs.index]
    return [abs(float(np.corrcoef(pcs[c], ref[c])[0, 1])) for c in ("PC1", "PC2")]


def size_on_disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def prepare_data() -> tuple[pd.DataFrame, Path, dict]:
    """The cached PLINK fileset and Zarr store, made if missing; seconds spent on each this run."""
    spent = {}
    if not STEM.with_suffix(".bed").exists():
        t0 = time.perf_counter()
        make_plink_fileset()
        spent["simulate + write PLINK"] = time.perf_counter() - t0
    samples, store = read_fam(), STEM.with_suffix(".vcz")
    if not store.exists():
        t0 = time.perf_counter()
        plink_to_zarr(STEM, store, len(samples))
        spent["PLINK -> Zarr"] = time.perf_counter() - t0
    return samples, store, spent


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores", flush=True)
    samples, store, spent = prepare_data()
    for step, s in spent.items():
        print(f"{step}: {s:.1f} s")
    bed_mb = size_on_disk_mb(STEM.with_suffix(".bed"))
    print(f"Zarr store {size_on_disk_mb(store):,.0f} MB on disk, PLINK .bed {bed_mb:,.0f} MB; "
          f"{N_SAMPLES * N_VARIANTS * 2 / 1e6:,.0f} MB of calls in memory as int8")
    populations = samples.set_index("sample")["population"]
    pca_s, peak_mb = run_toolkit_pca(store, WORK / "toolkit_pcs.csv")
    pcs = pd.read_csv(WORK / "toolkit_pcs.csv", index_col=0)
    print(f"toolkit pca: {pca_s:.1f} s, peak {peak_mb:.0f} MB (Dask scheduler: {SCHEDULER}); "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    accuracy = population_accuracy(pcs, populations)
    print(f"PC1-PC2 put {accuracy:.1%} of people nearest their own population's centre")
    full = not SMALL
    row = {"benchmark": f"scale PCA {LABEL} (Zarr, Dask {SCHEDULER})", "toolkit": round(pca_s, 1),
           "reference": None, "reference_s": None, "ratio": None, "peak_mb": round(peak_mb),
           "target": f"<= {TARGET_S} s, <= {TARGET_MB} MB" if full else None,
           "ok": bool(pca_s <= TARGET_S and peak_mb <= TARGET_MB) if full else None}
    rows = [row, {"benchmark": f"scale PCA {LABEL}: PC1-2 place people with their population",
                  "toolkit": None, "reference": None, "reference_s": None, "ratio": None, "peak_mb": None,
                  "target": f">= 99% (got {accuracy:.1%})", "ok": accuracy >= 0.99}]
    if shutil.which("plink2") and "--no-plink2" not in sys.argv:
        ref_s, ref_mb = run_plink2_pca(WORK / "plink2")
        r = plink2_agreement(pcs, WORK / "plink2.eigenvec")
        print(f"plink2 --pca approx: {ref_s:.1f} s, peak {ref_mb:.0f} MB; "
              f"|r| with toolkit PC1 {r[0]:.4f}, PC2 {r[1]:.4f}")
        row.update(reference="plink2 --pca approx",
                   reference_s=round(ref_s, 1), ratio=round(pca_s / ref_s, 2))
        rows.append({"benchmark": f"scale PCA {LABEL}: toolkit PC1, PC2 vs plink2", "toolkit": None,
                     "reference": row["reference"], "reference_s": None, "ratio": None, "peak_mb": None,
                     "target": f"|r| >= 0.99 (got {r[0]:.3f}, {r[1]:.3f})", "ok": min(r) >= 0.99})
    if "PLINK -> Zarr" in spent:
        rows.append({"benchmark": f"scale PLINK -> Zarr (bio2zarr) {LABEL} "
                                  f"({size_on_disk_mb(store):,.0f} MB)",
                     "toolkit": round(spent["PLINK -> Zarr"], 1), "reference": None, "reference_s": None,
                     "ratio": None, "peak_mb": None, "target": None, "ok": None})
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    emit(rows)


if __name__ == "__main__":
    main()
