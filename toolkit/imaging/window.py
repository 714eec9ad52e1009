"""Display windows: map a band of CT numbers (HU) onto the grey scale of a screen."""
from __future__ import annotations

import numpy as np

from .._utils.validation import check_one_of

__all__ = ["WINDOW_PRESETS", "window"]

#: (center, width) in HU. Brain, lung, mediastinum and bone follow Radiopaedia's
#: "Windowing (CT)" article; liver is a common narrow soft-tissue setting. Sites differ:
#: treat these as starting points, not standards.
WINDOW_PRESETS: dict[str, tuple[float, float]] = {
    "brain": (40.0, 80.0),
    "lung": (-600.0, 1500.0),
    "mediastinum": (50.0, 350.0),
    "bone": (400.0, 1800.0),
    "liver": (60.0, 160.0),
}


def window(image, center: float | str | None = None, width: float | None = None) -> np.ndarray:
    """Apply a display window: values below ``center - width/2`` become 0 (black), above
    ``center + width/2`` become 1 (white), linear in between.

    Radiologists read the same CT in several windows (lung, bone, ...) because a screen
    shows far fewer grey levels than the ~4000 HU a CT holds.

    Parameters
    ----------
    image : Volume or array
        Values in HU for CT (or any unit for MR, with your own center and width).
    center : float or str
        Window centre (level) in HU, or a preset name: one of ``WINDOW_PRESETS``
        (brain 40/80, lung -600/1500, mediastinum 50/350, bone 400/1800, liver 60/160).
    width : float
        Window width in HU (> 0); leave out when ``center`` is a preset name.

    Returns
    -------
    ndarray of float32 in [0, 1], same shape as the image.

    Raises
    ------
    ValueError
        Unknown preset name, missing or non-positive width.

    Notes
    -----
    Linear windowing as in DICOM PS3.3 C.11.2.1.2 (without its half-voxel offsets).
    Reference: Murphy A, et al. "Windowing (CT)". Radiopaedia.org,
    https://radiopaedia.org/articles/windowing-ct

    Examples
    --------
    >>> window(np.array([-1000.0, 0.0, 40.0, 80.0, 1000.0]), "brain").tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]

    Taught in lesson 07.
    """
    if isinstance(center, str):
        check_one_of("window preset", center, sorted(WINDOW_PRESETS))
        if width is not None:
            raise ValueError(f"give either a preset name or center and width; got {center!r} "
                             f"and width={width!r}")
        center, width = WINDOW_PRESETS[center]
    if center is None or width is None or not width > 0:
        raise ValueError(f"window needs a center and a positive width in HU (or a preset name); "
                         f"got center={center!r}, width={width!r}")
    values = np.asarray(getattr(image, "array", image), dtype=np.float32)
    low = center - width / 2.0
    return np.clip((values - low) / np.float32(width), 0.0, 1.0).astype(np.float32)
