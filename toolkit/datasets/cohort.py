"""A linked SYNTHETIC radiogenomic cohort: clinical table, germline genotypes, brain MRI, lesion masks.

Every patient is simulated; no value comes from a real person. The generating model
(ancestry -> site, genotypes -> liability -> mutation, grade -> lesion size, mutation ->
lesion texture and margin, site -> scanner effects, mutation x treatment -> survival,
and optionally mutation -> a tumour biopsy expression panel) is documented in ``datasets/radiogenomic_cohort.md`` and returned in ``ground_truth``.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._utils.validation import check_one_of
from ..genomics.genotypes import Genotypes
from . import _cohort_images as _img
from . import _cohort_outcomes as _out
from . import _cohort_tumour as _tum

__all__ = ["RadiogenomicCohort", "make_radiogenomic_cohort", "load_radiogenomic_cohort"]

VERSION = "1.0"
SYNTHETIC_LABEL = "SYNTHETIC - not a real patient"
PRESETS = {
    "tiny": {"n_patients": 20, "resolution_mm": 6, "sequence_length_mb": 0.5, "n_causal": 20},
    "workshop": {"n_patients": 300, "resolution_mm": 3, "sequence_length_mb": 2.0, "n_causal": 50},
    "large": {"n_patients": 500, "resolution_mm": 2, "sequence_length_mb": 5.0, "n_causal": 100},
}
CLINICAL_COLUMNS = ["ancestry", "sex", "age_years", "site", "grade", "mutation", "treatment",
                    "survival_months", "event", "prs"]


@dataclass(repr=False)
class RadiogenomicCohort:
    """A SYNTHETIC cohort: one row of ``clinical``, one genome, one image and one mask per patient.

    Attributes
    ----------
    clinical : DataFrame, index ``patient_id`` ("RG0001", ...)
        Columns ``ancestry`` (YRI/CEU/CHB), ``sex`` (F/M), ``age_years``, ``site``
        (site_A/B/C), ``grade`` (2-4), ``mutation`` (0/1 somatic driver), ``treatment`` (0/1),
        ``survival_months``, ``event`` (1 = death observed, 0 = censored), ``prs``
        (standardised polygenic score from the genotypes and the true weights).
    genotypes : Genotypes
        Germline calls; ``samples`` equal ``clinical.index``.
    images : float32 array, shape (n_patients, X, Y, Z)
        T1-weighted-like MRI in arbitrary units, RAS voxel order, scanner effects applied.
    masks : uint8 array, same shape
        Ground-truth lesion mask (1 = lesion).
    affine : array (4, 4)
        Voxel index -> RAS millimetres, shared by every patient.
    spacing_mm : tuple of 3 floats
    ground_truth : dict
        All generating parameters, true effects, causal variants and the causal graph.
    files : dict
        Paths of the files (empty when nothing was written): ``clinical``, ``genotypes``,
        ``ground_truth`` (one path each), ``images`` and ``masks`` (lists in patient order)
        and, with DICOM, ``dicom`` ({patient_id: list of slice files}); ``tumour_expression``
        when that table exists.
    tumour_expression : DataFrame or None
        Only with ``tumour_expression_effect``: a biopsy gene-expression panel (log2 units),
        index ``patient_id``, columns ``TX01``..``TX08``; a row of NaN = no biopsy.
    """

    clinical: pd.DataFrame
    genotypes: Genotypes
    images: np.ndarray
    masks: np.ndarray
    affine: np.ndarray
    spacing_mm: tuple
    ground_truth: dict
    files: dict = field(default_factory=dict)
    tumour_expression: pd.DataFrame | None = None

    @property
    def n_patients(self) -> int:
        return len(self.clinical)

    def __repr__(self) -> str:
        return (f"<RadiogenomicCohort (SYNTHETIC): {self.n_patients} patients, images "
                f"{self.images.shape[1:]} at {self.spacing_mm[0]:g} mm, "
                f"{self.genotypes.n_variants} variants>")


def _check_args(size: str, ancestry_mix) -> dict:
    """Validate the preset name and the ancestry mix; return the mix to use."""
    check_one_of("size", size, PRESETS)
    mix = dict(_out.DEFAULT_MODEL["ancestry_mix"] if ancestry_mix is None else ancestry_mix)
    unknown = set(mix) - set(_out.ANCESTRIES)
    if unknown or any(v < 0 for v in mix.values()) or sum(mix.values()) <= 0:
        raise ValueError(f"ancestry_mix must map some of {list(_out.ANCESTRIES)} to non-negative "
                         f"fractions with a positive sum; got {ancestry_mix!r}")
    return mix


def _check_signal(imaging_signal) -> float:
    """The mutation's imaging effect strength (0..1) from a name or a number."""
    if isinstance(imaging_signal, str):
        check_one_of("imaging_signal", imaging_signal, _img.IMAGING_SIGNAL,
                     hint="Or pass a number in [0, 1].")
        return _img.IMAGING_SIGNAL[imaging_signal]
    if not 0 <= float(imaging_signal) <= 1:
        raise ValueError(f"imaging_signal must be a number in [0, 1] or one of "
                         f"{sorted(_img.IMAGING_SIGNAL)}; got {imaging_signal!r}")
    return float(imaging_signal)


def _check_random_state(random_state) -> int:
    """The integer seed behind ``random_state``: itself, or a fresh one drawn for None."""
    if random_state is None:
        return int(np.random.default_rng().integers(2**31 - 1))  # msprime needs seed + 1 < 2**32
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)):
        raise TypeError(f"random_state must be an int or None; got {random_state!r}")
    return int(random_state)


def _simulate_genomes(ancestry: np.ndarray, ids: list[str], length_mb: float,
                      random_state: int) -> Genotypes:
    """Simulate exactly the people needed per ancestry and rename them to the patient ids."""
    from .population import make_population

    counts = {a: int((ancestry == a).sum()) for a in _out.ANCESTRIES if (ancestry == a).any()}
    g = make_population(counts, sequence_length_mb=length_mb, random_state=random_state)
    pop = g.sample_info["population"].to_numpy()
    order = np.empty(len(ids), dtype=int)
    for a in counts:
        order[ancestry == a] = np.flatnonzero(pop == a)
    info = pd.DataFrame({"population": pop[order], "simulated_id": g.samples[order]},
                        index=pd.Index(ids, name="sample"))
    return Genotypes(g.calls[:, order], ids, g.variant_ids, g.chrom, g.positions, g.ref, g.alt, info)


def make_radiogenomic_cohort(n_patients: int | None = None, random_state: int | None = 0,
                             size: str = "workshop",
                             ancestry_mix: dict[str, float] | None = None,
                             out_dir: str | os.PathLike | None = None,
                             write_dicom: bool = False,
                             imaging_signal: str | float = "strong",
                             tumour_expression_effect: float | None = None,
                             biopsy_missing: float = 0.0) -> RadiogenomicCohort:
    """Simulate a linked SYNTHETIC cohort of brain-tumour patients with genomes, MRI and outcomes.

    A stand-in for a radiogenomic study (clinical table + germline VCF + MRI + segmentations)
    whose true causal structure is known, so every analysis in the course can be checked.

    Parameters
    ----------
    n_patients : int, optional
        Number of patients; default from the preset (tiny 20, workshop 300, large 500).
    random_state : int or None, default 0
        Seed of every random stream: the same integer gives identical tables, genomes, images
        and files. None draws a fresh integer (recorded in ``ground_truth["seed"]``, so that
        cohort can be regenerated too).
    size : {"tiny", "workshop", "large"}, default "workshop"
        Image voxel size 6, 3 or 2 mm (MNI152 grid) and simulated genome 0.5, 2 or 5 Mb.
    ancestry_mix : dict, optional
        Fractions per ancestry, e.g. ``{"CEU": 0.6, "YRI": 0.2, "CHB": 0.2}``;
        default ``{"CEU": 0.55, "YRI": 0.20, "CHB": 0.25}`` (deliberately unequal).
    out_dir : path, optional
        Write clinical.csv, genotypes.vcf.gz, images/, masks/, ground_truth.json there.
    write_dicom : bool, default False
        With ``out_dir``: also one DICOM MR series per patient in dicom/<id>/ carrying FAKE
        identifiers (material for the de-identification lesson).
    imaging_signal : {"strong", "subtle"} or float in [0, 1], default "strong"
        How strongly the mutation shows in the image. "strong" (1.0) fixes lesion texture
        and margin by mutation status (imaging alone predicts it almost perfectly);
        "subtle" (0.25) shrinks that effect to a quarter and adds per-patient overlap, so
        imaging is informative but imperfect (for radiogenomics and fusion, lessons 12-13).
    tumour_expression_effect : float in [0, 5], optional
        Also simulate a second window on the mutation: an 8-gene expression panel measured
        on the tumour biopsy (``cohort.tumour_expression``). Five genes shift in carriers by
        ``effect x loading x tumour purity`` SDs (loadings 1, 0.8, -0.7, 0.6, -0.5); three are
        unrelated. 0 makes the panel pure noise; None (default) simulates no panel and leaves
        every other part of the cohort identical (the panel has its own random stream).
    biopsy_missing : float in [0, 1), default 0.0
        Fraction of patients without a biopsy (their panel row is NaN), at random.

    Returns
    -------
    RadiogenomicCohort

    Raises
    ------
    ValueError
        Unknown preset, a bad ancestry mix, a bad ``imaging_signal``, a bad
        ``tumour_expression_effect`` or ``biopsy_missing``, or fewer than 1 patient.
    TypeError
        ``random_state`` is neither an int nor None.

    Examples
    --------
    >>> c = make_radiogenomic_cohort(n_patients=6, size="tiny", random_state=1)
    >>> c.images.shape, c.masks.dtype.name, c.clinical.index[0]
    ((6, 34, 40, 33), 'uint8', 'RG0001')
    >>> c = make_radiogenomic_cohort(n_patients=6, size="tiny", random_state=1,
    ...                              tumour_expression_effect=1)
    >>> c.tumour_expression.shape, c.ground_truth["tumour_expression"]["effect_sd"]
    ((6, 8), 1.0)

    Taught in lessons 08-14, 16-18 and 21.
    """
    mix = _check_args(size, ancestry_mix)
    signal = _check_signal(imaging_signal)
    effect, missing = _tum.check_tumour_args(tumour_expression_effect, biopsy_missing)
    preset = PRESETS[size]
    n = preset["n_patients"] if n_patients is None else int(n_patients)
    if n < 1:
        raise ValueError(f"n_patients must be at least 1; got {n_patients}")
    if write_dicom and out_dir is None:
        raise ValueError("write_dicom=True needs out_dir: pass a folder to write the DICOM series to")
    seed = _check_random_state(random_state)
    model = copy.deepcopy(_out.DEFAULT_MODEL) | {"ancestry_mix": mix, "n_causal": preset["n_causal"]}
    ss_clin, ss_gen, ss_img, ss_tum = np.random.SeedSequence(seed).spawn(4)  # first 3 as in 1.0
    rng = np.random.default_rng(ss_clin)
    counts = _out.allocate(n, mix)
    ancestry = rng.permutation(np.repeat(list(counts), list(counts.values())))
    ids = [f"RG{i + 1:04d}" for i in range(n)]
    clin = _out.demographics(ancestry, model, rng).set_index(pd.Index(ids, name="patient_id"))
    genotypes = _simulate_genomes(ancestry, ids, preset["sequence_length_mb"], seed)
    prs, liability, gen_truth = _out.polygenic_liability(
        genotypes.dosage(), model, genotypes.variant_ids, np.random.default_rng(ss_gen))
    clin, out_truth = _out.tumour_and_outcome(clin, liability, model, rng)
    clin["prs"] = prs.round(4)
    anatomy = _img.load_anatomy(preset["resolution_mm"])
    images, masks, lesions = _img.make_images(clin, anatomy, ss_img.spawn(n), signal)
    truth = _ground_truth(seed, size, n, model, preset, anatomy, gen_truth,
                          {"liability": liability, **out_truth}, lesions, ids)
    _record_signal(truth, imaging_signal, signal)
    cohort = RadiogenomicCohort(clin[CLINICAL_COLUMNS], genotypes, images, masks,
                                anatomy["affine"].copy(), anatomy["spacing_mm"], truth)
    if effect is not None:
        cohort.tumour_expression = _add_tumour_panel(truth, clin["mutation"].to_numpy(), ids,
                                                     effect, missing, ss_tum)
    if out_dir is not None:
        from ._cohort_files import write_cohort

        cohort.files = write_cohort(cohort, Path(out_dir), write_dicom=write_dicom, seed=seed)
    return cohort


def _ground_truth(seed: int, size, n, model, preset, anatomy, gen_truth, latent, lesions, ids) -> dict:
    """Everything needed to regenerate or check the cohort, as JSON-ready Python types."""
    per_patient = {k: dict(zip(ids, np.round(np.asarray(v, dtype=float), 6).tolist()))
                   for k, v in latent.items()}
    per_patient["lesion"] = dict(zip(ids, lesions))
    return {
        "label": "SYNTHETIC - every value is simulated; no real patient",
        "generator": "toolkit.datasets.make_radiogenomic_cohort", "version": VERSION,
        "seed": seed, "size": size, "n_patients": n, "preset": preset,
        "spacing_mm": list(anatomy["spacing_mm"]), "affine": anatomy["affine"].tolist(),
        "model": model, "genetics": gen_truth | {
            "demographic_model": "stdpopsim HomSap/OutOfAfrica_3G09 (msprime)",
            "sequence_length_mb": preset["sequence_length_mb"]},
        "scanners": _img.SCANNERS, "lesion_model": {k: ({str(g): r for g, r in v.items()}
                                                      if isinstance(v, dict) else v)
                                                  for k, v in _img.LESION.items()},
        "anatomy": {"template": "MNI152 2009 (nilearn package data)",
                    "scale_au": _img.ANATOMY_SCALE, "gain_sd": _img.ANATOMY_GAIN_SD},
        "causal_graph": CAUSAL_GRAPH, "true_effects": _true_effects(model),
        "per_patient": per_patient,
    }


def _add_tumour_panel(truth: dict, mutation, ids, effect, missing,
                      stream: np.random.SeedSequence) -> pd.DataFrame:
    """Simulate the biopsy expression panel and record its model and truths in ``truth``."""
    table, tum = _tum.tumour_expression(mutation, ids, effect, missing, stream)
    truth["tumour_expression"] = tum["model"]
    truth["true_effects"]["tumour_expression"] = _tum.tumour_true_effects(effect)
    truth["causal_graph"] = truth["causal_graph"] + _tum.TUMOUR_EDGES
    for key, v in tum["per_patient"].items():
        truth["per_patient"][key] = dict(zip(ids, np.round(v, 6).tolist()))
    return table


def _record_signal(truth: dict, imaging_signal, signal: float) -> None:
    """Store the imaging-signal strength and the texture/margin it implies in ``truth``."""
    t, m = _img.LESION["texture_sd"], _img.LESION["margin_width"]
    truth["imaging_signal"] = {
        "name": imaging_signal if isinstance(imaging_signal, str) else None, "strength": signal,
        "overlap_lognormal_sd": _img.LESION["overlap_lognormal_sd"] * (1 - signal)}
    for key, v in (("lesion_texture_sd_au", t), ("lesion_margin_width", m)):
        truth["true_effects"][key] = {f"mutation_{k}": (1 - signal) * v[0] + signal * v[k]
                                      for k in (0, 1)}  # medians when the overlap is > 0


def _true_effects(model: dict) -> dict:
    """The effects a lesson can try to recover, on the scale analysts report them."""
    hr = model["survival"]["log_hr"]
    return {
        "mutation_odds_ratio_per_sd_liability": float(np.exp(model["mutation"]["b_liability"])),
        "hazard_ratio": {k: float(np.exp(v)) for k, v in hr.items()},
        "hazard_ratio_treatment_in_carriers": float(np.exp(hr["treatment"]
                                                           + hr["treatment_x_mutation"])),
        "hazard_ratio_treatment_in_non_carriers": float(np.exp(hr["treatment"])),
        "lesion_texture_sd_au": {"mutation_0": _img.LESION["texture_sd"][0],
                                 "mutation_1": _img.LESION["texture_sd"][1]},
        "lesion_margin_width": {"mutation_0": _img.LESION["margin_width"][0],
                                "mutation_1": _img.LESION["margin_width"][1]},
        "lesion_radius_mm_by_grade": {str(g): r for g, r in
                                      _img.LESION["radius_mm_by_grade"].items()},
        "site_intensity_scale": {s: v["scale"] for s, v in _img.SCANNERS.items()},
        "site_noise_sd_au": {s: v["noise_sd"] * v["scale"] for s, v in _img.SCANNERS.items()},
    }


CAUSAL_GRAPH = [
    ["ancestry", "site"], ["ancestry", "genotypes"], ["genotypes", "prs"],
    ["genotypes", "liability"], ["liability", "mutation"], ["age_years", "grade"],
    ["mutation", "grade"], ["grade", "lesion_size"], ["mutation", "lesion_heterogeneity"],
    ["mutation", "lesion_margin_width"], ["site", "image_intensity_scale"],
    ["site", "image_noise"], ["site", "image_resolution"], ["site", "image_bias_field"],
    ["grade", "survival"], ["age_years", "survival"], ["mutation", "survival"],
    ["treatment", "survival"], ["treatment_x_mutation", "survival"],
]


def load_radiogenomic_cohort(folder: str | os.PathLike) -> RadiogenomicCohort:
    """Read a cohort written by ``make_radiogenomic_cohort(out_dir=folder)`` back into memory.

    Parameters
    ----------
    folder : path
        Holds clinical.csv, genotypes.vcf.gz, images/, masks/ and ground_truth.json.

    Returns
    -------
    RadiogenomicCohort
        With the same tables and arrays (images as stored in NIfTI: float32).

    Raises
    ------
    FileNotFoundError
        The folder or one of the expected files is missing.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> c = make_radiogenomic_cohort(4, size="tiny", out_dir=d)  # doctest: +SKIP
    >>> load_radiogenomic_cohort(d).n_patients  # doctest: +SKIP
    4

    No lesson calls it yet; the lessons build the cohort with ``make_radiogenomic_cohort``.
    """
    from ._cohort_files import read_cohort

    return read_cohort(Path(folder), RadiogenomicCohort)
