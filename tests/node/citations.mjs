// Parses an Annals page's citation files back with Citation.js (the library
// behind many reference tools) and prints what each one says, as JSON:
//
//   node tests/node/citations.mjs DIR      # DIR holds cite.bib, cite.ris, cite.json
//
// Exits 1 if a file does not parse or the three disagree on title, URL, date
// or publisher. Run by tests/testsuite/citations.rs (ignored: needs node and
// npm's @citation-js packages; .ci/run runs it).
import fs from "node:fs";
import path from "node:path";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-ris";

const dir = process.argv[2];
const read = (f) => fs.readFileSync(path.join(dir, f), "utf8");
const parsed = {
  bib: (await Cite.async(read("cite.bib"))).data,
  ris: (await Cite.async(read("cite.ris"))).data,
  json: (await Cite.async(JSON.parse(read("cite.json")))).data,
};
const summary = {};
for (const [format, items] of Object.entries(parsed)) {
  if (items.length !== 1) {
    console.error(`${format}: ${items.length} items, expected 1`);
    process.exit(1);
  }
  const it = items[0];
  summary[format] = {
    title: it.title,
    url: it.URL,
    issued: it.issued?.["date-parts"]?.[0],
    publisher: it.publisher,
    note: it.note,
  };
}
console.log(JSON.stringify(summary, null, 2));
const keys = ["title", "url", "issued", "publisher", "note"];
for (const k of keys) {
  const values = Object.values(summary).map((s) => JSON.stringify(s[k]));
  if (new Set(values).size !== 1) {
    console.error(`the formats disagree on ${k}: ${values.join(" / ")}`);
    process.exit(1);
  }
}
