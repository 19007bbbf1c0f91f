//! An agreement's coverage list — which reports, under which group, in what
//! order — made from the archive's facts alone (coverage, relations,
//! backlinks, the order of reports by date), so that the agreement's pages
//! and the page plan agree on what is on each page of it, and an edit can be
//! compared with the list as it was without the content it was made from.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::resolve::{Archive, Key, Kind};

/// One report in an agreement's coverage list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covering {
    /// The report.
    pub report: usize,
    /// Its group: the index in `relation_types` of its first relation to the
    /// agreement, else [`other`] (it covers the agreement), else
    /// [`mentioned`] (it only links to it).
    pub group: usize,
    /// Its relations to the agreement, as indices into `relations`, in
    /// declaration order.
    pub relations: Vec<usize>,
}

/// The group of reports that cover an agreement without a relation to it.
pub fn other(a: &Archive) -> usize {
    a.config.relation_types.len()
}

/// The group of reports that only link to an agreement.
pub fn mentioned(a: &Archive) -> usize {
    a.config.relation_types.len() + 1
}

/// The relations from reports to each agreement, as `(report, relation)`
/// index pairs in declaration order, for every agreement at once.
pub fn report_relations(a: &Archive) -> Vec<Vec<(usize, usize)>> {
    let mut out = vec![vec![]; a.coverage.len()];
    for (ri, r) in a.relations.iter().enumerate() {
        if r.from.kind == Kind::Article && r.to.kind == Kind::Agreement {
            if let Some(v) = out.get_mut(r.to.idx) {
                v.push((r.from.idx, ri));
            }
        }
    }
    out
}

/// The relations from reports to agreement `i` (see [`report_relations`]).
pub fn report_relations_to(a: &Archive, i: usize) -> Vec<(usize, usize)> {
    let key = Key {
        kind: Kind::Agreement,
        idx: i,
    };
    a.relations_by_entry
        .get(&key)
        .into_iter()
        .flatten()
        .map(|&ri| (ri, &a.relations[ri]))
        .filter(|(_, r)| r.to == key && r.from.kind == Kind::Article)
        .map(|(ri, r)| (r.from.idx, ri))
        .collect()
}

/// Agreement `i`'s coverage list: every report that covers it (its
/// `agreements:`), declares a relation to it or links to it, once, in its
/// group (relation types in `relation_types` order, then "Other coverage",
/// then "Also mentioned in"), oldest first in each group. `rels` are the
/// relations from reports to it ([`report_relations_to`]); `older` orders
/// two reports oldest first, ties by slug descending (as `coverage` is
/// ordered: [`by_rank`] from the facts, or by date and slug from the content).
pub fn coverage_list(
    a: &Archive,
    i: usize,
    rels: &[(usize, usize)],
    older: &dyn Fn(usize, usize) -> Ordering,
) -> Vec<Covering> {
    let key = Key {
        kind: Kind::Agreement,
        idx: i,
    };
    let types = &a.config.relation_types;
    let mut seen = HashSet::new();
    let mut reports: Vec<usize> = a.coverage[i].clone();
    reports.extend(rels.iter().map(|&(r, _)| r));
    reports.extend(
        a.backlinks
            .get(&key)
            .into_iter()
            .flatten()
            .filter(|k| k.kind == Kind::Article)
            .map(|k| k.idx),
    );
    reports.retain(|r| seen.insert(*r));
    let covering: HashSet<usize> = a.coverage[i].iter().copied().collect();
    let mut out: Vec<Covering> = reports
        .into_iter()
        .map(|report| {
            let relations: Vec<usize> = rels
                .iter()
                .filter(|&&(r, _)| r == report)
                .map(|&(_, ri)| ri)
                .collect();
            let group = match relations.first() {
                Some(&ri) => types
                    .get_index_of(&a.relations[ri].kind)
                    .unwrap_or(other(a)),
                None if covering.contains(&report) => other(a),
                None => mentioned(a),
            };
            Covering {
                report,
                group,
                relations,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        x.group
            .cmp(&y.group)
            .then_with(|| older(x.report, y.report))
    });
    out
}

/// Each report's place in `articles_by_date` (0 = newest).
pub fn ranks(a: &Archive) -> Vec<usize> {
    let mut r = vec![0; a.articles_by_date.len()];
    for (pos, &i) in a.articles_by_date.iter().enumerate() {
        if let Some(x) = r.get_mut(i) {
            *x = pos;
        }
    }
    r
}

/// Oldest first by place in `articles_by_date` (`rank` from [`ranks`]).
pub fn by_rank(rank: &[usize]) -> impl Fn(usize, usize) -> Ordering + '_ {
    move |x, y| rank[y].cmp(&rank[x])
}
