//! Editorial rules and warnings. The rules are errors: notes of a kind that
//! `site.yaml` marks `requires_source: true` must cite a source, and the
//! uncertainty marks (`confidence`, `status_confidence`, `parties_confidence`)
//! take only known values. The warnings are things that are allowed but usually
//! a mistake or a gap; they fail a run only under `--deny-warnings`.

use std::collections::HashSet;

use crate::content::model::CONFIDENCE_VALUES;
use crate::diagnostics::Diagnostic;
use crate::resolve::{Archive, Kind};

/// All editorial errors and warnings for a resolved archive.
pub fn lint(a: &Archive) -> Vec<Diagnostic> {
    let mut out = vec![];
    let c = &a.content;
    // Notes whose kind requires a source, and the uncertainty marks.
    for e in &c.articles {
        for (i, an) in e.meta.annotations.iter().enumerate() {
            let required = a
                .config
                .annotation_kinds
                .get(&an.kind)
                .is_some_and(|k| k.requires_source);
            if required && an.sources.is_empty() {
                out.push(
                    e.error_at_key(
                        &format!("annotations.{i}"),
                        format!("`{}` note cites no source", an.kind),
                    )
                    .with_hint(format!(
                        "add `sources: [https://…]` with the page that backs the note (site.yaml sets `requires_source: true` on `{}`); if you could not read it, say so in the note and add `confidence: unverified`",
                        an.kind
                    )),
                );
            }
            out.extend(confidence(
                e,
                &format!("annotations.{i}.confidence"),
                &an.confidence,
            ));
        }
    }
    for e in &c.agreements {
        out.extend(confidence(
            e,
            "status_confidence",
            &e.meta.status_confidence,
        ));
        out.extend(confidence(
            e,
            "parties_confidence",
            &e.meta.parties_confidence,
        ));
        for (i, cl) in e.meta.clauses.iter().enumerate() {
            out.extend(confidence(
                e,
                &format!("clauses.{i}.confidence"),
                &cl.confidence,
            ));
        }
    }
    // Placeholders `annals new` writes, left in a file that is no longer a draft.
    for e in &c.articles {
        let m = &e.meta;
        let fields = [
            ("summary", &m.summary),
            ("source.publisher", &m.source.publisher),
            ("source.url", &m.source.url),
        ];
        out.extend(placeholders(e, &fields));
    }
    for e in &c.agreements {
        out.extend(placeholders(
            e,
            &[("summary", &e.meta.summary), ("text_url", &e.meta.text_url)],
        ));
    }
    for e in &c.articles {
        if e.meta.annotations.is_empty() {
            out.push(
                warn(e.error_at_key("title", "report has no annotations"))
                    .with_hint("add editors' notes under `annotations:` (see CONTRIBUTING.md)"),
            );
        }
        if !e.meta.source.url.starts_with("https://") {
            out.push(
                warn(e.error_at(
                    "source.url",
                    format!("source URL `{}` is not https", e.meta.source.url),
                ))
                .with_hint("link the https version of the original"),
            );
        }
        for (i, an) in e.meta.annotations.iter().enumerate() {
            for (j, s) in an.sources.iter().map(|s| &s.url).enumerate() {
                if !s.starts_with("https://") {
                    out.push(
                        warn(e.error_at(
                            &format!("annotations.{i}.sources.{j}"),
                            format!("source URL `{s}` is not https"),
                        ))
                        .with_hint("link the https version of the source"),
                    );
                }
            }
        }
    }
    for (i, e) in c.agreements.iter().enumerate() {
        if a.coverage[i].is_empty() {
            out.push(
                warn(e.error_at_key("title", format!("no report covers agreement `{}`", e.slug)))
                    .with_hint("add the agreement to the `agreements:` list of a report about it"),
            );
        }
        if !e.meta.text_url.starts_with("https://") {
            out.push(
                warn(e.error_at(
                    "text_url",
                    format!("text URL `{}` is not https", e.meta.text_url),
                ))
                .with_hint("link the https version of the text"),
            );
        }
    }
    // Symmetric relation types should be declared from both sides.
    let declared: HashSet<(usize, &str, usize)> = a
        .relations
        .iter()
        .filter(|r| r.from.kind == Kind::Agreement)
        .map(|r| (r.from.idx, r.kind.as_str(), r.to.idx))
        .collect();
    for r in &a.relations {
        let symmetric = a
            .config
            .relation_types
            .get(&r.kind)
            .is_some_and(|t| t.symmetric);
        if !symmetric || r.from.kind != Kind::Agreement {
            continue;
        }
        if !declared.contains(&(r.to.idx, r.kind.as_str(), r.from.idx)) {
            let from = &c.agreements[r.from.idx];
            let to = &c.agreements[r.to.idx];
            let i = from
                .meta
                .relations
                .iter()
                .position(|d| d.kind == r.kind && d.to == to.slug)
                .unwrap_or(0);
            out.push(
                warn(from.error_at_key(
                    &format!("relations.{i}"),
                    format!(
                        "`{}` is symmetric but `{}` does not declare it back",
                        r.kind, to.slug
                    ),
                ))
                .with_hint(format!(
                    "add `- type: {}` / `to: {}` to the relations of {}",
                    r.kind,
                    from.slug,
                    to.file.path.display()
                )),
            );
        }
    }
    out
}

/// An error when an uncertainty mark holds anything but a known value.
fn confidence<M>(
    e: &crate::content::Entry<M>,
    path: &str,
    value: &Option<String>,
) -> Option<Diagnostic> {
    let v = value.as_deref()?;
    if CONFIDENCE_VALUES.contains(&v) {
        return None;
    }
    let field = path.rsplit('.').next().unwrap_or(path);
    Some(
        e.error_at(path, format!("unknown {field} `{v}`"))
            .with_hint(format!(
            "write `{field}: unverified` when the sources do not settle it, or leave the field out"
        )),
    )
}

/// Warnings for fields that still hold the placeholder text `annals new` writes.
fn placeholders<M>(e: &crate::content::Entry<M>, fields: &[(&str, &String)]) -> Vec<Diagnostic> {
    fields
        .iter()
        .filter(|(_, v)| v.starts_with("TODO") || v.contains("example.com/TODO"))
        .map(|(path, _)| {
            warn(e.error_at(
                path,
                format!("`{path}` still holds the placeholder from `annals new`"),
            ))
            .with_hint("fill it in before publishing")
        })
        .collect()
}

fn warn(mut d: Diagnostic) -> Diagnostic {
    d.severity = crate::diagnostics::Severity::Warning;
    d
}
