// The /search/ page: a small script over Pagefind's JavaScript API.
//
// The index lives in the site's own pagefind/ folder (data-bundle on #search,
// which already carries the base path), so nothing is fetched from anywhere
// else. It is sharded by date (pagefind/shards.json lists the shards, newest
// first; see src/search/shard.rs), and static/search-shards.js searches the
// shards as one index. The query and filters live in the address
// (?q=…&party=…) so a search can be linked; the page works with the keyboard
// alone, and says plainly when nothing matches. Without JavaScript the form
// stays hidden and the page offers the archive's indexes instead.

import { ShardedSearch } from "./search-shards.js";

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 200;

const root = document.getElementById("search");
const form = root && root.querySelector("form");
if (root && form) start();

function start() {
  const bundle = root.dataset.bundle;
  const input = form.elements.namedItem("q");
  const sortSelect = form.elements.namedItem("sort");
  const filterSelects = Array.from(form.querySelectorAll("select[data-filter]"));
  const status = document.getElementById("search-status");
  const options = document.getElementById("search-options");
  const optionsCount = document.getElementById("search-options-count");
  const wide = window.matchMedia("(min-width: 48rem)");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const lang = document.documentElement.lang || "en";
  const monthName = new Intl.DateTimeFormat(lang, { month: "long", timeZone: "UTC" });

  let pagefind = null;
  let loading = null;
  let seq = 0;
  let timer = 0;
  let results = [];
  let shown = 0;

  form.hidden = false;

  function load() {
    if (!loading) {
      const settings = {
        // Result URLs are stored with the base path already.
        baseUrl: "/",
        excerptLength: 26,
        // Marks where an excerpt cuts into a sentence.
        excerptEllipsis: "…",
        // A match in a title counts most.
        ranking: { metaWeights: { title: 5.0 } },
      };
      loading = fetch(bundle + "shards.json")
        .then((r) => {
          if (!r.ok) throw new Error(`${r.status} fetching shards.json`);
          return r.json();
        })
        .then(async ({ shards }) => {
          const index = new ShardedSearch(bundle, shards, settings);
          await index.load();
          pagefind = index;
          return index;
        });
    }
    return loading;
  }

  function state() {
    const filters = {};
    for (const s of filterSelects) {
      if (s.value) filters[s.dataset.filter] = s.value;
    }
    return { q: input.value.trim(), filters, sort: sortSelect.value };
  }

  function writeAddress(st) {
    const params = new URLSearchParams();
    if (st.q) params.set("q", st.q);
    for (const [k, v] of Object.entries(st.filters)) params.set(k, v);
    if (st.sort) params.set("sort", st.sort);
    const qs = params.toString();
    const url = location.pathname + (qs ? "?" + qs : "");
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  }

  function readAddress() {
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const s of filterSelects) setSelect(s, params.get(s.name) || "");
    setSelect(sortSelect, params.get("sort") || "");
  }

  function setSelect(select, value) {
    select.value = Array.from(select.options).some((o) => o.value === value) ? value : "";
  }

  // The filters stay folded on phones unless one is set; the summary says how many are.
  function showOptions() {
    const set = filterSelects.filter((s) => s.value).length + (sortSelect.value ? 1 : 0);
    optionsCount.textContent = set ? ` (${set} set)` : "";
    if (set || wide.matches) options.open = true;
  }

  function describeFilters() {
    return filterSelects
      .filter((s) => s.value)
      .map((s) => `${s.labels[0] ? s.labels[0].textContent : s.name}: ${s.value}`)
      .join("; ");
  }

  // Pagefind counts results per filter value for the filters a search loaded
  // (those in use); the others keep their plain labels.
  function updateCounts(counts) {
    for (const s of filterSelects) {
      const byValue = (counts && counts[s.dataset.filter]) || null;
      for (const o of s.options) {
        if (!o.value) continue;
        const n = byValue ? byValue[o.value] || 0 : null;
        o.textContent = n === null ? o.value : `${o.value} (${n})`;
      }
    }
  }

  function clearResults() {
    results = [];
    shown = 0;
    list.replaceChildren();
    more.hidden = true;
  }

  async function run() {
    clearTimeout(timer);
    const st = state();
    writeAddress(st);
    showOptions();
    const mine = ++seq;
    if (!st.q && Object.keys(st.filters).length === 0) {
      clearResults();
      updateCounts(null);
      status.textContent = "Type a name, a phrase or a date, or choose a filter.";
      return;
    }
    list.setAttribute("aria-busy", "true");
    if (!pagefind) status.textContent = "Loading the search index…";
    let search;
    try {
      const pf = await load();
      search = await pf.search(st.q, st.filters, st.sort);
    } catch (e) {
      if (mine !== seq) return;
      list.removeAttribute("aria-busy");
      status.textContent =
        "Search is not available right now: its index could not be loaded. Browse the archive below instead.";
      console.error(e);
      return;
    }
    if (mine !== seq || !search) return;
    clearResults();
    results = search.results;
    updateCounts(search.filters);
    const parts = [];
    if (st.q) parts.push(`for “${st.q}”`);
    const described = describeFilters();
    if (described) parts.push(`with ${described}`);
    const what = parts.length ? " " + parts.join(" ") : "";
    const n = results.length;
    status.textContent =
      n === 0
        ? `No results${what}. Try fewer or other words, check the spelling, or clear a filter.`
        : `${n} result${n === 1 ? "" : "s"}${what}` +
          (st.sort ? ", by date (parties and pages have none and are left out)." : ".");
    await showMore(mine, false);
    if (mine === seq) list.removeAttribute("aria-busy");
  }

  async function showMore(mine, moveFocus) {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    more.disabled = true;
    const data = await Promise.all(batch.map((r) => r.data()));
    more.disabled = false;
    if (mine !== seq) return;
    const items = data.map(renderResult);
    list.append(...items);
    shown += batch.length;
    more.hidden = shown >= results.length;
    if (!more.hidden) more.textContent = `Show more results (${results.length - shown} more)`;
    if (moveFocus && items[0]) items[0].querySelector("a").focus();
  }

  function formatDate(iso) {
    const d = new Date(iso + "T00:00:00Z");
    if (Number.isNaN(d.getTime())) return iso;
    return `${d.getUTCDate()} ${monthName.format(d)} ${d.getUTCFullYear()}`;
  }

  // Display-only fields travel as filters named _date and _context (see src/search.rs).
  function field(d, name) {
    const v = d.filters && d.filters[name];
    return (v && v[0]) || "";
  }

  // Pagefind marks whole words with the punctuation stuck to them
  // ("knowingly,"): leave the punctuation outside the highlight.
  function unmarkPunctuation(el) {
    for (const m of el.querySelectorAll("mark")) {
      const text = m.textContent;
      const [, before, word, after] = text.match(/^([\p{P}\p{S}]*)(.*?)([\p{P}\p{S}]*)$/su);
      if (!word || (!before && !after)) continue;
      m.textContent = word;
      if (before) m.before(before);
      if (after) m.after(after);
    }
  }

  function renderResult(d) {
    const li = document.createElement("li");
    const kind = field(d, "kind");
    li.className = "search-result" + (kind ? " result-" + kind.toLowerCase() : "");
    const h = document.createElement("h2");
    h.className = "result-title";
    const a = document.createElement("a");
    a.href = d.url;
    a.textContent = (d.meta && d.meta.title) || d.url;
    h.append(a);
    const meta = document.createElement("p");
    meta.className = "meta";
    const bits = [];
    if (kind) {
      const k = document.createElement("span");
      k.className = "result-kind";
      k.textContent = kind;
      bits.push(k);
    }
    const context = field(d, "_context");
    if (context) bits.push(document.createTextNode(context));
    const date = field(d, "_date");
    if (date) {
      const t = document.createElement("time");
      t.dateTime = date;
      t.textContent = formatDate(date);
      bits.push(t);
    }
    bits.forEach((b, i) => {
      if (i > 0) meta.append(" · ");
      meta.append(b);
    });
    const ex = document.createElement("p");
    ex.className = "result-excerpt";
    // Pagefind's excerpt: the record's own text, escaped, with <mark> around matches.
    ex.innerHTML = d.excerpt;
    unmarkPunctuation(ex);
    li.append(h, meta, ex);
    // Matches in an editor's note (or under a heading) link straight to it.
    const subs = (d.sub_results || []).filter((s) => s.anchor && s.locations && s.locations.length);
    if (subs.length) {
      const ul = document.createElement("ul");
      ul.className = "result-places";
      for (const s of subs.slice(0, 3)) {
        const item = document.createElement("li");
        if (/^note-/.test(s.anchor.id)) item.className = "result-note";
        const link = document.createElement("a");
        link.href = s.url;
        link.textContent = s.title;
        const sx = document.createElement("span");
        sx.className = "result-excerpt";
        sx.innerHTML = s.excerpt;
        unmarkPunctuation(sx);
        item.append(link, ": ", sx);
        ul.append(item);
      }
      li.append(ul);
    }
    return li;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  input.addEventListener("focus", () => load().catch(() => {}), { once: true });
  for (const s of [...filterSelects, sortSelect]) s.addEventListener("change", run);
  form.addEventListener("reset", () => {
    // After the browser has reset the controls.
    setTimeout(() => {
      run();
      input.focus();
    });
  });
  more.addEventListener("click", () => showMore(seq, true));
  window.addEventListener("popstate", () => {
    readAddress();
    run();
  });

  readAddress();
  showOptions();
  if (input.value || filterSelects.some((s) => s.value)) {
    run();
  } else {
    status.textContent = "Type a name, a phrase or a date, or choose a filter.";
    input.focus();
  }
}
