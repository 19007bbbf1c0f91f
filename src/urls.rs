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

/// The route table's top level: every folder and file at the root of the
/// output that Annals writes itself. A content page (`content/pages/<name>.md`
/// → `<name>/`) or a file of `static/` may not take one of these names.
pub mod routes {
    /// Folders Annals writes at the site root (`articles/…`, the search
    /// index `pagefind/`, the open data `data/`, …).
    pub const SECTIONS: &[&str] = &[
        "articles",
        "agreements",
        "parties",
        "tags",
        "years",
        "clauses",
        "timeline",
        "annotations",
        "search",
        "pagefind",
        "data",
    ];

    /// Files Annals writes at the site root.
    pub const FILES: &[&str] = &[
        "index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "CNAME",
        ".annals-output",
    ];

    /// The output a page slug would clash with: a section (`data/`), or a file
    /// of the same name without its extension (`/feed/` beside `/feed.xml`
    /// would only confuse).
    pub fn reserved_page_output(slug: &str) -> Option<String> {
        if SECTIONS.contains(&slug) {
            return Some(format!("{slug}/"));
        }
        FILES
            .iter()
            .find(|f| !slug.is_empty() && f.split('.').next() == Some(slug))
            .map(|f| f.to_string())
    }

    /// True when a page slug would give a URL Annals uses itself.
    pub fn is_reserved_page(slug: &str) -> bool {
        reserved_page_output(slug).is_some()
    }

    /// True when a file of `static/` at this site-relative path (with `/`
    /// separators) would land on, or inside, output Annals writes itself.
    pub fn is_reserved_output(rel: &str) -> bool {
        let first = rel.split('/').next().unwrap_or(rel);
        if rel.contains('/') {
            SECTIONS.contains(&first)
        } else {
            FILES.contains(&rel) || SECTIONS.contains(&rel)
        }
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
    /// A party.
    pub fn party(code: &str) -> String {
        format!("parties/{code}/")
    }
    /// A tag.
    pub fn tag(tag: &str) -> String {
        format!("tags/{tag}/")
    }
    /// A year's archive.
    pub fn year(year: i16) -> String {
        format!("years/{year}/")
    }
    /// A clause comparison.
    pub fn clause(id: &str) -> String {
        format!("clauses/{id}/")
    }
    /// A free-standing page.
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
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

#[cfg(test)]
mod tests {
    use super::*;

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
