//! `annals new report|agreement "Title"`: write a new content file with every
//! required field, ready to fill in.
//!
//! The file is written as a draft (`draft: true`) with placeholder values that
//! pass `annals check --drafts`, so a fresh file never breaks the build. It is
//! never written over an existing file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::civil;

use super::Outcome;
use crate::config::SiteConfig;
use crate::content::is_valid_slug;
use crate::diagnostics::Diagnostics;
use crate::markdown::slugify;

/// What kind of entry to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// An archived news report, `content/articles/<date>-<slug>.md`.
    Report,
    /// An agreement, statement or dialogue, `content/agreements/<slug>.md`.
    Agreement,
}

/// Options of `annals new`.
#[derive(Debug, Clone)]
pub struct NewOptions {
    /// Site root (holds site.yaml).
    pub root: PathBuf,
    /// Report or agreement.
    pub kind: NewKind,
    /// The title, as readers will see it.
    pub title: String,
    /// `YYYY-MM-DD`; today when absent.
    pub date: Option<String>,
    /// File name (without `.md`, and without the date for reports) instead of
    /// the one made from the title.
    pub slug: Option<String>,
}

/// Longest slug made from a title (a hand-picked `--slug` may be longer).
const MAX_SLUG: usize = 60;

/// Runs `annals new`; on success prints the path written and returns `Outcome::Ok(1)`.
pub fn new_entry(opts: &NewOptions) -> Outcome {
    match write_entry(opts) {
        Ok(written) => {
            // stdout is just the path, so `$EDITOR "$(annals new …)"` works.
            println!("{}", written.path.display());
            for (section, other) in &written.same_name {
                let stem = &written.stem;
                eprintln!(
                    "warning: {} has the same name, so a wiki link [[{stem}]] becomes ambiguous: write [[{}/{stem}]] or [[{section}/{stem}]]",
                    other.display(),
                    written.folder,
                );
            }
            eprintln!(
                "wrote a draft: fill in the fields marked TODO, delete the `draft: true` line, then run `annals check`"
            );
            Outcome::Ok(1)
        }
        Err(NewError::Config(diags)) => {
            eprint!("{}", diags.render_human());
            Outcome::ContentErrors
        }
        Err(NewError::Usage(msg)) => Outcome::Usage(msg),
    }
}

/// What `write_entry` wrote.
struct Written {
    /// The file, relative to the current folder.
    path: PathBuf,
    /// `articles` or `agreements`.
    folder: &'static str,
    /// File stem (the slug).
    stem: String,
    /// Files in other sections with the same stem: (section, path).
    same_name: Vec<(&'static str, PathBuf)>,
}

enum NewError {
    Config(Diagnostics),
    Usage(String),
}

/// Writes the file.
fn write_entry(opts: &NewOptions) -> Result<Written, NewError> {
    let title = opts.title.trim();
    if title.is_empty() {
        return Err(NewError::Usage(
            "the title is empty; write it in quotes, like: annals new report \"UK, China mirror US anti-hacking pact\"".into(),
        ));
    }
    let date = match &opts.date {
        Some(d) => parse_date(d).map_err(NewError::Usage)?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let slug = match &opts.slug {
        Some(s) => {
            if !is_valid_slug(s) {
                return Err(NewError::Usage(format!(
                    "invalid --slug `{s}`: use lowercase letters, digits and single hyphens, like `{}`",
                    slug_from_title(s).unwrap_or_else(|| "uk-china-2015".into())
                )));
            }
            s.clone()
        }
        None => slug_from_title(title).ok_or_else(|| {
            NewError::Usage(format!(
                "cannot make a file name from the title `{title}`: it has no Latin letters or digits; give one with --slug, like --slug uk-china-2015"
            ))
        })?,
    };
    let config = SiteConfig::load(&opts.root)
        .map_err(|d| NewError::Config(d.into_iter().collect::<Diagnostics>()))?;
    let (folder, stem, text) = match opts.kind {
        NewKind::Report => (
            "articles",
            format!("{date}-{slug}"),
            report_text(&config, title, date),
        ),
        NewKind::Agreement => ("agreements", slug, agreement_text(&config, title, date)),
    };
    debug_assert!(is_valid_slug(&stem));
    let rel = Path::new("content").join(folder).join(format!("{stem}.md"));
    // `./content/…` reads better as `content/…`.
    let path = if opts.root == Path::new(".") {
        rel.clone()
    } else {
        opts.root.join(&rel)
    };
    let dir = opts.root.join("content").join(folder);
    std::fs::create_dir_all(&dir)
        .map_err(|e| NewError::Usage(format!("cannot create {}: {e}", dir.display())))?;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(NewError::Usage(format!(
                "{} already exists; edit that file, or choose another title or --slug (annals new never overwrites a file)",
                path.display()
            )));
        }
        Err(e) => {
            return Err(NewError::Usage(format!(
                "cannot create {}: {e}",
                path.display()
            )))
        }
    };
    if let Err(e) = file.write_all(text.as_bytes()) {
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(NewError::Usage(format!(
            "cannot write {}: {e}",
            path.display()
        )));
    }
    let same_name = crate::content::SECTIONS
        .iter()
        .filter(|&&s| s != folder)
        .map(|&s| (s, Path::new("content").join(s).join(format!("{stem}.md"))))
        .filter(|(_, p)| opts.root.join(p).is_file())
        .collect();
    Ok(Written {
        path,
        folder,
        stem,
        same_name,
    })
}

/// Accepts exactly `YYYY-MM-DD`, a real calendar day.
fn parse_date(s: &str) -> Result<civil::Date, String> {
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let hint = "write it as YYYY-MM-DD, like --date 2015-10-22";
    if !shape_ok {
        return Err(format!("invalid --date `{s}`: {hint}"));
    }
    s.parse::<civil::Date>()
        .map_err(|_| format!("invalid --date `{s}`: no such day; {hint}"))
}

/// `"UK–China: Xi's visit (Part 2)"` → `uk-china-xi-s-visit-part-2`; accents are
/// folded to ASCII, other scripts dropped, long titles cut at a word boundary.
/// `None` when nothing usable is left.
fn slug_from_title(title: &str) -> Option<String> {
    let mut folded = String::with_capacity(title.len());
    for c in title.chars() {
        match fold_char(c) {
            Some(s) => folded.push_str(s),
            None if c.is_ascii() => folded.push(c),
            // Other scripts have no ASCII spelling here: treat as a separator.
            None => folded.push(' '),
        }
    }
    let mut slug = slugify(&folded);
    if slug.len() > MAX_SLUG {
        let cut = slug[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
        slug = slug.trim_end_matches('-').to_string();
    }
    is_valid_slug(&slug).then_some(slug)
}

/// ASCII spelling of common accented Latin letters.
fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'ď' | 'đ' | 'ð' => "d",
        'Ď' | 'Đ' | 'Ð' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ğ' => "g",
        'Ğ' => "G",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => "I",
        'ł' | 'ľ' | 'ĺ' => "l",
        'Ł' | 'Ľ' | 'Ĺ' => "L",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ř' | 'ŕ' => "r",
        'Ř' | 'Ŕ' => "R",
        'ß' => "ss",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ť' | 'ţ' | 'ț' => "t",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'þ' => "th",
        'Þ' => "TH",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        // Apostrophes join a word rather than split it: "Xi’s" → "xis".
        '\'' | '’' | 'ʼ' => "",
        _ => return None,
    })
}

/// A YAML double-quoted scalar (JSON strings are valid YAML 1.2).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// A vocabulary's keys in site.yaml order, for a comment.
fn keys<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// A vocabulary's first key in site.yaml order.
fn first_key<'a>(mut keys: impl Iterator<Item = &'a String>, fallback: &str) -> String {
    keys.next().cloned().unwrap_or_else(|| fallback.to_string())
}

/// Commented-out examples of `relations:` with the vocabulary from site.yaml.
fn relations_comment(out: &mut String, config: &SiteConfig, example_type: &str, note: &str) {
    let example = if config.relation_types.contains_key(example_type) {
        example_type.to_string()
    } else {
        first_key(config.relation_types.keys(), "mirrors")
    };
    let _ = writeln!(
        out,
        "# Typed links to agreements, declared once, on one side only: the other page shows the\n\
         # inverse label from site.yaml. Types: {}.",
        keys(config.relation_types.keys())
    );
    let _ = writeln!(out, "# relations:");
    let _ = writeln!(out, "#   - type: {example}");
    let _ = writeln!(out, "#     to: agreement-slug");
    let _ = writeln!(out, "#     note: {note}");
}

fn report_text(config: &SiteConfig, title: &str, date: civil::Date) -> String {
    let kind = if config.annotation_kinds.contains_key("context") {
        "context".to_string()
    } else {
        first_key(config.annotation_kinds.keys(), "context")
    };
    let mut o = String::new();
    o.push_str("---\n");
    let _ = writeln!(o, "title: {}", quoted(title));
    let _ = writeln!(o, "date: {date}                 # when the report was published; a time may follow: {date}T09:30:00-05:00");
    o.push_str("# date_note: The day is uncertain.   # optional, shown to readers\n");
    o.push_str("source:\n");
    o.push_str("  publisher: \"TODO: publication name\"\n");
    o.push_str("  url: https://example.com/TODO-link-to-the-original-report\n");
    o.push_str("  # author: Reporter name                # optional\n");
    o.push_str("  # title: Original headline             # optional, when it differs from the title above\n");
    o.push_str("summary: \"TODO: one sentence for lists, feeds and meta tags.\"\n");
    o.push_str("agreements: []        # agreements the report covers (file names in content/agreements/), like [us-china-2015]\n");
    o.push_str(
        "parties: []           # party codes (file names in content/parties/), like [us, cn]\n",
    );
    o.push_str("tags: []              # lowercase words with hyphens, like [economic-espionage, attribution]\n");
    relations_comment(&mut o, config, "assesses", "Why, in a sentence.");
    let _ = writeln!(
        o,
        "# Editors' notes anchored to exact words of the body below. Kinds: {}.",
        keys(config.annotation_kinds.keys())
    );
    o.push_str("# annotations:\n");
    o.push_str("#   - quote: \"exact words as they read on the page\"\n");
    o.push_str(
        "#     prefix: \"words right before \"   # optional: picks one of several matches\n",
    );
    o.push_str("#     suffix: \" words right after\"    # optional\n");
    let _ = writeln!(o, "#     kind: {kind}");
    o.push_str("#     note: |\n");
    o.push_str("#       The note, in Markdown; wiki links work here too.\n");
    o.push_str("#     sources: [https://example.com/primary-source]\n");
    o.push_str("draft: true           # remove this line when the report is ready to publish\n");
    o.push_str("---\n");
    o.push_str("TODO: the editors' summary of the report, in your own words.\n\n");
    o.push_str(
        "<!--\n\
         Quote the report only briefly, in a blockquote, and say who said it:\n\
         \n\
         > A short quotation from the report.\n\
         \n\
         Link agreements, reports and parties with wiki links: [[us-china-2015]],\n\
         [[us-china-2015|the September pact]] or [[parties/uk]].\n\
         See CONTRIBUTING.md for annotations, relations and what `annals check` says.\n\
         -->\n",
    );
    o
}

fn agreement_text(config: &SiteConfig, title: &str, date: civil::Date) -> String {
    let form = first_key(config.agreement_forms.keys(), "joint-statement");
    let status = first_key(config.agreement_statuses.keys(), "active");
    let mut o = String::new();
    o.push_str("---\n");
    let _ = writeln!(o, "title: {}", quoted(title));
    let _ = writeln!(
        o,
        "short_title: {}   # TODO: the default text of links to it, like UK–China 2015",
        quoted(title)
    );
    let _ = writeln!(o, "date: {date}            # signed or announced");
    o.push_str("# date_note: The day is uncertain.   # optional, shown to readers\n");
    o.push_str("parties: []           # TODO: party codes (file names in content/parties/), like [uk, cn]\n");
    let _ = writeln!(
        o,
        "form: {form}   # TODO: one of {}",
        keys(config.agreement_forms.keys())
    );
    let _ = writeln!(
        o,
        "status: {status}   # TODO: one of {}",
        keys(config.agreement_statuses.keys())
    );
    o.push_str("text_url: https://example.com/TODO-link-to-the-official-text\n");
    o.push_str("summary: \"TODO: one sentence for lists, feeds and meta tags.\"\n");
    relations_comment(
        &mut o,
        config,
        "mirrors",
        "Same clause, without the word \"knowingly\".",
    );
    o.push_str(
        "# Official wordings; clauses sharing an id across agreements get a comparison page\n\
         # at /clauses/<id>/.\n",
    );
    o.push_str("# clauses:\n");
    o.push_str("#   - id: ip-theft\n");
    o.push_str("#     text: \"the exact official wording of the clause\"\n");
    o.push_str("draft: true           # remove this line when the agreement is ready to publish\n");
    o.push_str("---\n");
    o.push_str("TODO: what the agreement says and why it matters, in a few paragraphs.\n\n");
    o.push_str(
        "<!--\n\
         Link other agreements and reports with wiki links such as [[us-china-2015]].\n\
         See CONTRIBUTING.md for relations, clauses and what `annals check` says.\n\
         -->\n",
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles() {
        assert_eq!(
            slug_from_title("UK, China mirror US anti-hacking pact").as_deref(),
            Some("uk-china-mirror-us-anti-hacking-pact")
        );
        assert_eq!(
            slug_from_title("UK–China: Xi’s visit (Part 2)").as_deref(),
            Some("uk-china-xis-visit-part-2")
        );
        assert_eq!(
            slug_from_title("Déclaration de Paris 2018").as_deref(),
            Some("declaration-de-paris-2018")
        );
        assert_eq!(slug_from_title("中美 cyber 协议").as_deref(), Some("cyber"));
        assert_eq!(slug_from_title("中美网络协议"), None);
        assert_eq!(slug_from_title("—"), None);
        let long = slug_from_title(&"word ".repeat(40)).unwrap();
        assert!(long.len() <= MAX_SLUG && is_valid_slug(&long), "{long}");
    }

    #[test]
    fn dates_must_be_iso_days() {
        assert!(parse_date("2015-10-22").is_ok());
        assert!(parse_date("2015-02-30").is_err());
        assert!(parse_date("22/10/2015").is_err());
        assert!(parse_date("2015-10-22T10:00:00Z").is_err());
        assert!(parse_date("+15-10-22x").is_err());
    }
}
