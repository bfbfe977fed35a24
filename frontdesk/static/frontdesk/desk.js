// Front desk pages: returning-visitor fill-in, print, reply-due toggle (no inline script: CSP).
(function () {
  "use strict";
  function setValue(form, name, value) {
    var field = form.querySelector('[name="' + name + '"]');
    if (field && value !== undefined && value !== null && field.value === "") { field.value = value; }
    else if (field && name === "host" && value) { field.value = value; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".returning-visitor");
    if (button) {
      var form = button.closest("form");
      var data = button.dataset;
      var name = form.querySelector('[name="visitor_name"]');
      if (name) { name.value = data.visitorName; }
      var phone = form.querySelector('[name="phone"]');
      if (phone) { phone.value = data.phone; }
      setValue(form, "organisation", data.organisation);
      setValue(form, "host", data.host);
      setValue(form, "purpose", data.purpose);
      setValue(form, "id_document_type", data.idDocumentType);
      document.getElementById("visitor-matches").innerHTML = "";
      var next = form.querySelector('[name="purpose"]');
      if (next) { next.focus(); next.select(); }
      return;
    }
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  function toggleReplyDue() {
    var box = document.querySelector('#document-form [name="reply_required"]');
    var due = document.querySelector('#document-form [name="reply_due"]');
    if (box && due) { due.closest("div").classList.toggle("opacity-50", !box.checked); due.disabled = !box.checked; }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches('#document-form [name="reply_required"]')) { toggleReplyDue(); }
  });
  document.addEventListener("DOMContentLoaded", toggleReplyDue);
})();
