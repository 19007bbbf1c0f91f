//! Resolve: the `parties:` and `agreements:` lists and the typed relations
//! between entries.

use super::*;

/// `parties:` and `agreements:` lists.
pub(super) fn resolve_references(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) {
    let party_codes: Vec<&str> = a.content.parties.iter().map(|p| p.slug.as_str()).collect();
    let agreement_slugs: Vec<&str> = a
        .content
        .agreements
        .iter()
        .map(|p| p.slug.as_str())
        .collect();
    let unknown = |e: &dyn Fn(&str, String) -> Diagnostic,
                   path: &str,
                   what: &str,
                   v: &str,
                   known: &[&str],
                   folder: &str| {
        let mut d = e(path, format!("unknown {what} `{v}`"));
        d.hint = Some(match closest(v, known) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("create content/{folder}/{v}.md or fix the code"),
        });
        d
    };
    // A `parties:` or `actors:` list: each item must name an entry of `kind`,
    // once; `hint` says what to do about an unknown one.
    let check_refs = |kind: Kind,
                      list: &[String],
                      at: &dyn Fn(&str, String) -> Diagnostic,
                      diags: &mut Vec<Diagnostic>,
                      hint: &dyn Fn(&str) -> String|
     -> Vec<usize> {
        let (field, what) = match kind {
            Kind::Actor => ("actors", "actor"),
            _ => ("parties", "party"),
        };
        let mut out = vec![];
        let mut seen = BTreeSet::new();
        for (i, p) in list.iter().enumerate() {
            match a.slug_index.get(&(kind, p.clone())) {
                Some(&idx) => {
                    if !seen.insert(idx) {
                        diags.push(at(
                            &format!("{field}.{i}"),
                            format!("{what} `{p}` is listed twice"),
                        ));
                    }
                    out.push(idx)
                }
                None => {
                    let mut d = at(&format!("{field}.{i}"), format!("unknown {what} `{p}`"));
                    d.hint = Some(hint(p));
                    diags.push(d);
                }
            }
        }
        out
    };
    let party_hint = |p: &str| match closest(p, &party_codes) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("create content/parties/{p}.md or fix the code"),
    };
    let check_parties =
        |list: &[String], at: &dyn Fn(&str, String) -> Diagnostic, diags: &mut Vec<Diagnostic>| {
            check_refs(Kind::Party, list, at, diags, &party_hint)
        };
    let actor_slugs: Vec<&str> = a.content.actors.iter().map(|p| p.slug.as_str()).collect();
    let actor_hint = |p: &str| match a.actor_names.get(&name_key(p)) {
        Some((j, _)) => format!(
            "`{p}` is a name of `{}`: list actors by their file name",
            a.content.actors[*j].slug
        ),
        None => match closest(p, &actor_slugs) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("create content/actors/{p}.md or fix the slug"),
        },
    };
    let check_actors =
        |list: &[String], at: &dyn Fn(&str, String) -> Diagnostic, diags: &mut Vec<Diagnostic>| {
            check_refs(Kind::Actor, list, at, diags, &actor_hint)
        };
    for e in &a.content.actors {
        for (j, at) in e.meta.attribution.iter().enumerate() {
            if !a.slug_index.contains_key(&(Kind::Party, at.party.clone())) {
                let f = |p: &str, m: String| e.error_at(p, m);
                diags.push(unknown(
                    &f,
                    &format!("attribution.{j}.party"),
                    "party",
                    &at.party,
                    &party_codes,
                    "parties",
                ));
            }
        }
    }
    let mut actor_entries = vec![(vec![], vec![]); a.content.actors.len()];
    let mut party_entries = vec![(vec![], vec![]); a.content.parties.len()];
    let mut coverage = vec![vec![]; a.content.agreements.len()];
    for (ai, e) in a.content.articles.iter().enumerate() {
        let at = |p: &str, m: String| e.error_at(p, m);
        for p in check_parties(&e.meta.parties, &at, diags) {
            party_entries[p].0.push(ai);
        }
        for x in check_actors(&e.meta.actors, &at, diags) {
            actor_entries[x].0.push(ai);
        }
        let mut seen = BTreeSet::new();
        for (i, s) in e.meta.agreements.iter().enumerate() {
            match a.slug_index.get(&(Kind::Agreement, s.clone())) {
                Some(&idx) => {
                    if seen.insert(idx) {
                        coverage[idx].push(ai);
                        backlinks
                            .entry(Key::new(Kind::Agreement, idx))
                            .or_default()
                            .insert(Key::new(Kind::Article, ai));
                    } else {
                        diags.push(at(
                            &format!("agreements.{i}"),
                            format!("agreement `{s}` is listed twice"),
                        ));
                    }
                }
                None => diags.push(unknown(
                    &at,
                    &format!("agreements.{i}"),
                    "agreement",
                    s,
                    &agreement_slugs,
                    "agreements",
                )),
            }
        }
    }
    for (gi, e) in a.content.agreements.iter().enumerate() {
        let at = |p: &str, m: String| e.error_at(p, m);
        for p in check_parties(&e.meta.parties, &at, diags) {
            party_entries[p].1.push(gi);
        }
        for x in check_actors(&e.meta.actors, &at, diags) {
            actor_entries[x].1.push(gi);
        }
    }
    a.party_entries = party_entries;
    a.actor_entries = actor_entries;
    a.coverage = coverage;
}

/// Typed relations from agreements and reports to agreements.
pub(super) fn resolve_relations(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) {
    let types: Vec<&str> = a.config.relation_types.keys().map(String::as_str).collect();
    let agreement_slugs: Vec<&str> = a
        .content
        .agreements
        .iter()
        .map(|p| p.slug.as_str())
        .collect();
    let mut relations = vec![];
    let mut check = |from: Key,
                     decls: &[crate::content::model::RelationDecl],
                     at: &dyn Fn(&str, String) -> Diagnostic,
                     at_key: &dyn Fn(&str, String) -> Diagnostic,
                     self_slug: &str| {
        let mut seen = BTreeSet::new();
        for (i, r) in decls.iter().enumerate() {
            let mut ok = true;
            if !a.config.relation_types.contains_key(&r.kind) {
                let mut d = at(
                    &format!("relations.{i}.type"),
                    format!("unknown relation type `{}`", r.kind),
                );
                d.hint = Some(match closest(&r.kind, &types) {
                    Some(c) => format!("did you mean `{c}`? (relation types are set in site.yaml)"),
                    None => format!("use one of: {} (set in site.yaml)", types.join(", ")),
                });
                diags.push(d);
                ok = false;
            }
            let target = a.slug_index.get(&(Kind::Agreement, r.to.clone())).copied();
            if from.kind == Kind::Agreement && r.to == self_slug {
                diags.push(
                    at_key(
                        &format!("relations.{i}"),
                        format!("agreement `{}` cannot have a relation to itself", r.to),
                    )
                    .with_hint("point `to:` at another agreement"),
                );
                continue;
            }
            let Some(target) = target else {
                let mut d = at(
                    &format!("relations.{i}.to"),
                    format!("unknown agreement `{}` in relation", r.to),
                );
                d.hint = Some(match closest(&r.to, &agreement_slugs) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "relations point at agreements: use the file name of one in content/agreements/".into(),
                });
                diags.push(d);
                continue;
            };
            if !seen.insert((r.kind.clone(), target)) {
                diags.push(
                    at_key(
                        &format!("relations.{i}"),
                        format!("relation `{} {}` is declared twice", r.kind, r.to),
                    )
                    .with_hint("remove the duplicate entry"),
                );
                continue;
            }
            if ok {
                relations.push(Relation {
                    from,
                    to: Key::new(Kind::Agreement, target),
                    kind: r.kind.clone(),
                    note: r.note.clone(),
                });
                backlinks
                    .entry(Key::new(Kind::Agreement, target))
                    .or_default()
                    .insert(from);
            }
        }
    };
    for (i, e) in a.content.agreements.iter().enumerate() {
        check(
            Key::new(Kind::Agreement, i),
            &e.meta.relations,
            &|p, m| e.error_at(p, m),
            &|p, m| e.error_at_key(p, m),
            &e.slug,
        );
    }
    for (i, e) in a.content.articles.iter().enumerate() {
        check(
            Key::new(Kind::Article, i),
            &e.meta.relations,
            &|p, m| e.error_at(p, m),
            &|p, m| e.error_at_key(p, m),
            "",
        );
    }
    let mut by_entry: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, r) in relations.iter().enumerate() {
        by_entry.entry(r.from).or_default().push(i);
        if r.to != r.from {
            by_entry.entry(r.to).or_default().push(i);
        }
    }
    a.relations = relations;
    a.relations_by_entry = by_entry;
}
