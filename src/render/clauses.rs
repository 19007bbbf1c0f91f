//! Clause comparison pages: every wording of a clause side by side, each
//! marked phrase by phrase against the wording it mirrors (the word diff itself
//! is in `clauses/diff.rs`), and the index of clauses.

pub mod diff;

use serde::Serialize;

use super::context::{AgreementItem, Ctx, EntryLink, PageContext};
use crate::markdown::escape_html;
use crate::resolve::{Key, Kind};
use crate::urls::paths;

/// Says why a comparison was not drawn.
const TOO_DIFFERENT: &str = "the wordings differ too much to compare word by word";

/// One agreement's wording of a clause, compared with the wording it mirrors:
/// every field of [`AgreementItem`] too.
#[derive(Serialize)]
pub struct Wording<'a> {
    /// The agreement.
    #[serde(flatten)]
    pub agreement: AgreementItem<'a>,
    /// The wording.
    pub text: &'a str,
    /// The wording, marked phrase by phrase against the one it is compared with.
    pub diff_html: String,
    /// What changed, in a sentence (empty for the first wording).
    pub summary_html: String,
    /// Whether the comparison could be drawn word by word.
    pub comparable: bool,
    /// Whether the wording is marked unverified (`confidence:`).
    pub unverified: bool,
    /// The agreement whose wording it is compared with, or none.
    pub compared_with: Option<EntryLink<'a>>,
}

/// `page` of `clause.html`.
#[derive(Serialize)]
pub struct ClausePage<'a> {
    /// "Clause: <title>".
    pub title: String,
    /// The clause id.
    pub id: &'a str,
    /// One sentence on what the page compares.
    pub summary: String,
    /// Every wording, in date order.
    pub wordings: Vec<Wording<'a>>,
}

/// `page` of `clauses.html`.
#[derive(Serialize)]
pub struct ClausesIndexPage<'a> {
    /// "Clause comparisons".
    pub title: &'static str,
    /// One sentence on what is compared.
    pub summary: &'static str,
    /// Every clause with two or more wordings.
    pub items: Vec<ClauseItem<'a>>,
}

/// A clause on the clauses index.
#[derive(Serialize)]
pub struct ClauseItem<'a> {
    /// The clause id.
    pub id: &'a str,
    /// Its readable title.
    pub title: String,
    /// Its comparison page.
    pub url: String,
    /// How many wordings it has.
    pub count: usize,
    /// Every wording, in date order.
    pub wordings: Vec<Wording<'a>>,
}

impl PageContext for ClausePage<'_> {
    fn title(&self) -> &str {
        &self.title
    }
}

impl PageContext for ClausesIndexPage<'_> {
    fn title(&self) -> &str {
        self.title
    }
}

/// Every wording of clause `id`, in date order, each with its comparison.
fn wordings<'a>(ctx: &Ctx<'a>, id: &str) -> Vec<Wording<'a>> {
    let a = ctx.archive;
    let family = &a.clauses[id];
    let texts: Vec<(usize, &'a str)> = family
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
            let (diff_html, summary_html, comparable) = match base {
                Some((_, btext)) => match diff::compare(btext, text).segments {
                    Some(segs) => (diff::to_html(&segs), diff::summary_html(&segs), true),
                    None => (escape_html(text), TOO_DIFFERENT.to_string(), false),
                },
                None => (escape_html(text), String::new(), true),
            };
            Wording {
                agreement: ctx.agreement_item(g),
                text,
                diff_html,
                summary_html,
                comparable,
                unverified,
                compared_with: base.map(|(bg, _)| {
                    ctx.entry_ref(Key {
                        kind: Kind::Agreement,
                        idx: bg,
                    })
                }),
            }
        })
        .collect()
}

/// `page` for `/clauses/<id>/`.
pub fn clause_page<'a>(ctx: &Ctx<'a>, id: &'a str) -> ClausePage<'a> {
    let wordings = wordings(ctx, id);
    ClausePage {
        title: format!("Clause: {}", clause_title(id)),
        id,
        summary: format!("{} wordings of the {} clause, in date order, each compared with the wording it mirrors.", wordings.len(), clause_title(id)),
        wordings,
    }
}

/// `page` for `/clauses/`: each clause compared in one line per wording.
pub fn clauses_index<'a>(ctx: &Ctx<'a>) -> ClausesIndexPage<'a> {
    let a = ctx.archive;
    let items = a
        .clauses
        .iter()
        .filter(|(_, v)| v.len() >= 2)
        .map(|(id, v)| ClauseItem {
            id,
            title: clause_title(id),
            url: a.urls.path(&paths::clause(id)),
            count: v.len(),
            wordings: wordings(ctx, id),
        })
        .collect();
    ClausesIndexPage {
        title: "Clause comparisons",
        summary: "The same commitment in the words of each agreement: what each wording drops, adds or changes against the one it mirrors.",
        items,
    }
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
