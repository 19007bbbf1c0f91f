//! Resolve: wiki links and path links in every body and note, their
//! anchors, and the link titles in the notes' selectors.

use super::*;

/// Resolves the wiki links and path links of every body and note; each
/// entry's diagnostics go to `diags` under its key (in key order).
pub(super) fn resolve_all_links(
    a: &mut Archive,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<(Key, Vec<Diagnostic>)>,
) {
    let keys: Vec<Key> = a.content.keys().collect();
    let mut all = HashMap::new();
    for key in keys {
        let mut d = vec![];
        if let Some(resolved) = resolve_links_of(a, key, backlinks, &mut d) {
            all.insert(key, resolved);
        }
        if !d.is_empty() {
            diags.push((key, d));
        }
    }
    a.links = all;
}

/// Resolves the links of one entry's body and notes (`None` if there is no
/// such entry), recording what it links to in `backlinks`.
pub(super) fn resolve_links_of(
    a: &Archive,
    key: Key,
    backlinks: &mut HashMap<Key, BTreeSet<Key>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<ResolvedLink>> {
    let EntryRef { body, file, .. } = a.content.entry(key)?;
    let mut resolved = Vec::with_capacity(body.links.len());
    for l in &body.links {
        let result = match l.kind {
            LinkKind::Wiki { .. } => resolve_wiki(a, &l.target),
            LinkKind::Path => resolve_path(a, &l.target),
            // Checked against static/ at load time.
            LinkKind::Asset => Ok(Target::Path(l.target.trim_start_matches('/').to_string())),
        };
        match result {
            Ok(Target::Entry(target)) => {
                if let Some(frag) = &l.fragment {
                    if !has_anchor(a, target, frag) {
                        let known: Vec<String> = a
                            .body(target)
                            .map(|b| b.headings.iter().map(|h| h.id.clone()).collect())
                            .unwrap_or_default();
                        let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
                        let mut d = file
                            .error_at(l.offset, format!("`{}` has no heading `#{frag}`", l.target));
                        d.hint = Some(match closest(frag, &known_refs) {
                            Some(c) => format!("did you mean `#{c}`?"),
                            None if known.is_empty() => "that page has no headings".into(),
                            None => format!(
                                "its headings are: {}",
                                known
                                    .iter()
                                    .map(|k| format!("#{k}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                        diags.push(d);
                    }
                }
                if target != key {
                    backlinks.entry(target).or_default().insert(key);
                }
                let mut href = a.urls.path(&a.rel_path(target));
                if let Some(f) = &l.fragment {
                    href.push('#');
                    href.push_str(f);
                }
                // An actor named by an alias is shown by that alias.
                let title = match target.kind {
                    Kind::Actor => {
                        let written = l.target.rsplit('/').next().unwrap_or("");
                        let k = name_key(written);
                        match a.actor_names.get(&k) {
                            Some((_, name))
                                if k != name_key(&a.content.actors[target.idx].slug) =>
                            {
                                name.as_str()
                            }
                            _ => a.short_title(target),
                        }
                    }
                    _ => a.short_title(target),
                };
                resolved.push(ResolvedLink {
                    href,
                    text: escape_html(title),
                    title: title.to_string(),
                });
            }
            Ok(Target::Path(p)) => {
                let mut href = a.urls.path(&p);
                if let Some(f) = &l.fragment {
                    href.push('#');
                    href.push_str(f);
                }
                resolved.push(ResolvedLink {
                    href,
                    ..Default::default()
                });
            }
            Ok(Target::Clause(id)) => {
                let mut href = a.urls.path(&paths::clause(&id));
                if let Some(f) = &l.fragment {
                    href.push('#');
                    href.push_str(f);
                }
                let title = clause_link_title(&id);
                resolved.push(ResolvedLink {
                    href,
                    text: escape_html(&title),
                    title,
                });
            }
            Err((msg, hint)) => {
                let mut d = file.error_at(l.offset, msg);
                d.hint = hint;
                diags.push(d);
                resolved.push(ResolvedLink::default());
            }
        }
    }
    Some(resolved)
}

pub(super) enum Target {
    /// An entry of the archive; its short title is the default link text.
    Entry(Key),
    /// Any other page of the site (path links only: they always have text).
    Path(String),
    /// A clause comparison page, by clause id.
    Clause(String),
}

/// Default text of a `[[clauses/id]]` link: the clause family's name as its
/// comparison page titles it (`ip-theft` → `IP theft clause`).
fn clause_link_title(id: &str) -> String {
    format!("{} clause", crate::render::clauses::clause_title(id))
}

pub(super) fn has_anchor(a: &Archive, target: Key, frag: &str) -> bool {
    if let Some(body) = a.body(target) {
        if body.headings.iter().any(|h| h.id == frag) {
            return true;
        }
        if target.kind == Kind::Article {
            if let Some(n) = frag
                .strip_prefix("note-")
                .and_then(|n| n.parse::<usize>().ok())
            {
                return n >= 1 && n <= body.notes.len();
            }
        }
    }
    false
}

type LinkError = (String, Option<String>);

pub(super) fn resolve_wiki(a: &Archive, target: &str) -> Result<Target, LinkError> {
    let kinds = [
        Kind::Agreement,
        Kind::Article,
        Kind::Party,
        Kind::Actor,
        Kind::Page,
    ];
    if let Some((section, slug)) = target.split_once('/') {
        let kind = kinds.iter().find(|k| k.section() == section);
        if section == "clauses" {
            return if a
                .content
                .agreements
                .iter()
                .any(|g| g.meta.clauses.iter().any(|c| c.id == slug))
            {
                Ok(Target::Clause(slug.to_string()))
            } else {
                Err((
                    format!("unknown clause `{slug}` in wiki link"),
                    Some("clause ids come from `clauses:` in agreements".into()),
                ))
            };
        }
        let Some(&kind) = kind else {
            return Err((
                format!("unknown section `{section}` in wiki link `[[{target}]]`"),
                Some("use agreements/, articles/, parties/, actors/, pages/ or clauses/".into()),
            ));
        };
        let found = match kind {
            Kind::Actor => a.actor_by_name(slug),
            _ => a.find(kind, slug),
        };
        return match found {
            Some(i) => Ok(Target::Entry(Key::new(kind, i))),
            None => Err((
                format!("wiki link to unknown {} `{slug}`", kind.name()),
                suggest(a, slug),
            )),
        };
    }
    let mut hits: Vec<Key> = kinds
        .iter()
        .filter_map(|&k| a.find(k, target).map(|i| Key::new(k, i)))
        .collect();
    if hits.is_empty() {
        // Any name of an actor, ignoring case, spaces and hyphens.
        if let Some(i) = a.actor_by_name(target) {
            hits.push(Key::new(Kind::Actor, i));
        }
    }
    match hits.len() {
        1 => Ok(Target::Entry(hits[0])),
        0 => Err((
            format!("wiki link to unknown page `{target}`"),
            suggest(a, target).or(Some(
                "link to an agreement, report, party or actor by its file name, or to an actor by any of its names".into(),
            )),
        )),
        _ => Err((
            format!(
                "ambiguous wiki link `[[{target}]]`: {} share this slug",
                hits.iter()
                    .map(|k| k.kind.section())
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Some(format!(
                "name the section, like [[{}/{target}]]",
                hits[0].kind.section()
            )),
        )),
    }
}

pub(super) fn suggest(a: &Archive, slug: &str) -> Option<String> {
    let all: Vec<&str> = a.slug_index.keys().map(|(_, s)| s.as_str()).collect();
    closest(slug, &all).map(|c| format!("did you mean `{c}`?"))
}

/// Checks a root-relative path against the pages the site will have.
pub(super) fn resolve_path(a: &Archive, target: &str) -> Result<Target, LinkError> {
    let p = target.trim_start_matches('/');
    let segs: Vec<&str> = p
        .trim_end_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let ok = match segs.as_slice() {
        [] => true,
        [s] => {
            (crate::urls::routes::sections().iter().any(|x| x == s) && *s != "pagefind")
                || a.find(Kind::Page, s).is_some()
                || ["feed.xml", "sitemap.xml", "404.html", "robots.txt"].contains(s)
        }
        ["articles", slug] => a.find(Kind::Article, slug).is_some(),
        ["agreements", slug] => a.find(Kind::Agreement, slug).is_some(),
        ["parties", slug] => a.find(Kind::Party, slug).is_some(),
        ["actors", slug] => a.find(Kind::Actor, slug).is_some(),
        ["tags", t] => a
            .content
            .articles
            .iter()
            .any(|e| e.meta.tags.iter().any(|x| x == t)),
        ["clauses", c] => a
            .content
            .agreements
            .iter()
            .any(|g| g.meta.clauses.iter().any(|x| x.id == *c)),
        ["years", y] => a
            .content
            .articles
            .iter()
            .any(|e| e.meta.date.year().to_string() == *y),
        ["static", ..]
        | ["data", ..]
        | ["agreements", _, "feed.xml"]
        | ["corrections", "feed.xml"] => true,
        _ => false,
    };
    if !ok {
        return Err((
            format!("link to `{target}`, which is not a page of this site"),
            Some("link to an existing page, or use a wiki link like [[slug]]".into()),
        ));
    }
    if let ["articles", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Article,
            a.find(Kind::Article, slug).unwrap(),
        )));
    }
    if let ["agreements", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Agreement,
            a.find(Kind::Agreement, slug).unwrap(),
        )));
    }
    if let ["actors", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Actor,
            a.find(Kind::Actor, slug).unwrap(),
        )));
    }
    if let ["parties", slug] = segs.as_slice() {
        return Ok(Target::Entry(Key::new(
            Kind::Party,
            a.find(Kind::Party, slug).unwrap(),
        )));
    }
    Ok(Target::Path(p.to_string()))
}

/// Puts the titles of `[[slug]]` links (unknown at load time) into the
/// annotation selectors: their texts and character positions.
pub(super) fn complete_note_selectors(a: &mut Archive) {
    for i in 0..a.content.articles.len() {
        complete_note_selectors_of(a, i);
    }
}

/// [`complete_note_selectors`] for report `i` alone.
pub(super) fn complete_note_selectors_of(a: &mut Archive, i: usize) {
    use crate::anchor::OPAQUE;
    let Archive { content, links, .. } = a;
    let Some(e) = content.articles.get_mut(i).map(std::sync::Arc::make_mut) else {
        return;
    };
    let Some(resolved) = links.get(&Key::new(Kind::Article, i)) else {
        return;
    };
    let titles: Vec<&str> = e
        .body
        .links
        .iter()
        .zip(resolved)
        .filter(|(l, _)| l.kind == LinkKind::Wiki { has_text: false })
        .map(|(_, r)| r.title.as_str())
        .collect();
    let width =
        |upto: usize| -> usize { titles.iter().take(upto).map(|t| t.chars().count()).sum() };
    let fill = |s: &str, first: usize| -> String {
        let mut k = first;
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c == OPAQUE {
                out.push_str(titles.get(k).copied().unwrap_or(""));
                k += 1;
            } else {
                out.push(c);
            }
        }
        out
    };
    // Always from the load-time selector, so resolving again (as the
    // live server does) gives the same result as the first time.
    for n in &mut e.body.notes {
        let l = &n.loaded;
        let in_prefix = l.prefix.chars().filter(|&c| c == OPAQUE).count();
        n.exact = fill(&l.exact, n.opaque_before_start);
        let prefix = fill(&l.prefix, n.opaque_before_start - in_prefix);
        let skip = prefix.chars().count().saturating_sub(32);
        n.prefix = prefix.chars().skip(skip).collect();
        n.suffix = fill(&l.suffix, n.opaque_before_end)
            .chars()
            .take(32)
            .collect();
        n.start = l.start + width(n.opaque_before_start);
        n.end = l.end + width(n.opaque_before_end);
    }
}
