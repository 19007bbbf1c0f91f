//! Clause comparison pages: every wording of a clause side by side, each
//! marked phrase by phrase against the wording it mirrors (the word diff itself
//! is in `clauses/diff.rs`), and the index of clauses.

pub mod diff;

use serde_json::{json, Value};

use super::context::Ctx;
use crate::markdown::escape_html;
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// Says why a comparison was not drawn.
const TOO_DIFFERENT: &str = "the wordings differ too much to compare word by word";

/// Every wording of clause `id`, in date order, each with its comparison.
fn wordings(ctx: &Ctx<'_>, id: &str) -> Vec<Value> {
    let a = ctx.archive;
    let family = &a.clauses[id];
    let texts: Vec<(usize, &str)> = family
        .iter()
        .map(|&(g, c)| (g, a.content.agreements[g].meta.clauses[c].text.as_str()))
        .collect();
    let unverified: Vec<bool> = family
        .iter()
        .map(|&(g, c)| a.content.agreements[g].meta.clauses[c].confidence.is_some())
        .collect();
    let earliest = texts[0].0;
    texts
        .iter()
        .zip(&unverified)
        .map(|(&(g, text), &unverified)| {
            // Compare against the wording this agreement mirrors, else the earliest.
            let base = a
                .relations
                .iter()
                .filter(|r| {
                    r.from
                        == Key {
                            kind: Kind::Agreement,
                            idx: g,
                        }
                        && r.kind == "mirrors"
                })
                .find_map(|r| texts.iter().find(|(o, _)| *o == r.to.idx).copied())
                .or_else(|| if g == earliest { None } else { Some(texts[0]) });
            let mut item = ctx.agreement_summary(g).clone();
            let m = item.as_object_mut().unwrap();
            let (diff_html, summary_html, comparable) = match base {
                Some((_, btext)) => match diff::compare(btext, text).segments {
                    Some(segs) => (diff::to_html(&segs), diff::summary_html(&segs), true),
                    None => (escape_html(text), TOO_DIFFERENT.to_string(), false),
                },
                None => (escape_html(text), String::new(), true),
            };
            m.insert("text".into(), json!(text));
            m.insert("diff_html".into(), json!(diff_html));
            m.insert("summary_html".into(), json!(summary_html));
            m.insert("comparable".into(), json!(comparable));
            m.insert("unverified".into(), json!(unverified));
            m.insert(
                "compared_with".into(),
                json!(base.map(|(bg, _)| ctx.entry_ref(Key {
                    kind: Kind::Agreement,
                    idx: bg,
                }))),
            );
            item
        })
        .collect()
}

/// `page` for `/clauses/<id>/`.
pub fn clause_page(ctx: &Ctx<'_>, id: &str) -> Value {
    let wordings = wordings(ctx, id);
    json!({
        "title": format!("Clause: {}", clause_title(id)),
        "id": id,
        "summary": format!("{} wordings of the {} clause, in date order, each compared with the wording it mirrors.", wordings.len(), clause_title(id)),
        "wordings": wordings,
    })
}

/// `page` for `/clauses/`: each clause compared in one line per wording.
pub fn clauses_index(ctx: &Ctx<'_>) -> Value {
    let a = ctx.archive;
    let items: Vec<Value> = a
        .clauses
        .iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|(id, v)| {
            json!({
                "id": id,
                "title": clause_title(id),
                "url": a.urls.path(&paths::clause(id)),
                "count": v.len(),
                "wordings": wordings(ctx, id),
            })
        })
        .collect();
    json!({"title": "Clause comparisons", "summary": "The same commitment in the words of each agreement: what each wording drops, adds or changes against the one it mirrors.", "items": items})
}

/// `ip-theft` → `IP theft`.
pub fn clause_title(id: &str) -> String {
    let words: Vec<String> = id
        .split('-')
        .enumerate()
        .map(|(i, w)| {
            if w.len() <= 2 {
                w.to_uppercase()
            } else if i == 0 {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}
