//! Typed front matter, one struct per section. Unknown fields are errors.

use serde::{Deserialize, Serialize};

use super::date::Date;

/// Where a report was originally published.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Publication name.
    pub publisher: String,
    /// URL of the original.
    pub url: String,
    /// Byline.
    #[serde(default)]
    pub author: Option<String>,
    /// Original headline, when the archive's title differs.
    #[serde(default)]
    pub title: Option<String>,
    /// A snapshot of the original in a web archive (Wayback Machine, archive.today).
    #[serde(default)]
    pub archived: Option<String>,
}

/// A source backing a note: a URL, optionally with a snapshot in a web archive.
/// Written as a plain URL (`- https://…`) or as a map
/// (`- {url: https://…, archived: https://web.archive.org/…}`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceRef {
    /// The source's address.
    pub url: String,
    /// A snapshot of it in a web archive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
}

impl<'de> Deserialize<'de> for SourceRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The map form, with unknown keys refused.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            url: String,
            #[serde(default)]
            archived: Option<String>,
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = SourceRef;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL, or a map with `url` and `archived`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SourceRef, E> {
                Ok(SourceRef {
                    url: v.to_string(),
                    archived: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<SourceRef, A::Error> {
                let f = Full::deserialize(serde::de::value::MapAccessDeserializer::new(m))?;
                Ok(SourceRef {
                    url: f.url,
                    archived: f.archived,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A typed, directed relation declared in front matter.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDecl {
    /// Relation type, a key of `relation_types` in site.yaml.
    #[serde(rename = "type")]
    pub kind: String,
    /// Slug of the agreement it points to.
    pub to: String,
    /// Why, in a sentence.
    #[serde(default)]
    pub note: Option<String>,
}

/// An editor's note anchored to words in the body (W3C text-quote selector).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnnotationDecl {
    /// The exact words commented on.
    pub quote: String,
    /// Words right before, to pick one of several occurrences.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Words right after.
    #[serde(default)]
    pub suffix: Option<String>,
    /// A key of `annotation_kinds` in site.yaml.
    pub kind: String,
    /// The note, in Markdown.
    pub note: String,
    /// Sources backing the note.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// `unverified` when the editors could not check the note against a source
    /// they read; shown to readers. Checked in `lint`.
    #[serde(default)]
    pub confidence: Option<String>,
    /// When the note was made (required for corrections and updates, which
    /// are listed by it on `/corrections/`).
    #[serde(default)]
    pub date: Option<Date>,
}

/// The note kinds listed in the corrections log: a correction of the report or
/// of the archive, and an update adding what became known later. Both need `date:`.
pub const LOGGED_NOTE_KINDS: &[&str] = &["correction", "update"];

/// A clause's official wording, compared across agreements.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseDecl {
    /// Clause topic, shared across agreements (`ip-theft`).
    pub id: String,
    /// The wording, quoted from the primary document.
    pub text: String,
    /// `unverified` when part of the wording could not be read in the primary
    /// text; the comparison page shows it with a flag. Checked in `lint`.
    #[serde(default)]
    pub confidence: Option<String>,
}

/// Front matter of `content/articles/*.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    /// Headline.
    pub title: String,
    /// Publication date.
    pub date: Date,
    /// Shown to readers when the date is uncertain.
    #[serde(default)]
    pub date_note: Option<String>,
    /// The original publication.
    pub source: Source,
    /// One-sentence dek.
    pub summary: String,
    /// Agreements the report covers.
    #[serde(default)]
    pub agreements: Vec<String>,
    /// Party codes.
    #[serde(default)]
    pub parties: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Threat actors the report is about (slugs of `content/actors/`).
    #[serde(default)]
    pub actors: Vec<String>,
    /// Typed relations to agreements.
    #[serde(default)]
    pub relations: Vec<RelationDecl>,
    /// Editors' notes.
    #[serde(default)]
    pub annotations: Vec<AnnotationDecl>,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

/// Front matter of `content/agreements/*.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementMeta {
    /// Full title.
    pub title: String,
    /// Short title, the default text of links to it.
    pub short_title: String,
    /// Signed or announced.
    pub date: Date,
    /// Shown to readers when the date is uncertain.
    #[serde(default)]
    pub date_note: Option<String>,
    /// Party codes.
    pub parties: Vec<String>,
    /// `unverified` when the list of parties is not settled by the sources.
    #[serde(default)]
    pub parties_confidence: Option<String>,
    /// A key of `agreement_forms`.
    pub form: String,
    /// A key of `agreement_statuses`.
    pub status: String,
    /// `unverified` when the status is the editors' best reading, not settled.
    #[serde(default)]
    pub status_confidence: Option<String>,
    /// Link to the primary text.
    pub text_url: String,
    /// A snapshot of the primary text in a web archive.
    #[serde(default)]
    pub text_archived: Option<String>,
    /// One-sentence dek.
    pub summary: String,
    /// Typed relations to other agreements.
    #[serde(default)]
    pub relations: Vec<RelationDecl>,
    /// Clause wordings.
    #[serde(default)]
    pub clauses: Vec<ClauseDecl>,
    /// Threat actors the agreement is about (slugs of `content/actors/`).
    #[serde(default)]
    pub actors: Vec<String>,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

/// Front matter of `content/parties/*.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartyMeta {
    /// Display name.
    pub title: String,
    /// `state`, `organisation` or `company`.
    pub kind: String,
    /// One sentence.
    pub summary: String,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

/// One attribution of a threat actor: to whom, by whom, when, on what evidence.
/// An attribution is a claim with a source, not another name for the group.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionDecl {
    /// The party (state) the actor is attributed to: a code of `content/parties/`.
    pub party: String,
    /// The body within it, when named ("Unit 61398 of the People's Liberation Army").
    #[serde(default)]
    pub unit: Option<String>,
    /// Who made the attribution ("Mandiant", "US Department of Justice").
    pub by: String,
    /// When it was made public.
    pub date: Date,
    /// Where it was made (at least one).
    pub sources: Vec<SourceRef>,
    /// `unverified` when the editors could not read the attribution itself.
    #[serde(default)]
    pub confidence: Option<String>,
}

/// Front matter of `content/actors/*.md`: a threat actor and its other names.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorMeta {
    /// The name the archive uses ("APT10").
    pub title: String,
    /// Other published names of the same group ("MenuPass", "Stone Panda").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Who attributed the group to which state, when, with sources.
    #[serde(default)]
    pub attribution: Vec<AttributionDecl>,
    /// One sentence.
    pub summary: String,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}

/// The values accepted in `confidence:`, `status_confidence:` and
/// `parties_confidence:` (leaving the field out means the fact is verified).
pub const CONFIDENCE_VALUES: &[&str] = &["unverified"];

/// The party kinds accepted in `kind:`.
pub const PARTY_KINDS: &[&str] = &["state", "organisation", "company"];

/// Front matter of `content/_index.md` and `content/pages/*.md`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// Title.
    pub title: String,
    /// One-sentence description.
    #[serde(default)]
    pub summary: Option<String>,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
}
