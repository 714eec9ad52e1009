"""Radiomics: IBSI-compliant quantitative features from an image and a region of interest.

Start with `extract(image, mask, spacing_mm, settings)`, which returns a pandas Series named by
IBSI symbols (see `toolkit.radiomics.extract` for the aggregation suffixes) and `preset(...)` for
the IBSI configurations. Every family lives in its own short module (morphology, intensity, glcm,
glrlm, glszm, gldzm, ngtdm, ngldm) so it can be read next to the IBSI reference manual.

Where the IBSI leaves a choice, we follow its reference implementations (checked against the
IBSI digital phantom and CT configuration A reference values, and against mirp):

- arrays are (x, y, z) with 2D slices along z; spacing in mm;
- PCA axis lengths use the sample covariance (n - 1) of voxel centres (morphological mask);
- the enclosing-ellipsoid area uses the IBSI's 20-term Legendre series;
- Moran's I and Geary's C use every voxel pair (FFT), never a random sample;
- local intensity spheres use only voxels inside the image;
- GLDZM distances are measured to the edge of the morphological mask;
- without discretisation or with a fixed bin size, the IVH maps the re-segmentation range
  (when given) to intensity fractions 0 and 1.
"""

from .discretise import discretise, resegment
from .extract import extract, prepare
from .models import selection_cv_auc
from .settings import AGGREGATIONS, PRESETS, Settings, preset
from .stability import feature_icc, icc, make_lesion, perturb

__all__: list[str] = ["extract", "prepare", "Settings", "preset", "PRESETS", "AGGREGATIONS",
                      "discretise", "resegment", "icc", "feature_icc", "make_lesion", "perturb",
                      "selection_cv_auc"]
