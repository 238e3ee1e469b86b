// Shows the passport fields only when a visa invitation letter is asked for.
(function () {
  var box = document.getElementById("needs_visa_letter");
  var details = document.getElementById("visa-details");
  if (!box || !details) return;
  function sync() { details.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();
