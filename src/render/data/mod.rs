//! The open-data module (route `Route::Data`): `data/archive.json` (every
//! report, agreement, party, threat actor and relation) with its JSON Schema
//! `data/archive.schema.json`, the CSV tables `data/agreements.csv`,
//! `data/relations.csv` and `data/actors.csv`, every editor's note as a W3C
//! Web Annotation in `data/annotations.jsonld`, and the `/data/` page that
//! documents them. This file holds the file names and the orders the exports
//! share; each file has its own module:
//!
//! - [`json`]: the types `archive.json` is written from, streamed entry by entry;
//! - [`values`]: its leaf values (ids, dates, URLs, enums, streamed lists), each
//!   with the JSON Schema it carries;
//! - [`schema`]: `archive.schema.json`, derived from those types;
//! - [`csv`]: the CSV tables, with spreadsheet formulas neutralised;
//! - [`jsonld`]: `annotations.jsonld`, streamed note by note;
//! - [`page`]: the `/data/` page's context (its field tables come from the schema).
//!
//! Object keys are written sorted, lists are sorted, the archive's own URLs are
//! absolute and come from [`crate::urls::Urls`], dates come from content: the files are
//! byte-identical from run to run. No export builds a `serde_json::Value` tree of
//! the archive: each is serialised from borrowed, typed records as it is written.

pub mod csv;
pub mod json;
pub mod jsonld;
pub mod page;
pub mod schema;
pub mod values;

use tera::Tera;

use super::context::Ctx;
use super::{render_page, Output};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key};

/// Site-relative path of the data page.
pub const PAGE: &str = "data/";
/// Site-relative paths of the files.
pub const ARCHIVE_JSON: &str = "data/archive.json";
/// The JSON Schema of `archive.json`.
pub const ARCHIVE_SCHEMA: &str = "data/archive.schema.json";
/// Agreements as CSV.
pub const AGREEMENTS_CSV: &str = "data/agreements.csv";
/// Relations as CSV.
pub const RELATIONS_CSV: &str = "data/relations.csv";
/// Threat actors' names as CSV, one row per name.
pub const ACTORS_CSV: &str = "data/actors.csv";
/// Editors' notes as W3C Web Annotations.
pub const ANNOTATIONS_JSONLD: &str = "data/annotations.jsonld";

/// Renders the data files and the data page.
pub fn render(tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    let a = ctx.archive;
    let schema = schema::archive_schema(a);
    vec![
        Ok(json::write(a)),
        Ok(Output {
            path: ARCHIVE_SCHEMA.into(),
            bytes: pretty(&schema),
        }),
        Ok(Output {
            path: AGREEMENTS_CSV.into(),
            bytes: csv::agreements_csv(a).into_bytes(),
        }),
        Ok(Output {
            path: RELATIONS_CSV.into(),
            bytes: csv::relations_csv(a).into_bytes(),
        }),
        Ok(Output {
            path: ACTORS_CSV.into(),
            bytes: csv::actors_csv(a).into_bytes(),
        }),
        Ok(jsonld::write(a)),
        render_page(tera, ctx, "data.html", PAGE, &page::page(a, &schema)),
    ]
}

/// `v` as pretty-printed JSON (two-space indent) with a final newline, written
/// straight into the output buffer; `capacity` is a guess at its size.
fn pretty_into(v: &impl serde::Serialize, capacity: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(capacity);
    // Writing into a Vec cannot fail, and the types have no map with non-string keys.
    let _ = serde_json::to_writer_pretty(&mut bytes, v);
    bytes.push(b'\n');
    bytes
}

/// [`pretty_into`] for a small value.
fn pretty(v: &impl serde::Serialize) -> Vec<u8> {
    pretty_into(v, 1 << 14)
}

/// Reports oldest first (date, then slug).
fn reports_in_order(a: &Archive) -> Vec<usize> {
    let mut v: Vec<usize> = (0..a.content.articles.len()).collect();
    let arts = &a.content.articles;
    v.sort_by(|&x, &y| {
        arts[x]
            .meta
            .date
            .cmp(&arts[y].meta.date)
            .then_with(|| arts[x].slug.cmp(&arts[y].slug))
    });
    v
}

fn slug_of(a: &Archive, k: Key) -> &str {
    a.entry(k).map(|e| e.slug).unwrap_or("")
}

/// One relation as both `archive.json` and `relations.csv` give it.
struct RelationRow<'a> {
    from: &'a str,
    from_key: Key,
    from_kind: &'static str,
    to: &'a str,
    to_key: Key,
    kind: &'a str,
    label: &'a str,
    inverse_label: &'a str,
    note: Option<&'a str>,
}

/// Every relation, sorted by (from kind, from, type, to).
fn relation_rows(a: &Archive) -> Vec<RelationRow<'_>> {
    let mut rows: Vec<RelationRow<'_>> = a
        .relations
        .iter()
        .map(|r| {
            let rt = a.config.relation_types.get(&r.kind);
            RelationRow {
                from: slug_of(a, r.from),
                from_key: r.from,
                from_kind: r.from.kind.name(),
                to: slug_of(a, r.to),
                to_key: r.to,
                kind: &r.kind,
                label: rt.map(|t| t.label.as_str()).unwrap_or(&r.kind),
                inverse_label: rt.map(|t| t.inverse_label()).unwrap_or(&r.kind),
                note: r.note.as_deref().map(str::trim),
            }
        })
        .collect();
    rows.sort_by(|x, y| {
        (x.from_kind, x.from, x.kind, x.to).cmp(&(y.from_kind, y.from, y.kind, y.to))
    });
    rows
}
