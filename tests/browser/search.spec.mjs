// Browser test of the /search/ page: serves a built site from 127.0.0.1 under a
// sub-path, drives Debian's Chromium headless through playwright-core, types
// queries and checks the results.
//
//   node tests/browser/search.spec.mjs <scenario> <public-dir> --port N [--prefix /archive/] [--query Q]
//
// Scenarios:
//   fixture  tests/fixtures/search: titles for a query, a party filter that narrows
//            them, a note found by a word only in it, ?q= links, "no results",
//            keyboard-only use, and no request leaving 127.0.0.1
//   archive  the repository's own archive: the seed report for "Alperovitch", the
//            UK–China statement for "knowingly", a note for "apparatus"
//   overlay  tests/fixtures/search as `annals serve` has it right after an edit
//            of the 2015 Germany report (zeppelin → blimp, plus "wombat" and "pact"):
//            the overlay's record is found, the stale one is not, and a
//            date-sorted search puts the edited report in its place once
//   measure  one search (--query) on a fresh page; prints the bytes downloaded
//   ranking  the same site built sharded (<public-dir>) and as one index
//            (--single DIR, built with ANNALS_SEARCH_SINGLE=1): every query of
//            RANKING_QUERIES gives the same result count and the same top 10
//            in the same order, by relevance and by date
//
// The site must have been built with --base-url http://127.0.0.1:<port><prefix>.
// Prints one line per check and exits 0 when all pass, 1 otherwise.
// Set CHROMIUM to use another browser binary (default /usr/bin/chromium).

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const scenario = args[0];
let publicDir = args[1] && path.resolve(args[1]);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt("--port", "0"));
const prefix = opt("--prefix", "/archive/");
const query = opt("--query", "intrusions");
if (!["fixture", "archive", "measure", "ranking", "overlay"].includes(scenario) || !publicDir || !fs.existsSync(publicDir)) {
  console.error("usage: node tests/browser/search.spec.mjs fixture|archive|measure <public-dir> --port N [--prefix /archive/] [--query Q]");
  process.exit(2);
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
};

// Bytes served, per path, since the last reset (for the measure scenario).
let served = [];

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("outside the site");
      return;
    }
    rel = rel.slice(prefix.length);
    let file = path.join(publicDir, rel);
    if (!file.startsWith(publicDir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      const nf = path.join(publicDir, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(fs.existsSync(nf) ? fs.readFileSync(nf) : "");
      return;
    }
    const body = fs.readFileSync(file);
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    served.push({ path: url.pathname, bytes: body.length, type });
    res.writeHead(200, { "content-type": type, "content-length": body.length, "cache-control": "no-store" }).end(body);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

const results = [];
function check(name, ok, detail = "") {
  results.push({ name, ok });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

async function titles(page) {
  return page.locator("#search-results .result-title a").allTextContents();
}

async function links(page) {
  return page.locator("#search-results .result-title a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
}

// Waits until the status line reports a finished search and returns it.
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById("search-status").textContent;
    const busy = document.getElementById("search-results").hasAttribute("aria-busy");
    return !busy && /results?\b|No results|not available/.test(s);
  }, null, { timeout: 20000 });
  return page.locator("#search-status").textContent();
}

async function search(page, q) {
  const input = page.locator("#search-q");
  await input.fill("");
  await input.pressSequentially(q, { delay: 10 });
  await input.press("Enter");
  // The status line changes once this query's results are in.
  await page.waitForFunction((q) => document.getElementById("search-status").textContent.includes(`“${q}”`), q, { timeout: 20000 });
  return settled(page);
}

const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

async function fixture(page, base) {
  const external = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`http://127.0.0.1:${port}/`) && !r.url().startsWith("data:")) external.push(r.url());
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto(base + "search/");
  await page.waitForSelector("form.search-form:not([hidden])");
  check("the search box has the focus", await page.evaluate(() => document.activeElement?.id === "search-q"));

  let status = await search(page, "intrusions");
  let t = await titles(page);
  check("query 'intrusions' finds both reports", same(t, ["Firm reports intrusions after the September pact", "Britain signs its own pact with China"]), `${status} ${JSON.stringify(t)}`);
  check("the title match ranks first", t[0] === "Firm reports intrusions after the September pact", JSON.stringify(t));
  check("result links carry the base path", (await links(page)).every((h) => h.startsWith(prefix + "articles/")), JSON.stringify(await links(page)));
  check("the query is in the address", new URL(page.url()).searchParams.get("q") === "intrusions", page.url());

  await page.selectOption("#search-party", "United Kingdom");
  await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("Party: United Kingdom"), null, { timeout: 20000 });
  status = await settled(page);
  t = await titles(page);
  check("the party filter narrows the results", same(t, ["Britain signs its own pact with China"]), `${status} ${JSON.stringify(t)}`);
  check("the filter is in the address", new URL(page.url()).searchParams.get("party") === "United Kingdom", page.url());

  // Newest first.
  await page.selectOption("#search-party", "");
  await page.waitForFunction(() => !document.getElementById("search-status").textContent.includes("Party:"), null, { timeout: 20000 });
  await page.selectOption("#search-sort", "newest");
  await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("by date"), null, { timeout: 20000 });
  status = await settled(page);
  t = await titles(page);
  check("sorting by date puts the newest first", JSON.stringify(t) === JSON.stringify(["Britain signs its own pact with China", "Firm reports intrusions after the September pact"]), `${status} ${JSON.stringify(t)}`);
  await page.selectOption("#search-sort", "");
  await page.selectOption("#search-party", "United Kingdom");

  // A filter alone lists everything it matches.
  await page.locator("#search-q").fill("");
  await page.locator("#search-q").press("Enter");
  await page.waitForFunction(() => !document.getElementById("search-status").textContent.includes("“"), null, { timeout: 20000 });
  status = await settled(page);
  t = await titles(page);
  check("a filter without words lists the party's pages", t.includes("United Kingdom") && t.includes("UK–China joint statement") && !t.includes("Germany and China open talks"), `${status} ${JSON.stringify(t)}`);

  // A linked search, found by a word that only the editor's note has.
  await page.goto(base + "search/?q=zeppelin");
  status = await settled(page);
  t = await titles(page);
  check("?q= runs the search on load", (await page.locator("#search-q").inputValue()) === "zeppelin");
  const places = await page.locator("#search-results .result-note a").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
  check(
    "a word only in a note finds the note, linked to its place",
    same(t, ["Germany and China open talks"]) && places.length === 1 && places[0][0] === prefix + "articles/2015-10-30-germany-talks/#note-1" && places[0][1] === "Note 1 (Context) on “a pledge like London's”",
    `${status} ${JSON.stringify(t)} ${JSON.stringify(places)}`,
  );
  const ctx = await page.locator("#search-results .search-result .meta").first().textContent();
  check("the result says what it is, where and when", ctx.trim() === "Report · The Example · 30 October 2015", ctx);

  // The index is sharded by year (2017 is loaded first, then 2015, 2014 and the undated).
  status = await search(page, "quokka");
  t = await titles(page);
  check("a word found only in another shard's report is found", same(t, ["An early warning on trade secrets"]), `${status} ${JSON.stringify(t)}`);
  status = await search(page, "pact");
  const all = await titles(page);
  await page.selectOption("#search-party", "United States");
  await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("Party: United States"), null, { timeout: 20000 });
  status = await settled(page);
  t = await titles(page);
  check(
    "a filter narrows across shards",
    t.includes("Two years on, the pact holds quietly") && t.includes("An early warning on trade secrets") && !t.includes("Britain signs its own pact with China") && all.includes("Britain signs its own pact with China") && t.length < all.length,
    `${status} ${JSON.stringify(t)} of ${JSON.stringify(all)}`,
  );
  await page.selectOption("#search-party", "");
  await page.waitForFunction(() => !document.getElementById("search-status").textContent.includes("Party:"), null, { timeout: 20000 });
  for (const [sort, cmp] of [["newest", (a, b) => a >= b], ["oldest", (a, b) => a <= b]]) {
    await page.selectOption("#search-sort", sort);
    await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("by date"), null, { timeout: 20000 });
    await settled(page);
    const dates = await page.locator("#search-results .search-result .meta time").evaluateAll((ts) => ts.map((x) => x.getAttribute("datetime")));
    const ordered = dates.every((d, i) => i === 0 || cmp(dates[i - 1], d));
    const years = new Set(dates.map((d) => d.slice(0, 4)));
    check(`sorting by date (${sort}) is exact across shards`, ordered && years.has("2017") && years.has("2015") && years.has("2014") && dates.length === all.filter((x) => !["United States", "About"].includes(x)).length, JSON.stringify(dates));
    await page.selectOption("#search-sort", "");
    await page.waitForFunction(() => !document.getElementById("search-status").textContent.includes("by date"), null, { timeout: 20000 });
    await settled(page);
  }

  status = await search(page, "qwxzzyq");
  check("says plainly when nothing matches", /^No results for “qwxzzyq”/.test(status) && (await titles(page)).length === 0, status);

  // Keyboard only: type, Enter, Tab to the first result, Enter follows it.
  await page.goto(base + "search/");
  await page.waitForSelector("form.search-form:not([hidden])");
  await page.keyboard.type("pledge");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("“pledge”"), null, { timeout: 20000 });
  await settled(page);
  const first = (await links(page))[0];
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => !!document.activeElement?.closest(".result-title"));
  }
  check("Tab reaches the results", reached);
  if (reached) {
    await Promise.all([page.waitForURL((u) => u.pathname === first.split("#")[0]), page.keyboard.press("Enter")]);
    check("Enter on a result opens its page", new URL(page.url()).pathname === first.split("#")[0], page.url());
  }

  // Reachable from every page's header.
  await page.goto(base);
  const href = await page.locator(".site-header nav a", { hasText: "Search" }).getAttribute("href");
  check("the header links to the search page", href === prefix + "search/", href);

  check("no request left 127.0.0.1", external.length === 0, external.join(" "));
  check("no script errors", errors.length === 0, errors.join(" | "));
}

async function archive(page, base) {
  await page.goto(base + "search/");
  await page.waitForSelector("form.search-form:not([hidden])");

  let status = await search(page, "Alperovitch");
  let t = await titles(page);
  check("'Alperovitch' finds the seed report", t.includes("UK, China mirror US anti-hacking pact"), `${status} ${JSON.stringify(t)}`);

  status = await search(page, "knowingly");
  t = await titles(page);
  check("'knowingly' finds the UK–China statement", t.some((x) => x.startsWith("UK–China Joint Statement")), `${status} ${JSON.stringify(t)}`);

  // More than a page of results: the rest come on request, focus on the first new one.
  const before = t.length;
  await page.locator("#search-more").press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("#search-results .result-title a").length > n, before, { timeout: 20000 });
  const after = (await titles(page)).length;
  const focused = await page.evaluate(() => document.activeElement?.closest(".search-result") === document.querySelectorAll("#search-results .search-result")[10]);
  check("'Show more' adds the next results and moves the focus to them", before === 10 && after > 10 && focused, `${before} → ${after}, focus moved: ${focused}`);

  status = await search(page, "apparatus");
  t = await titles(page);
  const notes = await page.locator("#search-results .result-note a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  const note = notes.find((h) => h.startsWith(prefix + "articles/2018-12-20-rosenstein-apt10-charges/#note-"));
  check("'apparatus' (only in one note) finds that note", t.length === 1 && notes.length === 1 && !!note, `${status} ${JSON.stringify(t)} ${JSON.stringify(notes)}`);
  if (note) {
    await page.goto(new URL(note, base).href);
    const id = note.split("#")[1];
    check("the note's link lands on the note", (await page.locator(`[id="${id}"]`).count()) === 1 && /apparatus/.test(await page.locator(`[id="${id}"]`).textContent()), note);
  }
}

// Words and phrases from the archive: names, rare and common words, two-word
// queries, a stemmed form, a word only in notes.
const RANKING_QUERIES = [
  "knowingly", "China", "hacking", "commercial advantage", "espionage", "Alperovitch",
  "CrowdStrike", "intellectual property", "trade secrets", "G20", "Xi Jinping", "Obama",
  "indictment", "APT10", "MenuPass", "theft", "agreement", "United Kingdom", "Germany",
  "Australia", "Canada", "FireEye", "pact", "mirrors", "summit", "sanctions", "cyber",
  "state-sponsored", "Rosenstein", "dialogue",
];

async function rankingOf(page, base) {
  const out = {};
  for (const q of RANKING_QUERIES) {
    for (const sort of ["", "newest"]) {
      await page.goto(`${base}search/?q=${encodeURIComponent(q)}${sort ? "&sort=" + sort : ""}`);
      const status = await settled(page);
      out[`${q}|${sort}`] = { count: status.match(/^\d+|^No/)?.[0], top: await links(page) };
    }
  }
  return out;
}

async function ranking(page, base) {
  const sharded = await rankingOf(page, base);
  // The single index, served from the same address.
  server.close();
  publicDir = path.resolve(opt("--single"));
  server = await serve();
  const single = await rankingOf(page, base);
  let compared = 0;
  for (const [k, want] of Object.entries(single)) {
    const got = sharded[k];
    const same = got.count === want.count && JSON.stringify(got.top) === JSON.stringify(want.top);
    compared += want.top.length ? 1 : 0;
    check(`'${k}' ranks as one index does`, same, same ? `${want.count} results` : `sharded ${got.count} ${JSON.stringify(got.top)}\n      single  ${want.count} ${JSON.stringify(want.top)}`);
  }
  check("at least 20 queries with results were compared", compared >= 40, `${compared} (query, order) pairs`);
}

async function overlay(page, base) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(base + "search/");
  await page.waitForSelector("form.search-form:not([hidden])");
  let status = await search(page, "wombat");
  let t = await titles(page);
  check("a word added by the edit finds the edited report", same(t, ["Germany and China open talks"]), `${status} ${JSON.stringify(t)}`);
  status = await search(page, "blimp");
  t = await titles(page);
  check("the edited note is found by its new word", same(t, ["Germany and China open talks"]), `${status} ${JSON.stringify(t)}`);
  status = await search(page, "zeppelin");
  check("a word the edit removed finds nothing (the stale record is left out)", /^No results/.test(status), status);
  status = await search(page, "pact");
  const all = await titles(page);
  check("the edited report comes once", all.filter((x) => x === "Germany and China open talks").length === 1, JSON.stringify(all));
  for (const [sort, cmp] of [["newest", (a, b) => a >= b], ["oldest", (a, b) => a <= b]]) {
    await page.selectOption("#search-sort", sort);
    await page.waitForFunction(() => document.getElementById("search-status").textContent.includes("by date"), null, { timeout: 20000 });
    await settled(page);
    const dates = await page.locator("#search-results .search-result .meta time").evaluateAll((ts) => ts.map((x) => x.getAttribute("datetime")));
    const t2 = await titles(page);
    const ordered = dates.every((d, i) => i === 0 || cmp(dates[i - 1], d));
    const years = new Set(dates.map((d) => d.slice(0, 4)));
    check(
      `sorted by date (${sort}), the edited report is in its place among other shards' results, once`,
      ordered && t2.filter((x) => x === "Germany and China open talks").length === 1 && dates.includes("2015-10-30") && years.has("2014") && years.has("2017"),
      `${JSON.stringify(dates)} ${JSON.stringify(t2)}`,
    );
    await page.selectOption("#search-sort", "");
    await page.waitForFunction(() => !document.getElementById("search-status").textContent.includes("by date"), null, { timeout: 20000 });
    await settled(page);
  }
  check("no script errors", errors.length === 0, errors.join(" | "));
}

async function measure(page, base) {
  // Everything from a cold page load to the first page of results.
  served = [];
  await page.goto(base + "search/");
  await page.waitForSelector("form.search-form:not([hidden])");
  const status = await search(page, query);
  // Pagefind's own files come gzipped (pf_*, the wasm); the page, CSS and JS are
  // plain, so also give what a server that gzips text (as GitHub Pages does) sends.
  const gz = (p) => zlib.gzipSync(fs.readFileSync(path.join(publicDir, decodeURIComponent(p).slice(prefix.length).replace(/\/$/, "/index.html")))).length;
  const kind = (p) =>
    /pf_fragment$/.test(p) ? "fragments" : /pf_index$/.test(p) ? "index chunks" : /pf_filter$/.test(p) ? "filter chunks" : /pf_meta$/.test(p) ? "meta" : p.startsWith(prefix + "pagefind/") ? p.slice(prefix.length) : "page, CSS, search.js";
  const kinds = {};
  let total = 0;
  let totalGz = 0;
  for (const s of served) {
    const z = /(\/|\.html|\.js|\.css|\.json)$/.test(s.path) ? gz(s.path) : s.bytes;
    const k = (kinds[kind(s.path)] ||= { files: 0, bytes: 0, gzip: 0 });
    k.files++;
    k.bytes += s.bytes;
    k.gzip += z;
    total += s.bytes;
    totalGz += z;
  }
  console.log(JSON.stringify({ query, status, total_bytes: total, total_bytes_text_gzipped: totalGz, by_kind: kinds }, null, 1));
  check(`search for '${query}' downloaded ${total} bytes (${totalGz} with text gzipped)`, total > 0 && /result/.test(status), status);
}

let server = await serve();
const actualPort = server.address().port;
const base = `http://127.0.0.1:${actualPort}${prefix}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const watchdog = setTimeout(() => {
  console.error("FAIL timed out after 120 s");
  process.exit(1);
}, 120000);
let failed = false;
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(20000);
  await { fixture, archive, measure, ranking, overlay }[scenario](page, base);
} catch (e) {
  console.error(`FAIL ${scenario}: ${e.stack || e}`);
  failed = true;
} finally {
  clearTimeout(watchdog);
  await browser.close();
  server.close();
}
const bad = results.filter((r) => !r.ok).length;
console.log(`${results.length - bad} passed, ${bad + (failed ? 1 : 0)} failed`);
process.exit(bad || failed ? 1 : 0);
