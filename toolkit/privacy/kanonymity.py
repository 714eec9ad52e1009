"""k-anonymity: how many patients share each combination of quasi-identifiers.

Removing names is not enough: age, sex and ZIP code together single out most people
(Sweeney 2002). A table is k-anonymous when every combination of quasi-identifiers is
shared by at least k rows. The registers made here are SYNTHETIC.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["k_anonymity", "equivalence_classes", "generalise", "make_patient_register"]


def _check_columns(table: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"quasi-identifier column(s) {missing} not in the table; "
                       f"must be among {list(table.columns)}")
    if not columns:
        raise ValueError("quasi_identifiers must name at least one column; got none")
    return columns


def equivalence_classes(table: pd.DataFrame, quasi_identifiers: Sequence[str]) -> pd.DataFrame:
    """Every combination of quasi-identifiers in the table and how many rows share it.

    Parameters
    ----------
    table : DataFrame
        One row per patient.
    quasi_identifiers : list of str
        Columns an outsider could know (age, sex, ZIP code, admission date...).

    Returns
    -------
    DataFrame
        The quasi-identifier columns plus ``n_patients``, smallest classes first.

    Examples
    --------
    >>> t = pd.DataFrame({"age": [34, 34, 71], "sex": ["F", "F", "M"]})
    >>> equivalence_classes(t, ["age", "sex"]).to_dict("records")
    [{'age': 71, 'sex': 'M', 'n_patients': 1}, {'age': 34, 'sex': 'F', 'n_patients': 2}]

    Taught in lesson 17.
    """
    columns = _check_columns(table, quasi_identifiers)
    sizes = table.groupby(columns, dropna=False, observed=True).size().rename("n_patients")
    return sizes.reset_index().sort_values("n_patients", kind="stable").reset_index(drop=True)


def k_anonymity(table: pd.DataFrame, quasi_identifiers: Sequence[str]) -> int:
    """The k of a table: the size of its smallest group of patients sharing all quasi-identifiers.

    k = 1 means at least one patient is unique, so anyone who knows those facts about them
    (a neighbour, a journalist) can find their row and read their diagnosis.

    Parameters
    ----------
    table : DataFrame
        One row per patient.
    quasi_identifiers : list of str
        Columns an outsider could know.

    Returns
    -------
    int
        Smallest equivalence-class size (0 for an empty table).

    Raises
    ------
    KeyError
        A quasi-identifier is not a column of the table.

    Examples
    --------
    >>> t = pd.DataFrame({"age": [34, 34, 71, 71], "sex": ["F", "F", "M", "F"]})
    >>> k_anonymity(t, ["age"]), k_anonymity(t, ["age", "sex"])
    (2, 1)

    Taught in lesson 17.
    """
    classes = equivalence_classes(table, quasi_identifiers)
    return int(classes["n_patients"].min()) if len(classes) else 0


def generalise(table: pd.DataFrame, age_band_years: int | None = 10, zip_digits: int | None = 3,
               age_column: str = "age_years", zip_column: str = "zip_code") -> pd.DataFrame:
    """Coarsen quasi-identifiers: ages into bands, ZIP codes truncated to their first digits.

    Parameters
    ----------
    table : DataFrame
    age_band_years : int or None, default 10
        Width of the age bands in years (``"40-49"``); None leaves ages alone.
    zip_digits : int or None, default 3
        ZIP digits kept, the rest masked (``"021**"``, as in the HIPAA Safe Harbor rule);
        None leaves ZIP codes alone.
    age_column, zip_column : str
        Column names (skipped when the table lacks them).

    Returns
    -------
    DataFrame
        A copy with the generalised columns as text.

    Examples
    --------
    >>> t = pd.DataFrame({"age_years": [34.5, 71.0], "zip_code": ["02139", "02115"]})
    >>> generalise(t).to_dict("list")
    {'age_years': ['30-39', '70-79'], 'zip_code': ['021**', '021**']}

    Taught in lesson 17.
    """
    out = table.copy()
    if age_band_years is not None and age_column in out:
        if age_band_years < 1:
            raise ValueError(f"age_band_years must be at least 1; got {age_band_years}")
        low = (np.floor(out[age_column].astype(float) / age_band_years) * age_band_years).astype(int)
        out[age_column] = [f"{lo}-{lo + age_band_years - 1}" for lo in low]
    if zip_digits is not None and zip_column in out:
        if not 0 <= zip_digits <= 5:
            raise ValueError(f"zip_digits must be between 0 and 5; got {zip_digits}")
        codes = out[zip_column].astype(str)
        out[zip_column] = [z[:zip_digits] + "*" * (len(z) - zip_digits) for z in codes]
    return out


def make_patient_register(n_patients: int = 500, random_state: int = 0) -> pd.DataFrame:
    """A SYNTHETIC hospital register with quasi-identifiers and a sensitive diagnosis.

    Parameters
    ----------
    n_patients : int, default 500
    random_state : int, default 0

    Returns
    -------
    DataFrame
        Index ``patient_id``; columns ``age_years`` (int), ``sex``, ``zip_code`` (5-digit text,
        20 codes in 4 areas) and ``diagnosis``.

    Raises
    ------
    ValueError
        ``n_patients`` below 1.

    Examples
    --------
    >>> make_patient_register(3, random_state=1).columns.tolist()
    ['age_years', 'sex', 'zip_code', 'diagnosis']

    Taught in lesson 17.
    """
    if int(n_patients) < 1:
        raise ValueError(f"n_patients must be at least 1; got {n_patients}")
    rng = np.random.default_rng(random_state)
    zips = [f"{area}{i:02d}" for area in ("021", "024", "601", "945") for i in range(10, 15)]
    diagnoses = ["glioma", "meningioma", "metastasis", "HIV", "depression", "diabetes"]
    return pd.DataFrame({
        "age_years": np.clip(rng.normal(55, 16, n_patients), 18, 95).astype(int),
        "sex": rng.choice(["F", "M"], n_patients),
        "zip_code": rng.choice(zips, n_patients),
        "diagnosis": rng.choice(diagnoses, n_patients),
    }, index=pd.Index([f"P{i:04d}" for i in range(1, n_patients + 1)], name="patient_id"))
