// The log-a-call form: the callback time only for outcomes that need one, the new-number
// fields only when "new number" is chosen (static file: the CSP allows no inline script).
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  if (!form || form.dataset.ready) { return; }
  form.dataset.ready = "1";
  var callbackOutcomes = (form.dataset.callbackOutcomes || "").split(",").filter(Boolean);
  var outcome = form.querySelector("[name=outcome]");
  var point = form.querySelector("[name=contact_point]");
  var callback = document.getElementById("id_callback_at-wrapper");
  var newNumber = document.getElementById("call-new-number-fields");
  // A "promise to pay" outcome carries the promise's amount and date.
  var promiseOutcomes = (form.dataset.promiseOutcomes || "").split(",").filter(Boolean);
  var promise = document.getElementById("call-promise-fields");
  function update() {
    if (callback && outcome) { callback.hidden = callbackOutcomes.indexOf(outcome.value) < 0; }
    if (promise && outcome) { promise.hidden = promiseOutcomes.indexOf(outcome.value) < 0; }
    if (newNumber && point) { newNumber.hidden = point.value !== form.dataset.newNumber; }
  }
  if (outcome) { outcome.addEventListener("change", update); }
  if (point) { point.addEventListener("change", update); }
  update();
})();
