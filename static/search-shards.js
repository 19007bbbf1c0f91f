// One search over the sharded Pagefind index, with the results a single index
// of the whole archive would give (used by static/search.js).
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

export class ShardedSearch {
  // shards: [{ key, pages, words }], newest first; bundle: URL of pagefind/.
  constructor(bundle, shards, settings) {
    this.bundle = bundle;
    this.shards = shards;
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
    const make = (s, primary) =>
      new mod.PagefindInstance({ basePath: this.bundle + s.key + "/", primary, ...this.settings });
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
    let results = parts.flatMap((p) => p.run.results);
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
