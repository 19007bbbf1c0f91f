// Progressive enhancement for editors' notes: on wide screens, move each note
// beside the words it comments on. Without this script (or on narrow screens)
// the notes stay where the HTML puts them, as numbered endnotes.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 72rem)");
  var notes = document.getElementById("notes");
  if (!notes) return;
  var body = document.querySelector(".report-body");
  var report = body.closest(".report") || body;
  function layout() {
    var items = notes.querySelectorAll("li.note");
    if (!wide.matches) {
      body.classList.remove("sidenotes");
      report.classList.remove("with-sidenotes");
      body.style.minHeight = "";
      items.forEach(function (li) { li.style.top = ""; });
      return;
    }
    body.classList.add("sidenotes");
    report.classList.add("with-sidenotes");
    var base = body.getBoundingClientRect().top + window.scrollY;
    var next = 0;
    items.forEach(function (li) {
      var n = li.id.replace("note-", "");
      var ref = document.getElementById("ref-" + n);
      if (!ref) return;
      var want = ref.getBoundingClientRect().top + window.scrollY - base;
      var top = Math.max(want, next);
      li.style.top = top + "px";
      next = top + li.offsetHeight + 12;
    });
    body.style.minHeight = next + "px";
  }
  // Highlight the note and its words together.
  function link(n, on) {
    document.querySelectorAll('mark[data-note="' + n + '"]').forEach(function (m) { m.classList.toggle("active", on); });
    var li = document.getElementById("note-" + n);
    if (li) li.classList.toggle("active", on);
  }
  document.querySelectorAll("a[role=doc-noteref]").forEach(function (a) {
    var n = a.id.replace("ref-", "");
    ["mouseenter", "focus"].forEach(function (ev) { a.addEventListener(ev, function () { link(n, true); }); });
    ["mouseleave", "blur"].forEach(function (ev) { a.addEventListener(ev, function () { link(n, false); }); });
  });
  window.addEventListener("resize", layout);
  window.addEventListener("load", layout);
  layout();
})();
