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
    let mine: Vec<Vec<usize>> = c
        .articles
        .iter()
        .map(|e| {
            let set: BTreeSet<usize> = e
                .meta
                .agreements
                .iter()
                .filter_map(|s| a.slug_index.get(&(Kind::Agreement, s.clone())).copied())
                .collect();
            set.into_iter().collect()
        })
        .collect();
    let related = related_reports(&mine, &a.coverage, &rank);
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

/// How many related reports a report lists.
const RELATED: usize = 5;

/// For each report `i` (covering the agreements `mine[i]`), up to [`RELATED`]
/// other reports that share an agreement with it: most shared first, then
/// newest (`rank`, 0 = newest). `coverage` lists each agreement's reports
/// oldest first.
///
/// Linear in the total length of the coverage lists a report reads: no sort of
/// all candidates (one much-covered agreement would make that quadratic), a
/// report covering one agreement reads only the newest end of its list, and
/// reports are done in parallel, each thread counting into one reused array.
fn related_reports(
    mine: &[Vec<usize>],
    coverage: &[Vec<usize>],
    rank: &[usize],
) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    let n = mine.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0u32; n], Vec::new()),
            |(count, touched), i| {
                let lists = &mine[i];
                // A report sharing two or more agreements with this one is in
                // a list other than the longest: count those lists, and only
                // look reports up in the longest (sorted oldest first, by
                // rank). A report only in the longest shares one agreement,
                // and of those the newest few are enough.
                let Some(&big) = lists.iter().max_by_key(|&&g| (coverage[g].len(), g)) else {
                    return vec![];
                };
                for &g in lists.iter().filter(|&&g| g != big) {
                    for &other in &coverage[g] {
                        if other != i {
                            if count[other] == 0 {
                                touched.push(other);
                            }
                            count[other] += 1;
                        }
                    }
                }
                let big_list = &coverage[big];
                for &other in touched.iter() {
                    if big_list
                        .binary_search_by(|&o| rank[other].cmp(&rank[o]))
                        .is_ok()
                    {
                        count[other] += 1;
                    }
                }
                // The best few by (most shared, newest), kept sorted.
                let mut best: Vec<(std::cmp::Reverse<u32>, usize, usize)> =
                    Vec::with_capacity(RELATED + 1);
                let mut consider = |key: (std::cmp::Reverse<u32>, usize, usize)| {
                    if best.len() < RELATED || key < best[RELATED - 1] {
                        let at = best.partition_point(|b| *b < key);
                        best.insert(at, key);
                        best.truncate(RELATED);
                    }
                };
                for &other in touched.iter() {
                    consider((std::cmp::Reverse(count[other]), rank[other], other));
                }
                let only_big = big_list
                    .iter()
                    .rev()
                    .filter(|&&other| other != i && count[other] == 0)
                    .take(RELATED);
                for &other in only_big {
                    consider((std::cmp::Reverse(1), rank[other], other));
                }
                for &other in touched.iter() {
                    count[other] = 0;
                }
                touched.clear();
                best.into_iter().map(|(_, _, k)| k).collect()
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: count shared agreements for every other report, sort
    /// by (most shared, newest), keep the first few.
    fn naive(mine: &[Vec<usize>], coverage: &[Vec<usize>], rank: &[usize]) -> Vec<Vec<usize>> {
        (0..mine.len())
            .map(|i| {
                let mut counts: HashMap<usize, usize> = HashMap::new();
                for &g in &mine[i] {
                    for &other in &coverage[g] {
                        if other != i {
                            *counts.entry(other).or_default() += 1;
                        }
                    }
                }
                let mut v: Vec<(usize, usize)> = counts.into_iter().collect();
                v.sort_by(|x, y| y.1.cmp(&x.1).then(rank[x.0].cmp(&rank[y.0])));
                v.into_iter().take(RELATED).map(|(k, _)| k).collect()
            })
            .collect()
    }

    /// Regression: related reports were found by sorting every report that
    /// shares an agreement, for every report — quadratic in the coverage of a
    /// much-covered agreement (9.5 s of a 100,000-report build). The fast
    /// version must give exactly the same lists.
    #[test]
    fn related_reports_match_the_definition_on_skewed_coverage() {
        for start in [0x5eed_u64, 7, 0xfeed_beef] {
            related_reports_match_the_definition_with_seed(start);
        }
    }

    fn related_reports_match_the_definition_with_seed(start: u64) {
        let seed = std::cell::Cell::new(start);
        let next = |n: usize| {
            let s = seed
                .get()
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed.set(s);
            ((s >> 33) as usize) % n
        };
        let (n, agreements) = (400, 30);
        // Skewed: low-numbered agreements are covered far more often.
        let mine: Vec<Vec<usize>> = (0..n)
            .map(|_| {
                let k = next(5);
                let set: BTreeSet<usize> = (0..k).map(|_| next(1 + next(agreements))).collect();
                set.into_iter().collect()
            })
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, next(i + 1));
        }
        let mut rank = vec![0; n];
        for (pos, &i) in order.iter().enumerate() {
            rank[i] = pos;
        }
        let mut coverage = vec![vec![]; agreements];
        for (i, gs) in mine.iter().enumerate() {
            for &g in gs {
                coverage[g].push(i);
            }
        }
        for cov in &mut coverage {
            cov.sort_by_key(|&i| std::cmp::Reverse(rank[i]));
        }
        assert!(coverage[0].len() > 50, "the fixture is skewed");
        assert_eq!(
            related_reports(&mine, &coverage, &rank),
            naive(&mine, &coverage, &rank)
        );
    }
}
