//! `site.yaml`: site settings and the vocabularies content is checked against.

use indexmap::IndexMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::yaml;

/// The parsed `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Site title, shown in the header and in feeds.
    pub title: String,
    /// One or two sentences, used in meta tags and feeds.
    pub description: String,
    /// BCP 47 language tag for `<html lang>`.
    #[serde(default = "default_language")]
    pub language: String,
    /// Absolute URL the site is published at; its path is the prefix of every link.
    pub base_url: String,
    /// Repository URL (for "Edit this page" and "Suggest a correction").
    #[serde(default)]
    pub repository: Option<String>,
    /// Branch the content is edited on.
    #[serde(default = "default_branch")]
    pub branch: String,
    /// Reports per list page.
    #[serde(default = "default_per_page")]
    pub per_page: usize,
    /// Rows on a page of the agreements table (a table is scanned, so it
    /// pages later than a list of reports).
    #[serde(default = "default_table_rows")]
    pub table_rows: usize,
    /// How many of the newest reports the archive's feed and each
    /// agreement's feed carry.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// Licence statement shown in the footer and the data page.
    #[serde(default)]
    pub licence: Option<String>,
    /// Custom domain written to `CNAME` for GitHub Pages.
    #[serde(default)]
    pub cname: Option<String>,
    /// Files of `static/` whose type could run script on the site's origin
    /// (JavaScript, SVG, HTML, XML, …), allowed by name after review
    /// (`[notes.js, search.js]`). Any other such file is an error.
    #[serde(default)]
    pub static_scripts: Vec<String>,
    /// Relation types: key → labels, in the order of site.yaml.
    pub relation_types: IndexMap<String, RelationType>,
    /// Annotation kinds.
    pub annotation_kinds: IndexMap<String, Term>,
    /// Agreement forms.
    pub agreement_forms: IndexMap<String, Term>,
    /// Agreement statuses.
    pub agreement_statuses: IndexMap<String, Term>,
}

/// A relation type with its labels in both directions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    /// Shown on the page that declares the relation.
    pub label: String,
    /// Shown on the target page; absent for symmetric relations.
    #[serde(default)]
    pub inverse: Option<String>,
    /// The relation reads the same both ways (`contrasts-with`).
    #[serde(default)]
    pub symmetric: bool,
}

impl RelationType {
    /// The label shown on the target page.
    pub fn inverse_label(&self) -> &str {
        match (&self.inverse, self.symmetric) {
            (Some(inv), false) => inv,
            _ => &self.label,
        }
    }
}

/// A vocabulary term: display label and description.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Display label.
    pub label: String,
    /// What it means, shown on the about and index pages.
    #[serde(default)]
    pub description: Option<String>,
    /// Annotation kinds only: a note of this kind must list at least one URL
    /// in `sources:` (an error otherwise).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_source: bool,
}

fn default_language() -> String {
    "en".into()
}
fn default_branch() -> String {
    "main".into()
}
fn default_per_page() -> usize {
    20
}
fn default_table_rows() -> usize {
    100
}
fn default_feed_limit() -> usize {
    50
}

/// The starter `site.yaml` suggested when none exists.
pub const STARTER_HINT: &str = "create site.yaml at the site root with at least `title`, `description`, `base_url`, `relation_types`, `annotation_kinds`, `agreement_forms` and `agreement_statuses` (see the README)";

impl SiteConfig {
    /// Loads and checks `root/site.yaml`.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
        let path = root.join("site.yaml");
        let text = match crate::content::files::read_text(
            root,
            &path,
            crate::content::files::MAX_CONFIG_BYTES,
        ) {
            Ok(t) => t,
            Err(crate::content::files::ReadError::NotFound) => {
                return Err(vec![
                    Diagnostic::error("site.yaml", "site.yaml not found").with_hint(STARTER_HINT)
                ]);
            }
            Err(e) => return Err(vec![e.diagnostic(Path::new("site.yaml"))]),
        };
        let file = SourceFile::new("site.yaml", text);
        let config: SiteConfig = yaml::parse_file(&file).map_err(|d| vec![d])?;
        let spans = yaml::SpanIndex::build(&file.text, 1);
        let mut errors = vec![];
        let at = |path: &str, msg: String| {
            let (l, c) = spans.value(path).unwrap_or((1, 1));
            file.error_at_line_col(l, c, msg)
        };
        let value = serde_json::to_value(&config).unwrap_or_default();
        errors.extend(crate::allow::control_errors(&value, &file, &spans));
        // Every URL setting goes through the one allow-list.
        let url_settings = [
            ("base_url", Some(&config.base_url)),
            ("repository", config.repository.as_ref()),
        ];
        for (key, value) in url_settings {
            let Some(url) = value else { continue };
            let hint = match key {
                "base_url" => "write it like https://owner.github.io/archive/",
                _ => "write it like https://github.com/owner/archive",
            };
            match crate::allow::check_url(url, crate::allow::UrlUse::Absolute) {
                Err(p) => errors.push(at(key, format!("{key}: {}", p.message)).with_hint(hint)),
                Ok(_) if url.contains(['?', '#']) || url.trim() != url => errors.push(
                    at(
                        key,
                        format!(
                            "{key} `{url}` must be a plain address (no spaces, query or fragment)"
                        ),
                    )
                    .with_hint(hint),
                ),
                Ok(_) => {}
            }
        }
        if let Some(cname) = &config.cname {
            let ok = !cname.is_empty()
                && cname.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if !ok {
                errors.push(
                    at("cname", format!("cname `{cname}` is not a domain name"))
                        .with_hint("write only the domain, like archive.example.org"),
                );
            }
        }
        // The branch goes into every edit link, after the repository's address.
        let branch_ok = !config.branch.is_empty()
            && !config.branch.contains("..")
            && !config.branch.starts_with(['/', '-'])
            && config
                .branch
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
        if !branch_ok {
            errors.push(
                at(
                    "branch",
                    format!("branch `{}` is not a branch name", config.branch),
                )
                .with_hint("write the branch content is edited on, like main"),
            );
        }
        if config.language.is_empty()
            || !config
                .language
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            errors.push(
                at(
                    "language",
                    format!("language `{}` is not a language tag", config.language),
                )
                .with_hint("write a BCP 47 tag such as en or en-GB"),
            );
        }
        for (i, name) in config.static_scripts.iter().enumerate() {
            let plain = !name.is_empty()
                && !name.starts_with('/')
                && name
                    .split('/')
                    .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
            if !plain {
                errors.push(
                    at(
                        &format!("static_scripts.{i}"),
                        format!("static_scripts entry `{name}` is not a path inside static/"),
                    )
                    .with_hint(
                        "name the file by its path inside static/, like notes.js or js/app.js",
                    ),
                );
            }
        }
        if config.per_page == 0 {
            errors.push(at("per_page", "per_page must be at least 1".into()));
        }
        if config.table_rows == 0 {
            errors.push(at("table_rows", "table_rows must be at least 1".into()));
        }
        if config.feed_limit == 0 {
            errors.push(at("feed_limit", "feed_limit must be at least 1".into()));
        }
        for (key, rt) in &config.relation_types {
            if rt.inverse.is_none() && !rt.symmetric {
                errors.push(
                    at(
                        &format!("relation_types.{key}"),
                        format!("relation type `{key}` has no inverse label"),
                    )
                    .with_hint("add `inverse: …` or `symmetric: true`"),
                );
            }
        }
        for (section, terms) in [
            ("agreement_forms", &config.agreement_forms),
            ("agreement_statuses", &config.agreement_statuses),
        ] {
            for (key, t) in terms {
                if t.requires_source {
                    errors.push(
                        at(
                            &format!("{section}.{key}.requires_source"),
                            format!(
                                "`requires_source` applies to annotation kinds, not to {section}"
                            ),
                        )
                        .with_hint("remove it here; set it under annotation_kinds"),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

/// `https://x.github.io/archive` → `/archive/`.
pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(base_url);
    let path = after_scheme
        .find('/')
        .map(|i| &after_scheme[i..])
        .unwrap_or("/");
    let path = path.trim_end_matches('/');
    format!("{path}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_handles_subpaths_and_roots() {
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("https://example.org/"), "/");
        assert_eq!(base_path_of("https://o.github.io/archive"), "/archive/");
        assert_eq!(base_path_of("https://o.github.io/archive/"), "/archive/");
    }
}
