// Shows the passport fields only when a visa invitation letter is asked for.
(function () {
  var box = document.getElementById("needs_visa_letter");
  var details = document.getElementById("visa-details");
  if (!box || !details) return;
  function sync() { details.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();

// Moves focus to the error summary, and from its links to the field each names.
(function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();
