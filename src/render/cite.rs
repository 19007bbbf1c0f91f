//! "Cite this page": one [`Citation`] per report, agreement and actor page, written as
//! a readable reference on the page, as BibTeX, RIS and CSL-JSON files next to it
//! (`cite.bib`, `cite.ris`, `cite.json`), and as the `citation_*` meta tags that
//! Zotero and Google Scholar read.
//!
//! A report is cited as the archive's page about the original, with the
//! original's title, author, publisher, date and address given as well. The
//! page's own date is when it last changed (from git); without history, the
//! entry's date stands in. Everything comes from content, so builds stay
//! byte-identical.

use std::fmt::Write as _;

use super::Output;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;
use serde::Serialize;

/// The file formats offered, as (extension, label).
pub const FORMATS: [(&str, &str); 3] = [("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")];

/// The work an archive page is about: a report's original, or an agreement.
#[derive(Debug, Clone)]
pub struct Original {
    /// Its title.
    pub title: String,
    /// Its author, when known.
    pub author: Option<String>,
    /// Who published it (a report's publisher; an agreement's parties).
    pub publisher: String,
    /// Its date, `YYYY-MM-DD`.
    pub date: String,
    /// Where it is.
    pub url: String,
}

/// Everything needed to cite one page.
#[derive(Debug, Clone)]
pub struct Citation {
    /// A stable key: `annals-<slug>`.
    pub key: String,
    /// The page's title.
    pub title: String,
    /// `report`, `agreement` or `actor`.
    pub kind: &'static str,
    /// The archive's name (author and publisher of the page).
    pub site: String,
    /// The page's absolute URL.
    pub url: String,
    /// When the page last changed, `YYYY-MM-DD`.
    pub date: String,
    /// Whether `date` comes from git (`false`: the entry's own date).
    pub dated_by_history: bool,
    /// Language of the page.
    pub language: String,
    /// What the page is about.
    pub original: Original,
    /// One-sentence summary.
    pub summary: String,
}

/// The citation of an entry, for reports, agreements and threat actors.
pub fn citation(a: &Archive, key: Key) -> Option<Citation> {
    let c = &a.content;
    let cfg = &a.config;
    let (slug, title, summary, file, entry_date, original, kind) = match key.kind {
        Kind::Article => {
            let e = &c.articles[key.idx];
            let m = &e.meta;
            let original = Original {
                title: m.source.title.clone().unwrap_or_else(|| m.title.clone()),
                author: m.source.author.clone(),
                publisher: m.source.publisher.clone(),
                date: m.date.iso(),
                url: m.source.url.clone(),
            };
            (
                &e.slug,
                &m.title,
                &m.summary,
                &e.file.path,
                m.date.iso(),
                original,
                "report",
            )
        }
        Kind::Agreement => {
            let e = &c.agreements[key.idx];
            let m = &e.meta;
            let parties: Vec<&str> = m
                .parties
                .iter()
                .map(|p| {
                    a.find(Kind::Party, p)
                        .map_or(p.as_str(), |i| c.parties[i].meta.title.as_str())
                })
                .collect();
            let original = Original {
                title: m.title.clone(),
                author: None,
                publisher: parties.join(", "),
                date: m.date.iso(),
                url: m.text_url.clone(),
            };
            (
                &e.slug,
                &m.title,
                &m.summary,
                &e.file.path,
                m.date.iso(),
                original,
                "agreement",
            )
        }
        Kind::Actor => {
            let e = &c.actors[key.idx];
            let m = &e.meta;
            // Without history, the page is dated by its newest attribution.
            let date = m
                .attribution
                .iter()
                .map(|t| t.date)
                .max()
                .map(|d| d.iso())
                .unwrap_or_else(|| "1970-01-01".into());
            let original = Original {
                title: m.title.clone(),
                author: None,
                publisher: m.aliases.join(", "),
                date: date.clone(),
                url: a.urls.absolute(&a.rel_path(key)),
            };
            (
                &e.slug,
                &m.title,
                &m.summary,
                &e.file.path,
                date,
                original,
                "actor",
            )
        }
        _ => return None,
    };
    let updated = a.history.of(file).first().map(|ch| ch.date.clone());
    Some(Citation {
        key: format!("annals-{slug}"),
        title: title.clone(),
        kind,
        site: cfg.title.clone(),
        url: a.urls.absolute(&a.rel_path(key)),
        dated_by_history: updated.is_some(),
        date: updated.unwrap_or(entry_date),
        language: cfg.language.clone(),
        original,
        summary: summary.clone(),
    })
}

/// `2015-10-22` → (2015, 10, 22).
fn ymd(date: &str) -> (i32, u32, u32) {
    let mut it = date.split('-').map(|p| p.parse::<u32>().unwrap_or(0));
    let y = it.next().unwrap_or(0) as i32;
    (y, it.next().unwrap_or(1), it.next().unwrap_or(1))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2015-10-22` → `22 October 2015`.
fn long_date(date: &str) -> String {
    let (y, m, d) = ymd(date);
    let month = MONTHS.get(m.saturating_sub(1) as usize).unwrap_or(&"");
    format!("{d} {month} {y}")
}

/// Escapes text for a BibTeX field in braces.
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// A RIS value: one line, no tag-like line starts.
fn ris_value(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

impl Citation {
    /// The reference as readers copy it, in plain text.
    pub fn reference(&self) -> String {
        let mut s = format!(
            "{}. “{}.” {}, {} {}. {}",
            self.site,
            self.title,
            self.site,
            if self.dated_by_history {
                "last updated"
            } else {
                "dated"
            },
            long_date(&self.date),
            self.url
        );
        let o = &self.original;
        match self.kind {
            "report" => {
                let by = o
                    .author
                    .as_deref()
                    .map(|a| format!("{a}, "))
                    .unwrap_or_default();
                let _ = write!(
                    s,
                    ". Archived report of: {by}“{},” {}, {}, {}",
                    o.title,
                    o.publisher,
                    long_date(&o.date),
                    o.url
                );
            }
            "actor" => {
                if !o.publisher.is_empty() {
                    let _ = write!(
                        s,
                        ". About the threat actor {}, also known as {}",
                        o.title, o.publisher
                    );
                } else {
                    let _ = write!(s, ". About the threat actor {}", o.title);
                }
            }
            _ => {
                let _ = write!(
                    s,
                    ". About: {} ({}, {}), text: {}",
                    o.title,
                    o.publisher,
                    long_date(&o.date),
                    o.url
                );
            }
        }
        s.push('.');
        s
    }

    /// A short note on what the page is about, for the `note` fields.
    fn note(&self) -> String {
        let o = &self.original;
        match self.kind {
            "report" => format!(
                "Archived report of: {}“{}”, {}, {}. Original: {}",
                o.author
                    .as_deref()
                    .map(|a| format!("{a}, "))
                    .unwrap_or_default(),
                o.title,
                o.publisher,
                o.date,
                o.url
            ),
            "actor" if o.publisher.is_empty() => format!("About the threat actor {}.", o.title),
            "actor" => format!(
                "About the threat actor {}, also known as {}.",
                o.title, o.publisher
            ),
            _ => format!(
                "About the agreement “{}” ({}, {}). Text: {}",
                o.title, o.publisher, o.date, o.url
            ),
        }
    }

    /// BibTeX (`@misc`, with `url` and `urldate`-free fields so builds repeat).
    pub fn bibtex(&self) -> String {
        let (y, m, d) = ymd(&self.date);
        let mut s = String::with_capacity(1024);
        let _ = writeln!(s, "@misc{{{},", self.key);
        let mut field = |k: &str, v: &str| {
            let _ = writeln!(s, "  {k:<12} = {{{v}}},");
        };
        field("title", &bib_escape(&self.title));
        // Double braces: an organisation, not a "Last, First" person.
        field("author", &format!("{{{}}}", bib_escape(&self.site)));
        field("organization", &bib_escape(&self.site));
        field("howpublished", &format!("\\url{{{}}}", self.url));
        field("url", &self.url);
        field("year", &y.to_string());
        field("month", &m.to_string());
        field("day", &d.to_string());
        field("date", &self.date);
        field("language", &bib_escape(&self.language));
        field("abstract", &bib_escape(&self.summary));
        field("note", &bib_escape(&self.note()));
        s.push_str("}\n");
        s
    }

    /// RIS (`TY  - ELEC`: a web page).
    pub fn ris(&self) -> String {
        let (y, m, d) = ymd(&self.date);
        let mut s = String::with_capacity(1024);
        let mut tag = |t: &str, v: &str| {
            let _ = write!(s, "{t}  - {}\r\n", ris_value(v));
        };
        tag("TY", "ELEC");
        tag("ID", &self.key);
        tag("TI", &self.title);
        tag("AU", &self.site);
        tag("PB", &self.site);
        tag("PY", &y.to_string());
        tag("DA", &format!("{y:04}/{m:02}/{d:02}"));
        tag("UR", &self.url);
        tag("LA", &self.language);
        tag("AB", &self.summary);
        tag("N1", &self.note());
        // A record ends with an `ER` tag and no value.
        tag("ER", "");
        s
    }

    /// CSL-JSON: an array with one item of type `webpage` (keys in
    /// alphabetical order, pretty-printed with two spaces).
    pub fn csl_json(&self) -> String {
        let o = &self.original;
        // An actor page is about a group, not a work: no original to cite.
        let original = self.kind != "actor";
        let item = CslItem {
            url: &self.url,
            abstract_: &self.summary,
            author: [Literal {
                literal: &self.site,
            }],
            container_title: &self.site,
            id: &self.key,
            issued: DateParts::of(&self.date),
            language: &self.language,
            note: self.note(),
            original_author: o.author.as_deref().map(|literal| [Literal { literal }]),
            original_date: original.then(|| DateParts::of(&o.date)),
            original_publisher: original.then_some(o.publisher.as_str()),
            original_title: original.then_some(o.title.as_str()),
            publisher: &self.site,
            title: &self.title,
            type_: "webpage",
        };
        let mut s = serde_json::to_string_pretty(&[item]).expect("JSON");
        s.push('\n');
        s
    }

    /// The `citation_*` meta tags (Highwire Press names, read by Zotero and
    /// Google Scholar), as (name, content) pairs.
    pub fn meta(&self) -> Vec<(&'static str, String)> {
        let (y, m, d) = ymd(&self.date);
        vec![
            ("citation_title", self.title.clone()),
            ("citation_author", self.site.clone()),
            ("citation_publication_date", format!("{y:04}/{m:02}/{d:02}")),
            ("citation_date", format!("{y:04}/{m:02}/{d:02}")),
            ("citation_publisher", self.site.clone()),
            ("citation_public_url", self.url.clone()),
            ("citation_abstract_html_url", self.url.clone()),
            ("citation_language", self.language.clone()),
        ]
    }

    /// What the templates see under `page.cite`.
    pub fn context(&self, a: &Archive, rel: &str) -> CiteContext {
        CiteContext {
            reference: self.reference(),
            meta: self
                .meta()
                .into_iter()
                .map(|(name, content)| MetaTag { name, content })
                .collect(),
            files: FORMATS
                .iter()
                .map(|(ext, label)| CiteFile {
                    label,
                    url: a.urls.path(&paths::citation(rel, ext)),
                    name: format!("{}.{ext}", self.key),
                })
                .collect(),
        }
    }

    /// The citation files, `cite.bib`, `cite.ris` and `cite.json`, of the
    /// page at site-relative path `rel`.
    pub fn files(&self, rel: &str) -> Vec<Output> {
        FORMATS
            .iter()
            .map(|(ext, _)| Output {
                path: paths::citation(rel, ext),
                bytes: match *ext {
                    "bib" => self.bibtex(),
                    "ris" => self.ris(),
                    _ => self.csl_json(),
                }
                .into_bytes(),
            })
            .collect()
    }
}

/// `page.cite`: "Cite this page".
#[derive(Debug, Serialize)]
pub struct CiteContext {
    /// The reference as readers copy it, in plain text.
    pub reference: String,
    /// The `citation_*` meta tags, each `{name, content}`.
    pub meta: Vec<MetaTag>,
    /// The citation files, each `{label, url, name}` (BibTeX, RIS, CSL-JSON).
    pub files: Vec<CiteFile>,
}

/// A `<meta name=… content=…>` tag.
#[derive(Debug, Serialize)]
pub struct MetaTag {
    /// `citation_title`, …
    pub name: &'static str,
    /// Its content.
    pub content: String,
}

/// A citation file offered for download.
#[derive(Debug, Serialize)]
pub struct CiteFile {
    /// The format's name (`BibTeX`, `RIS`, `CSL-JSON`).
    pub label: &'static str,
    /// The file.
    pub url: String,
    /// The name to save it as (`annals-<slug>.bib`).
    pub name: String,
}

/// One CSL-JSON item, fields in alphabetical order (the order the files have
/// always had).
#[derive(Serialize)]
struct CslItem<'a> {
    #[serde(rename = "URL")]
    url: &'a str,
    #[serde(rename = "abstract")]
    abstract_: &'a str,
    author: [Literal<'a>; 1],
    #[serde(rename = "container-title")]
    container_title: &'a str,
    id: &'a str,
    issued: DateParts,
    language: &'a str,
    note: String,
    #[serde(rename = "original-author", skip_serializing_if = "Option::is_none")]
    original_author: Option<[Literal<'a>; 1]>,
    #[serde(rename = "original-date", skip_serializing_if = "Option::is_none")]
    original_date: Option<DateParts>,
    #[serde(rename = "original-publisher", skip_serializing_if = "Option::is_none")]
    original_publisher: Option<&'a str>,
    #[serde(rename = "original-title", skip_serializing_if = "Option::is_none")]
    original_title: Option<&'a str>,
    publisher: &'a str,
    title: &'a str,
    #[serde(rename = "type")]
    type_: &'static str,
}

/// A CSL name given as one string.
#[derive(Serialize)]
struct Literal<'a> {
    literal: &'a str,
}

/// A CSL date: `{"date-parts": [[y, m, d]]}`.
#[derive(Serialize)]
struct DateParts {
    #[serde(rename = "date-parts")]
    parts: [(i32, u32, u32); 1],
}

impl DateParts {
    fn of(date: &str) -> Self {
        DateParts { parts: [ymd(date)] }
    }
}

/// `cite.bib`, `cite.ris` and `cite.json` of a report, agreement or actor page
/// (rendered with the page, so an edit to the entry renews them).
pub fn files(a: &Archive, key: Key) -> Vec<Output> {
    citation(a, key)
        .map(|c| c.files(&a.rel_path(key)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_escapes_its_special_characters() {
        assert_eq!(bib_escape("R&D {50%} #1_a"), "R\\&D \\{50\\%\\} \\#1\\_a");
    }

    #[test]
    fn long_dates_read_as_words() {
        assert_eq!(long_date("2015-10-02"), "2 October 2015");
    }
}
