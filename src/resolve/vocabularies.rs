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
            if crate::content::model::LOGGED_NOTE_KINDS.contains(&an.kind.as_str())
                && an.date.is_none()
            {
                diags.push(
                    e.error_at(
                        &format!("annotations.{i}.kind"),
                        format!("a note of kind `{}` needs `date:`, the day it was made", an.kind),
                    )
                    .with_hint("add `date: YYYY-MM-DD` to the note (the day the correction or update was made, not the report's date); /corrections/ lists notes by it"),
                );
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

/// Indexes every actor's names (slug, title, aliases) and reports a name two
/// actors share, or an actor name that is another entry's slug, at the later
/// of the two places, naming both files.
pub(super) fn index_actor_names(a: &mut Archive, diags: &mut Vec<Diagnostic>) {
    let c = &a.content;
    // Where each name was first seen: (actor, front-matter path).
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    let mut names: HashMap<String, (usize, String)> = HashMap::new();
    let mut other_slugs: HashMap<String, Key> = HashMap::new();
    for key in c.keys() {
        if !matches!(key.kind, Kind::Actor | Kind::Home) {
            if let Some(e) = c.entry(key) {
                other_slugs.entry(name_key(e.slug)).or_insert(key);
            }
        }
    }
    let place = |i: usize, path: &str| -> String {
        let e = &c.actors[i];
        let (line, col) = if path.is_empty() {
            (1, 1)
        } else {
            e.spans.value(path).unwrap_or((1, 1))
        };
        format!("{}:{line}:{col}", e.file.path.display())
    };
    for (i, e) in c.actors.iter().enumerate() {
        let mut own: Vec<(String, &str)> = vec![
            (String::new(), e.slug.as_str()),
            ("title".into(), e.meta.title.as_str()),
        ];
        own.extend(
            e.meta
                .aliases
                .iter()
                .enumerate()
                .map(|(j, n)| (format!("aliases.{j}"), n.as_str())),
        );
        let mut mine: BTreeSet<String> = BTreeSet::new();
        for (path, name) in own {
            let k = name_key(name);
            let at = |m: String| {
                if path.is_empty() {
                    e.file.error_at(0, m)
                } else {
                    e.error_at(&path, m)
                }
            };
            if k.is_empty() {
                diags.push(
                    at(format!("actor name `{name}` has no letters or digits"))
                        .with_hint("write the name as it is published, like `Stone Panda`"),
                );
                continue;
            }
            if !mine.insert(k.clone()) {
                if path.starts_with("aliases.") {
                    diags.push(
                        at(format!("alias `{name}` repeats a name this actor already has"))
                            .with_hint("names are compared ignoring case, spaces and hyphens; remove the duplicate"),
                    );
                }
                continue;
            }
            if let Some(other) = other_slugs.get(&k) {
                let o = c.entry(*other).expect("key from keys()");
                diags.push(
                    at(format!(
                        "actor name `{name}` is also the slug of the {} {} ({})",
                        other.kind.name(),
                        o.file.path.display(),
                        o.slug
                    ))
                    .with_hint(format!(
                        "a wiki link [[{name}]] could mean either; drop the alias or rename one of the files"
                    )),
                );
                continue;
            }
            match seen.get(&k) {
                Some((j, first_path)) if *j != i => {
                    diags.push(
                        at(format!(
                            "actor name `{name}` is also a name of {} (at {})",
                            c.actors[*j].file.path.display(),
                            place(*j, first_path)
                        ))
                        .with_hint("an alias names one group only; if both files describe the same group, merge them, otherwise keep the name on the actor the sources give it to"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(k.clone(), (i, path.clone()));
                    names.insert(k, (i, name.to_string()));
                }
            }
        }
        for (j, at) in e.meta.attribution.iter().enumerate() {
            if at.sources.is_empty() {
                diags.push(
                    e.error_at_key(&format!("attribution.{j}"), "attribution has no sources")
                        .with_hint("add `sources:` with the address of the statement, report or indictment that makes it"),
                );
            }
            for (k, s) in at.sources.iter().enumerate() {
                let p = format!("attribution.{j}.sources.{k}");
                if s.archived.is_some() {
                    check_url(e, &format!("{p}.url"), &s.url, diags);
                } else {
                    check_url(e, &p, &s.url, diags);
                }
                if let Some(arch) = &s.archived {
                    check_url(e, &format!("{p}.archived"), arch, diags);
                }
            }
            if let Some(conf) = &at.confidence {
                if !crate::content::model::CONFIDENCE_VALUES.contains(&conf.as_str()) {
                    diags.push(
                        e.error_at(
                            &format!("attribution.{j}.confidence"),
                            format!("unknown confidence `{conf}`"),
                        )
                        .with_hint(
                            "use `unverified`, or leave the field out when the source was read",
                        ),
                    );
                }
            }
        }
    }
    a.actor_names = names;
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
