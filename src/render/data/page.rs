//! The `/data/` page's context: the files with their URLs, the archive's
//! counts, the field tables of `archive.json` (read from the derived schema,
//! so the page documents exactly what the schema declares), the CSV columns
//! and the note motivations.

use serde_json::{json, Value};

use super::csv::{ACTOR_COLUMNS, AGREEMENT_COLUMNS, RELATION_COLUMNS};
use super::jsonld::{motivation, BODY_SELECTOR};
use super::{
    ACTORS_CSV, AGREEMENTS_CSV, ANNOTATIONS_JSONLD, ARCHIVE_JSON, ARCHIVE_SCHEMA, RELATIONS_CSV,
};
use crate::resolve::Archive;

/// Fields of a `$defs` entry of the schema, for the data page.
fn schema_fields(schema: &Value, def: &str) -> Vec<Value> {
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
                .map(|(name, p)| {
                    json!({
                        "name": name,
                        "type": type_label(p),
                        "required": required.contains(&name.as_str()),
                        "description": p["description"],
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

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

/// `page` for the data page.
pub fn page(a: &Archive, schema: &Value) -> Value {
    let u = &a.urls;
    let file = |rel: &str| json!({"url": u.path(rel), "absolute_url": u.absolute(rel), "name": rel.trim_start_matches("data/")});
    let columns = |cols: &[(&str, &str)]| -> Vec<Value> {
        cols.iter()
            .map(|(n, d)| json!({"name": n, "description": d}))
            .collect()
    };
    let tables: Vec<Value> = [
        ("report", "Reports", "reports"),
        ("source", "A report’s source", "reports[].source"),
        ("agreement", "Agreements", "agreements"),
        ("clause", "An agreement’s clauses", "agreements[].clauses"),
        ("party", "Parties", "parties"),
        ("actor", "Threat actors", "actors"),
        ("attribution", "An actor's attributions", "actors[].attribution"),
        ("relation", "Relations", "relations"),
    ]
    .iter()
    .map(|(def, title, key)| json!({"name": def, "title": title, "key": key, "fields": schema_fields(schema, def)}))
    .collect();
    let notes: usize = a.content.articles.iter().map(|e| e.body.notes.len()).sum();
    json!({
        "title": "Open data",
        "summary": "The whole archive as JSON, CSV and W3C Web Annotations, free to download and reuse.",
        "licence": a.config.licence,
        "counts": {
            "reports": a.content.articles.len(),
            "agreements": a.content.agreements.len(),
            "parties": a.content.parties.len(),
            "actors": a.content.actors.len(),
            "relations": a.relations.len(),
            "notes": notes,
        },
        "archive_json": file(ARCHIVE_JSON),
        "archive_schema": file(ARCHIVE_SCHEMA),
        "agreements_csv": file(AGREEMENTS_CSV),
        "relations_csv": file(RELATIONS_CSV),
        "actors_csv": file(ACTORS_CSV),
        "annotations_jsonld": file(ANNOTATIONS_JSONLD),
        "feed": file("feed.xml"),
        "sitemap": file("sitemap.xml"),
        "tables": tables,
        "agreement_columns": columns(AGREEMENT_COLUMNS),
        "relation_columns": columns(RELATION_COLUMNS),
        "actor_columns": columns(ACTOR_COLUMNS),
        "body_selector": BODY_SELECTOR,
        "motivations": a.config.annotation_kinds.iter().map(|(k, t)| json!({"key": k, "label": t.label, "motivation": motivation(k)})).collect::<Vec<_>>(),
        "example_agreement_feed": a.agreements_by_date.first().map(|&i| {
            let slug = &a.content.agreements[i].slug;
            json!({"title": a.content.agreements[i].meta.short_title, "url": u.path(&crate::render::feeds::agreement_feed_path(slug))})
        }),
    })
}
