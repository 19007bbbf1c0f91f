//! Resolve: the indexes render reads — reports by date, agreements by date,
//! tags, years, party entries, coverage, related reports, clause families
//! and backlinks.

use super::*;

pub(super) fn build_indexes(a: &mut Archive, backlinks: HashMap<Key, BTreeSet<Key>>) {
    let c = &a.content;
    let mut by_date: Vec<usize> = (0..c.articles.len()).collect();
    // Newest first; ties by slug so output is stable.
    by_date.sort_by(|&x, &y| {
        c.articles[y]
            .meta
            .date
            .cmp(&c.articles[x].meta.date)
            .then_with(|| c.articles[x].slug.cmp(&c.articles[y].slug))
    });
    let rank: Vec<usize> = {
        let mut r = vec![0; by_date.len()];
        for (pos, &i) in by_date.iter().enumerate() {
            r[i] = pos;
        }
        r
    };
    let mut agreements: Vec<usize> = (0..c.agreements.len()).collect();
    agreements.sort_by(|&x, &y| {
        c.agreements[x]
            .meta
            .date
            .cmp(&c.agreements[y].meta.date)
            .then_with(|| c.agreements[x].slug.cmp(&c.agreements[y].slug))
    });
    let mut tags: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut years: BTreeMap<i16, Vec<usize>> = BTreeMap::new();
    for &i in &by_date {
        for t in &c.articles[i].meta.tags {
            let v = tags.entry(t.clone()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
        years
            .entry(c.articles[i].meta.date.year())
            .or_default()
            .push(i);
    }
    // Coverage and party lists: oldest first for coverage, newest first for parties.
    for cov in a.coverage.iter_mut() {
        cov.sort_by_key(|&i| std::cmp::Reverse(rank[i]));
    }
    for (arts, agrs) in a.actor_entries.iter_mut() {
        arts.sort_by_key(|&i| rank[i]);
        agrs.sort_by(|&x, &y| c.agreements[x].meta.date.cmp(&c.agreements[y].meta.date));
    }
    for (arts, agrs) in a.party_entries.iter_mut() {
        arts.sort_by_key(|&i| rank[i]);
        agrs.sort_by(|&x, &y| c.agreements[x].meta.date.cmp(&c.agreements[y].meta.date));
    }
    // Related reports: share at least one agreement; most shared first, then newest.
    let mut related = vec![vec![]; c.articles.len()];
    for (i, e) in c.articles.iter().enumerate() {
        let mine: BTreeSet<usize> = e
            .meta
            .agreements
            .iter()
            .filter_map(|s| a.slug_index.get(&(Kind::Agreement, s.clone())).copied())
            .collect();
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for g in &mine {
            for &other in &a.coverage[*g] {
                if other != i {
                    *counts.entry(other).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(usize, usize)> = counts.into_iter().collect();
        v.sort_by(|x, y| y.1.cmp(&x.1).then(rank[x.0].cmp(&rank[y.0])));
        related[i] = v.into_iter().take(5).map(|(k, _)| k).collect();
    }
    // Clause families.
    let mut clauses: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for &g in &agreements {
        for (ci, cl) in c.agreements[g].meta.clauses.iter().enumerate() {
            clauses.entry(cl.id.clone()).or_default().push((g, ci));
        }
    }
    // Backlinks in date order (undated entries last, by title).
    let mut bl = HashMap::new();
    for (k, set) in backlinks {
        let mut v: Vec<Key> = set.into_iter().collect();
        v.sort_by(|x, y| backlink_order(a, *x, *y));
        bl.insert(k, v);
    }
    a.articles_by_date = by_date;
    a.agreements_by_date = agreements;
    a.tags = tags;
    a.years = years;
    a.related = related;
    a.clauses = clauses;
    a.backlinks = bl;
}

/// The order of a backlink list: by date, undated entries last, ties by title.
pub(super) fn backlink_order(a: &Archive, x: Key, y: Key) -> std::cmp::Ordering {
    match (a.date_of(x), a.date_of(y)) {
        (Some(p), Some(q)) => p.cmp(&q),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.short_title(x).cmp(a.short_title(y)))
}
