"""Harmonisation: make data from different hospitals comparable before pooling them.

- ``builds``: contig names, REF checks, swapped and strand-flipped alleles, genome build;
- ``intensity``: MR intensity normalisation (z-score, histogram matching);
- ``combat``: ComBat removal of site effects from feature tables (checked against neuroCombat);
- ``fhir``: FHIR records with ICD-10 / SNOMED CT / LOINC / local codes into one analysis table;
- ``evaluate``: cross-validated site and outcome checks, with ComBat inside or outside the folds.

Taught in lesson 26. ``fhir.resources`` and scikit-image load only when used (scikit-learn
loads with ``ComBat``, a scikit-learn transformer).
"""
from .builds import check_ref, complement, fix_alleles, ref_match_rates, to_contig_style
from .combat import ComBat, combat
from .evaluate import auc_by_site, cv_predict, site_prediction_accuracy
from .fhir import UnmappedCodeWarning, bundle_to_table, load_concept_map, validate_bundle
from .fhir import RecordStatusWarning, UnitMismatchWarning
from .intensity import histogram_distance, histogram_match, zscore_normalise

__all__ = ["check_ref", "complement", "fix_alleles", "ref_match_rates", "to_contig_style",
           "ComBat", "combat", "auc_by_site", "cv_predict", "site_prediction_accuracy",
           "UnmappedCodeWarning", "bundle_to_table", "load_concept_map", "validate_bundle",
           "histogram_distance", "histogram_match", "zscore_normalise",
           "RecordStatusWarning", "UnitMismatchWarning"]
