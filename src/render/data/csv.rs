//! The CSV tables of the open data: `data/agreements.csv`,
//! `data/relations.csv` and `data/actors.csv`, with their column docs for the
//! `/data/` page. RFC 4180 (header row, CRLF, quoted only when needed), and a
//! field a spreadsheet would run as a formula is neutralised as OWASP
//! recommends. Rows are written straight into the file's text, field by field.

use super::relation_rows;
use crate::resolve::Archive;
use crate::urls::paths;

/// Columns of `agreements.csv`: name and meaning.
pub const AGREEMENT_COLUMNS: &[(&str, &str)] = &[
    ("id", "The agreement’s id (its file name without .md)."),
    ("short_title", "Short title."),
    ("title", "Full title."),
    ("date", "Date signed or announced, YYYY-MM-DD."),
    ("form", "Kind of instrument (a key of the agreement forms)."),
    (
        "status",
        "Where it stands (a key of the agreement statuses).",
    ),
    ("parties", "Party ids, separated by semicolons."),
    ("text_url", "The primary text."),
    ("url", "The agreement’s page in the archive."),
    ("report_count", "How many archived reports cover it."),
    ("summary", "One-sentence summary by the editors."),
    (
        "status_confidence",
        "unverified when the sources do not settle the status; empty when they do.",
    ),
    (
        "parties_confidence",
        "unverified when the sources do not settle the list of parties; empty when they do.",
    ),
];

/// Columns of `relations.csv`: name and meaning.
pub const RELATION_COLUMNS: &[(&str, &str)] = &[
    (
        "from",
        "Id of the report or agreement that declares the relation.",
    ),
    ("from_kind", "agreement or report."),
    ("type", "Relation type key."),
    ("to", "Id of the agreement it points to."),
    (
        "label",
        "How the relation reads on the page of from (Mirrors).",
    ),
    (
        "inverse_label",
        "How it reads on the page of to (Mirrored by).",
    ),
    ("note", "The editors’ reason, when given."),
    ("from_url", "The page of from."),
    ("to_url", "The page of to."),
];

/// One CSV field, quoted when RFC 4180 requires it. A field a spreadsheet
/// would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is neutralised as OWASP recommends: a `'` is put in front
/// and the field is quoted, so it opens as text (see the `/data/` page).
pub fn csv_field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_field(&mut out, s);
    out
}

/// Appends [`csv_field`]`(s)` to `out`.
fn push_field(out: &mut String, s: &str) {
    if let Some(safe) = crate::allow::neutralise_formula(s) {
        push_quoted(out, &safe);
    } else if s.contains([',', '"', '\r', '\n']) {
        push_quoted(out, s);
    } else {
        out.push_str(s);
    }
}

/// Appends `s` in double quotes, its double quotes doubled.
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    let mut parts = s.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for p in parts {
        out.push_str("\"\"");
        out.push_str(p);
    }
    out.push('"');
}

/// Appends one row: the fields separated by commas, ended by CRLF.
fn push_row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f);
    }
    out.push_str("\r\n");
}

/// The header row of a table with `columns`.
fn header(out: &mut String, columns: &[(&str, &str)]) {
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    push_row(out, &names);
}

/// `agreements.csv`: one row per agreement, oldest first.
pub fn agreements_csv(a: &Archive) -> String {
    let mut out = String::with_capacity(256 * (a.content.agreements.len() + 1));
    header(&mut out, AGREEMENT_COLUMNS);
    for &i in &a.agreements_by_date {
        let e = &a.content.agreements[i];
        let date = e.meta.date.iso();
        let parties = e.meta.parties.join(";");
        let url = a.urls.absolute(&paths::agreement(&e.slug));
        let count = a.coverage[i].len().to_string();
        push_row(
            &mut out,
            &[
                &e.slug,
                &e.meta.short_title,
                &e.meta.title,
                &date,
                &e.meta.form,
                &e.meta.status,
                &parties,
                &e.meta.text_url,
                &url,
                &count,
                &e.meta.summary,
                e.meta.status_confidence.as_deref().unwrap_or(""),
                e.meta.parties_confidence.as_deref().unwrap_or(""),
            ],
        );
    }
    out
}

/// Columns of `actors.csv`: name and meaning.
pub const ACTOR_COLUMNS: &[(&str, &str)] = &[
    (
        "name",
        "One name of the group: the archive's name or a published alias.",
    ),
    ("actor", "The actor's id (its file name without .md)."),
    ("actor_name", "The name the archive uses for it."),
    (
        "is_alias",
        "false for the archive's own name, true for an alias.",
    ),
    (
        "attributed_to",
        "Ids of the parties it is attributed to, separated by semicolons.",
    ),
    ("url", "The actor's page in the archive."),
];

/// `actors.csv`: one row per name of each actor (its own name first, then
/// its aliases as written), actors by id.
pub fn actors_csv(a: &Archive) -> String {
    let mut out = String::new();
    header(&mut out, ACTOR_COLUMNS);
    for x in &a.content.actors {
        let mut parties: Vec<&str> = x
            .meta
            .attribution
            .iter()
            .map(|t| t.party.as_str())
            .collect();
        parties.sort_unstable();
        parties.dedup();
        let parties = parties.join(";");
        let url = a.urls.absolute(&paths::actor(&x.slug));
        let names = std::iter::once((x.meta.title.as_str(), "false"))
            .chain(x.meta.aliases.iter().map(|n| (n.as_str(), "true")));
        for (name, alias) in names {
            push_row(
                &mut out,
                &[name, &x.slug, &x.meta.title, alias, &parties, &url],
            );
        }
    }
    out
}

/// `relations.csv`: one row per relation, in the order of `archive.json`'s
/// `relations`.
pub fn relations_csv(a: &Archive) -> String {
    let rows = relation_rows(a);
    let mut out = String::with_capacity(256 * (rows.len() + 1));
    header(&mut out, RELATION_COLUMNS);
    for r in rows {
        let from_url = a.urls.absolute(&a.rel_path(r.from_key));
        let to_url = a.urls.absolute(&a.rel_path(r.to_key));
        push_row(
            &mut out,
            &[
                r.from,
                r.from_kind,
                r.kind,
                r.to,
                r.label,
                r.inverse_label,
                r.note.unwrap_or(""),
                &from_url,
                &to_url,
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("\""), "\"\"\"\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn csv_formula_injection_is_neutralised() {
        assert_eq!(csv_field("=1+1"), "\"'=1+1\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"https://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"https://x\"\",\"\"y\"\")\""
        );
        for c in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_field(c), format!("\"'{c}\""));
        }
        assert_eq!(csv_field("2015-09-25"), "2015-09-25");
    }
}
