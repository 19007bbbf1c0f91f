//! The leaf values of `archive.json`: ids, dates, URLs, the enumerations
//! (confidence, party kind, relation source kind), counts, vocabularies and
//! the streamed lists. Each serialises as the file needs it and carries its
//! own JSON Schema, so `schema.rs` derives the schema from the very types
//! that write the file.

use std::borrow::Cow;
use std::cell::Cell;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::content::date::Date;
use crate::content::model::{CONFIDENCE_VALUES, PARTY_KINDS};
use crate::resolve::Kind;

/// An id: a content file's name without `.md` (`us-china-2015`), a tag, a
/// clause topic or a vocabulary key. `$defs/slug` in the schema.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Slug<'a>(pub &'a str);

impl JsonSchema for Slug<'_> {
    fn schema_name() -> Cow<'static, str> {
        "slug".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "description": "An id: lowercase letters and digits, joined by single hyphens.",
        })
    }
}

/// A list of ids, borrowed from front matter.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Slugs<'a>(pub &'a [String]);

impl JsonSchema for Slugs<'_> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        <Vec<Slug<'static>>>::schema_name()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        <Vec<Slug<'static>>>::json_schema(g)
    }
}

/// A calendar date, written `YYYY-MM-DD` (the time of day, when content gives
/// one, is left out). `$defs/date` in the schema.
pub struct Day<'a>(pub &'a Date);

impl Serialize for Day<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

impl JsonSchema for Day<'_> {
    fn schema_name() -> Cow<'static, str> {
        "date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD.",
        })
    }
}

/// An absolute URL: a page of the archive (made by [`crate::urls::Urls`]) or
/// an address from content ([`Url::external`]).
#[derive(Serialize)]
#[serde(transparent)]
pub struct Url<'a>(pub Cow<'a, str>);

impl From<String> for Url<'_> {
    fn from(s: String) -> Self {
        Url(Cow::Owned(s))
    }
}

impl<'a> Url<'a> {
    /// A URL from content (a source, a primary text), as written when it is
    /// already a URI (RFC 3986). Otherwise the characters a URI cannot hold
    /// are percent-encoded as UTF-8, as RFC 3987 maps an IRI to a URI and as
    /// a browser does when it follows the link: non-ASCII letters (`é` →
    /// `%C3%A9`), spaces, `<`, `>`, `"`, `{`, `}`, `|`, `\`, `^`, `` ` ``, a
    /// `%` that starts no escape, a second `#`.
    pub fn external(s: &'a str) -> Self {
        fn keeps(b: u8) -> bool {
            b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)
        }
        let b = s.as_bytes();
        let escape_at =
            |i: usize| b.len() > i + 2 && b[i + 1..i + 3].iter().all(u8::is_ascii_hexdigit);
        let fragment = s.find('#');
        let fine = |i: usize, c: u8| match c {
            b'%' => escape_at(i),
            b'#' => Some(i) == fragment,
            _ => keeps(c),
        };
        if b.iter().enumerate().all(|(i, &c)| fine(i, c)) {
            return Url(Cow::Borrowed(s));
        }
        let mut out = String::with_capacity(s.len() + 16);
        for (i, &c) in b.iter().enumerate() {
            if fine(i, c) {
                out.push(char::from(c));
            } else {
                out.push_str(&format!("%{c:02X}"));
            }
        }
        Url(Cow::Owned(out))
    }
}

impl JsonSchema for Url<'_> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "url".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "format": "uri"})
    }
}

/// The editors' reservation about a fact: one of
/// [`CONFIDENCE_VALUES`] (`unverified`), or `null` when the sources settle it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Confidence<'a>(pub Option<&'a str>);

impl JsonSchema for Confidence<'_> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "confidence".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut values: Vec<serde_json::Value> =
            CONFIDENCE_VALUES.iter().map(|&v| v.into()).collect();
        values.push(serde_json::Value::Null);
        json_schema!({ "enum": values })
    }
}

/// A party's kind: one of [`PARTY_KINDS`].
#[derive(Serialize)]
#[serde(transparent)]
pub struct PartyKind<'a>(pub &'a str);

impl JsonSchema for PartyKind<'_> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "party_kind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "enum": PARTY_KINDS })
    }
}

/// The kind of entry a relation is declared on: a report or an agreement.
pub struct FromKind(pub Kind);

/// The kinds that declare relations, as [`FromKind`] writes them.
const RELATION_SOURCES: [Kind; 2] = [Kind::Agreement, Kind::Article];

impl Serialize for FromKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl JsonSchema for FromKind {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "from_kind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = RELATION_SOURCES.iter().map(|k| k.name()).collect();
        json_schema!({ "enum": names })
    }
}

/// How many of something: a non-negative integer.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Count(pub usize);

impl JsonSchema for Count {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "count".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": 0})
    }
}

/// A vocabulary of `site.yaml` (relation types, note kinds, agreement forms or
/// statuses): its terms by key, written with the keys sorted.
pub struct Vocab<'a, T>(pub Vec<(&'a str, T)>);

impl<'a, T> Vocab<'a, T> {
    /// The terms of `map`, each made by `term`.
    pub fn new<V>(map: &'a indexmap::IndexMap<String, V>, term: impl Fn(&'a V) -> T) -> Self {
        let mut terms: Vec<(&str, T)> = map.iter().map(|(k, v)| (k.as_str(), term(v))).collect();
        terms.sort_by(|x, y| x.0.cmp(y.0));
        Vocab(terms)
    }
}

impl<T: Serialize> Serialize for Vocab<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<T: JsonSchema> JsonSchema for Vocab<'_, T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("vocabulary_of_{}", T::schema_name()).into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "propertyNames": g.subschema_for::<Slug<'static>>(),
            "additionalProperties": g.subschema_for::<T>(),
        })
    }
}

/// The iterator an [`Items`] list draws its elements from.
type ItemIter<'a, T> = Box<dyn Iterator<Item = T> + 'a>;

/// A list whose elements are made one at a time as they are written, so a
/// list of the whole archive never sits in memory. It can be written once.
pub struct Items<'a, T>(Cell<Option<ItemIter<'a, T>>>);

impl<'a, T> Items<'a, T> {
    /// The list of what `items` yields.
    pub fn new<I>(items: I) -> Self
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: 'a,
    {
        Items(Cell::new(Some(Box::new(items.into_iter()))))
    }
}

impl<T: Serialize> Serialize for Items<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.take() {
            Some(items) => s.collect_seq(items),
            None => Err(serde::ser::Error::custom("a streamed list is written once")),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Items<'_, T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        <Vec<T>>::schema_name()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        <Vec<T>>::json_schema(g)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_url_is_kept_when_it_is_a_uri_and_encoded_where_it_is_not() {
        for ok in [
            "https://example.org/a/b?x=1&y=%C3%A9#top",
            "https://example.org/(c)/[1]/~me;p=1,2",
        ] {
            assert!(matches!(Url::external(ok).0, Cow::Borrowed(u) if u == ok));
        }
        let enc = |s| Url::external(s).0.into_owned();
        assert_eq!(
            enc("https://lawfaremedia.org/article/g20-communiqué"),
            "https://lawfaremedia.org/article/g20-communiqu%C3%A9"
        );
        assert_eq!(
            enc("https://example.org/first?a=1&b=<script>"),
            "https://example.org/first?a=1&b=%3Cscript%3E"
        );
        assert_eq!(
            enc("https://x.org/a b\"{|}\\^`"),
            "https://x.org/a%20b%22%7B%7C%7D%5C%5E%60"
        );
        assert_eq!(
            enc("https://x.org/100%/%zz%4"),
            "https://x.org/100%25/%25zz%254"
        );
        assert_eq!(enc("https://x.org/#a#b"), "https://x.org/#a%23b");
    }
}
