//! Template contexts: what each template sees. Every page template gets a
//! typed `page` struct (its fields are what a template may rely on, each
//! documented), plus `site`, `current_path`, `canonical` and `correction_url`
//! (see [`super::render_page`]).
//!
//! [`Ctx`] holds what every page shares, made once per render: the `site`
//! object and the summaries lists show, already converted to Tera values, so
//! a list page clones reference-counted handles instead of copying summaries.
//! A page struct is serialised once, straight into Tera's value.
//!
//! The seams: `lists.rs` has the shared summaries and the list pages,
//! `entries.rs` the pages of single entries, this file the pieces both use.

mod entries;
mod lists;

use std::sync::OnceLock;

use serde::Serialize;

pub use entries::*;
pub use lists::*;

use super::fill_links;
use crate::resolve::{Archive, Key, Kind};
use crate::urls::paths;

/// A `page` context: serialised once into the template's `page`, with the
/// title that "Suggest a correction" quotes.
pub trait PageContext: Serialize {
    /// The page's title.
    fn title(&self) -> &str;
}

/// The `site` object every template sees.
#[derive(Serialize)]
pub struct SiteContext<'a> {
    /// Site title (`site.yaml` `title`).
    pub title: &'a str,
    /// The site's description, for meta tags.
    pub description: &'a str,
    /// BCP 47 language tag.
    pub language: &'a str,
    /// Absolute URL the site is published at.
    pub base_url: &'a str,
    /// The path every link starts with, `/` or `/archive/`.
    pub base_path: &'a str,
    /// The repository's URL, or none.
    pub repository: Option<&'a str>,
    /// The branch content is edited on.
    pub branch: &'a str,
    /// The licence statement, or none.
    pub licence: Option<&'a str>,
    /// The main navigation, in order: `{key, label, url}`; `key` is the
    /// section folder a page's path starts with (the template's `section`).
    pub nav: Vec<NavLink>,
    /// Links every page's chrome carries (stylesheet, feed, footer pages),
    /// resolved once per build: templates need no `url()` call for them.
    pub links: SiteLinks,
}

/// One link of the main navigation.
#[derive(Serialize)]
pub struct NavLink {
    /// The section folder (`articles`, `timeline`, …) that marks it current.
    pub key: String,
    /// What the link says.
    pub label: &'static str,
    /// Where it goes.
    pub url: String,
}

/// The site-wide links templates use, each as `url(path=…)` would give it.
#[derive(Serialize)]
pub struct SiteLinks {
    /// The home page.
    pub home: String,
    /// `style.css`.
    pub style: String,
    /// `favicon.svg`.
    pub favicon: String,
    /// The archive's Atom feed.
    pub feed: String,
    /// `notes.js`, the report page's note script.
    pub notes_js: String,
    /// `search.js`.
    pub search_js: String,
    /// The reports list.
    pub articles: String,
    /// The agreements table.
    pub agreements: String,
    /// The clause comparisons.
    pub clauses: String,
    /// The corrections log.
    pub corrections: String,
    /// The open-data page.
    pub data: String,
    /// The about page.
    pub about: String,
    /// The search page.
    pub search: String,
    /// The tags index.
    pub tags: String,
    /// The timeline.
    pub timeline: String,
    /// The years index.
    pub years: String,
}

impl NavLink {
    /// The main navigation, from the route table.
    fn all(urls: &crate::urls::Urls) -> Vec<NavLink> {
        use crate::urls::Route;
        [
            (Route::ArticlesList(1), "Reports"),
            (Route::AgreementsIndex(1), "Agreements"),
            (Route::ClausesIndex, "Clauses"),
            (Route::Timeline, "Timeline"),
            (Route::Annotations, "Notes"),
            (Route::PartiesIndex, "Parties"),
            (Route::ActorsIndex, "Actors"),
            (Route::YearsIndex, "Years"),
            (Route::TagsIndex, "Tags"),
            (Route::Search, "Search"),
        ]
        .into_iter()
        .map(|(route, label)| {
            let rel = route.rel("");
            NavLink {
                key: section_of(&rel).to_string(),
                label,
                url: urls.path(&rel),
            }
        })
        .collect()
    }
}

/// The section folder a page's path starts with (`articles` for
/// `articles/x/`; empty for the home page and root files): what `section`
/// holds in every template and what marks a navigation link current.
pub fn section_of(rel: &str) -> &str {
    rel.split_once('/').map_or("", |(first, _)| first)
}

impl SiteLinks {
    fn new(urls: &crate::urls::Urls) -> Self {
        use crate::urls::{paths, Route};
        let route = |r: Route| urls.path(&r.rel(""));
        SiteLinks {
            home: route(Route::Home),
            style: urls.path("style.css"),
            favicon: urls.path("favicon.svg"),
            feed: route(Route::Feeds),
            notes_js: urls.path("notes.js"),
            search_js: urls.path("search.js"),
            articles: route(Route::ArticlesList(1)),
            agreements: route(Route::AgreementsIndex(1)),
            clauses: route(Route::ClausesIndex),
            corrections: urls.path(&paths::corrections()),
            data: route(Route::Data),
            about: urls.path(&paths::page("about")),
            search: route(Route::Search),
            tags: route(Route::TagsIndex),
            timeline: route(Route::Timeline),
            years: route(Route::YearsIndex),
        }
    }
}

/// A link to a party: `{code, title, url}`.
#[derive(Serialize)]
pub struct PartyRef<'a> {
    /// The party's slug (its code, e.g. `us`).
    pub code: &'a str,
    /// Its name.
    pub title: &'a str,
    /// Its page.
    pub url: String,
}

/// Shared, precomputed pieces of every context.
pub struct Ctx<'a> {
    /// The archive.
    pub archive: &'a Archive,
    /// The `site` object, converted once.
    pub site: tera::Value,
    article_items: Vec<OnceLock<tera::Value>>,
    agreement_items: Vec<OnceLock<tera::Value>>,
    coverage: Vec<OnceLock<CoverageList>>,
    party_refs: Vec<tera::Value>,
    /// Where to read reports loaded without their HTML
    /// ([`crate::markdown::Html::Later`]) again, and what went wrong doing so.
    late: LateBodies,
}

/// Reports' bodies rendered as their pages are, from their files read again.
struct LateBodies {
    root: std::path::PathBuf,
    errors: std::sync::Mutex<Vec<crate::diagnostics::Diagnostic>>,
}

/// An agreement's coverage list ([`crate::render::plan::agreement_coverage`])
/// and how many reports each of its groups has, made once per render and
/// shared by the agreement's pages.
pub struct CoverageList {
    /// The reports, in order.
    pub list: Vec<crate::render::plan::Covering>,
    /// How many reports each group has, by group.
    pub groups: Vec<usize>,
}

impl<'a> Ctx<'a> {
    /// Precomputes what every page shares; a report loaded without its HTML
    /// is rendered from its file under `root` as its page is (see
    /// [`crate::content::report_html`]; [`Ctx::late_errors`] says which
    /// files changed since they were loaded).
    pub fn new(a: &'a Archive, root: &std::path::Path) -> Self {
        let cfg = &a.config;
        let site = tera::Value::from_serializable(&SiteContext {
            title: &cfg.title,
            description: &cfg.description,
            language: &cfg.language,
            base_url: &cfg.base_url,
            base_path: a.urls.base_path(),
            repository: cfg.repository.as_deref(),
            branch: &cfg.branch,
            licence: cfg.licence.as_deref(),
            nav: NavLink::all(&a.urls),
            links: SiteLinks::new(&a.urls),
        });
        let party_refs = a
            .content
            .parties
            .iter()
            .map(|p| {
                tera::Value::from_serializable(&PartyRef {
                    code: &p.slug,
                    title: &p.meta.title,
                    url: a.urls.path(&paths::party(&p.slug)),
                })
            })
            .collect();
        Ctx {
            archive: a,
            site,
            // Made on first use: a live rebuild that renders a few pages
            // makes only the summaries those pages show.
            article_items: (0..a.content.articles.len())
                .map(|_| OnceLock::new())
                .collect(),
            agreement_items: (0..a.content.agreements.len())
                .map(|_| OnceLock::new())
                .collect(),
            coverage: (0..a.content.agreements.len())
                .map(|_| OnceLock::new())
                .collect(),
            party_refs,
            late: LateBodies {
                root: root.to_path_buf(),
                errors: Default::default(),
            },
        }
    }

    /// The errors of rendering bodies late so far (taken).
    pub fn late_errors(&self) -> Vec<crate::diagnostics::Diagnostic> {
        std::mem::take(&mut *self.late.errors.lock().unwrap())
    }

    /// The summary of report `i` that lists show ([`ArticleItem`]), shared.
    pub fn article_summary(&self, i: usize) -> &tera::Value {
        self.article_items[i].get_or_init(|| tera::Value::from_serializable(&self.article_item(i)))
    }

    /// The summary of agreement `i` that lists show ([`AgreementItem`]), shared.
    pub fn agreement_summary(&self, i: usize) -> &tera::Value {
        self.agreement_items[i]
            .get_or_init(|| tera::Value::from_serializable(&self.agreement_item(i)))
    }

    /// Agreement `i`'s coverage list, shared by its pages.
    pub fn coverage(&self, i: usize) -> &CoverageList {
        self.coverage[i].get_or_init(|| {
            let a = self.archive;
            let list = crate::render::plan::agreement_coverage(a, i);
            let mut groups = vec![0; crate::render::plan::mentioned_group(a) + 1];
            for x in &list {
                groups[x.group] += 1;
            }
            CoverageList { list, groups }
        })
    }

    /// The shared summaries of reports `idx`, in that order.
    fn article_summaries(&self, idx: impl IntoIterator<Item = usize>) -> Vec<tera::Value> {
        idx.into_iter()
            .map(|i| self.article_summary(i).clone())
            .collect()
    }

    /// The shared summaries of agreements `idx`, in that order.
    fn agreement_summaries(&self, idx: impl IntoIterator<Item = usize>) -> Vec<tera::Value> {
        idx.into_iter()
            .map(|i| self.agreement_summary(i).clone())
            .collect()
    }

    /// The shared link of party `i` ([`PartyRef`]).
    pub fn party_ref(&self, i: usize) -> tera::Value {
        self.party_refs[i].clone()
    }

    /// Links to the parties of a `parties:` list (unknown codes left out),
    /// each a shared [`PartyRef`].
    pub fn parties(&self, codes: &[String]) -> Vec<tera::Value> {
        codes
            .iter()
            .filter_map(|c| self.archive.find(Kind::Party, c))
            .map(|i| self.party_ref(i))
            .collect()
    }

    /// A link to any entry: title, url, kind, date.
    pub fn entry_ref(&self, key: Key) -> EntryLink<'a> {
        let a = self.archive;
        match a.entry(key) {
            Some(e) => EntryLink {
                title: e.short_title,
                url: a.urls.path(&e.rel()),
                kind: key.kind.name(),
                date: e.date.map(|d| d.iso()),
            },
            None => EntryLink {
                title: "",
                url: a.urls.path(""),
                kind: key.kind.name(),
                date: None,
            },
        }
    }

    /// Links to what links to an entry.
    fn backlinks(&self, key: Key) -> Vec<EntryLink<'a>> {
        self.archive
            .backlinks
            .get(&key)
            .map(|v| v.iter().map(|k| self.entry_ref(*k)).collect())
            .unwrap_or_default()
    }

    /// An entry's body with its links filled in.
    fn body_html(&self, key: Key) -> String {
        let a = self.archive;
        let empty = vec![];
        let links = a.links.get(&key).unwrap_or(&empty);
        match a.body(key) {
            Some(b) if b.html_deferred && key.kind == Kind::Article => {
                let late = &self.late;
                match crate::content::report_html(&late.root, &a.content.articles[key.idx]) {
                    Ok(html) => fill_links(&html, links),
                    Err(d) => {
                        late.errors.lock().unwrap().push(d);
                        String::new()
                    }
                }
            }
            Some(b) => fill_links(&b.html, links),
            None => String::new(),
        }
    }

    /// "Edit this page": the file in the repository's editor, when known.
    fn edit_url(&self, file: &std::path::Path) -> Option<String> {
        let cfg = &self.archive.config;
        cfg.repository.as_ref().map(|r| {
            format!(
                "{}/edit/{}/{}",
                r.trim_end_matches('/'),
                cfg.branch,
                file.to_string_lossy().replace('\\', "/")
            )
        })
    }

    /// "Last updated" and the latest changes of a content file, from git, with
    /// links to the commits when the repository is known. `None` without history.
    fn history(&self, file: &std::path::Path) -> Option<History<'a>> {
        const SHOWN: usize = 8;
        let a = self.archive;
        let changes = a.history.of(file);
        let last = changes.first()?;
        let repo = a
            .config
            .repository
            .as_deref()
            .map(|r| r.trim_end_matches('/'));
        Some(History {
            updated: &last.date,
            changes: changes
                .iter()
                .take(SHOWN)
                .map(|c| Change {
                    date: &c.date,
                    subject: &c.subject,
                    short: &c.hash[..c.hash.len().min(7)],
                    url: repo.map(|r| format!("{r}/commit/{}", c.hash)),
                })
                .collect(),
            more: changes.len().saturating_sub(SHOWN),
            log_url: repo.map(|r| {
                format!(
                    "{r}/commits/{}/{}",
                    a.config.branch,
                    file.to_string_lossy().replace('\\', "/")
                )
            }),
        })
    }

    /// "Suggest a correction": a new issue from the correction form, pre-filled
    /// with the page's title and address.
    pub fn correction_url(&self, title: &str, rel: &str) -> Option<String> {
        let cfg = &self.archive.config;
        cfg.repository.as_ref().map(|r| {
            let mut s = String::with_capacity(r.len() + title.len() * 3 + rel.len() * 3 + 160);
            s.push_str(r.trim_end_matches('/'));
            s.push_str("/issues/new?template=correction.yml&title=");
            urlencode_into(&mut s, "Correction: ");
            urlencode_into(&mut s, title);
            s.push_str("&page-url=");
            urlencode_into(&mut s, &self.archive.urls.absolute(rel));
            s
        })
    }
}

/// `page.history`: when a content file last changed, and its latest commits.
#[derive(Serialize)]
pub struct History<'a> {
    /// Date of the newest change, `YYYY-MM-DD`.
    pub updated: &'a str,
    /// The newest changes (at most eight), newest first.
    pub changes: Vec<Change<'a>>,
    /// How many older changes are not listed.
    pub more: usize,
    /// The file's history in the repository, when known.
    pub log_url: Option<String>,
}

/// One commit in `page.history.changes`.
#[derive(Serialize)]
pub struct Change<'a> {
    /// Commit date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The commit's subject line.
    pub subject: &'a str,
    /// The abbreviated hash (seven characters).
    pub short: &'a str,
    /// The commit in the repository, when known.
    pub url: Option<String>,
}

/// The quoted words in curly quotes, adding only the marks they do not carry
/// themselves (a quote that starts with its own “ gets only the closing ”).
pub fn quoted(exact: &str) -> String {
    let open = if exact.starts_with(['"', '“', '\'', '‘']) {
        ""
    } else {
        "“"
    };
    let close = if exact.ends_with(['"', '”', '\'', '’']) {
        ""
    } else {
        "”"
    };
    format!("{open}{exact}{close}")
}

/// `url#:~:text=prefix-,exact,-suffix`, each part percent-encoded.
pub fn text_fragment_url(url: &str, prefix: &str, exact: &str, suffix: &str) -> String {
    // Unreserved characters but `-` (the fragment's own separator) stay.
    let enc = |out: &mut String, s: &str| {
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' => out.push(b as char),
                _ => push_percent(out, b),
            }
        }
    };
    let base = url.split('#').next().unwrap_or(url);
    let mut out = String::with_capacity(base.len() + exact.len() * 3 + 64);
    out.push_str(base);
    out.push_str("#:~:text=");
    let prefix = last_words(prefix, 3);
    let suffix = first_words(suffix, 3);
    if !prefix.is_empty() {
        enc(&mut out, &prefix);
        out.push_str("-,");
    }
    enc(&mut out, exact);
    if !suffix.is_empty() {
        out.push_str(",-");
        enc(&mut out, &suffix);
    }
    out
}

fn last_words(s: &str, n: usize) -> String {
    let w: Vec<&str> = s.split_whitespace().collect();
    // Drop a partial first word when the context was cut mid-word.
    let start = w.len().saturating_sub(n);
    w[start..].join(" ")
}

fn first_words(s: &str, n: usize) -> String {
    s.split_whitespace().take(n).collect::<Vec<_>>().join(" ")
}

/// Percent-encodes everything but unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    urlencode_into(&mut out, s);
    out
}

/// [`urlencode`], appending to `out`.
fn urlencode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' | b'-' => {
                out.push(b as char)
            }
            _ => push_percent(out, b),
        }
    }
}

/// `%XY`, upper-case hex.
fn push_percent(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 15)] as char);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencode_keeps_unreserved_and_encodes_the_rest_in_upper_hex() {
        assert_eq!(urlencode("a-b_c.d~e f/é"), "a-b_c.d~e%20f%2F%C3%A9");
    }

    #[test]
    fn text_fragments_encode_their_own_separators() {
        assert_eq!(
            text_fragment_url(
                "https://x.example/a#top",
                "one two three four",
                "a-b, c&d",
                "five six seven eight"
            ),
            "https://x.example/a#:~:text=two%20three%20four-,a%2Db%2C%20c%26d,-five%20six%20seven"
        );
    }
}
