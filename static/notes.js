// Progressive enhancement for editors' notes: on wide screens, move each note
// into the margin beside the words it comments on. Without this script (or on
// narrow screens) the notes stay where the HTML puts them, as numbered endnotes.
//
// In the margin a long note is cut to a few lines with a "More" button, and
// the notes are placed so that the farthest one is as close to its words as
// possible (a note may sit a little above its words to make room for the next).
// A note that would still end up more than MAX_DRIFT px from its words stays a
// real endnote below the text instead: tests/browser/reading.spec.mjs holds every
// report of the archive to that distance and to few such endnotes.
(function () {
  "use strict";
  var MAX_DRIFT = 300; // px between a note's top and its reference's top
  var GAP = 12; // px between two margin notes
  var wide = window.matchMedia("(min-width: 72rem)");
  var notes = document.getElementById("notes");
  if (!notes) return;
  var body = document.querySelector(".report-body");
  var report = body.closest(".report") || body;
  var items = Array.prototype.slice.call(notes.querySelectorAll("li.note"));

  function refOf(li) {
    return document.getElementById("ref-" + li.id.replace("note-", ""));
  }

  // The "More" button of a note, made on first use, first in its links.
  function toggleOf(li) {
    var b = li.querySelector("button.note-more");
    if (b) return b;
    var text = li.querySelector(".note-body");
    var links = li.querySelector(".note-links");
    if (!text || !links) return null;
    b = document.createElement("button");
    b.type = "button";
    b.className = "note-more";
    b.setAttribute("aria-expanded", "false");
    b.innerHTML = '<span class="note-more-label">More</span><span class="visually-hidden"> of note ' + li.id.replace("note-", "") + "</span>";
    b.addEventListener("click", function () {
      li.dataset.open = li.classList.contains("clamped") ? "1" : "";
      arrange(false);
      li.scrollIntoView({ block: "nearest" });
    });
    var sep = document.createElement("span");
    sep.className = "note-more-sep";
    sep.textContent = " · ";
    links.insertBefore(sep, links.firstChild);
    links.insertBefore(b, sep);
    return b;
  }

  // Cuts each margin note's text to `lines` lines (0: not at all) unless the
  // reader opened it; endnotes are never cut.
  function clamp(lines) {
    items.forEach(function (li) {
      var text = li.querySelector(".note-body");
      if (!text) return;
      li.classList.remove("clamped");
      var b = li.querySelector("button.note-more");
      var shown = b && !b.hidden;
      if (!lines || !li.classList.contains("sidenote")) {
        if (b) { b.hidden = true; b.nextSibling.hidden = true; }
        return;
      }
      var line = parseFloat(getComputedStyle(text).lineHeight) || 18;
      var sources = li.querySelector(".note-sources");
      var full = text.scrollHeight + (sources ? sources.offsetHeight : 0);
      // Only worth a button when it hides more than a couple of lines.
      var long = full > line * (lines + 2.5);
      if (!long && !(shown && li.dataset.open)) {
        if (b) { b.hidden = true; b.nextSibling.hidden = true; }
        return;
      }
      b = toggleOf(li);
      if (!b) return;
      b.hidden = false;
      b.nextSibling.hidden = false;
      var open = li.dataset.open === "1";
      if (!open) {
        li.classList.add("clamped");
        li.style.setProperty("--clamp", lines);
      }
      b.setAttribute("aria-expanded", open ? "true" : "false");
      b.querySelector(".note-more-label").textContent = open ? "Less" : "More";
    });
  }

  // Places boxes {want, h} top to bottom without overlap, keeping the largest
  // |top - want| as small as it can: runs of touching boxes are centred on
  // their wishes (pool adjacent violators); returns the tops.
  function place(boxes) {
    var runs = [];
    boxes.forEach(function (bx, i) {
      var run = { first: i, offs: [0], lo: bx.want, hi: bx.want, len: bx.h };
      for (;;) {
        run.top = Math.max(0, (run.lo + run.hi) / 2);
        var prev = runs[runs.length - 1];
        if (!prev || prev.top + prev.len + GAP <= run.top) break;
        runs.pop();
        var shift = prev.len + GAP;
        run = {
          first: prev.first,
          offs: prev.offs.concat(run.offs.map(function (o) { return o + shift; })),
          lo: Math.min(prev.lo, run.lo - shift),
          hi: Math.max(prev.hi, run.hi - shift),
          len: shift + run.len
        };
      }
      runs.push(run);
    });
    var tops = [];
    runs.forEach(function (run) {
      run.offs.forEach(function (o, k) { tops[run.first + k] = run.top + o; });
    });
    return tops;
  }

  function reset() {
    body.classList.remove("sidenotes");
    report.classList.remove("with-sidenotes");
    notes.classList.remove("has-endnotes");
    body.style.minHeight = "";
    items.forEach(function (li) {
      li.style.top = "";
      li.classList.remove("endnote", "sidenote");
    });
    clamp(0);
  }

  // Margin notes' tops for the current cut, and the largest distance.
  function measure() {
    var base = body.getBoundingClientRect().top;
    var boxes = items.filter(function (li) { return li.classList.contains("sidenote"); }).map(function (li) {
      return { li: li, want: refOf(li).getBoundingClientRect().top - base, h: li.offsetHeight };
    });
    var tops = place(boxes);
    var worst = -1;
    boxes.forEach(function (bx, i) {
      var d = Math.abs(tops[i] - bx.want);
      if (d > MAX_DRIFT && (worst < 0 || d > Math.abs(tops[worst] - boxes[worst].want))) worst = i;
    });
    return { boxes: boxes, tops: tops, worst: worst };
  }

  function endnote(li) {
    li.classList.remove("sidenote", "clamped");
    li.classList.add("endnote");
    li.style.top = "";
  }

  // The cut (lines of text per margin note) and the notes left as endnotes,
  // chosen on load and resize and kept while the reader opens notes.
  var cut = 0;
  var dropped = {};

  // auto: choose the loosest cut that keeps every note within MAX_DRIFT, and
  // if even the tightest does not, leave the tallest note of the worst run as
  // an endnote until it does.
  function arrange(auto) {
    if (!wide.matches) {
      reset();
      return;
    }
    body.classList.add("sidenotes");
    report.classList.add("with-sidenotes");
    items.forEach(function (li) {
      li.classList.remove("endnote");
      li.classList.add("sidenote");
      if (!refOf(li) || (!auto && dropped[li.id])) endnote(li);
    });
    var m;
    if (auto) {
      dropped = {};
      var cuts = [0, 6, 4, 3, 2];
      for (var c = 0; c < cuts.length; c++) {
        cut = cuts[c];
        clamp(cut);
        m = measure();
        if (m.worst < 0) break;
      }
      while (m.worst >= 0) {
        var lo = m.worst, hi = m.worst, t = m.tops, bx = m.boxes;
        while (lo > 0 && t[lo - 1] + bx[lo - 1].h + GAP >= t[lo] - 0.5) lo--;
        while (hi < bx.length - 1 && t[hi] + bx[hi].h + GAP >= t[hi + 1] - 0.5) hi++;
        var drop = lo;
        for (var k = lo; k <= hi; k++) if (bx[k].h > bx[drop].h) drop = k;
        dropped[bx[drop].li.id] = true;
        endnote(bx[drop].li);
        clamp(cut);
        m = measure();
      }
    } else {
      clamp(cut);
      m = measure();
    }
    var bottom = 0;
    m.boxes.forEach(function (bx, i) {
      bx.li.style.top = m.tops[i] + "px";
      bottom = Math.max(bottom, m.tops[i] + bx.h);
    });
    notes.classList.toggle("has-endnotes", m.boxes.length < items.length);
    body.style.minHeight = "";
    if (bottom > body.offsetHeight) body.style.minHeight = bottom + "px";
  }

  function layout() {
    arrange(true);
  }

  // A keyboard user tabbing into a cut note opens it.
  notes.addEventListener("focusin", function (e) {
    var li = e.target.closest && e.target.closest("li.note.clamped");
    if (li && !e.target.classList.contains("note-more")) {
      li.dataset.open = "1";
      arrange(false);
    }
  });

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
  var pending = 0;
  window.addEventListener("resize", function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(layout);
  });
  window.addEventListener("load", layout);
  layout();
})();
