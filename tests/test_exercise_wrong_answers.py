"""Common wrong answers to every exercise: `grader.check` never says ✅ and the grader gives 0.

Conventions for exercise authors (exercises/NN_name/NN_name.ipynb, otter-grader masters):

* Every question's config says ``all_or_nothing: true``: a question earns its points only when every
  test, public and hidden, passes (`toolkit.grading.grade.question_score`).
* Test cells state what they expect with ``expect(condition, "one plain sentence")`` from
  `toolkit.grading.messages` (imported in the master's setup cell; the checker and the grader provide
  it to the tests). A test cell prints nothing when the answer is right. Public tests check VALUES
  without giving them away: ranges, invariants and cheap properties that separate the right quantity
  from its common confusions. Hidden tests recompute the answer and compare. Tests may read only
  DATA from the notebook (numbers, strings, lists, dicts, arrays, pandas tables): the batch grader
  carries nothing else out of a submission, so a test imports any function it needs itself
  (``from toolkit.evaluation import roc_auc``), never uses the notebook's ``model`` or ``ds`` objects.
* Where no public check can tell a wrong answer from the right one without revealing the answer, one
  public test cell of that question calls ``graded_later()``: its check then shows
  "📝 format OK; correctness is checked when graded" instead of ✅.
* The catalogue ``tests/exercise_wrong_answers/NN_name.yml`` lists, per question, at least three
  method-level wrong answers (a wrong method, data subset, fold, seed, level, formula or decision
  rule), and any number of format-level ones (a wrong type, a string for a bool) marked ``format: true``;
  an entry whose code draws unseeded random numbers says ``repeat: 3``, and is run three times, so
  that it is caught every time, not by luck; ``says: words`` requires the public message to contain
  these words (case-insensitive), so that it names this mistake and not another::

      q1:
      - why: the missing rate instead of the call rate       # what the learner did
        code: call_rate = (calls < 0).any(axis=2).mean(axis=1)   # replaces the right answer

  ``code`` runs in the namespace of the solved master notebook (built once per exercise), so it may use
  every variable of the notebook; it must bind new objects, never modify shared ones in place. For each
  entry this test asserts that the public check shows ❌ with a plain sentence (counted as "caught") or,
  for a ``graded_later`` question, 📝 ("format only"), never ✅; and that the hidden tests fail and the
  question scores 0 in the batch grader (answers carried through the grader's JSON round trip); and
  that the checks' own code lets no warning, traceback or exception name reach the learner.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import warnings
from functools import lru_cache

import pytest
import yaml

from helpers import ROOT

from toolkit.grading import find_exercises
from toolkit.grading.answers import dumps, loads
from toolkit.grading.feedback import FORMAT_MARK, Checker
from toolkit.grading.grade import exported_names, question_score
from toolkit.grading.messages import run_case

CATALOGUE = ROOT / "tests" / "exercise_wrong_answers"
EXERCISES = find_exercises(ROOT / "exercises")
INTERNALS = re.compile(r"Traceback|exec\(compile|Expected:|Got:|File \"|could not run|"
                       r"\b(Type|Value|Key|Index|Attribute|ZeroDivision)Error\b")
MIN_METHOD_LEVEL = 3


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _last_value(code: str, namespace: dict):
    """Run a cell like IPython: the value of its last expression (None when it ends in a statement)."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None


def _doctest(code: str, want: str) -> str:
    """A test cell in otter's OK format (as `otter assign` writes it)."""
    from otter.assign.utils import str_to_doctest

    lines = [line for line in code.splitlines() if not line.lstrip().startswith("#")]
    body = ast.unparse(ast.parse("\n".join(lines)))
    return "\n".join(str_to_doctest(body.split("\n"), []) + want.split("\n"))


@lru_cache(maxsize=None)
def solved(name: str):
    """Execute the master's code (not its tests) once; return (namespace, questions)."""
    nb = json.loads((ROOT / "exercises" / name / f"{name}.ipynb").read_text())
    namespace: dict = {"__name__": "__main__"}
    questions: dict[str, dict] = {}
    question, in_tests = None, False
    os.environ.setdefault("MPLBACKEND", "Agg")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in nb["cells"]:
            text = _source(cell)
            if cell["cell_type"] == "raw":
                head = text.strip().splitlines()[0] if text.strip() else ""
                if head.startswith("# BEGIN QUESTION"):
                    question = yaml.safe_load("\n".join(text.splitlines()[1:]))
                    questions[question["name"]] = {**question, "cases": []}
                in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(head, in_tests)
            elif cell["cell_type"] == "code" and in_tests:
                hidden = bool(re.match(r"#.*\bhidden\b", text.lstrip(), flags=re.I))
                # Hidden tests end in bool(...), True for the solution (test_right_answers_pass proves
                # it); public ones print nothing. Only public cells are run here, to record their output.
                value = True if hidden else _last_value(text, dict(namespace))
                want = "" if value is None else repr(value)
                questions[question["name"]]["cases"].append({"code": _doctest(text, want), "hidden": hidden})
            elif cell["cell_type"] == "code":
                _last_value(text, namespace)
    return namespace, questions


def _catalogue(name: str) -> dict[str, list[dict]]:
    path = CATALOGUE / f"{name}.yml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def _entries():
    for name in EXERCISES:
        for question, wrongs in _catalogue(name).items():
            for i, wrong in enumerate(wrongs):
                yield pytest.param(name, question, wrong, id=f"{name}-{question}-{i}")


def _public_verdict(name: str, question: str, namespace: dict) -> str:
    cases = [c for c in solved(name)[1][question]["cases"] if not c["hidden"]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Checker.verdict(question, cases, namespace)
    return out.getvalue().strip()


def _graded(name: str, question: str, namespace: dict, *, stop_at_failure: bool = False):
    """Score as the batch grader does: only the names the tests read, carried through JSON.

    Returns (score, hidden results). With ``stop_at_failure`` only the hidden cases run, up to the
    first that fails (enough to prove an all-or-nothing question scores 0), and the score is None.
    """
    spec = solved(name)[1][question]
    import math

    import numpy as np
    import pandas as pd

    cases = [c for c in spec["cases"] if c["hidden"]] if stop_at_failure else spec["cases"]
    names = exported_names({question: {"suites": [{"cases": cases}]}})
    carried = loads(dumps({n: namespace[n] for n in names if n in namespace}))
    env = {"np": np, "pd": pd, "math": math, **carried}
    passed = []
    for case in cases:
        passed.append(run_case(case["code"], env)[0])
        if stop_at_failure and not passed[-1]:
            return None, passed
    hidden = [p for p, c in zip(passed, cases) if c["hidden"]]
    return (None if stop_at_failure else question_score(spec, passed)), hidden


@pytest.fixture(autouse=True, scope="module")
def _memoised_generators():
    """The hidden tests rebuild their data with the toolkit's generators: memoise those (each call
    returns a deep copy of the first result), so 100+ wrong answers run in seconds. The tests'
    logic is unchanged."""
    import copy

    import toolkit.datasets
    import toolkit.fusion
    import toolkit.radiomics

    patched = []
    for module, attr in [(toolkit.datasets, "make_population"), (toolkit.datasets, "make_variant_table"),
                         (toolkit.datasets, "make_radiogenomic_cohort"), (toolkit.fusion, "make_multimodal"),
                         (toolkit.radiomics, "make_lesion")]:
        original, cache = getattr(module, attr), {}

        def memo(*args, _original=original, _cache=cache, **kwargs):
            key = repr((args, sorted(kwargs.items())))
            if key not in _cache:
                _cache[key] = _original(*args, **kwargs)
            return copy.deepcopy(_cache[key])

        setattr(module, attr, memo)
        patched.append((module, attr, original))
    yield
    for module, attr, original in patched:
        setattr(module, attr, original)


def coverage_problems(name: str, questions: dict[str, dict], catalogue: dict[str, list[dict]]) -> list[str]:
    """What a catalogue lacks: a question, an all-or-nothing config, a hidden test, or three
    method-level wrong answers (entries without ``format: true``) for some question."""
    where = f"tests/exercise_wrong_answers/{name}.yml"
    problems = [f"{where}: questions differ from the exercise's ({sorted(catalogue)} vs {sorted(questions)})"
                ] if set(catalogue) != set(questions) else []
    for question, spec in questions.items():
        if spec.get("all_or_nothing") is not True:
            problems.append(f"{name} {question}: set all_or_nothing: true")
        if not any(c["hidden"] for c in spec["cases"]):
            problems.append(f"{name} {question}: no hidden test")
        wrongs = catalogue.get(question) or []
        unknown = [w.get("why") for w in wrongs if set(w) - {"why", "code", "format", "repeat", "says"}]
        method = [w for w in wrongs if not w.get("format")]
        if unknown:
            problems.append(f"{where} {question}: unknown keys in {unknown}")
        if len(method) < MIN_METHOD_LEVEL:
            problems.append(f"{where} {question}: {len(method)} method-level wrong answers, need {MIN_METHOD_LEVEL}")
    return problems


@pytest.mark.parametrize("name", EXERCISES)
def test_catalogue_covers_every_question(name):
    assert not coverage_problems(name, solved(name)[1], _catalogue(name))


def test_coverage_check_can_fail():
    """The coverage rule itself: two method-level entries, or three of which one is format-only, fail."""
    questions = {"q1": {"all_or_nothing": True, "cases": [{"hidden": True}]}}
    entry = {"why": "w", "code": "x = 1"}
    assert not coverage_problems("ex", questions, {"q1": [entry] * 3})
    assert coverage_problems("ex", questions, {"q1": [entry] * 2})
    assert coverage_problems("ex", questions, {"q1": [entry] * 2 + [{**entry, "format": True}]})
    assert coverage_problems("ex", questions, {"q1": [entry] * 3, "q2": [entry] * 3})
    assert coverage_problems("ex", {"q1": {"cases": [{"hidden": False}]}}, {"q1": [entry] * 3})


@pytest.mark.parametrize("name", EXERCISES)
def test_right_answers_pass(name):
    namespace, questions = solved(name)
    for question, spec in questions.items():
        verdict = _public_verdict(name, question, dict(namespace))
        assert verdict.startswith(("✅", FORMAT_MARK)), f"{name} {question}: {verdict}"
        score, hidden = _graded(name, question, namespace)
        assert score == float(spec.get("points", 1)) and all(hidden), f"{name} {question}: {score}"


@pytest.mark.parametrize("name, question, wrong", list(_entries()))
def test_wrong_answer_is_not_accepted(name, question, wrong):
    for _ in range(int(wrong.get("repeat", 1))):   # unseeded randomness: caught on every run
        namespace = dict(solved(name)[0])
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the learner's own code may warn; the checks' may not
            exec(wrong["code"], namespace)
        stderr = io.StringIO()
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(stderr):
            warnings.simplefilter("always")
            verdict = _public_verdict(name, question, namespace)
            _, hidden = _graded(name, question, namespace, stop_at_failure=True)
        assert verdict.startswith(("❌", FORMAT_MARK)), f"{wrong['why']}: public check said {verdict!r}"
        assert not INTERNALS.search(verdict), f"{wrong['why']}: message shows internals: {verdict!r}"
        assert "\n" not in verdict, f"{wrong['why']}: the message is more than one line: {verdict!r}"
        says = str(wrong.get("says", "")).lower()
        assert says in verdict.lower(), f"{wrong['why']}: the message should name the mistake ({says!r}): {verdict!r}"
        assert not caught and not stderr.getvalue(), (
            f"{wrong['why']}: the checks' own code warned: {[str(w.message) for w in caught]} {stderr.getvalue()}")
        assert not all(hidden), f"{wrong['why']}: the hidden tests accept it, so it would score points"


@pytest.mark.parametrize("name", EXERCISES)
def test_blank_student_notebook_runs_and_says_no_answer_yet(name):
    """A first "Run All" of the student version (solutions replaced by ``...`` as otter assign does)
    raises nothing, and every check says ✏️."""
    from otter.assign.solutions import replace_solutions

    nb = json.loads((ROOT / "exercises" / name / f"{name}.ipynb").read_text())
    namespace: dict = {"__name__": "__main__"}
    in_tests = False
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for cell in nb["cells"]:
            text = _source(cell)
            if cell["cell_type"] == "raw":
                head = text.strip().splitlines()[0] if text.strip() else ""
                in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(head, in_tests)
            elif cell["cell_type"] == "code" and not in_tests:
                student = "\n".join(replace_solutions(text.splitlines(), "python"))
                try:
                    _last_value(student, namespace)
                except Exception as error:  # noqa: BLE001 - report which cell failed
                    pytest.fail(f"{name}: a blank answer makes this cell fail ({error!r}):\n{student}")
    for question in solved(name)[1]:
        verdict = _public_verdict(name, question, namespace)
        assert verdict.startswith("✏️"), f"{name} {question}: {verdict}"


def summary() -> dict[str, tuple[int, int, int]]:
    """Per exercise: (catalogued wrong answers, caught by a public check with a hint, format only)."""
    result = {}
    for name in EXERCISES:
        total = caught = fmt = 0
        for question, wrongs in _catalogue(name).items():
            for wrong in wrongs:
                namespace = dict(solved(name)[0])
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(wrong["code"], namespace)
                verdict = _public_verdict(name, question, namespace)
                total += 1
                caught += verdict.startswith("❌")
                fmt += verdict.startswith(FORMAT_MARK)
        result[name] = (total, caught, fmt)
    return result


def test_checks_own_warnings_never_reach_the_learner():
    """numpy's "Mean of empty slice" (07 q4 with a group that does not exist) and pandas' FutureWarning
    for float() of a one-element Series are silenced inside a check; a wrong type gets a sentence
    about the type, not the exception's name."""
    import numpy as np
    import pandas as pd

    code = ">>> _m = float(np.mean(x[x > 5]))\n>>> expect(float(s) == 1.0, 'one number.')"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        passed, message = run_case(code, {"np": np, "x": np.arange(3), "s": pd.Series([2.0])})
    assert not passed and message == "one number." and not caught, [str(w.message) for w in caught]
    passed, message = run_case(">>> expect(len(ci) == 2, 'two numbers.')", {"ci": 0.5})
    assert not passed and "`ci` is a number (0.5)" in message and not INTERNALS.search(message), message


def test_04_reflect_numbers_match_the_code():
    """Exercise 04's closing text quotes 13.4 mm, 6.0 mm and Dice 0.38 for RG0004: the solution gives them."""
    namespace = solved("04_segmentation_metrics")[0]
    hausdorff, dice = namespace["hausdorff_mm"].round(1), namespace["dice_scores"]
    assert list(hausdorff) == [6.0, 13.4, 6.0, 13.4, 6.0, 13.4]
    assert namespace["worst_patient"] == "RG0004" and round(dice.min(), 2) == 0.38
    assert namespace["truth"][3].sum() == 9



def test_07_q2_accepts_the_series_its_hint_gives():
    namespace = dict(solved("07_fairness_audit")[0])
    exec("largest_gap = per_group.max() - per_group.min()\nworst_metric = largest_gap.idxmax()", namespace)
    assert _public_verdict("07_fairness_audit", "q2", namespace).startswith("✅")
    assert _graded("07_fairness_audit", "q2", namespace)[0] == 2


if __name__ == "__main__":
    for exercise, (total, caught, fmt) in summary().items():
        print(f"{exercise}: {total} wrong answers, {caught} caught by a public check, {fmt} format only")
