"""Checkpoints give the right feedback and never raise; the notebook runner fills solutions."""
from __future__ import annotations

import nbformat
import numpy as np
import pytest

from toolkit.checkpoints import check_array, check_choice, check_number, check_that
from toolkit.checkpoints import fill_solutions

CHOICES = {"a": "No: that is the sensitivity.", "b": "Yes: 9 of 108.", "c": "Count again."}


def test_unanswered_shows_pencil_and_is_false(capsys):
    assert not check_number(None, expected=1.0, name="t")
    assert capsys.readouterr().out.startswith("✏️ Checkpoint t: no answer yet")


def test_number_within_tolerance_is_correct(capsys):
    assert check_number(0.0833, expected=1 / 12, rtol=0.01)
    assert capsys.readouterr().out.startswith("✅")


def test_number_outside_tolerance_shows_hint(capsys):
    assert not check_number(0.5, expected=0.25, hint="divide by the number of alleles")
    assert "❌" in (out := capsys.readouterr().out) and "divide by the number of alleles" in out


def test_number_of_wrong_type_is_feedback_not_error(capsys):
    assert not check_number("a lot", expected=3)
    assert "expected a number; got str" in capsys.readouterr().out


def test_choice_shows_the_explanation_of_the_chosen_option(capsys):
    assert not check_choice("A", "b", explanations=CHOICES)
    assert "that is the sensitivity" in capsys.readouterr().out
    assert check_choice(" b ", "b", explanations=CHOICES)


def test_choice_with_several_correct_options():
    assert check_choice(["a", "c"], {"a", "c"}, explanations=CHOICES)
    assert not check_choice("a", {"a", "c"}, explanations=CHOICES)


def test_choice_outside_the_options_lists_them(capsys):
    assert not check_choice("z", "b", explanations=CHOICES)
    assert "choose from ['a', 'b', 'c']" in capsys.readouterr().out


def test_array_checks_shape_and_values(capsys):
    assert check_array([1.0, np.nan], [1.0, np.nan])
    assert not check_array([1, 2, 3], [1, 2])
    assert "expected shape (2,); got (3,)" in capsys.readouterr().out
    assert not check_array([1.0, 2.5], [1.0, 2.0])


def test_check_that_reports_a_failing_predicate_without_raising(capsys):
    assert not check_that(5, lambda x: x["column"] > 0, hint="answer with a table")
    assert "checking raised TypeError" in capsys.readouterr().out


def _nb(source, solution):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": ["checkpoint"], "solution": solution}))
    return nb


def test_runner_replaces_only_the_placeholder_line():
    nb = _nb("x = 2\nanswer = None   # your answer\ncheck_number(answer, expected=4)", "answer = x * 2")
    assert fill_solutions(nb) == 1
    assert nb.cells[0].source == "x = 2\nanswer = x * 2\ncheck_number(answer, expected=4)"


def test_runner_rejects_checkpoint_without_placeholder():
    with pytest.raises(ValueError, match="lacks `answer = None`"):
        fill_solutions(_nb("check_number(3, expected=4)", "answer = 4"))


# ------------------------------------------------------------------ one source for the website
def _kernel_display(monkeypatch):
    """Pretend to be in a kernel and capture what the checkpoint displays."""
    import IPython.display

    from toolkit._utils import display as display_module

    shown = []
    monkeypatch.setattr(display_module, "in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda data, raw=False: shown.append(data))
    return shown


def test_in_a_kernel_a_number_check_shows_its_line_and_attaches_its_question(monkeypatch):
    from toolkit.checkpoints import QUIZ_MIME

    shown = _kernel_display(monkeypatch)
    assert not check_number(0.5, expected=np.float64(0.25), rtol=0.02, name="1.1", hint="halve it",
                            success="Yes.")
    (bundle,) = shown
    assert bundle["text/markdown"] == "❌ Checkpoint 1.1: not yet. Hint: halve it"
    assert bundle[QUIZ_MIME] == {"kind": "number", "name": "1.1", "expected": 0.25, "rtol": 0.02,
                                 "atol": 0.0, "hint": "halve it", "success": "Yes."}
    json_safe = __import__("json").dumps(bundle[QUIZ_MIME])
    assert "0.25" in json_safe


def test_in_a_kernel_a_choice_check_attaches_options_and_key_even_when_unanswered(monkeypatch):
    from toolkit.checkpoints import QUIZ_MIME

    shown = _kernel_display(monkeypatch)
    check_choice(None, "b", explanations=CHOICES, name="2.1")
    check_choice("b", "b", explanations=CHOICES, name="2.1")
    assert shown[0]["text/markdown"].startswith("✏️ Checkpoint 2.1: no answer yet")
    assert shown[1]["text/markdown"] == "✅ Checkpoint 2.1: correct. Yes: 9 of 108."
    for bundle in shown:
        assert bundle[QUIZ_MIME] == {"kind": "choice", "name": "2.1", "correct": ["b"],
                                     "explanations": CHOICES}


def test_outside_a_kernel_only_the_line_is_printed(capsys):
    check_choice("a", "b", explanations=CHOICES, name="2.1")
    assert capsys.readouterr().out == "❌ Checkpoint 2.1: not yet. Hint: No: that is the sensitivity.\n"
