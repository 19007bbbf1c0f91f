// The /search/ page: a small script over Pagefind's JavaScript API.
//
// The index lives in the site's own pagefind/ folder (data-bundle on #search,
// which already carries the base path), so nothing is fetched from anywhere
// else. It is sharded by date (pagefind/shards.json lists the shards, newest
// first; see src/search/shard.rs), and ShardedSearch (below) searches the
// shards as one index. The query and filters live in the address
// (?q=…&party=…) so a search can be linked; the page works with the keyboard
// alone, and says plainly when nothing matches. Without JavaScript the form
// stays hidden and the page offers the archive's indexes instead.

// ShardedSearch: one search over the sharded Pagefind index, with the results
// a single index of the whole archive would give.
//
// Each shard (pagefind/<key>/, see src/search/shard.rs) is its own Pagefind
// index, loaded as its own Pagefind instance in this page. Pagefind's own
// merge (mergeIndex) would be wrong in two ways, so this module merges instead:
//
// 1. Ranking. Pagefind scores a page with BM25 over its index's statistics
//    (pages, pages containing each word, average page length), so scores from
//    two shards are not comparable. Each instance runs in Pagefind's
//    "playground" mode, which returns the parts of every score; `rescore`
//    recomputes each score with the statistics of the whole archive (summed
//    over the shards), with Pagefind 1.6's formula in 32-bit floats as its
//    WebAssembly computes it.
// 2. Missing words. When no word of an index starts with a search term, Pagefind
//    falls back to the longest indexed word the term starts with ("intrusions"
//    → "in"). A shard that lacks a word would fill the results with such
//    matches although other shards have the word. A shard is left out when its
//    match for a term is not the one the whole archive would make.
//
// 3. Chunk layout. See `search` on the index chunks loaded for a term.
//
// A date-sorted search needs no rescoring: shards hold disjoint date ranges,
// newest first, so their sorted results are concatenated in shard order.
//
// In the live server (`annals serve`) shards.json may also name an overlay:
// a small index of the records edited since their shard was last indexed
// (src/search/live.rs), searched as one more shard, with `hide` listing, per
// shard, the ids of the stale pages it replaces. Sorted by date, its results
// are put in place by their dates. It lasts until the shard is indexed again.

// Pagefind 1.6's default ranking weights (pagefind_web RankingWeights).
const f = Math.fround;
const K1 = f(1.4);
const B = f(0.75);
const TF = f(1.0);
const DIACRITIC = f(1.8); // 1 + diacritic_similarity
const PUNCTUATION = /^\p{Pd}|\p{Pe}|\p{Pf}|\p{Pi}|\p{Po}|\p{Ps}$/u;

// calculate_idf in pagefind_web/src/search.rs.
function idf(total, count) {
  return f(Math.log(f(f(f(f(total) - f(count)) + 0.5) / f(count + 0.5)) + 1));
}

// calculate_bm25_word_score, times the diacritic bonus.
function wordScore(wtf, lengthBonus, docLength, avgLength, termIdf, bonus) {
  const w = f(wtf * lengthBonus);
  const bm25 = f(f(f(K1 + 1) * w) / f(f(K1 * f(f(1 - B) + f(B * f(docLength / avgLength)))) + w));
  const raw = Math.min(f(w / f(avgLength / 5)), f(K1 + 1));
  const tf = f(f(f(1 - TF) * raw) + f(TF * bm25));
  return f(f(termIdf * tf) * bonus);
}

// The query words as Pagefind reads them before stemming (lowercase, no punctuation).
function originalTerms(q) {
  let out = "";
  for (const ch of q) if (!PUNCTUATION.test(ch)) out += ch.toLocaleLowerCase();
  return out.replace(/\s{2,}/g, " ").trim().split(" ").filter(Boolean);
}

const diacriticsMatch = (orig, form) => form === orig || form.startsWith(orig) || orig.startsWith(form);

class ShardedSearch {
  // shards: [{ key, pages, words }], newest first; bundle: URL of pagefind/;
  // overlay: { key, pages, words, hide: { shard key: [page id] } } or undefined.
  constructor(bundle, shards, settings, overlay) {
    this.bundle = bundle;
    this.hide = new Map(Object.entries((overlay && overlay.hide) || {}).map(([k, ids]) => [k, new Set(ids)]));
    this.shards = overlay && overlay.key ? [...shards, { key: overlay.key, pages: overlay.pages, words: overlay.words, overlay: true }] : shards;
    shards = this.shards;
    this.settings = settings;
    this.instances = null;
    this.pages = shards.reduce((n, s) => n + s.pages, 0);
    // Pagefind sums word counts in 32-bit floats; exact below 2^24 words.
    this.avgLength = f(f(shards.reduce((n, s) => n + s.words, 0)) / f(this.pages));
  }

  async load() {
    const lang = (document.documentElement.lang || "unknown").toLowerCase();
    const first = this.bundle + this.shards[0].key + "/";
    const mod = await import(first + "pagefind.js");
    const make = (s, primary) => {
      const i = new mod.PagefindInstance({ basePath: this.bundle + s.key + "/", primary, ...this.settings });
      // shards.json carries each shard's pagefind-entry.json: one request
      // instead of one per shard (what Pagefind 1.6's loadEntry sets).
      if (s.entry) {
        i.loadEntry = async () => {
          i.languages = s.entry.languages;
          i.loadedVersion = s.entry.version;
          i.includeCharacters = s.entry.include_characters ?? [];
        };
      }
      return i;
    };
    const head = make(this.shards[0], true);
    await head.init(lang, { load_wasm: true });
    const rest = this.shards.slice(1).map((s) => make(s, false));
    await Promise.all(rest.map((i) => i.init(lang, { load_wasm: false })));
    this.instances = [head, ...rest];
    await Promise.all(this.instances.map((i) => i.enterPlaygroundMode()));
  }

  // { results: [{ data(), score }], filters: { key: { value: count } } }
  async search(q, filters, sort) {
    const term = q || null;
    // A date-sorted search leaves out what has no date (the undated shard).
    let order = [...this.instances.keys()];
    if (sort) order = order.filter((k) => this.shards[k].key !== "undated");
    if (sort === "oldest") order.reverse();
    // The overlay holds no date range of its own: searched last, placed by date.
    if (sort) order = [...order.filter((k) => !this.shards[k].overlay), ...order.filter((k) => this.shards[k].overlay)];
    // Pagefind matches a term's extensions only in the index chunks it loads
    // for the term, so whether "china" finds "chinauk" depends on where an
    // index's chunk boundaries fall. Loading the chunks up to the end of the
    // term's extensions too makes the match complete, in every shard alike.
    if (term) {
      const ends = originalTerms(term).map((w) => w + "\uffff");
      await Promise.all(this.instances.flatMap((i) => ends.map((w) => i.preload(w))));
    }
    const options = { filters };
    if (sort) options.sort = { date: sort === "newest" ? "desc" : "asc" };
    const runs = await Promise.all(order.map((k) => this.instances[k].search(term, options)));
    let parts = order.map((k, j) => ({ shard: k, run: runs[j] }));
    for (const p of parts) {
      const stale = this.hide.get(this.shards[p.shard].key);
      if (stale) p.run.results = p.run.results.filter((r) => !stale.has(r.id));
    }
    const stems = (runs.find((r) => r.query_term_idfs) || {}).query_term_idfs;
    let rescored = false;
    if (term && stems && stems.length) {
      const global = await this.terms(term, stems, parts);
      if (global) {
        parts = parts.filter((p) => global.keep(p.shard));
        if (!sort) {
          for (const p of parts) for (const r of p.run.results) r.score = this.rescore(r, global);
          rescored = true;
        }
      }
    }
    const filterCounts = {};
    for (const p of parts) {
      for (const [key, values] of Object.entries(p.run.filters || {})) {
        const into = (filterCounts[key] ||= {});
        for (const [v, n] of Object.entries(values)) into[v] = (into[v] || 0) + n;
      }
    }
    // Sorted, Pagefind gives each result its place in the shard's date order
    // as its score (negated for oldest first), not the results in that order.
    if (sort) for (const p of parts) p.run.results.sort((a, b) => b.score - a.score);
    const edited = sort ? parts.filter((p) => this.shards[p.shard].overlay).flatMap((p) => p.run.results) : [];
    if (sort) parts = parts.filter((p) => !this.shards[p.shard].overlay);
    let results = parts.flatMap((p) => p.run.results);
    if (edited.length) results = await placeByDate(results, edited, sort);
    // Ties keep shard order, as Array.prototype.sort is stable.
    if (rescored) results = results.sort((a, b) => b.score - a.score);
    return { results, filters: filterCounts };
  }

  // How the whole archive matches each search term: per term, whether some
  // shard has words starting with it ("ext") or, failing that, the longest
  // indexed word it starts with; the pages containing it; its IDF.
  async terms(term, stems, parts) {
    const origs = originalTerms(term);
    if (origs.length !== stems.length) return null;
    const n = this.instances.length;
    const classOf = (w, stem) => (w.startsWith(stem) ? "ext" : stem.startsWith(w) ? "pre:" + w : null);
    // klass[shard][i]: "ext", "pre:<word>", "none" or undefined (not known yet).
    const klass = Array.from({ length: n }, () => []);
    const counts = Array.from({ length: n }, () => []);
    for (const p of parts) {
      const s = this.shards[p.shard];
      const idfs = p.run.query_term_idfs || [];
      stems.forEach((st, i) => {
        const x = Math.exp(idfs[i] ? idfs[i].idf : 0) - 1;
        counts[p.shard][i] = idfs[i] ? Math.max(0, Math.round((s.pages + 0.5 - 0.5 * x) / (x + 1))) : 0;
        if (counts[p.shard][i] === 0) klass[p.shard][i] = "none";
      });
      // The words each term matched in this shard, from its results (body
      // words, or title words for a page that matched by its title only).
      for (const r of p.run.results.slice(0, 20)) {
        const words = [
          ...(r.scores || []).map((sc) => [sc.search_term, sc.params.pages_containing_term]),
          ...(r.verbose_meta_scores || []).flatMap((m) => m.matched_terms.map((w) => [w, null])),
        ];
        stems.forEach((st, i) => {
          for (const [w, pages] of words) {
            const c = classOf(w, st.term);
            if (!c) continue;
            if (c === "ext" || klass[p.shard][i] === undefined) klass[p.shard][i] = c;
            if (pages !== null) counts[p.shard][i] = pages;
          }
        });
        if (stems.every((st, i) => klass[p.shard][i] !== undefined)) break;
      }
    }
    const global = [];
    for (let i = 0; i < stems.length; i++) {
      const known = () => klass.map((k) => k[i]);
      if (known().includes(undefined)) {
        // Shards that have the term but no result to show which word: ask
        // them for the term alone (its pages count in its IDF all the same).
        await Promise.all(
          klass.map(async (k, shard) => {
            if (k[i] !== undefined) return;
            const r = await this.instances[shard].search(origs[i], {});
            const words = r.results
              .slice(0, 20)
              .flatMap((x) => [...(x.scores || []).map((sc) => sc.search_term), ...(x.verbose_meta_scores || []).flatMap((m) => m.matched_terms)]);
            const cs = words.map((w) => classOf(w, stems[i].term)).filter(Boolean);
            k[i] = cs.includes("ext") ? "ext" : cs[0] || "none";
          }),
        );
      }
      const ks = known();
      let want = ks.includes("ext") ? "ext" : null;
      if (!want) {
        const pre = ks.filter((k) => k && k.startsWith("pre:"));
        want = pre.sort((a, b) => b.length - a.length)[0] || "none";
      }
      const pages = ks.reduce((sum, k, shard) => sum + (k === want ? counts[shard][i] || 0 : 0), 0);
      global.push({ stem: stems[i].term, orig: origs[i], want, idf: idf(this.pages, pages) });
    }
    let total = f(0);
    for (const g of global) total = f(total + g.idf);
    return {
      terms: global,
      totalIdf: total,
      // Pagefind ignores a term no word matches, and otherwise requires it: a
      // shard is kept when each term matches there as in the whole archive.
      keep: (shard) => global.every((g, i) => klass[shard][i] === g.want),
    };
  }

  // The page's score as a single index would give it (search_term in
  // pagefind_web/src/search.rs): BM25 per matched word, then the title boost.
  rescore(r, global) {
    if (!r.scores || !r.params) return r.score;
    const termOf = (w) => global.terms.find((g) => w.startsWith(g.stem) || g.want === "pre:" + w);
    let score = f(0);
    for (const sc of r.scores) {
      const g = termOf(sc.search_term);
      if (!g) return r.score;
      const bonus = diacriticsMatch(g.orig, sc.search_term) ? DIACRITIC : f(1);
      const p = sc.params;
      score = f(score + wordScore(p.weighted_term_frequency, p.length_bonus, r.params.document_length, this.avgLength, g.idf, bonus));
    }
    let boost = f(0);
    for (const m of r.verbose_meta_scores || []) {
      let matched = f(0);
      for (const w of m.matched_terms) {
        const g = termOf(w);
        if (g) matched = f(matched + g.idf);
      }
      const coverage = f(matched / global.totalIdf);
      if (global.totalIdf > 0) boost = f(boost + f(f(f(m.field_weight * matched) * coverage) * coverage));
    }
    return f(score + boost);
  }
}

// Puts each of `extra` into the date-sorted `results` at the place its date
// gives it (undated ones are left out, as sorted searches leave them out).
async function placeByDate(results, extra, sort) {
  const dates = new Map();
  const dateOf = async (r) => {
    if (!dates.has(r)) {
      const d = await r.data();
      dates.set(r, (d.filters && d.filters._date && d.filters._date[0]) || "");
    }
    return dates.get(r);
  };
  const before = (a, b) => (sort === "oldest" ? a <= b : a >= b);
  for (const r of extra) {
    const d = await dateOf(r);
    if (!d) continue;
    let lo = 0;
    let hi = results.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(await dateOf(results[mid]), d)) lo = mid + 1;
      else hi = mid;
    }
    results.splice(lo, 0, r);
  }
  return results;
}

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

  // The index, loaded once; before each later search shards.json is asked
  // for again (a small file, usually answered from the cache), and an index
  // that changed since (a new deployment, or `annals serve` having indexed an
  // edit) is loaded anew rather than searched with files that are gone.
  let listed = null;
  async function current() {
    if (!loading) return load();
    const index = await loading;
    const r = await fetch(bundle + "shards.json", { cache: "no-cache" }).catch(() => null);
    const text = r && r.ok ? await r.text() : listed;
    if (text === listed) return index;
    loading = null;
    return load();
  }

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
          return r.text();
        })
        .then(async (text) => {
          listed = text;
          const { shards, overlay } = JSON.parse(text);
          const index = new ShardedSearch(bundle, shards, settings, overlay);
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
      const pf = await current();
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
