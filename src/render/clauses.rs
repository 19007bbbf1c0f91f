//! Clause comparison pages: every wording of a clause side by side, each
//! marked word by word against the wording it mirrors.

use serde_json::{json, Value};
use similar::{ChangeTag, TextDiff};

use super::context::Ctx;
use crate::markdown::escape_html;
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// `page` for `/clauses/<id>/`.
pub fn clause_page(ctx: &Ctx<'_>, id: &str) -> Value {
    let a = ctx.archive;
    let family = &a.clauses[id];
    let texts: Vec<(usize, &str)> = family
        .iter()
        .map(|&(g, c)| (g, a.content.agreements[g].meta.clauses[c].text.as_str()))
        .collect();
    let earliest = texts[0].0;
    let wordings: Vec<Value> = texts
        .iter()
        .map(|&(g, text)| {
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
            let (diff_html, base_ref, added, removed) = match base {
                Some((bg, btext)) => {
                    let (html, add, rem) = word_diff(btext, text);
                    (
                        html,
                        Some(ctx.entry_ref(Key {
                            kind: Kind::Agreement,
                            idx: bg,
                        })),
                        add,
                        rem,
                    )
                }
                None => (escape_html(text), None, vec![], vec![]),
            };
            let mut item = ctx.agreement_summary(g).clone();
            let m = item.as_object_mut().unwrap();
            m.insert("text".into(), json!(text));
            m.insert("diff_html".into(), json!(diff_html));
            m.insert("compared_with".into(), json!(base_ref));
            m.insert("added".into(), json!(added));
            m.insert("removed".into(), json!(removed));
            item
        })
        .collect();
    json!({
        "title": format!("Clause: {}", clause_title(id)),
        "id": id,
        "summary": format!("{} wordings of the {} clause, in date order, each compared with the wording it mirrors.", wordings.len(), clause_title(id)),
        "wordings": wordings,
    })
}

/// `page` for `/clauses/`.
pub fn clauses_index(ctx: &Ctx<'_>) -> Value {
    let a = ctx.archive;
    let items: Vec<Value> = a
        .clauses
        .iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|(id, v)| json!({"id": id, "title": clause_title(id), "url": a.urls.path(&paths::clause(id)), "count": v.len()}))
        .collect();
    json!({"title": "Clause comparisons", "summary": "The same commitment in the words of each agreement.", "items": items})
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

/// Word diff of `new` against `old`: HTML with `<ins>`/`<del>`, and the added and removed words.
pub fn word_diff(old: &str, new: &str) -> (String, Vec<String>, Vec<String>) {
    let diff = TextDiff::from_words(old, new);
    let mut html = String::new();
    let (mut added, mut removed) = (vec![], vec![]);
    for change in diff.iter_all_changes() {
        let v = change.value();
        if v.trim().is_empty() {
            continue;
        }
        // Words (whitespace-separated tokens) always read one space apart,
        // whichever side their whitespace came from.
        if !html.is_empty() {
            html.push(' ');
        }
        match change.tag() {
            ChangeTag::Equal => html.push_str(&escape_html(v)),
            ChangeTag::Insert => {
                added.push(v.trim().to_string());
                html.push_str(&format!("<ins>{}</ins>", escape_html(v)));
            }
            ChangeTag::Delete => {
                removed.push(v.trim().to_string());
                html.push_str(&format!("<del>{}</del>", escape_html(v)));
            }
        }
    }
    let html = html.trim_end().to_string();
    (html, added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_knowingly_is_marked() {
        let (html, added, removed) = word_diff(
            "will not conduct or knowingly support theft",
            "will not conduct or support theft",
        );
        assert_eq!(removed, vec!["knowingly"]);
        assert!(added.is_empty());
        assert_eq!(
            html,
            "will not conduct or <del>knowingly</del> support theft"
        );
        let (html, added, _) = word_diff("a b c", "a x y c");
        assert_eq!(html, "a <del>b</del> <ins>x</ins> <ins>y</ins> c");
        assert_eq!(added, vec!["x", "y"]);
    }
}
