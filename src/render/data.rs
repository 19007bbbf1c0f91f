//! Open data: `data/archive.json` (every report, agreement, party, threat
//! actor and relation) with its JSON Schema `data/archive.schema.json`, the
//! CSV tables `data/agreements.csv`, `data/relations.csv` and `data/actors.csv`, every editor's note as a W3C
//! Web Annotation in `data/annotations.jsonld`, and the `/data/` page that
//! documents them.
//!
//! JSON objects are `serde_json` maps (sorted keys), lists are sorted, URLs
//! are absolute and come from [`crate::urls::Urls`], dates come from content:
//! the files are byte-identical from run to run.

use serde_json::{json, Map, Value};
use tera::Tera;

use super::context::Ctx;
use super::{fill_links, render_page, Output};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Key, Kind, ResolvedLink};
use crate::urls::paths;

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

/// The CSS selector of the element whose text positions count in (the report body).
pub const BODY_SELECTOR: &str = ".report-body > .prose";

/// Renders the data files and the data page.
pub fn render(tera: &Tera, ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    let a = ctx.archive;
    let schema = archive_schema(a);
    vec![
        Ok(streamed_json_file(ARCHIVE_JSON, &archive_json(a))),
        Ok(json_file(ARCHIVE_SCHEMA, &schema)),
        Ok(Output {
            path: AGREEMENTS_CSV.into(),
            bytes: agreements_csv(a).into_bytes(),
        }),
        Ok(Output {
            path: RELATIONS_CSV.into(),
            bytes: relations_csv(a).into_bytes(),
        }),
        Ok(Output {
            path: ACTORS_CSV.into(),
            bytes: actors_csv(a).into_bytes(),
        }),
        Ok(streamed_json_file(
            ANNOTATIONS_JSONLD,
            &annotations_jsonld(a),
        )),
        render_page(tera, ctx, "data.html", PAGE, &page(a, &schema)),
    ]
}

fn json_file(path: &str, v: &Value) -> Output {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    Output {
        path: path.into(),
        bytes: s.into_bytes(),
    }
}

/// A JSON object whose large arrays are made one element at a time while
/// they are written, so the archive-wide exports never sit in memory as one
/// tree. Keys are written sorted, as `serde_json::Map` writes them.
pub struct Streamed<'a>(Vec<(&'static str, Field<'a>)>);

/// A value of a [`Streamed`] object.
pub enum Field<'a> {
    /// A small value, made up front.
    Value(Value),
    /// An object with streamed fields.
    Object(Streamed<'a>),
    /// An array whose elements are made as they are written.
    Items(Box<dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a>),
}

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut fields: Vec<&(&str, Field<'_>)> = self.0.iter().collect();
        fields.sort_by_key(|(k, _)| *k);
        let mut m = ser.serialize_map(Some(fields.len()))?;
        for (k, f) in fields {
            match f {
                Field::Value(v) => m.serialize_entry(k, v)?,
                Field::Object(o) => m.serialize_entry(k, o)?,
                Field::Items(items) => m.serialize_entry(k, &Items(items))?,
            }
        }
        m.end()
    }
}

struct Items<'s, 'a>(&'s (dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a));

impl serde::Serialize for Items<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq((self.0)())
    }
}

fn streamed_json_file(path: &str, v: &Streamed<'_>) -> Output {
    let mut bytes = Vec::with_capacity(1 << 16);
    let _ = serde_json::to_writer_pretty(&mut bytes, v);
    bytes.push(b'\n');
    Output {
        path: path.into(),
        bytes,
    }
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

/// One row per relation, sorted by (from kind, from, type, to).
struct RelationRow<'a> {
    from: &'a str,
    from_kind: &'static str,
    to: &'a str,
    kind: &'a str,
    label: &'a str,
    inverse_label: &'a str,
    note: Option<&'a str>,
    from_url: String,
    to_url: String,
}

fn relation_rows(a: &Archive) -> Vec<RelationRow<'_>> {
    let mut rows: Vec<RelationRow<'_>> = a
        .relations
        .iter()
        .map(|r| {
            let rt = a.config.relation_types.get(&r.kind);
            RelationRow {
                from: slug_of(a, r.from),
                from_kind: r.from.kind.name(),
                to: slug_of(a, r.to),
                kind: &r.kind,
                label: rt.map(|t| t.label.as_str()).unwrap_or(&r.kind),
                inverse_label: rt.map(|t| t.inverse_label()).unwrap_or(&r.kind),
                note: r.note.as_deref().map(str::trim),
                from_url: a.urls.absolute(&a.rel_path(r.from)),
                to_url: a.urls.absolute(&a.rel_path(r.to)),
            }
        })
        .collect();
    rows.sort_by(|x, y| {
        (x.from_kind, x.from, x.kind, x.to).cmp(&(y.from_kind, y.from, y.kind, y.to))
    });
    rows
}

/// `archive.json`.
pub fn archive_json(a: &Archive) -> Streamed<'_> {
    let c = &a.content;
    let u = &a.urls;
    let cfg = &a.config;
    let reports = move || -> Box<dyn Iterator<Item = Value> + '_> {
        Box::new(reports_in_order(a).into_iter().map(move |i| {
            let e = &c.articles[i];
            json!({
                "id": e.slug,
                "url": u.absolute(&paths::article(&e.slug)),
                "title": e.meta.title,
                "date": e.meta.date.iso(),
                "date_note": e.meta.date_note,
                "summary": e.meta.summary,
                "source": {
                    "publisher": e.meta.source.publisher,
                    "url": e.meta.source.url,
                    "author": e.meta.source.author,
                    "title": e.meta.source.title,
                },
                "parties": e.meta.parties,
                "tags": e.meta.tags,
                "agreements": e.meta.agreements,
                "actors": e.meta.actors,
                "note_count": e.body.notes.len(),
            })
        }))
    };
    let agreements: Vec<Value> = a
        .agreements_by_date
        .iter()
        .map(|&i| {
            let e = &c.agreements[i];
            let clauses: Vec<Value> = e
                .meta
                .clauses
                .iter()
                .map(|cl| {
                    let compared = a.clauses.get(&cl.id).is_some_and(|f| f.len() >= 2);
                    json!({
                        "id": cl.id,
                        "text": cl.text,
                        "comparison_url": compared.then(|| u.absolute(&paths::clause(&cl.id))),
                    })
                })
                .collect();
            json!({
                "id": e.slug,
                "url": u.absolute(&paths::agreement(&e.slug)),
                "feed_url": u.absolute(&super::feeds::agreement_feed_path(&e.slug)),
                "title": e.meta.title,
                "short_title": e.meta.short_title,
                "date": e.meta.date.iso(),
                "date_note": e.meta.date_note,
                "summary": e.meta.summary,
                "parties": e.meta.parties,
                "parties_confidence": e.meta.parties_confidence,
                "form": e.meta.form,
                "status": e.meta.status,
                "status_confidence": e.meta.status_confidence,
                "text_url": e.meta.text_url,
                "clauses": clauses,
                "actors": e.meta.actors,
                "reports": a.coverage[i].iter().map(|&r| c.articles[r].slug.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut parties: Vec<&crate::content::Entry<crate::content::model::PartyMeta>> =
        c.parties.iter().map(|e| e.as_ref()).collect();
    parties.sort_by(|x, y| x.slug.cmp(&y.slug));
    let parties: Vec<Value> = parties
        .into_iter()
        .map(|p| {
            json!({
                "id": p.slug,
                "url": u.absolute(&paths::party(&p.slug)),
                "title": p.meta.title,
                "kind": p.meta.kind,
                "summary": p.meta.summary,
            })
        })
        .collect();
    let actors: Vec<Value> = c
        .actors
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let (arts, agrs) = &a.actor_entries[i];
            json!({
                "id": x.slug,
                "url": u.absolute(&paths::actor(&x.slug)),
                "name": x.meta.title,
                "aliases": x.meta.aliases,
                "summary": x.meta.summary,
                "attribution": x.meta.attribution.iter().map(|at| json!({
                    "party": at.party,
                    "unit": at.unit,
                    "by": at.by,
                    "date": at.date.iso(),
                    "sources": at.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
                    "confidence": at.confidence,
                })).collect::<Vec<_>>(),
                "reports": arts.iter().map(|&r| c.articles[r].slug.as_str()).collect::<Vec<_>>(),
                "agreements": agrs.iter().map(|&g| c.agreements[g].slug.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let relations: Vec<Value> = relation_rows(a)
        .into_iter()
        .map(|r| {
            json!({
                "from": r.from,
                "from_kind": r.from_kind,
                "to": r.to,
                "type": r.kind,
                "label": r.label,
                "inverse_label": r.inverse_label,
                "note": r.note,
            })
        })
        .collect();
    let terms = |m: &indexmap::IndexMap<String, crate::config::Term>| -> Value {
        Value::Object(
            m.iter()
                .map(|(k, t)| {
                    (
                        k.clone(),
                        json!({"label": t.label, "description": t.description}),
                    )
                })
                .collect::<Map<String, Value>>(),
        )
    };
    let relation_types: Map<String, Value> = cfg
        .relation_types
        .iter()
        .map(|(k, t)| {
            (
                k.clone(),
                json!({"label": t.label, "inverse_label": t.inverse_label(), "symmetric": t.symmetric}),
            )
        })
        .collect();
    Streamed(vec![
        ("$schema", Field::Value(json!(u.absolute(ARCHIVE_SCHEMA)))),
        ("title", Field::Value(json!(cfg.title))),
        ("description", Field::Value(json!(cfg.description))),
        ("url", Field::Value(json!(u.absolute("")))),
        ("language", Field::Value(json!(cfg.language))),
        ("licence", Field::Value(json!(cfg.licence))),
        ("reports", Field::Items(Box::new(reports))),
        ("agreements", Field::Value(json!(agreements))),
        ("parties", Field::Value(json!(parties))),
        ("actors", Field::Value(json!(actors))),
        ("relations", Field::Value(json!(relations))),
        (
            "vocabularies",
            Field::Value(json!({
                "relation_types": relation_types,
                "annotation_kinds": terms(&cfg.annotation_kinds),
                "agreement_forms": terms(&cfg.agreement_forms),
                "agreement_statuses": terms(&cfg.agreement_statuses),
            })),
        ),
    ])
}

fn prop(schema: Value, description: &str) -> Value {
    let mut s = schema;
    if let Value::Object(m) = &mut s {
        m.insert("description".into(), json!(description));
    }
    s
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "required": required,
        "additionalProperties": false,
        "properties": properties,
    })
}

/// `archive.schema.json`: JSON Schema (draft 2020-12) of `archive.json`.
pub fn archive_schema(a: &Archive) -> Value {
    let string = || json!({"type": "string"});
    let nullable = || json!({"type": ["string", "null"]});
    let url = || json!({"type": "string", "format": "uri"});
    let slug = || json!({"$ref": "#/$defs/slug"});
    let slugs = || json!({"type": "array", "items": {"$ref": "#/$defs/slug"}});
    let date = || json!({"$ref": "#/$defs/date"});
    let confidence = || json!({"enum": ["unverified", null]});
    let report = object(
        &[
            "id",
            "url",
            "title",
            "date",
            "date_note",
            "summary",
            "source",
            "parties",
            "tags",
            "agreements",
            "actors",
            "note_count",
        ],
        json!({
            "id": prop(slug(), "The report’s id: its file name without .md."),
            "url": prop(url(), "The report’s page in the archive."),
            "title": prop(string(), "Headline, as the archive gives it."),
            "date": prop(date(), "Publication date of the original report."),
            "date_note": prop(nullable(), "Why the date is uncertain, when it is."),
            "summary": prop(string(), "One-sentence summary by the editors."),
            "source": prop(json!({"$ref": "#/$defs/source"}), "Where the report was originally published."),
            "parties": prop(slugs(), "Ids of the parties (states, organisations, companies) it concerns."),
            "tags": prop(slugs(), "Topic tags."),
            "agreements": prop(slugs(), "Ids of the agreements it covers."),
            "actors": prop(slugs(), "Ids of the threat actors it concerns."),
            "note_count": prop(json!({"type": "integer", "minimum": 0}), "How many editors’ notes it carries (see annotations.jsonld)."),
        }),
    );
    let source = object(
        &["publisher", "url", "author", "title"],
        json!({
            "publisher": prop(string(), "Publication name."),
            "url": prop(url(), "Address of the original report."),
            "author": prop(nullable(), "Byline, when known."),
            "title": prop(nullable(), "Original headline, when the archive’s title differs."),
        }),
    );
    let agreement = object(
        &[
            "id",
            "url",
            "feed_url",
            "title",
            "short_title",
            "date",
            "date_note",
            "summary",
            "parties",
            "parties_confidence",
            "form",
            "status",
            "status_confidence",
            "text_url",
            "clauses",
            "actors",
            "reports",
        ],
        json!({
            "id": prop(slug(), "The agreement’s id: its file name without .md."),
            "url": prop(url(), "The agreement’s page in the archive."),
            "feed_url": prop(url(), "Atom feed of the reports covering it."),
            "title": prop(string(), "Full title."),
            "short_title": prop(string(), "Short title."),
            "date": prop(date(), "Date signed or announced."),
            "date_note": prop(nullable(), "Why the date is uncertain, when it is."),
            "summary": prop(string(), "One-sentence summary by the editors."),
            "parties": prop(slugs(), "Ids of its parties."),
            "parties_confidence": prop(confidence(), "“unverified” when the sources do not settle the list of parties; null when they do."),
            "form": prop(slug(), "What kind of instrument it is: a key of vocabularies.agreement_forms."),
            "status": prop(slug(), "Where it stands: a key of vocabularies.agreement_statuses."),
            "status_confidence": prop(confidence(), "“unverified” when the sources do not settle the status; null when they do."),
            "text_url": prop(url(), "The primary text."),
            "clauses": prop(json!({"type": "array", "items": {"$ref": "#/$defs/clause"}}), "Official wordings of its key clauses."),
            "actors": prop(slugs(), "Ids of the threat actors it concerns."),
            "reports": prop(slugs(), "Ids of the reports covering it, oldest first."),
        }),
    );
    let actor = object(
        &[
            "id",
            "url",
            "name",
            "aliases",
            "summary",
            "attribution",
            "reports",
            "agreements",
        ],
        json!({
            "id": prop(slug(), "The actor's id: its file name without .md."),
            "url": prop(url(), "The actor's page in the archive."),
            "name": prop(string(), "The name the archive uses."),
            "aliases": prop(json!({"type": "array", "items": {"type": "string"}}), "Other published names of the same group, as written by whoever named it. An attribution is not an alias."),
            "summary": prop(string(), "One-sentence summary by the editors."),
            "attribution": prop(json!({"type": "array", "items": {"$ref": "#/$defs/attribution"}}), "Who attributed the group to which state, when, with sources."),
            "reports": prop(slugs(), "Ids of the reports that list it, newest first."),
            "agreements": prop(slugs(), "Ids of the agreements that list it, oldest first."),
        }),
    );
    let attribution = object(
        &["party", "unit", "by", "date", "sources", "confidence"],
        json!({
            "party": prop(slug(), "Id of the party (state) the group is attributed to."),
            "unit": prop(nullable(), "The body within it, when named (a military unit, a ministry's bureau)."),
            "by": prop(string(), "Who made the attribution."),
            "date": prop(date(), "When it was made public."),
            "sources": prop(json!({"type": "array", "items": {"type": "string", "format": "uri"}}), "Where it was made."),
            "confidence": prop(confidence(), "\"unverified\" when the editors could not read the attribution itself; null when they did."),
        }),
    );
    let clause = object(
        &["id", "text", "comparison_url"],
        json!({
            "id": prop(slug(), "Clause topic, shared by every agreement with a clause on it."),
            "text": prop(string(), "The wording, quoted from the primary text."),
            "comparison_url": prop(json!({"type": ["string", "null"], "format": "uri"}), "Page comparing the wordings across agreements, when two or more have this clause."),
        }),
    );
    let party = object(
        &["id", "url", "title", "kind", "summary"],
        json!({
            "id": prop(slug(), "The party’s code (its file name), like us or cn."),
            "url": prop(url(), "The party’s page in the archive."),
            "title": prop(string(), "Display name."),
            "kind": prop(json!({"enum": crate::content::model::PARTY_KINDS}), "State, organisation or company."),
            "summary": prop(string(), "One sentence about it."),
        }),
    );
    let relation = object(
        &[
            "from",
            "from_kind",
            "to",
            "type",
            "label",
            "inverse_label",
            "note",
        ],
        json!({
            "from": prop(slug(), "Id of the report or agreement that declares the relation."),
            "from_kind": prop(json!({"enum": ["agreement", "report"]}), "Whether from is an agreement or a report."),
            "to": prop(slug(), "Id of the agreement it points to."),
            "type": prop(slug(), "Relation type: a key of vocabularies.relation_types."),
            "label": prop(string(), "How the relation reads on the page of from (Mirrors)."),
            "inverse_label": prop(string(), "How it reads on the page of to (Mirrored by)."),
            "note": prop(nullable(), "The editors’ reason, in a sentence."),
        }),
    );
    let term = object(
        &["label", "description"],
        json!({
            "label": prop(string(), "Display label."),
            "description": prop(nullable(), "What the term means."),
        }),
    );
    let relation_type = object(
        &["label", "inverse_label", "symmetric"],
        json!({
            "label": prop(string(), "Label on the declaring page."),
            "inverse_label": prop(string(), "Label on the target page."),
            "symmetric": prop(json!({"type": "boolean"}), "Whether it reads the same both ways."),
        }),
    );
    let vocab = |item: &str, description: &str| {
        prop(
            json!({
                "type": "object",
                "propertyNames": {"$ref": "#/$defs/slug"},
                "additionalProperties": {"$ref": format!("#/$defs/{item}")},
            }),
            description,
        )
    };
    let vocabularies = object(
        &[
            "relation_types",
            "annotation_kinds",
            "agreement_forms",
            "agreement_statuses",
        ],
        json!({
            "relation_types": vocab("relation_type", "Relation types by key."),
            "annotation_kinds": vocab("term", "Kinds of editors’ notes by key."),
            "agreement_forms": vocab("term", "Agreement forms by key."),
            "agreement_statuses": vocab("term", "Agreement statuses by key."),
        }),
    );
    let list = |item: &str, description: &str| {
        prop(
            json!({"type": "array", "items": {"$ref": format!("#/$defs/{item}")}}),
            description,
        )
    };
    let mut root = object(
        &[
            "$schema",
            "title",
            "description",
            "url",
            "language",
            "licence",
            "reports",
            "agreements",
            "parties",
            "actors",
            "relations",
            "vocabularies",
        ],
        json!({
            "$schema": prop(url(), "The address of this schema."),
            "title": prop(string(), "The archive’s title."),
            "description": prop(string(), "What the archive is."),
            "url": prop(url(), "The archive’s home page."),
            "language": prop(string(), "BCP 47 language tag of the text."),
            "licence": prop(nullable(), "Licence of the data and text."),
            "reports": list("report", "Every archived report, oldest first."),
            "agreements": list("agreement", "Every agreement, oldest first."),
            "parties": list("party", "Every party, by id."),
            "actors": list("actor", "Every threat actor, by id, with its aliases and attributions."),
            "relations": list("relation", "Every typed relation, sorted by from_kind, from, type and to."),
            "vocabularies": prop(json!({"$ref": "#/$defs/vocabularies"}), "Labels and descriptions of the keys used in form, status, a relation’s type and a note’s kind."),
        }),
    );
    let m = root.as_object_mut().expect("object");
    m.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    m.insert("$id".into(), json!(a.urls.absolute(ARCHIVE_SCHEMA)));
    m.insert(
        "title".into(),
        json!(format!("{}: archive.json", a.config.title)),
    );
    m.insert(
        "description".into(),
        json!("Every report, agreement, party, threat actor and relation of the archive."),
    );
    m.insert(
        "$defs".into(),
        json!({
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "description": "An id: lowercase letters and digits, joined by single hyphens."},
            "date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "A calendar date, YYYY-MM-DD."},
            "report": report,
            "source": source,
            "agreement": agreement,
            "clause": clause,
            "party": party,
            "actor": actor,
            "attribution": attribution,
            "relation": relation,
            "vocabularies": vocabularies,
            "term": term,
            "relation_type": relation_type,
        }),
    );
    root
}

/// Columns of `agreements.csv`: name and meaning.
pub const AGREEMENT_COLUMNS: &[(&str, &str)] = &[
    ("id", "The agreement’s id (its file name without .md)."),
    ("short_title", "Short title."),
    ("title", "Full title."),
    ("date", "Date signed or announced, YYYY-MM-DD."),
    ("form", "Kind of instrument (a key of the agreement forms)."),
    (
        "status",
        "Where it stands (a key of the agreement statuses).",
    ),
    ("parties", "Party ids, separated by semicolons."),
    ("text_url", "The primary text."),
    ("url", "The agreement’s page in the archive."),
    ("report_count", "How many archived reports cover it."),
    ("summary", "One-sentence summary by the editors."),
    (
        "status_confidence",
        "unverified when the sources do not settle the status; empty when they do.",
    ),
    (
        "parties_confidence",
        "unverified when the sources do not settle the list of parties; empty when they do.",
    ),
];

/// Columns of `relations.csv`: name and meaning.
pub const RELATION_COLUMNS: &[(&str, &str)] = &[
    (
        "from",
        "Id of the report or agreement that declares the relation.",
    ),
    ("from_kind", "agreement or report."),
    ("type", "Relation type key."),
    ("to", "Id of the agreement it points to."),
    (
        "label",
        "How the relation reads on the page of from (Mirrors).",
    ),
    (
        "inverse_label",
        "How it reads on the page of to (Mirrored by).",
    ),
    ("note", "The editors’ reason, when given."),
    ("from_url", "The page of from."),
    ("to_url", "The page of to."),
];

/// One CSV field, quoted when RFC 4180 requires it. A field a spreadsheet
/// would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is neutralised as OWASP recommends: a `'` is put in front
/// and the field is quoted, so it opens as text (see the `/data/` page).
pub fn csv_field(s: &str) -> String {
    if let Some(safe) = crate::allow::neutralise_formula(s) {
        return format!("\"{}\"", safe.replace('"', "\"\""));
    }
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_row(out: &mut String, fields: &[&str]) {
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

/// `agreements.csv`: one row per agreement, oldest first.
pub fn agreements_csv(a: &Archive) -> String {
    let mut out = String::new();
    let header: Vec<&str> = AGREEMENT_COLUMNS.iter().map(|(n, _)| *n).collect();
    csv_row(&mut out, &header);
    for &i in &a.agreements_by_date {
        let e = &a.content.agreements[i];
        let date = e.meta.date.iso();
        let parties = e.meta.parties.join(";");
        let url = a.urls.absolute(&paths::agreement(&e.slug));
        let count = a.coverage[i].len().to_string();
        csv_row(
            &mut out,
            &[
                &e.slug,
                &e.meta.short_title,
                &e.meta.title,
                &date,
                &e.meta.form,
                &e.meta.status,
                &parties,
                &e.meta.text_url,
                &url,
                &count,
                &e.meta.summary,
                e.meta.status_confidence.as_deref().unwrap_or(""),
                e.meta.parties_confidence.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

/// Columns of `actors.csv`: name and meaning.
pub const ACTOR_COLUMNS: &[(&str, &str)] = &[
    (
        "name",
        "One name of the group: the archive's name or a published alias.",
    ),
    ("actor", "The actor's id (its file name without .md)."),
    ("actor_name", "The name the archive uses for it."),
    (
        "is_alias",
        "false for the archive's own name, true for an alias.",
    ),
    (
        "attributed_to",
        "Ids of the parties it is attributed to, separated by semicolons.",
    ),
    ("url", "The actor's page in the archive."),
];

/// `actors.csv`: one row per name of each actor (its own name first, then
/// its aliases as written), actors by id.
pub fn actors_csv(a: &Archive) -> String {
    let mut out = String::new();
    let header: Vec<&str> = ACTOR_COLUMNS.iter().map(|(n, _)| *n).collect();
    csv_row(&mut out, &header);
    for x in &a.content.actors {
        let mut parties: Vec<&str> = x
            .meta
            .attribution
            .iter()
            .map(|t| t.party.as_str())
            .collect();
        parties.sort_unstable();
        parties.dedup();
        let parties = parties.join(";");
        let url = a.urls.absolute(&paths::actor(&x.slug));
        let names = std::iter::once((x.meta.title.as_str(), "false"))
            .chain(x.meta.aliases.iter().map(|n| (n.as_str(), "true")));
        for (name, alias) in names {
            csv_row(
                &mut out,
                &[name, &x.slug, &x.meta.title, alias, &parties, &url],
            );
        }
    }
    out
}

/// `relations.csv`: one row per relation.
pub fn relations_csv(a: &Archive) -> String {
    let mut out = String::new();
    let header: Vec<&str> = RELATION_COLUMNS.iter().map(|(n, _)| *n).collect();
    csv_row(&mut out, &header);
    for r in relation_rows(a) {
        csv_row(
            &mut out,
            &[
                r.from,
                r.from_kind,
                r.kind,
                r.to,
                r.label,
                r.inverse_label,
                r.note.unwrap_or(""),
                &r.from_url,
                &r.to_url,
            ],
        );
    }
    out
}

/// The W3C motivation for an annotation kind.
pub fn motivation(kind: &str) -> &'static str {
    match kind {
        "fact-check" | "correction" | "dispute" => "assessing",
        "context" => "describing",
        _ => "commenting",
    }
}

/// `annotations.jsonld`: an AnnotationCollection of every editor's note.
pub fn annotations_jsonld(a: &Archive) -> Streamed<'_> {
    let u = &a.urls;
    let cfg = &a.config;
    let items = move || -> Box<dyn Iterator<Item = Value> + '_> {
        Box::new(
            reports_in_order(a)
                .into_iter()
                .flat_map(move |i| note_items(a, i)),
        )
    };
    let total: usize = a.content.articles.iter().map(|e| e.body.notes.len()).sum();
    let id = u.absolute(ANNOTATIONS_JSONLD);
    Streamed(vec![
        (
            "@context",
            Field::Value(json!("http://www.w3.org/ns/anno.jsonld")),
        ),
        ("id", Field::Value(json!(id))),
        ("type", Field::Value(json!("AnnotationCollection"))),
        (
            "label",
            Field::Value(json!(format!("Editors’ notes: {}", cfg.title))),
        ),
        ("total", Field::Value(json!(total))),
        (
            "first",
            Field::Object(Streamed(vec![
                ("id", Field::Value(json!(format!("{id}#page-1")))),
                ("type", Field::Value(json!("AnnotationPage"))),
                ("partOf", Field::Value(json!(id))),
                ("startIndex", Field::Value(json!(0))),
                ("items", Field::Items(Box::new(items))),
            ])),
        ),
    ])
}

/// The Web Annotations of one report's notes.
fn note_items(a: &Archive, i: usize) -> Vec<Value> {
    let u = &a.urls;
    let cfg = &a.config;
    let base_path = u.base_path().to_string();
    let mut items = vec![];
    {
        let e = &a.content.articles[i];
        let page = u.absolute(&paths::article(&e.slug));
        let key = Key {
            kind: Kind::Article,
            idx: i,
        };
        // Links in the notes, made absolute so the HTML stands on its own.
        let links: Vec<ResolvedLink> = a
            .links
            .get(&key)
            .map(|v| {
                v.iter()
                    .map(|l| ResolvedLink {
                        href: match l.href.strip_prefix(&base_path) {
                            Some(rel) => u.absolute(rel),
                            None => l.href.clone(),
                        },
                        text: l.text.clone(),
                        title: l.title.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for n in &e.body.notes {
            let decl = &e.meta.annotations[n.index];
            let why = motivation(&decl.kind);
            let mut body = vec![
                json!({
                    "type": "TextualBody",
                    "value": fill_links(&n.note_html, &links).trim_end(),
                    "format": "text/html",
                    "language": cfg.language,
                    "purpose": why,
                }),
                json!({"type": "TextualBody", "value": decl.kind, "purpose": "tagging"}),
            ];
            // The editors' own reservation about the note.
            if let Some(c) = &decl.confidence {
                body.push(json!({"type": "TextualBody", "value": c, "purpose": "assessing"}));
            }
            body.extend(decl.sources.iter().map(
                |s| json!({"type": "SpecificResource", "source": s.url, "purpose": "linking"}),
            ));
            items.push(json!({
                "id": format!("{page}#note-{}", n.number),
                "type": "Annotation",
                "motivation": why,
                "creator": {"type": "Organization", "name": cfg.title, "homepage": u.absolute("")},
                "body": body,
                "target": {
                    "source": page,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": n.exact,
                            "prefix": n.prefix,
                            "suffix": n.suffix,
                        },
                        {
                            "type": "CssSelector",
                            "value": BODY_SELECTOR,
                            "refinedBy": {
                                "type": "TextPositionSelector",
                                "start": n.start,
                                "end": n.end,
                            },
                        },
                    ],
                },
            }));
        }
    }
    items
}

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
fn page(a: &Archive, schema: &Value) -> Value {
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
            json!({"title": a.content.agreements[i].meta.short_title, "url": u.path(&super::feeds::agreement_feed_path(slug))})
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_formula_injection_is_neutralised() {
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"https://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"https://x\"\",\"\"y\"\")\""
        );
        for c in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_field(c), format!("\"'{c}\""));
        }
        assert_eq!(csv_field("2015-09-25"), "2015-09-25");
    }

    #[test]
    fn motivations() {
        assert_eq!(motivation("correction"), "assessing");
        assert_eq!(motivation("context"), "describing");
        assert_eq!(motivation("claim"), "commenting");
    }
}
