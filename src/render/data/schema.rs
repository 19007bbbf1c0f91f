//! `data/archive.schema.json`: the JSON Schema (draft 2020-12) of
//! `archive.json`, derived with `schemars` from the types that write the file
//! (`json.rs`, `values.rs`), never written by hand. The derivation describes
//! what is serialised: every field is required (a value that is not known is
//! `null`, never missing) and no record allows a key it does not declare.
//! Only the schema's `$id` (its own address) and `title` (the site's title)
//! come from the archive.

use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

use super::json::ArchiveJson;
use super::ARCHIVE_SCHEMA;
use crate::resolve::Archive;

/// The schema of `archive.json` as a JSON value (for the file and the `/data/` page).
pub fn archive_schema(a: &Archive) -> Value {
    let mut schema = derived();
    if let Value::Object(m) = &mut schema {
        m.insert("$id".into(), json!(a.urls.absolute(ARCHIVE_SCHEMA)));
        m.insert(
            "title".into(),
            json!(format!("{}: archive.json", a.config.title)),
        );
    }
    schema
}

/// The schema as `schemars` derives it from [`ArchiveJson`], describing what
/// is serialised (so an `Option` field is required and may be `null`).
fn derived() -> Value {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<ArchiveJson<'static>>()
        .to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every object schema in `v` (the root, the records of `$defs`, inline ones).
    fn objects<'v>(v: &'v Value, path: String, out: &mut Vec<(String, &'v Value)>) {
        match v {
            Value::Object(m) => {
                if m.contains_key("properties") {
                    out.push((path.clone(), v));
                }
                for (k, x) in m {
                    objects(x, format!("{path}/{k}"), out);
                }
            }
            Value::Array(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    objects(x, format!("{path}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_record_is_closed_requires_every_field_and_documents_it() {
        let schema = derived();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let mut records = vec![];
        objects(&schema, String::new(), &mut records);
        // The root, and the records of `$defs` by the names the /data/ page uses.
        for def in [
            "report",
            "source",
            "agreement",
            "clause",
            "party",
            "actor",
            "attribution",
            "relation",
            "vocabularies",
            "term",
            "relation_type",
        ] {
            assert!(
                records.iter().any(|(p, _)| *p == format!("/$defs/{def}")),
                "no record $defs/{def}"
            );
        }
        assert_eq!(
            records.len(),
            12,
            "{:?}",
            records.iter().map(|r| &r.0).collect::<Vec<_>>()
        );
        for (path, r) in records {
            assert_eq!(r["type"], "object", "{path}");
            assert_eq!(
                r["additionalProperties"], false,
                "{path} allows undeclared keys"
            );
            let props = r["properties"].as_object().unwrap();
            let mut required: Vec<&str> = r["required"]
                .as_array()
                .unwrap_or_else(|| panic!("{path} requires nothing"))
                .iter()
                .map(|k| k.as_str().unwrap())
                .collect();
            required.sort_unstable();
            let declared: Vec<&str> = props.keys().map(String::as_str).collect();
            assert_eq!(required, declared, "{path}: every field is required");
            for (name, p) in props {
                let d = p["description"].as_str().unwrap_or("");
                assert!(!d.trim().is_empty(), "{path}/{name} has no description");
                assert!(!d.contains('`'), "{path}/{name}: Markdown in {d:?}");
            }
        }
    }

    #[test]
    fn enumerations_and_formats_are_kept() {
        let s = derived();
        let d = &s["$defs"];
        assert_eq!(
            d["agreement"]["properties"]["status_confidence"]["enum"],
            json!(["unverified", null])
        );
        assert_eq!(
            d["attribution"]["properties"]["confidence"]["enum"],
            json!(["unverified", null])
        );
        assert_eq!(
            d["party"]["properties"]["kind"]["enum"],
            json!(["state", "organisation", "company"])
        );
        assert_eq!(
            d["relation"]["properties"]["from_kind"]["enum"],
            json!(["agreement", "report"])
        );
        assert_eq!(d["date"]["format"], "date");
        assert_eq!(d["report"]["properties"]["url"]["format"], "uri");
        assert_eq!(
            d["clause"]["properties"]["comparison_url"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(d["clause"]["properties"]["comparison_url"]["format"], "uri");
        assert_eq!(
            d["report"]["properties"]["note_count"],
            json!({"type": "integer", "minimum": 0, "description": "How many editors’ notes it carries (see annotations.jsonld)."})
        );
        assert_eq!(
            d["vocabularies"]["properties"]["relation_types"]["additionalProperties"]["$ref"],
            "#/$defs/relation_type"
        );
    }
}
