//! The one place internal URLs are made, so a site under a sub-path
//! (`https://owner.github.io/archive/`) works exactly like one at a domain root.

/// Builds site-relative and absolute URLs from `base_url`.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `/` or `/archive/`.
    base_path: String,
    /// `https://owner.github.io` (no trailing slash, no path).
    origin: String,
}

impl Urls {
    /// From an absolute base URL.
    pub fn new(base_url: &str) -> Self {
        let base_path = crate::config::base_path_of(base_url);
        let trimmed = base_url.trim_end_matches('/');
        let origin = trimmed
            .strip_suffix(base_path.trim_end_matches('/'))
            .unwrap_or(trimmed)
            .to_string();
        Urls { base_path, origin }
    }

    /// Path for a site-relative path: `agreements/x/` → `/archive/agreements/x/`.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{}", self.base_path, rel.trim_start_matches('/'))
    }

    /// Absolute URL: `https://owner.github.io/archive/agreements/x/`.
    pub fn absolute(&self, rel: &str) -> String {
        format!("{}{}", self.origin, self.path(rel))
    }

    /// The base path, `/` or `/archive/`.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
}

/// The top level of the output, from the route table ([`Route`]): every
/// folder and file at the root of the output that Annals writes itself. A
/// content page (`content/pages/<name>.md` → `<name>/`) or a file of `static/`
/// may not take one of these names.
pub mod routes {
    use super::{out_path, Route};

    /// One route of every kind but [`Route::Page`] (pages are what is checked
    /// against the others), entry routes with a stand-in slug.
    fn samples() -> Vec<Route> {
        let all = vec![
            Route::Home,
            Route::Article(0),
            Route::Agreement(0, 1),
            Route::Party(0, 1),
            Route::Actor(0),
            Route::ActorsIndex,
            Route::Corrections,
            Route::ArticlesList(2),
            Route::AgreementsIndex(2),
            Route::PartiesIndex,
            Route::TagsIndex,
            Route::Tag("t".into(), 1),
            Route::YearsIndex,
            Route::Year(2000, 1),
            Route::Clause("c".into()),
            Route::ClausesIndex,
            Route::NotFound,
            Route::Timeline,
            Route::Annotations,
            Route::Feeds,
            Route::Data,
            Route::Search,
            Route::SearchIndex,
        ];
        // Adding a kind of route without adding it above fails to compile here.
        for r in &all {
            match r {
                Route::Home
                | Route::Article(_)
                | Route::Agreement(..)
                | Route::Party(..)
                | Route::Actor(_)
                | Route::ActorsIndex
                | Route::Corrections
                | Route::Page(_)
                | Route::ArticlesList(_)
                | Route::AgreementsIndex(_)
                | Route::PartiesIndex
                | Route::TagsIndex
                | Route::Tag(..)
                | Route::YearsIndex
                | Route::Year(..)
                | Route::Clause(_)
                | Route::ClausesIndex
                | Route::NotFound
                | Route::Timeline
                | Route::Annotations
                | Route::Feeds
                | Route::Data
                | Route::Search
                | Route::SearchIndex => {}
            }
        }
        all
    }

    /// Files the modules write at the root besides their route's own path
    /// (the feeds module's discovery files), and the output marker.
    pub const MODULE_FILES: &[&str] = &[
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "CNAME",
        ".annals-output",
    ];

    /// Folders Annals writes at the site root (`articles`, `data`, `pagefind`, …).
    pub fn sections() -> Vec<String> {
        let mut v: Vec<String> = samples()
            .iter()
            .map(|r| r.rel("s"))
            .filter_map(|rel| rel.split_once('/').map(|(first, _)| first.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Files Annals writes at the site root (`index.html`, `404.html`,
    /// `feed.xml`, `sitemap.xml`, …).
    pub fn root_files() -> Vec<String> {
        let mut v: Vec<String> = samples()
            .iter()
            .map(|r| out_path(&r.rel("s")))
            .filter(|p| !p.contains('/'))
            .chain(MODULE_FILES.iter().map(|f| f.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// The output a page slug would clash with: a section (`data/`), or a file
    /// of the same name without its extension (`/feed/` beside `/feed.xml`
    /// would only confuse).
    pub fn reserved_page_output(slug: &str) -> Option<String> {
        if slug.is_empty() {
            return None;
        }
        if sections().iter().any(|s| s == slug) {
            return Some(format!("{slug}/"));
        }
        if is_sitemap_part(&format!("{slug}.xml")) {
            return Some(format!("{slug}.xml"));
        }
        root_files()
            .into_iter()
            .find(|f| f.split('.').next() == Some(slug))
    }

    /// True for the parts of a split sitemap (`sitemap1.xml`, `sitemap2.xml`, …),
    /// which a large site writes at its root beside `sitemap.xml`.
    pub fn is_sitemap_part(name: &str) -> bool {
        name.strip_prefix("sitemap")
            .and_then(|r| r.strip_suffix(".xml"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// True when a page slug would give a URL Annals uses itself.
    pub fn is_reserved_page(slug: &str) -> bool {
        reserved_page_output(slug).is_some()
    }

    /// True when a file of `static/` at this site-relative path (with `/`
    /// separators) would land on, or inside, output Annals writes itself.
    pub fn is_reserved_output(rel: &str) -> bool {
        let first = rel.split('/').next().unwrap_or(rel);
        sections().iter().any(|s| s == first)
            || root_files().iter().any(|f| f == rel)
            || is_sitemap_part(rel)
    }
}

/// Site-relative paths of each page kind (no base path, no leading slash).
pub mod paths {
    /// A report.
    pub fn article(slug: &str) -> String {
        format!("articles/{slug}/")
    }
    /// An agreement.
    pub fn agreement(slug: &str) -> String {
        format!("agreements/{slug}/")
    }
    /// Page `n` (1-based) of an agreement: its coverage goes on past the first page.
    pub fn agreement_page(slug: &str, n: usize) -> String {
        if n <= 1 {
            agreement(slug)
        } else {
            format!("agreements/{slug}/page/{n}/")
        }
    }
    /// Page `n` (1-based) of the agreements table.
    pub fn agreements_page(n: usize) -> String {
        if n <= 1 {
            "agreements/".to_string()
        } else {
            format!("agreements/page/{n}/")
        }
    }
    /// A party.
    pub fn party(code: &str) -> String {
        format!("parties/{code}/")
    }
    /// Page `n` (1-based) of a party: its reports go on past the first page.
    pub fn party_page(code: &str, n: usize) -> String {
        if n <= 1 {
            party(code)
        } else {
            format!("parties/{code}/page/{n}/")
        }
    }
    /// A threat actor.
    pub fn actor(slug: &str) -> String {
        format!("actors/{slug}/")
    }
    /// The alias table's row for a name (`name_id` from [`name_anchor`]).
    pub fn actor_name(name_id: &str) -> String {
        format!("actors/#{name_id}")
    }
    /// The corrections log.
    pub fn corrections() -> String {
        "corrections/".to_string()
    }
    /// The corrections log's Atom feed.
    pub fn corrections_feed() -> String {
        "corrections/feed.xml".to_string()
    }
    /// A note in place on its report (`n` is the note's number, from 1).
    pub fn note(article_slug: &str, n: usize) -> String {
        format!("articles/{article_slug}/#note-{n}")
    }
    /// The id of a name's row in the alias table: `name-` and the name in
    /// lowercase letters and digits joined by hyphens.
    pub fn name_anchor(name: &str) -> String {
        let mut out = String::from("name-");
        let mut dash = false;
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                if dash && !out.ends_with('-') {
                    out.push('-');
                }
                out.push(c);
                dash = false;
            } else {
                dash = true;
            }
        }
        out
    }
    /// A tag.
    pub fn tag(tag: &str) -> String {
        format!("tags/{tag}/")
    }
    /// Page `n` (1-based) of a tag's reports.
    pub fn tag_page(tag: &str, n: usize) -> String {
        if n <= 1 {
            self::tag(tag)
        } else {
            format!("tags/{tag}/page/{n}/")
        }
    }
    /// A year's archive.
    pub fn year(year: i16) -> String {
        format!("years/{year}/")
    }
    /// Page `n` (1-based) of a year's reports.
    pub fn year_page(year: i16, n: usize) -> String {
        if n <= 1 {
            self::year(year)
        } else {
            format!("years/{year}/page/{n}/")
        }
    }
    /// A clause comparison.
    pub fn clause(id: &str) -> String {
        format!("clauses/{id}/")
    }
    /// A citation file (`bib`, `ris`, `json`) next to the page at `page_rel`.
    pub fn citation(page_rel: &str, ext: &str) -> String {
        format!("{page_rel}cite.{ext}")
    }
    /// A free-standing page.
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
    }
    /// The whole timeline.
    pub fn timeline() -> String {
        "timeline/".to_string()
    }
    /// A filtered view of the timeline: `agreements`, `reports` or a party's code.
    pub fn timeline_view(name: &str) -> String {
        format!("timeline/{name}/")
    }
    /// One year of a timeline view at `view` (`timeline/…/`).
    pub fn timeline_year(view: &str, year: i64) -> String {
        format!("{view}{year}/")
    }
    /// Page `n` (1-based) of one year of a timeline view at `view`.
    pub fn timeline_year_page(view: &str, year: i64, n: usize) -> String {
        if n <= 1 {
            timeline_year(view, year)
        } else {
            format!("{view}{year}/page/{n}/")
        }
    }
    /// Page `n` (1-based) of the notes index.
    pub fn annotations_page(n: usize) -> String {
        if n <= 1 {
            "annotations/".to_string()
        } else {
            format!("annotations/page/{n}/")
        }
    }
    /// Page `n` (1-based) of the reports list.
    pub fn articles_page(n: usize) -> String {
        if n <= 1 {
            "articles/".to_string()
        } else {
            format!("articles/page/{n}/")
        }
    }
}

/// The route table: every output of the site, by what produces it. Pages are
/// one file each; the modules (timeline, notes, feeds, data, search) produce a
/// set of files each. Indices refer to the resolved archive's collections.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// The home page.
    Home,
    /// A report.
    Article(usize),
    /// Page n (1-based) of an agreement: its page, then its further coverage.
    Agreement(usize, usize),
    /// Page n (1-based) of a party: its page, then its further reports.
    Party(usize, usize),
    /// A threat actor.
    Actor(usize),
    /// A free-standing page.
    Page(usize),
    /// The alias table of threat actors.
    ActorsIndex,
    /// The corrections log and its feed.
    Corrections,
    /// Page n (1-based) of the reports list.
    ArticlesList(usize),
    /// Page n (1-based) of the agreements table.
    AgreementsIndex(usize),
    /// The parties index.
    PartiesIndex,
    /// The tags index.
    TagsIndex,
    /// Page n (1-based) of one tag.
    Tag(String, usize),
    /// The years index.
    YearsIndex,
    /// Page n (1-based) of one year.
    Year(i16, usize),
    /// One clause comparison.
    Clause(String),
    /// The clauses index.
    ClausesIndex,
    /// 404.html.
    NotFound,
    /// The timeline and its filtered views (`/timeline/…`).
    Timeline,
    /// The notes index (`/annotations/…`).
    Annotations,
    /// Feeds, the sitemap and discovery files.
    Feeds,
    /// The open-data exports and `/data/`.
    Data,
    /// The `/search/` page.
    Search,
    /// The search index bundle (`/pagefind/…`).
    SearchIndex,
}

impl Route {
    /// The template a page route renders (modules that render several files
    /// name their page template; feeds and the index use none).
    pub fn template(&self) -> Option<&'static str> {
        Some(match self {
            Route::Home => "home.html",
            Route::Article(_) => "article.html",
            Route::Agreement(..) => "agreement.html",
            Route::Party(..) => "party.html",
            Route::Actor(_) => "actor.html",
            Route::ActorsIndex => "actors.html",
            Route::Corrections => "corrections.html",
            Route::Page(_) => "page.html",
            Route::ArticlesList(_) => "articles.html",
            Route::AgreementsIndex(_) => "agreements.html",
            Route::PartiesIndex => "parties.html",
            Route::TagsIndex => "tags.html",
            Route::Tag(..) => "tag.html",
            Route::YearsIndex => "years.html",
            Route::Year(..) => "year.html",
            Route::Clause(_) => "clause.html",
            Route::ClausesIndex => "clauses.html",
            Route::NotFound => "404.html",
            Route::Timeline => "timeline.html",
            Route::Annotations => "annotations.html",
            Route::Data => "data.html",
            Route::Search => "search.html",
            Route::Feeds | Route::SearchIndex => return None,
        })
    }

    /// True for the routes rendered by a module into a set of files.
    pub fn is_module(&self) -> bool {
        matches!(
            self,
            Route::Timeline
                | Route::Annotations
                | Route::Feeds
                | Route::Data
                | Route::SearchIndex
                | Route::Corrections
        )
    }

    /// Site-relative path of a page route, given the slugs of its entry
    /// (`slug` is the entry's slug for entry routes and ignored otherwise).
    pub fn rel(&self, slug: &str) -> String {
        match self {
            Route::Home => String::new(),
            Route::Article(_) => paths::article(slug),
            Route::Agreement(_, n) => paths::agreement_page(slug, *n),
            Route::Party(_, n) => paths::party_page(slug, *n),
            Route::Actor(_) => paths::actor(slug),
            Route::ActorsIndex => "actors/".into(),
            Route::Corrections => paths::corrections(),
            Route::Page(_) => paths::page(slug),
            Route::ArticlesList(n) => paths::articles_page(*n),
            Route::AgreementsIndex(n) => paths::agreements_page(*n),
            Route::PartiesIndex => "parties/".into(),
            Route::TagsIndex => "tags/".into(),
            Route::Tag(t, n) => paths::tag_page(t, *n),
            Route::YearsIndex => "years/".into(),
            Route::Year(y, n) => paths::year_page(*y, *n),
            Route::Clause(id) => paths::clause(id),
            Route::ClausesIndex => "clauses/".into(),
            Route::NotFound => "404.html".into(),
            Route::Timeline => paths::timeline(),
            Route::Annotations => "annotations/".into(),
            Route::Data => "data/".into(),
            Route::Search => "search/".into(),
            Route::Feeds => "feed.xml".into(),
            Route::SearchIndex => "pagefind/".into(),
        }
    }
}

/// The output file of a page at site-relative path `rel`.
pub fn out_path(rel: &str) -> String {
    if rel.ends_with(".html") || rel.ends_with(".xml") {
        rel.to_string()
    } else {
        format!("{rel}index.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_parts_are_reserved_for_pages_and_static_files() {
        assert!(routes::is_sitemap_part("sitemap12.xml"));
        assert!(!routes::is_sitemap_part("sitemap.xml"));
        assert!(!routes::is_sitemap_part("sitemapx.xml"));
        assert_eq!(
            routes::reserved_page_output("sitemap2").as_deref(),
            Some("sitemap2.xml")
        );
        assert!(routes::is_reserved_output("sitemap3.xml"));
        assert!(!routes::is_reserved_page("sitemaps-guide"));
    }

    #[test]
    fn subpath_and_root() {
        let u = Urls::new("https://o.github.io/archive/");
        assert_eq!(u.path("agreements/x/"), "/archive/agreements/x/");
        assert_eq!(
            u.absolute("feed.xml"),
            "https://o.github.io/archive/feed.xml"
        );
        let r = Urls::new("https://example.org");
        assert!(routes::is_reserved_page("pagefind"));
        assert!(routes::is_reserved_page("feed"));
        assert!(!routes::is_reserved_page("about"));
        assert!(routes::is_reserved_output("data/archive.json"));
        assert!(routes::is_reserved_output("feed.xml"));
        assert!(!routes::is_reserved_output("style.css"));
        assert_eq!(r.path("/"), "/");
        assert_eq!(r.absolute(""), "https://example.org/");
    }
}
