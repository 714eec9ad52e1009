"""Images of the SYNTHETIC radiogenomic cohort: MNI152 anatomy + an inserted lesion + a scanner.

Order of operations for one patient (all vectorised with numpy / scipy.ndimage):

1. anatomy: the MNI152 2009 T1-weighted template (nilearn package data, offline) x 100 a.u.
   times a per-patient gain ~ N(1, 0.03);
2. lesion (ground truth mask = where the normalised distance d <= 1): an ellipsoid with a
   bumpy outline (bumps depend on direction only, so it stays one blob), centred in white
   matter, radius from the grade, texture SD and margin width from the mutation;
   the lesion signal blends in as alpha = 1 / (1 + exp((d - 1) / margin_width));
3. scanner of the patient's site: Gaussian blur (resolution), a linear bias field,
   an intensity scale, then Rician noise.
"""
from __future__ import annotations

import functools

import numpy as np
from scipy import ndimage

SCANNERS = {
    # scale: multiplies intensities; noise_sd: a.u. before scaling; blur_fwhm_mm: per axis (x, y, z)
    "site_A": {"scale": 1.00, "noise_sd": 2.0, "blur_fwhm_mm": [0.0, 0.0, 0.0], "bias_amplitude": 0.02},
    "site_B": {"scale": 1.30, "noise_sd": 3.5, "blur_fwhm_mm": [4.0, 4.0, 4.0], "bias_amplitude": 0.05},
    "site_C": {"scale": 0.75, "noise_sd": 5.0, "blur_fwhm_mm": [2.0, 2.0, 7.0], "bias_amplitude": 0.10},
}

LESION = {
    "radius_mm_by_grade": {2: 8.0, 3: 12.0, 4: 16.0},
    "radius_lognormal_sd": 0.15,
    "axis_ratio_range": [0.8, 1.25],
    "irregularity": 0.15,                # relative radius wobble (smooth noise SD)
    "mean_intensity": 45.0,              # a.u., hypointense vs white matter (~77)
    "texture_sd": {0: 4.0, 1: 12.0},     # by mutation: heterogeneity
    "texture_smoothing_vox": 0.7,
    "margin_width": {0: 0.04, 1: 0.20},  # by mutation: small = sharp margin
    "min_depth_factor": 1.6,             # centre at least this x radius from the brain edge
    "overlap_lognormal_sd": 0.5,         # per-patient spread of texture/margin x (1 - signal)
}
IMAGING_SIGNAL = {"strong": 1.0, "subtle": 0.25}  # named strengths of the mutation's imaging effect
ANATOMY_SCALE = 100.0
ANATOMY_GAIN_SD = 0.03


@functools.lru_cache(maxsize=2)
def load_anatomy(resolution_mm: int) -> dict:
    """MNI152 2009 template, brain and white-matter masks at ``resolution_mm`` (nilearn, offline).

    Cached (arrays read-only): resampling the 1 mm template takes about a second.
    """
    from nilearn import datasets

    template = datasets.load_mni152_template(resolution=resolution_mm)
    brain = datasets.load_mni152_brain_mask(resolution=resolution_mm).get_fdata() > 0.5
    wm = datasets.load_mni152_wm_mask(resolution=resolution_mm).get_fdata() > 0.5
    spacing = np.abs(np.diag(template.affine)[:3])
    depth_mm = ndimage.distance_transform_edt(brain, sampling=spacing)
    wm_voxels = np.argwhere(wm & brain)
    wm_depth = depth_mm[tuple(wm_voxels.T)]
    order = np.argsort(-wm_depth, kind="stable")
    anatomy = {"t1": (template.get_fdata() * ANATOMY_SCALE).astype(np.float32), "brain": brain,
               "wm_voxels": wm_voxels[order], "wm_depth_mm": wm_depth[order],
               "affine": template.affine.copy()}
    for array in anatomy.values():
        array.flags.writeable = False
    return anatomy | {"spacing_mm": tuple(float(s) for s in spacing)}


def _smooth_noise(shape, sigma, rng) -> np.ndarray:
    """Unit-SD spatially smooth Gaussian noise."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape, dtype=np.float32), sigma)
    return field / max(float(field.std()), 1e-6)


def _outline_wobble(e: list, d: np.ndarray, rng: np.random.Generator, n_waves: int = 8):
    """Unit-SD bumps that depend only on the direction from the centre (keeps one blob)."""
    u = [x / np.maximum(d, 1e-6) for x in e]
    wobble = np.zeros(d.shape, dtype=np.float32)
    for _ in range(n_waves):
        v = rng.normal(size=3)
        v /= np.linalg.norm(v)
        frequency, phase = rng.uniform(1.5, 3.5), rng.uniform(0, 2 * np.pi)
        wobble += np.cos(frequency * (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) + phase)
    return wobble / np.sqrt(n_waves / 2)  # each cosine has variance about 1/2


def lesion_params(grade: int, mutation: int, anatomy: dict, rng: np.random.Generator,
                  signal: float = 1.0) -> dict:
    """Draw one patient's lesion: centre (voxel), radii (mm), texture SD, margin width.

    ``signal`` (0..1) scales the mutation's effect on texture and margin; below 1 each
    patient's texture SD and margin width also get a LogNormal(0, sd x (1 - signal)) factor
    (drawn last, so ``signal=1`` consumes no extra random numbers: the default is unchanged).
    """
    radius = LESION["radius_mm_by_grade"][int(grade)] * rng.lognormal(0, LESION["radius_lognormal_sd"])
    radii = radius * rng.uniform(*LESION["axis_ratio_range"], 3)
    n_deep = np.searchsorted(-anatomy["wm_depth_mm"], -LESION["min_depth_factor"] * radii.max(),
                             side="right")  # white-matter voxels sorted deepest first
    centre = anatomy["wm_voxels"][rng.integers(max(n_deep, 1))]
    t, m = LESION["texture_sd"], LESION["margin_width"]
    texture = (1 - signal) * t[0] + signal * t[int(mutation)]  # exact at signal = 1
    margin = (1 - signal) * m[0] + signal * m[int(mutation)]
    if signal < 1:  # per-patient overlap between carriers and non-carriers
        texture, margin = np.array([texture, margin]) * rng.lognormal(
            0, LESION["overlap_lognormal_sd"] * (1 - signal), 2)
    return {"centre_vox": centre.tolist(), "radius_mm": float(radius), "radii_mm": radii.tolist(),
            "texture_sd": float(texture), "margin_width": float(margin)}


def insert_lesion(img: np.ndarray, mask: np.ndarray, p: dict, anatomy: dict,
                  rng: np.random.Generator) -> None:
    """Blend the lesion into ``img`` and set ``mask`` to 1 inside it (both in place)."""
    spacing = np.array(anatomy["spacing_mm"])
    centre, radii = np.array(p["centre_vox"]), np.array(p["radii_mm"])
    half = np.ceil(1.6 * radii / spacing).astype(int) + 1
    lo, hi = np.maximum(centre - half, 0), np.minimum(centre + half + 1, img.shape)
    box = tuple(slice(a, b) for a, b in zip(lo, hi))
    shape = tuple(hi - lo)
    e = [((np.arange(a, b) - c) * s / r).reshape([-1 if ax == k else 1 for ax in range(3)])
         for k, (a, b, c, s, r) in enumerate(zip(lo, hi, centre, spacing, radii))]
    d = np.sqrt(e[0] ** 2 + e[1] ** 2 + e[2] ** 2)  # 1 on the ellipsoid surface
    d = d * (1 + LESION["irregularity"] * _outline_wobble(e, d, rng))
    brain = anatomy["brain"][box]
    alpha = brain / (1 + np.exp(np.clip((d - 1) / p["margin_width"], -50, 50)))
    texture = p["texture_sd"] * _smooth_noise(shape, LESION["texture_smoothing_vox"], rng)
    signal = LESION["mean_intensity"] + texture
    img[box] = (img[box] + alpha * (signal - img[box])).astype(np.float32)
    labels, _ = ndimage.label((d <= 1) & brain)
    keep = labels[tuple(centre - lo)] or np.argmax(np.bincount(labels.ravel())[1:]) + 1
    mask[box] = (labels == keep).astype(np.uint8)  # one connected lesion


def apply_scanner(img: np.ndarray, site: str, anatomy: dict, rng: np.random.Generator,
                  out: np.ndarray) -> None:
    """Blur, bias field, intensity scale and Rician noise of one site's scanner, into ``out``."""
    sc = SCANNERS[site]
    sigma = np.array(sc["blur_fwhm_mm"]) / 2.3548 / np.array(anatomy["spacing_mm"])
    if sigma.max() > 0:
        img = ndimage.gaussian_filter(img, sigma)
    direction = rng.normal(size=3)
    direction *= sc["bias_amplitude"] * sc["scale"] / np.linalg.norm(direction)
    ramps = [d * np.linspace(-1, 1, n, dtype=np.float32) for d, n in zip(direction, img.shape)]
    img *= (np.float32(sc["scale"]) + ramps[0][:, None, None]) + (ramps[1][None, :, None]
                                                                + ramps[2][None, None, :])
    sd = np.float32(sc["noise_sd"] * sc["scale"])
    real = rng.standard_normal(img.shape, dtype=np.float32)
    real *= sd
    real += img
    real *= real
    imag = rng.standard_normal(img.shape, dtype=np.float32)
    imag *= sd
    imag *= imag
    real += imag
    np.sqrt(real, out=out)  # magnitude of signal + complex Gaussian noise: Rician


def make_images(clin, anatomy: dict, streams: list[np.random.SeedSequence], signal: float = 1.0):
    """Images (n, X, Y, Z) float32, masks uint8 and per-patient lesion truth."""
    n = len(clin)
    shape = anatomy["t1"].shape
    images = np.empty((n, *shape), dtype=np.float32)
    masks = np.zeros((n, *shape), dtype=np.uint8)
    truth = []
    for i, (grade, mutation, site) in enumerate(zip(clin["grade"], clin["mutation"], clin["site"])):
        rng = np.random.default_rng(streams[i])
        img = anatomy["t1"] * np.float32(rng.normal(1, ANATOMY_GAIN_SD))
        p = lesion_params(grade, mutation, anatomy, rng, signal)
        insert_lesion(img, masks[i], p, anatomy, rng)
        apply_scanner(img, site, anatomy, rng, out=images[i])
        truth.append(p | {"lesion_volume_mm3": float(masks[i].sum() * np.prod(anatomy["spacing_mm"]))})
    return images, masks, truth
