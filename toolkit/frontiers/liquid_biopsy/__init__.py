"""Liquid biopsy: ctDNA read counts, detection limits and recurrence monitoring (SYNTHETIC).

A blood sample holds cell-free DNA (cfDNA): short DNA fragments released by dying cells. In a
patient with cancer a small share of it, the **tumour fraction**, comes from the tumour
(circulating tumour DNA, ctDNA). A *tumour-informed* assay sequences the patient's tumour first,
picks ``n_sites`` of its clonal mutations (commercial assays track 16 or more) and then counts,
in each plasma sample, the reads that carry those mutations.

The model, one line per step (all simulated, nothing comes from a patient):

1. **Variant allele fraction** (VAF) at a clonal heterozygous site of a diploid tumour:
   ``VAF = tumour_fraction / 2`` (one mutant copy of two; :func:`variant_allele_fraction`
   also handles subclonal mutations, copy number and tumour ploidy).
2. **Unique depth**: the number of distinct cfDNA molecules read at a site (after collapsing
   PCR duplicates with unique molecular identifiers, UMIs). It cannot exceed the number of
   genome copies in the tube: 1 ng of human DNA holds about 303 haploid genomes (3.3 pg each),
   so 4 mL of plasma at 10 ng/mL gives about 12,000 copies (:func:`genome_equivalents`).
3. **Errors**: a wild-type molecule is read as the mutant base with probability
   ``error_rate`` (about 1e-3 for standard sequencing, about 1e-5 or lower with duplex/UMI
   error suppression; Schmitt et al. 2012, Newman et al. 2016).
4. **Reads**: alt reads at a site ~ Binomial(depth, p) with
   ``p = VAF (1 - error_rate) + (1 - VAF) error_rate`` (optionally beta-binomial, to show what
   extra-binomial noise does).
5. **Detection rule**: sum the alt reads over all tracked sites and call "ctDNA detected" when
   the sum reaches the smallest count whose probability under errors alone is at most ``alpha``
   (the nominal false-positive rate per test). Because the sum of binomials with the same depth
   and p is Binomial(n_sites x depth, p), sensitivity has an exact formula
   (:func:`detection_probability`) that the simulation (:func:`simulated_detection_rate`)
   reproduces. The alternative rule "at least 2 positive sites" (:func:`site_read_threshold`,
   :func:`detection_probability_sites`) is also exact.
6. **Limit of detection**: LoD95, the lowest tumour fraction called with probability >= 95 %
   (:func:`limit_of_detection`, :func:`lod_table`); it cannot beat (to within about 1 %) the
   Poisson floor of a perfect, error-free assay (:func:`lod_poisson_floor`).

Recurrence monitoring links tumour volume to tumour fraction with a documented, uncertain
calibration (:func:`tumour_fraction_from_volume`) and compares when a growing recurrence is first
flagged by ctDNA and by a CT scan (:func:`simulate_surveillance`).

Taught in lesson 21.

Modules: `plasma` (error rates, genome equivalents, VAF), `reads` (simulated alt reads), `detection`
(thresholds, detection probability, LoD95, tables), `surveillance` (volume to tumour fraction,
ctDNA vs CT), `figures` (plotly, imported lazily). The no-code detection explorer of the lesson is
`toolkit.explorers.detection_explorer_app`.
"""
from __future__ import annotations

from .plasma import (
    ERROR_RATE_STANDARD, ERROR_RATE_DUPLEX, GENOME_EQUIVALENTS_PER_NG, SHEDDING_TF_PER_ML,
    variant_allele_fraction, genome_equivalents)
from .reads import simulate_alt_reads, simulated_detection_rate
from .detection import (
    alt_read_threshold, detection_probability, site_read_threshold, detection_probability_sites,
    limit_of_detection, lod_poisson_floor, lod_table, sensitivity_grid)
from .surveillance import tumour_fraction_from_volume, sphere_diameter_mm, simulate_surveillance
from .figures import view_read_counts, view_sensitivity_heatmap, view_lead_times

__all__ = ["ERROR_RATE_STANDARD", "ERROR_RATE_DUPLEX", "GENOME_EQUIVALENTS_PER_NG", "SHEDDING_TF_PER_ML",
           "variant_allele_fraction", "genome_equivalents", "simulate_alt_reads", "simulated_detection_rate",
           "alt_read_threshold", "detection_probability", "site_read_threshold",
           "detection_probability_sites", "limit_of_detection", "lod_poisson_floor", "lod_table",
           "sensitivity_grid", "tumour_fraction_from_volume", "sphere_diameter_mm", "simulate_surveillance",
           "view_read_counts", "view_sensitivity_heatmap", "view_lead_times"]
