//! The `/data/` page's context, typed: the files with their URLs, the
//! archive's counts, the field tables of `archive.json` (read from the derived
//! schema, so the page documents exactly what the schema declares), the CSV
//! columns and the note motivations.

use serde::Serialize;
use serde_json::Value;

use super::csv::{ACTOR_COLUMNS, AGREEMENT_COLUMNS, RELATION_COLUMNS};
use super::jsonld::{motivation, BODY_SELECTOR};
use super::{
    ACTORS_CSV, AGREEMENTS_CSV, ANNOTATIONS_JSONLD, ARCHIVE_JSON, ARCHIVE_SCHEMA, RELATIONS_CSV,
};
use crate::render::context::PageContext;
use crate::resolve::Archive;

/// `page` of `data.html`.
#[derive(Serialize)]
pub struct DataPage<'a> {
    /// "Open data".
    pub title: &'static str,
    /// The dek.
    pub summary: &'static str,
    /// The archive's licence, from `site.yaml`.
    pub licence: Option<&'a str>,
    /// How many of each thing the files hold.
    pub counts: Counts,
    /// `archive.json`.
    pub archive_json: File,
    /// `archive.schema.json`.
    pub archive_schema: File,
    /// `agreements.csv`.
    pub agreements_csv: File,
    /// `relations.csv`.
    pub relations_csv: File,
    /// `actors.csv`.
    pub actors_csv: File,
    /// `annotations.jsonld`.
    pub annotations_jsonld: File,
    /// The archive's Atom feed.
    pub feed: File,
    /// The sitemap.
    pub sitemap: File,
    /// The field tables of `archive.json`'s records.
    pub tables: Vec<Table<'a>>,
    /// Columns of `agreements.csv`.
    pub agreement_columns: Vec<Column>,
    /// Columns of `relations.csv`.
    pub relation_columns: Vec<Column>,
    /// Columns of `actors.csv`.
    pub actor_columns: Vec<Column>,
    /// The CSS selector the notes' text positions count in.
    pub body_selector: &'static str,
    /// Each note kind with the W3C motivation it is published under.
    pub motivations: Vec<Motivation<'a>>,
    /// The oldest agreement's feed, as an example of the per-agreement feeds.
    pub example_agreement_feed: Option<FeedLink<'a>>,
}

impl PageContext for DataPage<'_> {
    fn title(&self) -> &str {
        self.title
    }
}

/// How many reports, agreements, parties, actors, relations and notes there are.
#[derive(Serialize)]
pub struct Counts {
    /// Reports.
    pub reports: usize,
    /// Agreements.
    pub agreements: usize,
    /// Parties.
    pub parties: usize,
    /// Threat actors.
    pub actors: usize,
    /// Relations.
    pub relations: usize,
    /// Editors' notes.
    pub notes: usize,
}

/// A file of the site, linked from the page.
#[derive(Serialize)]
pub struct File {
    /// Its path on the site (`/archive/data/archive.json`).
    pub url: String,
    /// Its absolute URL.
    pub absolute_url: String,
    /// Its name within `data/` (`archive.json`).
    pub name: &'static str,
}

/// The fields of one kind of record of `archive.json`.
#[derive(Serialize)]
pub struct Table<'s> {
    /// The record's name in the schema's `$defs` (the heading's anchor).
    pub name: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Where the records are in the file (`reports[].source`).
    pub key: &'static str,
    /// Its fields, by name.
    pub fields: Vec<Field<'s>>,
}

/// One field of a record, as the schema declares it.
#[derive(Serialize)]
pub struct Field<'s> {
    /// Key.
    pub name: &'s str,
    /// Its type in words (`list of slug`, `URL or null`, `one of state, …`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the key is always present.
    pub required: bool,
    /// The schema's description of it.
    pub description: Option<&'s str>,
}

/// A CSV column.
#[derive(Serialize)]
pub struct Column {
    /// Header.
    pub name: &'static str,
    /// Meaning.
    pub description: &'static str,
}

/// A note kind and its motivation.
#[derive(Serialize)]
pub struct Motivation<'a> {
    /// The kind's key.
    pub key: &'a str,
    /// Its label.
    pub label: &'a str,
    /// The W3C motivation.
    pub motivation: &'static str,
}

/// A link to an agreement's feed.
#[derive(Serialize)]
pub struct FeedLink<'a> {
    /// The agreement's short title.
    pub title: &'a str,
    /// The feed's path on the site.
    pub url: String,
}

/// Fields of a `$defs` entry of the schema, for the data page.
fn schema_fields<'s>(schema: &'s Value, def: &str) -> Vec<Field<'s>> {
    let d = &schema["$defs"][def];
    let required: Vec<&str> = d["required"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    d["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .map(|(name, p)| Field {
                    name,
                    kind: type_label(p),
                    required: required.contains(&name.as_str()),
                    description: p["description"].as_str(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The type of a schema property in words, for the field tables.
fn type_label(p: &Value) -> String {
    if let Some(r) = p["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).replace('_', " ");
    }
    if let Some(e) = p["enum"].as_array() {
        return format!(
            "one of {}",
            e.iter()
                .map(|v| v.as_str().unwrap_or("null"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let base = match &p["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => String::new(),
    };
    match base.as_str() {
        "array" => format!("list of {}", type_label(&p["items"])),
        "object" => "object".into(),
        _ if p["format"] == "uri" => base.replace("string", "URL"),
        _ => base,
    }
}

/// `page` for the data page; `schema` is `archive.json`'s derived schema.
pub fn page<'a>(a: &'a Archive, schema: &'a Value) -> DataPage<'a> {
    let u = &a.urls;
    let file = |rel: &'static str| File {
        url: u.path(rel),
        absolute_url: u.absolute(rel),
        name: rel.trim_start_matches("data/"),
    };
    let columns = |cols: &[(&'static str, &'static str)]| -> Vec<Column> {
        cols.iter()
            .map(|&(name, description)| Column { name, description })
            .collect()
    };
    let tables = [
        ("report", "Reports", "reports"),
        ("source", "A report’s source", "reports[].source"),
        ("agreement", "Agreements", "agreements"),
        ("clause", "An agreement’s clauses", "agreements[].clauses"),
        ("party", "Parties", "parties"),
        ("actor", "Threat actors", "actors"),
        (
            "attribution",
            "An actor's attributions",
            "actors[].attribution",
        ),
        ("relation", "Relations", "relations"),
    ]
    .into_iter()
    .map(|(name, title, key)| Table {
        name,
        title,
        key,
        fields: schema_fields(schema, name),
    })
    .collect();
    DataPage {
        title: "Open data",
        summary:
            "The whole archive as JSON, CSV and W3C Web Annotations, free to download and reuse.",
        licence: a.config.licence.as_deref(),
        counts: Counts {
            reports: a.content.articles.len(),
            agreements: a.content.agreements.len(),
            parties: a.content.parties.len(),
            actors: a.content.actors.len(),
            relations: a.relations.len(),
            notes: a.content.articles.iter().map(|e| e.body.notes.len()).sum(),
        },
        archive_json: file(ARCHIVE_JSON),
        archive_schema: file(ARCHIVE_SCHEMA),
        agreements_csv: file(AGREEMENTS_CSV),
        relations_csv: file(RELATIONS_CSV),
        actors_csv: file(ACTORS_CSV),
        annotations_jsonld: file(ANNOTATIONS_JSONLD),
        feed: file("feed.xml"),
        sitemap: file("sitemap.xml"),
        tables,
        agreement_columns: columns(AGREEMENT_COLUMNS),
        relation_columns: columns(RELATION_COLUMNS),
        actor_columns: columns(ACTOR_COLUMNS),
        body_selector: BODY_SELECTOR,
        motivations: a
            .config
            .annotation_kinds
            .iter()
            .map(|(k, t)| Motivation {
                key: k,
                label: &t.label,
                motivation: motivation(k),
            })
            .collect(),
        example_agreement_feed: a.agreements_by_date.first().map(|&i| {
            let g = &a.content.agreements[i];
            FeedLink {
                title: &g.meta.short_title,
                url: u.path(&crate::render::feeds::agreement_feed_path(&g.slug)),
            }
        }),
    }
}
