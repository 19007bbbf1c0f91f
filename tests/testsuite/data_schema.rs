//! `data/archive.json` against `data/archive.schema.json`, the schema derived
//! from the types that write the file: on the real archive and on the
//! fixtures (the hostile one included) the file validates, the schema
//! declares every key the file has (so a field added without the schema
//! knowing fails), and the keys are written sorted, as the `/data/` page says.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::feeds_and_data::schema_errors;
use crate::support::TestSite;

/// The schema node `node` stands for, following `$ref`s into `$defs`.
fn resolve<'s>(schema: &'s Value, node: &'s Value) -> &'s Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/$defs/")
                .unwrap_or_else(|| panic!("unexpected $ref {r}"));
            resolve(schema, &schema["$defs"][name])
        }
        None => node,
    }
}

/// Every key of `v` (at `path`) that the schema `node` does not declare,
/// either by name under `properties` or through a schema for any key
/// (`additionalProperties` as a schema, as the vocabularies have).
fn undeclared(schema: &Value, node: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let node = resolve(schema, node);
    // A nullable record: the branch that is not `null`.
    let node = match node.get("anyOf").and_then(Value::as_array) {
        Some(branches) if !v.is_null() => branches
            .iter()
            .map(|b| resolve(schema, b))
            .find(|b| b["type"] != "null")
            .unwrap_or(node),
        _ => node,
    };
    match v {
        Value::Object(m) => {
            let props = node.get("properties").and_then(Value::as_object);
            let any = node.get("additionalProperties").filter(|a| a.is_object());
            for (k, x) in m {
                let at = format!("{path}/{k}");
                match props.and_then(|p| p.get(k)).or(any) {
                    Some(s) => undeclared(schema, s, x, &at, out),
                    None => out.push(at),
                }
            }
        }
        Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                let at = format!("{path}/{i}");
                match node.get("items") {
                    Some(s) => undeclared(schema, s, x, &at, out),
                    None => out.push(format!("{at} (a list without an items schema)")),
                }
            }
        }
        _ => {}
    }
}

fn undeclared_keys(schema: &Value, data: &Value) -> Vec<String> {
    let mut out = vec![];
    undeclared(schema, schema, data, "", &mut out);
    out
}

/// Reads any JSON text, noting every object whose keys are not in byte order
/// as written (a parsed `Value` sorts them, so this reads the text itself).
struct SortedKeys<'b> {
    path: String,
    unsorted: &'b RefCell<Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for SortedKeys<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SortedKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let mut i = 0;
        while s
            .next_element_seed(SortedKeys {
                path: format!("{}/{i}", self.path),
                unsorted: self.unsorted,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        let mut previous: Option<String> = None;
        while let Some(k) = m.next_key::<String>()? {
            if let Some(p) = &previous {
                if p.as_str() >= k.as_str() {
                    let at = format!("{}: {k:?} after {p:?}", self.path);
                    self.unsorted.borrow_mut().push(at);
                }
            }
            m.next_value_seed(SortedKeys {
                path: format!("{}/{k}", self.path),
                unsorted: self.unsorted,
            })?;
            previous = Some(k);
        }
        Ok(())
    }
}

/// The objects of the JSON `text` whose keys are not written sorted.
fn unsorted_keys(text: &str) -> Vec<String> {
    let unsorted = RefCell::new(vec![]);
    let mut d = serde_json::Deserializer::from_str(text);
    SortedKeys {
        path: String::new(),
        unsorted: &unsorted,
    }
    .deserialize(&mut d)
    .expect("JSON");
    unsorted.into_inner()
}

/// Checks a built site's `archive.json` against its schema; returns both.
fn check_archive_json(site: &TestSite, name: &str) -> (Value, Value) {
    let text = site.read("data/archive.json");
    let data: Value = serde_json::from_str(&text).unwrap();
    let schema: Value = serde_json::from_str(&site.read("data/archive.schema.json")).unwrap();
    assert_eq!(data["$schema"], schema["$id"], "{name}");
    let errs = schema_errors(&schema, &data);
    assert!(
        errs.is_empty(),
        "{name}: archive.json does not match its schema:\n{}",
        errs.join("\n")
    );
    let extra = undeclared_keys(&schema, &data);
    assert!(
        extra.is_empty(),
        "{name}: keys the schema does not declare:\n{}",
        extra.join("\n")
    );
    let unsorted = unsorted_keys(&text);
    assert!(
        unsorted.is_empty(),
        "{name}: keys not sorted:\n{}",
        unsorted.join("\n")
    );
    let ld = site.read("data/annotations.jsonld");
    let unsorted = unsorted_keys(&ld);
    assert!(
        unsorted.is_empty(),
        "{name}: annotations.jsonld keys not sorted:\n{}",
        unsorted.join("\n")
    );
    (data, schema)
}

#[test]
fn archive_json_of_the_real_archive_matches_its_derived_schema_key_by_key() {
    let site = TestSite::from_repo();
    site.build_ok(&[]);
    let (data, _) = check_archive_json(&site, "the archive");
    assert!(data["reports"].as_array().unwrap().len() >= 20);
    assert!(!data["actors"].as_array().unwrap().is_empty());
    assert!(!data["relations"].as_array().unwrap().is_empty());
}

#[test]
fn archive_json_of_every_fixture_matches_its_derived_schema_key_by_key() {
    for name in ["feeds", "actors", "editorial", "annotations", "hostile"] {
        let site = TestSite::new(name);
        if name == "hostile" {
            // The image the hostile fixture's content shows.
            std::fs::write(site.root().join("static/figure.png"), b"\x89PNG\r\n\x1a\n").unwrap();
        }
        site.build_ok(&[]);
        check_archive_json(&site, name);
    }
}

#[test]
fn the_key_walk_reports_a_key_the_schema_does_not_declare() {
    let site = TestSite::new("feeds");
    site.build_ok(&[]);
    let (data, schema) = check_archive_json(&site, "feeds");
    // A key added to the file, at any depth.
    let mut bad = data.clone();
    bad["reports"][0]["source"]["colour"] = "blue".into();
    bad["vocabularies"]["relation_types"]["mirrors"]["weight"] = 1.into();
    assert_eq!(
        undeclared_keys(&schema, &bad),
        [
            "/reports/0/source/colour",
            "/vocabularies/relation_types/mirrors/weight"
        ]
    );
    // A field the schema does not know, in every record that has it.
    let mut blind = schema.clone();
    blind["$defs"]["report"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("note_count");
    let n = data["reports"].as_array().unwrap().len();
    let missing = undeclared_keys(&blind, &data);
    assert_eq!(missing.len(), n, "{missing:?}");
    assert!(missing.iter().all(|k| k.ends_with("/note_count")));
    // And keys written out of order are seen in the text.
    assert_eq!(
        unsorted_keys(r#"{"a": {"y": 1, "x": [{"b": 0, "a": 0}]}}"#),
        ["/a: \"x\" after \"y\"", "/a/x/0: \"a\" after \"b\""]
    );
}

/// The schema is derived, so a change to the types changes it without a
/// line of it in the diff: the snapshot makes every change to what the
/// published schema promises a reviewed one.
#[test]
fn the_published_schema_changes_only_when_reviewed() {
    let site = TestSite::new("feeds");
    site.build_ok(&["--base-url", "https://example.org/"]);
    insta::assert_snapshot!("archive_schema", site.read("data/archive.schema.json"));
}

/// The real archive's G20 communiqué link ends in `communiqué`: archive.json
/// wrote it as is, which is not a URI, so the file broke its own schema's
/// `format: uri` (no test validated the real archive's file).
#[test]
fn a_content_url_that_is_not_a_uri_is_percent_encoded_in_archive_json_only() {
    let site = TestSite::new("feeds");
    site.edit(
        "content/agreements/first-pact.md",
        "text_url: https://example.org/first-pact",
        "text_url: https://example.org/communiqué?a=<b>",
    );
    site.edit(
        "content/articles/2015-10-22-mirror-deal.md",
        "url: https://example.org/news/mirror-deal",
        "url: https://example.org/news/café",
    );
    site.build_ok(&[]);
    let (data, _) = check_archive_json(&site, "feeds");
    assert_eq!(
        data["agreements"][0]["text_url"],
        "https://example.org/communiqu%C3%A9?a=%3Cb%3E"
    );
    let mirror = data["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2015-10-22-mirror-deal")
        .unwrap();
    assert_eq!(
        mirror["source"]["url"],
        "https://example.org/news/caf%C3%A9"
    );
    // The CSV keeps what the editors wrote.
    file_contains!(
        site,
        "data/agreements.csv",
        "https://example.org/communiqué?a=<b>"
    );
}
