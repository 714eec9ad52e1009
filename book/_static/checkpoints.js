/* Checkpoints answered in the page (book/quiz.py writes the HTML; data from the executed
   notebook). The feedback repeats the kernel's: toolkit/checkpoints.py check_number/check_choice. */
(function () {
  "use strict";
  function isClose(a, b, rtol, atol) {            // Python's math.isclose
    return Math.abs(a - b) <= Math.max(rtol * Math.max(Math.abs(a), Math.abs(b)), atol);
  }
  /* A reader copies numbers as the page prints them: a value typed with at least 3 significant
     digits is also right when it is the expected value rounded to the decimals typed. */
  function asPrinted(raw, value, expected) {
    var digits = raw.replace(/^[-+]/, "").replace(/e.*$/i, "");
    var significant = digits.replace(".", "").replace(/^0+/, "").length;
    var decimals = digits.indexOf(".") < 0 ? 0 : digits.length - digits.indexOf(".") - 1;
    if (/e/i.test(raw) || significant < 3) { return false; }
    return Math.abs(value - expected) <= 0.5 * Math.pow(10, -decimals) * (1 + 1e-9);
  }
  function label(spec) { return spec.name ? "Checkpoint " + spec.name + ": " : ""; }
  function line(symbol, spec, text) { return (symbol + " " + label(spec) + text).trim(); }
  function feedback(box, spec) {
    if (spec.kind === "number") {
      var raw = box.querySelector("input").value.trim().replace(/\u2212/g, "-").replace(",", ".");
      if (raw === "") { return line("\u270f\ufe0f", spec, "no answer yet: type a number, then Check."); }
      var value = Number(raw);
      if (!isFinite(value)) {
        return line("\u274c", spec, "not yet. Hint: expected a number; got \u201c" + raw + "\u201d. " + spec.hint);
      }
      if (isClose(value, spec.expected, spec.rtol, spec.atol) || asPrinted(raw, value, spec.expected)) {
        return line("\u2705", spec, "correct. " + spec.success);
      }
      return line("\u274c", spec, "not yet. Hint: " + spec.hint);
    }
    var chosen = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (i) { return i.value; });
    if (chosen.length === 0) { return line("\u270f\ufe0f", spec, "no answer yet: choose an option, then Check."); }
    chosen.sort();
    var byKey = {};
    Object.keys(spec.explanations).sort().forEach(function (k) { byKey[k.toLowerCase()] = spec.explanations[k]; });
    var why = Object.keys(byKey).filter(function (k) { return chosen.indexOf(k) >= 0; })
      .map(function (k) { return byKey[k]; }).join(" ").trim();
    var right = spec.correct.slice().sort();
    if (chosen.join() === right.join()) { return line("\u2705", spec, "correct. " + why); }
    return line("\u274c", spec, "not yet. Hint: " + (why || "think again."));
  }
  function setUp(box) {
    var spec = JSON.parse(box.querySelector("script.checkpoint-data").textContent);
    var out = box.querySelector(".checkpoint-feedback");
    function check() {
      var text = feedback(box, spec);
      out.textContent = text;
      out.className = "checkpoint-feedback " + (text.charAt(0) === "\u2705" ? "is-right" :
        text.charAt(0) === "\u274c" ? "is-wrong" : "is-empty");
    }
    var reveal = box.querySelector("button.checkpoint-reveal");
    box.querySelector("button.checkpoint-check").addEventListener("click", function () {
      check();
      if (reveal && out.className.indexOf("is-wrong") >= 0) { reveal.hidden = false; }
    });
    if (reveal) {
      reveal.addEventListener("click", function () {
        var shown = box.querySelector(".checkpoint-answer");
        shown.textContent = "The lesson's code computes " + Number(spec.expected.toPrecision(4)) +
          (spec.success ? ". " + spec.success : ".");
        shown.hidden = false;
      });
    }
    var input = box.querySelector('input[type="text"]');
    if (input) {
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); box.querySelector("button.checkpoint-check").click(); }
      });
    }
  }
  function codeToggle() {
    var button = document.getElementById("show-all-code");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      document.querySelectorAll("details.hide.above-input, details.course-code").forEach(function (d) { d.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Hide all code" : "Show all code (data track)";
    });
  }
  function start() {
    document.querySelectorAll(".checkpoint-quiz").forEach(setUp);
    codeToggle();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
