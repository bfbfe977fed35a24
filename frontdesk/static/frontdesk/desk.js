// Front desk pages: returning-visitor fill-in, print, reply-due toggle, the in-building
// list's polling (no inline script: CSP).
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

  // The in-building list polls itself (htmx, every data-refresh-seconds). Each poll
  // renews the session, so once the page has been left untouched for the session's
  // idle time (data-idle-seconds) the polls are skipped and the session can expire.
  var lastActivity = Date.now();
  ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, function () {
      lastActivity = Date.now();
      var paused = document.getElementById("in-building-paused");
      if (paused) { paused.classList.add("d-none"); }
    }, { passive: true });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var live = event.detail.elt;
    if (!live || live.id !== "in-building") { return; }
    var idleSeconds = parseInt(live.dataset.idleSeconds || "0", 10);
    if (idleSeconds > 0 && Date.now() - lastActivity >= idleSeconds * 1000) {
      event.preventDefault();
      var paused = document.getElementById("in-building-paused");
      if (paused) { paused.classList.remove("d-none"); }
    }
  });
  // A poll answered after a redirect (the session is over: the login page) reloads the
  // page, which then goes to the login form, instead of swapping the login page in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var live = event.detail.elt;
    if (!live || live.id !== "in-building") { return; }
    var expected = live.getAttribute("hx-get");
    var answered = event.detail.xhr && event.detail.xhr.responseURL;
    // Compare paths only: the login URL carries the fragment's path in ?next=.
    if (answered && expected && new URL(answered).pathname !== new URL(expected, answered).pathname) {
      event.detail.shouldSwap = false;
      window.location.reload();
    }
  });
})();
