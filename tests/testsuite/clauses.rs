//! Clause comparisons: the phrase-level marking and its one-line summary on
//! `/clauses/<id>/` and `/clauses/`, and the bound on a clause's length (#14).

use crate::support::TestSite;

const FIRST: &str = "content/agreements/first-pact.md";
const SECOND: &str = "content/agreements/second-pact.md";

#[test]
fn clause_changes_are_grouped_into_phrases_with_a_summary() {
    let site = TestSite::new("basic");
    site.edit(
        SECOND,
        "Neither government will conduct or support cyber-enabled theft of intellectual property.",
        "The two sides agree not to conduct or support cyber-enabled theft of intellectual property, for advantage.",
    );
    site.build_ok(&["--no-search"]);
    let html = site.read("clauses/ip-theft/index.html");
    // One deleted run, then one inserted run: no word-by-word interleaving.
    assert!(
        html.contains("<span class=\"chg\"><del><span class=\"visually-hidden\">[dropped: </span>Neither government will<span class=\"visually-hidden\">]</span></del> <ins><span class=\"visually-hidden\">[added: </span>The two sides agree not to<span class=\"visually-hidden\">]</span></ins></span> conduct or"),
        "{html}"
    );
    assert_eq!(
        html.matches("<del><span class=\"visually-hidden\">")
            .count(),
        2,
        "two deleted phrases"
    );
    // The summary, in prose, without doubled punctuation.
    assert!(
        html.contains(": <em>The two sides agree not to</em> instead of <em>Neither government will</em>; drops <em>knowingly</em>; adds <em>for advantage</em>.</p>"),
        "{html}"
    );
    // The index says the same in one line per wording.
    let index = site.read("clauses/index.html");
    assert!(index.contains("drops <em>knowingly</em>; adds <em>for advantage</em>"));
    assert!(index.contains("The earliest wording."));
}

#[test]
fn wordings_too_different_are_not_marked_word_by_word() {
    let site = TestSite::new("basic");
    let text = |w: &str| {
        (0..450)
            .map(|i| format!("{w}{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    site.edit(
        SECOND,
        "Neither government will conduct or support cyber-enabled theft of intellectual property.",
        &text("y"),
    );
    site.edit(
        FIRST,
        "Neither government will conduct or knowingly support cyber-enabled theft of intellectual property.",
        &text("x"),
    );
    site.build_ok(&["--no-search"]);
    let html = site.read("clauses/ip-theft/index.html");
    assert!(html.contains("the wordings differ too much to compare word by word."));
    assert!(!html.contains("[dropped: "), "no marking at all");
}

/// #14: two 40,000-word clauses sharing an id took 86 s to compare. A clause
/// longer than 1,000 words is now an error at its `text`, and the build stops
/// before any comparison.
#[test]
fn huge_clause_text_is_a_positioned_error() {
    let site = TestSite::new("basic");
    let huge: String = (0..40_000).map(|i| format!("w{i} ")).collect();
    site.edit(
        SECOND,
        "\"Neither government will conduct or support cyber-enabled theft of intellectual property.\"",
        &huge,
    );
    let r = site.run(&["build", "--no-search"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{SECOND}:16:11: error: clause text is 40000 words long, more than the limit of 1000"
        )),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains("hint: quote only the words of the one commitment"));
}
