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
    /// A citation file (`bib`, `ris`, `json`) next to the page at `page_rel`.
    pub fn citation(page_rel: &str, ext: &str) -> String {
        format!("{page_rel}cite.{ext}")
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
        assert_eq!(r.path("/"), "/");
        assert_eq!(r.absolute(""), "https://example.org/");
    }
}
