//! Resolve: the vocabularies of site.yaml (kinds, forms, statuses, relation
//! types, party kinds) checked against every entry, and front-matter URLs.

use super::*;

pub(super) fn check_vocabularies(a: &Archive, diags: &mut Vec<Diagnostic>) {
    let cfg = &a.config;
    let vocab_error = |e: &dyn Fn(&str, String) -> Diagnostic,
                       path: &str,
                       what: &str,
                       value: &str,
                       known: Vec<&str>| {
        let mut d = e(path, format!("unknown {what} `{value}`"));
        d.hint = Some(match closest(value, &known) {
            Some(c) => format!("did you mean `{c}`? (the {what}s are set in site.yaml)"),
            None => format!("use one of: {} (set in site.yaml)", known.join(", ")),
        });
        d
    };
    for e in &a.content.agreements {
        let at = |p: &str, m: String| e.error_at(p, m);
        if !cfg.agreement_forms.contains_key(&e.meta.form) {
            diags.push(vocab_error(
                &at,
                "form",
                "agreement form",
                &e.meta.form,
                cfg.agreement_forms.keys().map(String::as_str).collect(),
            ));
        }
        if !cfg.agreement_statuses.contains_key(&e.meta.status) {
            diags.push(vocab_error(
                &at,
                "status",
                "agreement status",
                &e.meta.status,
                cfg.agreement_statuses.keys().map(String::as_str).collect(),
            ));
        }
        check_url(e, "text_url", &e.meta.text_url, diags);
        for (i, c) in e.meta.clauses.iter().enumerate() {
            if !is_valid_slug(&c.id) {
                diags.push(
                    e.error_at(
                        &format!("clauses.{i}.id"),
                        format!("invalid clause id `{}`", c.id),
                    )
                    .with_hint("use lowercase letters, digits and hyphens, like `ip-theft`"),
                );
            }
            let words = c.text.split_whitespace().count();
            if words > MAX_CLAUSE_WORDS {
                diags.push(
                    e.error_at(
                        &format!("clauses.{i}.text"),
                        format!(
                            "clause text is {words} words long, more than the limit of {}",
                            MAX_CLAUSE_WORDS
                        ),
                    )
                    .with_hint("quote only the words of the one commitment; link the full text with `text_url`"),
                );
            }
        }
    }
    for e in &a.content.articles {
        let at = |p: &str, m: String| e.error_at(p, m);
        for (i, an) in e.meta.annotations.iter().enumerate() {
            if !cfg.annotation_kinds.contains_key(&an.kind) {
                diags.push(vocab_error(
                    &at,
                    &format!("annotations.{i}.kind"),
                    "annotation kind",
                    &an.kind,
                    cfg.annotation_kinds.keys().map(String::as_str).collect(),
                ));
            }
            for (j, s) in an.sources.iter().enumerate() {
                let at = format!("annotations.{i}.sources.{j}");
                if s.archived.is_some() {
                    check_url(e, &format!("{at}.url"), &s.url, diags);
                } else {
                    check_url(e, &at, &s.url, diags);
                }
                if let Some(arch) = &s.archived {
                    check_url(e, &format!("{at}.archived"), arch, diags);
                }
            }
        }
        check_url(e, "source.url", &e.meta.source.url, diags);
        if let Some(arch) = &e.meta.source.archived {
            check_url(e, "source.archived", arch, diags);
        }
        for (i, t) in e.meta.tags.iter().enumerate() {
            if !is_valid_slug(t) {
                diags.push(
                    e.error_at(&format!("tags.{i}"), format!("invalid tag `{t}`"))
                        .with_hint(format!(
                            "tags use lowercase letters, digits and hyphens: `{}`",
                            crate::markdown::slugify(t)
                        )),
                );
            }
        }
    }
    for e in &a.content.parties {
        if !PARTY_KINDS.contains(&e.meta.kind.as_str()) {
            let at = |p: &str, m: String| e.error_at(p, m);
            diags.push(vocab_error(
                &at,
                "kind",
                "party kind",
                &e.meta.kind,
                PARTY_KINDS.to_vec(),
            ));
        }
    }
}

/// Front-matter URLs go through the same allow-list as links in Markdown.
pub(super) fn check_url<M>(e: &Entry<M>, path: &str, url: &str, diags: &mut Vec<Diagnostic>) {
    if let Err(p) = crate::allow::check_url(url, crate::allow::UrlUse::Absolute) {
        diags.push(
            e.error_at(path, p.message)
                .with_hint("link the original with its full address, starting with https://"),
        );
    }
}
