// Browser test of how the built archive reads: serves a built site from
// 127.0.0.1, drives Debian's Chromium headless through playwright-core (one
// browser, one reused page per viewport) and checks
//
//   notes  every report at 1280 px: each margin note's top is within 300 px of
//          its reference's top, notes do not overlap each other, the text or the
//          aside; at most one note in ten (per report, rounded up, and over the
//          archive) is left as an endnote, and those are really shown as
//          endnotes below the text; a cut note’s “More” button opens it; "Back to
//          text" leaves room above the reference for its focus ring
//   axe    axe-core (every rule it runs by default) on EVERY page of the site at 375 and 1280 px, light and
//          dark, with no rule disabled; any violation fails
//
//   node tests/browser/reading.spec.mjs notes|axe|all <public-dir> --port N [--prefix /]
//
// The site must have been built with --base-url http://127.0.0.1:<port><prefix>.
// Prints one line per check (and every violation) and exits 0 when all pass.
// Set CHROMIUM to use another browser binary (default /usr/bin/chromium).

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { createRequire } from "node:module";

// axe-core is loaded into every page before the page's own scripts (rather than
// injected after load for each run, as @axe-core/playwright does, which made the
// 376 runs several times slower) and asked only for violations.
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
const scenario = args[0];
const publicDir = args[1] && path.resolve(args[1]);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt("--port", "0"));
const prefix = opt("--prefix", "/");
if (!["notes", "axe", "all"].includes(scenario) || !publicDir || !fs.existsSync(publicDir)) {
  console.error("usage: node tests/browser/reading.spec.mjs notes|axe|all <public-dir> --port N [--prefix /]");
  process.exit(2);
}

const MAX_DRIFT = 300;

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

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("outside the site");
      return;
    }
    let file = path.join(publicDir, rel.slice(prefix.length));
    if (!file.startsWith(publicDir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(fs.readFileSync(path.join(publicDir, "404.html")));
      return;
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

// Every HTML page of the site, as a path under the prefix (404.html is asked
// for at an address that does not exist, as a reader meets it).
function pages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) {
        const rel = path.relative(publicDir, p).split(path.sep).join("/");
        if (rel === "404.html") out.push("no-such-page/");
        else out.push(rel.replace(/(^|\/)index\.html$/, "$1"));
      }
    }
  };
  walk(publicDir);
  return out;
}

let failed = 0;
function check(name, ok, detail = "") {
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

// Geometry of one report's notes, as the reader sees them.
function measure() {
  const rect = (el) => el.getBoundingClientRect();
  const prose = document.querySelector(".report-body .prose");
  const aside = document.querySelector(".report-aside");
  const notes = [...document.querySelectorAll("#notes li.note")].map((li) => {
    const n = li.id.replace("note-", "");
    const ref = document.getElementById(`ref-${n}`);
    const r = rect(li);
    const cs = getComputedStyle(li);
    return {
      n,
      endnote: li.classList.contains("endnote"),
      sidenote: li.classList.contains("sidenote"),
      position: cs.position,
      visible: cs.display !== "none" && cs.visibility !== "hidden" && r.height > 0,
      top: r.top,
      bottom: r.bottom,
      left: r.left,
      right: r.right,
      refTop: ref ? rect(ref).top : null,
    };
  });
  const p = rect(prose);
  return {
    notes,
    prose: { top: p.top, bottom: p.bottom, right: p.right },
    aside: aside ? { left: rect(aside).left } : null,
  };
}

async function notesScenario(browser, base) {
  const reports = pages().filter((p) => /^articles\/[^/]+\/$/.test(p) && !p.startsWith("articles/page/"));
  check("the archive has reports", reports.length > 0, String(reports.length));
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  let total = 0;
  let endnotes = 0;
  let worst = { d: 0, where: "" };
  let clampedSeen = null;
  for (const rel of reports) {
    await page.goto(base + rel);
    const m = await page.evaluate(measure);
    if (m.notes.length === 0) continue;
    total += m.notes.length;
    const ends = m.notes.filter((n) => n.endnote);
    endnotes += ends.length;
    const bad = [];
    for (const n of m.notes) {
      if (n.endnote) {
        // A real endnote: in the flow below the text, visible.
        if (n.sidenote || n.position === "absolute" || !n.visible || n.top < m.prose.bottom) bad.push(`note ${n.n} is not shown as an endnote (${JSON.stringify(n)})`);
        continue;
      }
      if (!n.sidenote || n.position !== "absolute" || !n.visible) {
        bad.push(`note ${n.n} is neither in the margin nor an endnote (${JSON.stringify(n)})`);
        continue;
      }
      const d = Math.abs(n.top - n.refTop);
      if (d > worst.d) worst = { d, where: `${rel} note ${n.n}` };
      if (d > MAX_DRIFT) bad.push(`note ${n.n} is ${Math.round(d)} px from its reference`);
      if (n.left < m.prose.right) bad.push(`note ${n.n} overlaps the text`);
      if (m.aside && n.right > m.aside.left) bad.push(`note ${n.n} overlaps the aside`);
    }
    const side = m.notes.filter((n) => n.sidenote).sort((a, b) => a.top - b.top);
    for (let i = 1; i < side.length; i++) {
      if (side[i].top < side[i - 1].bottom) bad.push(`notes ${side[i - 1].n} and ${side[i].n} overlap`);
    }
    const allowed = Math.ceil(m.notes.length / 10);
    if (ends.length > allowed) bad.push(`${ends.length} of ${m.notes.length} notes are endnotes (at most ${allowed})`);
    check(`${rel}: ${m.notes.length} notes beside their words`, bad.length === 0, bad.join("; ") || `${ends.length} endnote(s)`);
    if (!clampedSeen && (await page.locator("li.note.clamped button.note-more").count()) > 0) clampedSeen = rel;
  }
  check("one note in ten at most is an endnote over the archive", endnotes * 10 <= total, `${endnotes} of ${total}`);
  console.log(`     farthest margin note: ${Math.round(worst.d)} px (${worst.where})`);

  // "More" opens a cut note in place, and "Less" cuts it again.
  check("some long note is cut with a More button", clampedSeen !== null);
  if (clampedSeen) {
    await page.goto(base + clampedSeen);
    const id = await page.locator("li.note.clamped").first().getAttribute("id");
    const li = page.locator(`#${id}`);
    const btn = page.locator(`#${id} button.note-more`);
    const hidden = () => page.evaluate((id) => {
      const t = document.querySelector(`#${id} .note-body`);
      return t.scrollHeight - t.clientHeight;
    }, id);
    check("a cut note hides part of its text", (await hidden()) > 0);
    await btn.click();
    check("More opens it", (await btn.getAttribute("aria-expanded")) === "true" && (await hidden()) <= 1 && !(await li.evaluate((e) => e.classList.contains("clamped"))));
    const overlaps = await page.evaluate(() => {
      const side = [...document.querySelectorAll("li.note.sidenote")].map((li) => li.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      return side.some((r, i) => i > 0 && r.top < side[i - 1].bottom);
    });
    check("the opened note pushes the others instead of covering them", !overlaps);
    await btn.click();
    check("Less cuts it again", (await btn.getAttribute("aria-expanded")) === "false" && (await hidden()) > 0);
  }

  // "Back to text" lands the reference below the top edge, ring and all.
  const withNotes = reports[0];
  await page.goto(base + withNotes);
  const back = page.locator("a[role=doc-backlink]").first();
  if ((await back.count()) > 0) {
    const n = (await back.getAttribute("href")).slice(1);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await back.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => location.hash === `#${n}`, n);
    const top = await page.evaluate((n) => document.getElementById(n).getBoundingClientRect().top, n);
    check("Back to text leaves room above the reference for its focus ring", top >= 16, `${Math.round(top)} px from the top`);
  }
  check("no script errors on the report pages", errors.length === 0, errors.join("; "));
  await ctx.close();
}

async function axeScenario(browser, base) {
  const all = pages();
  check("the site has pages", all.length > 0, String(all.length));
  let violations = 0;
  let runs = 0;
  const pass = async (width, colorScheme) => {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
    await ctx.addInitScript({ content: AXE });
    const page = await ctx.newPage();
    const bad = [];
    for (const rel of all) {
      await page.goto(base + rel);
      // Every rule axe-core runs by default (WCAG 2.x A and AA and best
      // practices); none is disabled.
      const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      runs++;
      for (const v of r.violations) {
        violations++;
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
        bad.push(`${rel}: ${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help} — ${where}${v.nodes.length > 3 ? ", …" : ""}`);
      }
    }
    await ctx.close();
    return () => check(`axe-core: no violation on ${all.length} pages at ${width} px, ${colorScheme}`, bad.length === 0, bad.length ? `\n       ${bad.join("\n       ")}` : "");
  };
  // Two viewports at a time: the machine has two cores.
  for (const width of [375, 1280]) {
    const reports = await Promise.all([pass(width, "light"), pass(width, "dark")]);
    reports.forEach((report) => report());
  }
  console.log(`     ${runs} axe-core runs, ${violations} violations`);
}

const server = await serve();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
const base = `http://127.0.0.1:${port}${prefix}`;
try {
  if (scenario === "notes" || scenario === "all") await notesScenario(browser, base);
  if (scenario === "axe" || scenario === "all") await axeScenario(browser, base);
} catch (e) {
  check("the browser run finished", false, e.stack || String(e));
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
