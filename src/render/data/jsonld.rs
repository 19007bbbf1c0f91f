//! `data/annotations.jsonld`: every editor's note as a W3C Web Annotation, in
//! one `AnnotationCollection` whose single page lists them report by report
//! (oldest report first), each report's notes in reading order. The notes are
//! made from typed records as they are written, one report at a time; fields
//! are declared in sorted order, the order the file has always had.

use serde::Serialize;

use super::values::Items;
use super::{pretty_into, reports_in_order, Output, ANNOTATIONS_JSONLD};
use crate::render::fill_links;
use crate::resolve::{Archive, Key, Kind, ResolvedLink};
use crate::urls::paths;

/// The CSS selector of the element whose text positions count in (the report body).
pub const BODY_SELECTOR: &str = ".report-body > .prose";

/// The W3C motivation for an annotation kind.
pub fn motivation(kind: &str) -> &'static str {
    match kind {
        "fact-check" | "correction" | "dispute" => "assessing",
        "context" => "describing",
        _ => "commenting",
    }
}

/// The collection.
#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    first: Page<'a>,
    id: &'a str,
    label: String,
    total: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// Its one page, holding every note.
#[derive(Serialize)]
struct Page<'a> {
    id: String,
    items: Items<'a, Annotation<'a>>,
    #[serde(rename = "partOf")]
    part_of: &'a str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// One note.
#[derive(Serialize)]
struct Annotation<'a> {
    body: Vec<Body<'a>>,
    creator: &'a Creator<'a>,
    id: String,
    motivation: &'static str,
    target: Target<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The archive, as every note's creator.
#[derive(Serialize)]
struct Creator<'a> {
    homepage: String,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// One body of a note.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    /// The note itself, as HTML.
    Note {
        format: &'static str,
        language: &'a str,
        purpose: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: String,
    },
    /// A word: the note's kind (tagging) or the editors' reservation (assessing).
    Word {
        purpose: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: &'a str,
    },
    /// A source the note cites.
    Link {
        purpose: &'static str,
        source: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

/// What a note is about: words of a report's page.
#[derive(Serialize)]
struct Target<'a> {
    selector: (QuoteSelector<'a>, CssSelector),
    source: String,
}

#[derive(Serialize)]
struct QuoteSelector<'a> {
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct CssSelector {
    #[serde(rename = "refinedBy")]
    refined_by: PositionSelector,
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'static str,
}

#[derive(Serialize)]
struct PositionSelector {
    end: usize,
    start: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// Writes `annotations.jsonld`, note by note, straight into the output's bytes.
pub fn write(a: &Archive) -> Output {
    let u = &a.urls;
    let cfg = &a.config;
    let total: usize = a.content.articles.iter().map(|e| e.body.notes.len()).sum();
    let id = u.absolute(ANNOTATIONS_JSONLD);
    let creator = Creator {
        homepage: u.absolute(""),
        name: &cfg.title,
        kind: "Organization",
    };
    let items = reports_in_order(a)
        .into_iter()
        .flat_map(|i| note_items(a, i, &creator));
    let doc = Collection {
        context: "http://www.w3.org/ns/anno.jsonld",
        first: Page {
            id: format!("{id}#page-1"),
            items: Items::new(items),
            part_of: &id,
            start_index: 0,
            kind: "AnnotationPage",
        },
        id: &id,
        label: format!("Editors’ notes: {}", cfg.title),
        total,
        kind: "AnnotationCollection",
    };
    Output {
        path: ANNOTATIONS_JSONLD.into(),
        // About 2 KB per note.
        bytes: pretty_into(&doc, 4096 + total * 2048),
    }
}

/// The Web Annotations of report `i`'s notes.
fn note_items<'a>(a: &'a Archive, i: usize, creator: &'a Creator<'a>) -> Vec<Annotation<'a>> {
    let e = &a.content.articles[i];
    if e.body.notes.is_empty() {
        return vec![];
    }
    let u = &a.urls;
    let base_path = u.base_path();
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
                    href: match l.href.strip_prefix(base_path) {
                        Some(rel) => u.absolute(rel),
                        None => l.href.clone(),
                    },
                    text: l.text.clone(),
                    title: l.title.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    e.body
        .notes
        .iter()
        .map(|n| {
            let decl = &e.meta.annotations[n.index];
            let why = motivation(&decl.kind);
            let mut body = vec![
                Body::Note {
                    format: "text/html",
                    language: &a.config.language,
                    purpose: why,
                    kind: "TextualBody",
                    value: fill_links(&n.note_html, &links).trim_end().to_string(),
                },
                Body::Word {
                    purpose: "tagging",
                    kind: "TextualBody",
                    value: &decl.kind,
                },
            ];
            // The editors' own reservation about the note.
            if let Some(c) = &decl.confidence {
                body.push(Body::Word {
                    purpose: "assessing",
                    kind: "TextualBody",
                    value: c,
                });
            }
            body.extend(decl.sources.iter().map(|s| Body::Link {
                purpose: "linking",
                source: &s.url,
                kind: "SpecificResource",
            }));
            Annotation {
                body,
                creator,
                id: format!("{page}#note-{}", n.number),
                motivation: why,
                target: Target {
                    selector: (
                        QuoteSelector {
                            exact: &n.exact,
                            prefix: &n.prefix,
                            suffix: &n.suffix,
                            kind: "TextQuoteSelector",
                        },
                        CssSelector {
                            refined_by: PositionSelector {
                                end: n.end,
                                start: n.start,
                                kind: "TextPositionSelector",
                            },
                            kind: "CssSelector",
                            value: BODY_SELECTOR,
                        },
                    ),
                    source: page.clone(),
                },
                kind: "Annotation",
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn motivations() {
        assert_eq!(motivation("correction"), "assessing");
        assert_eq!(motivation("context"), "describing");
        assert_eq!(motivation("claim"), "commenting");
    }
}
