//! Editorial rules: notes of the kinds site.yaml marks `requires_source: true`
//! must cite a source, the uncertainty marks (`confidence`, `status_confidence`,
//! `parties_confidence`) are checked and shown to readers, and `--deny-warnings`
//! turns warnings into a failed run.

use crate::support::{repo, TestSite};

const REPORT: &str = "content/articles/2015-10-22-firm-reports.md";
const AGREEMENT: &str = "content/agreements/first-pact.md";

/// `annals check` on the fixture after `edit`: must fail with every `expected` line.
fn check_rejects(edit: impl FnOnce(&TestSite), expected: &[&str]) -> String {
    let site = TestSite::new("editorial");
    edit(&site);
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "expected exit 1, got {}:\n{}", r.code, r.stderr);
    for e in expected {
        assert!(r.stderr.contains(e), "missing {e:?} in:\n{}", r.stderr);
    }
    r.stderr
}

#[test]
fn clean_fixture_passes_with_deny_warnings() {
    let site = TestSite::new("editorial");
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn unsourced_fact_check_is_an_error_at_the_note() {
    let err = check_rejects(
        |s| s.edit(REPORT, "    sources: [https://example.org/firm/post]\n", ""),
        &[
            // The note's list item: line 14, column 3 (`- quote: …`).
            &format!("{REPORT}:14:3: error: `fact-check` note cites no source"),
            "14 |   - quote: \"seven companies\"",
            "hint: add `sources: [https://…]`",
        ],
    );
    // Only that note: the sourced dispute and the context note are fine.
    assert_eq!(err.matches("cites no source").count(), 1, "{err}");
}

#[test]
fn an_empty_sources_list_is_no_source() {
    check_rejects(
        |s| {
            s.edit(
                REPORT,
                "sources: [https://example.org/firm/interview]",
                "sources: []",
            )
        },
        &[&format!(
            "{REPORT}:18:3: error: `dispute` note cites no source"
        )],
    );
}

#[test]
fn relabelling_a_note_to_another_configured_kind_is_still_an_error() {
    // An unsourced note moved between the kinds that need sources is still caught.
    for kind in ["correction", "dispute"] {
        check_rejects(
            |s| {
                s.edit(REPORT, "    sources: [https://example.org/firm/post]\n", "");
                s.edit(REPORT, "kind: fact-check", &format!("kind: {kind}"));
            },
            &[&format!(
                "{REPORT}:14:3: error: `{kind}` note cites no source"
            )],
        );
    }
}

#[test]
fn the_rule_follows_site_yaml_not_a_fixed_list_of_kinds() {
    // `claim` needs no source in the fixture; once site.yaml says it does, the
    // unsourced claim fails, so a re-labelled note is caught by configuring its kind.
    check_rejects(
        |s| {
            s.edit(REPORT, "kind: context", "kind: claim");
            s.edit(
                "site.yaml",
                "claim: { label: Claim }",
                "claim: { label: Claim, requires_source: true }",
            );
        },
        &[&format!(
            "{REPORT}:23:3: error: `claim` note cites no source"
        )],
    );
}

#[test]
fn requires_source_outside_annotation_kinds_is_an_error() {
    check_rejects(
        |s| {
            s.edit(
                "site.yaml",
                "active: { label: Active }",
                "active: { label: Active, requires_source: true }",
            )
        },
        &[
            "site.yaml:19:3: error",
            "`requires_source` applies to annotation kinds",
        ],
    );
}

#[test]
fn the_archive_requires_sources_on_fact_checks_corrections_and_disputes() {
    // The published archive's own rule: dropping it from site.yaml is not a fix.
    let yaml = std::fs::read_to_string(repo().join("site.yaml")).unwrap();
    for kind in ["fact-check", "correction", "dispute"] {
        let line = yaml
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{kind}:")))
            .unwrap_or_else(|| panic!("site.yaml has no annotation kind `{kind}`"));
        assert!(
            line.contains("requires_source: true"),
            "site.yaml: `{kind}` must keep `requires_source: true`: {line}"
        );
    }
}

#[test]
fn the_archive_passes_the_strict_check() {
    // What the pull-request workflow runs: no error, no warning, no unsourced note.
    let site = TestSite::from_repo();
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn unknown_confidence_is_an_error_with_a_hint() {
    check_rejects(
        |s| s.edit(REPORT, "confidence: unverified", "confidence: bogus"),
        &[
            &format!("{REPORT}:22:17: error: unknown confidence `bogus`"),
            "hint: write `confidence: unverified` when the sources do not settle it, or leave the field out",
        ],
    );
}

#[test]
fn unknown_status_and_parties_confidence_are_errors() {
    check_rejects(
        |s| {
            s.edit(
                AGREEMENT,
                "status_confidence: unverified",
                "status_confidence: likely",
            );
            s.edit(
                AGREEMENT,
                "parties_confidence: unverified",
                "parties_confidence: high",
            );
        },
        &[
            &format!("{AGREEMENT}:9:20: error: unknown status_confidence `likely`"),
            &format!("{AGREEMENT}:6:21: error: unknown parties_confidence `high`"),
        ],
    );
}

#[test]
fn uncertainty_marks_reach_readers_and_the_data() {
    let site = TestSite::new("editorial");
    site.build_ok(&["--no-search"]);
    // The report: the unverified note is flagged and explained, the others are not.
    let page = site.read("articles/2015-10-22-firm-reports/index.html");
    assert_eq!(
        page.matches("<span class=\"flag\">unverified</span>")
            .count(),
        1
    );
    let note2 = &page[page.find("id=\"note-2\"").unwrap()..page.find("id=\"note-3\"").unwrap()];
    assert!(
        note2.contains("<span class=\"flag\">unverified</span>"),
        "{note2}"
    );
    assert!(
        note2.contains("the sources the editors could read do not settle this"),
        "{note2}"
    );
    // The agreement: both marks, and one sentence explaining them.
    let page = site.read("agreements/first-pact/index.html");
    assert_eq!(
        page.matches("<span class=\"flag\">unverified</span>")
            .count(),
        2
    );
    file_contains!(
        site,
        "agreements/first-pact/index.html",
        "do not settle its status or its list of parties"
    );
    // The notes index flags it too.
    file_contains!(site, "annotations/index.html", ">unverified</span>");
    // Data: archive.json (and its schema), agreements.csv, annotations.jsonld.
    let json: serde_json::Value = serde_json::from_str(&site.read("data/archive.json")).unwrap();
    let g = &json["agreements"][0];
    assert_eq!(g["status_confidence"], "unverified");
    assert_eq!(g["parties_confidence"], "unverified");
    let schema: serde_json::Value =
        serde_json::from_str(&site.read("data/archive.schema.json")).unwrap();
    let props = &schema["$defs"]["agreement"]["properties"];
    assert_eq!(
        props["status_confidence"]["enum"],
        serde_json::json!(["unverified", null])
    );
    let csv = site.read("data/agreements.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "status_confidence")
        .unwrap();
    assert_eq!(
        lines.next().unwrap().split(',').nth(col),
        Some("unverified")
    );
    let ld: serde_json::Value =
        serde_json::from_str(&site.read("data/annotations.jsonld")).unwrap();
    let items = ld["first"]["items"].as_array().unwrap();
    let assessing: Vec<&str> = items
        .iter()
        .filter(|it| {
            it["body"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["purpose"] == "assessing" && b["value"] == "unverified")
        })
        .map(|it| it["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        assessing,
        ["https://example.org/articles/2015-10-22-firm-reports/#note-2"]
    );
}

#[test]
fn deny_warnings_fails_on_a_placeholder_warning() {
    let site = TestSite::new("editorial");
    site.edit(
        REPORT,
        "summary: A firm says the intrusions went on.",
        "summary: \"TODO: one sentence for lists and feeds\"",
    );
    // Without the flag the placeholder is only a warning.
    let r = site.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("still holds the placeholder"),
        "{}",
        r.stderr
    );
    // With it, check fails and says why.
    let r = site.run(&["check", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: `summary` still holds the placeholder"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 warning and --deny-warnings is set"),
        "{}",
        r.stderr
    );
}

#[test]
fn build_with_deny_warnings_keeps_the_previous_output() {
    let site = TestSite::new("editorial");
    site.build_ok(&["--no-search", "--deny-warnings"]);
    let before = site.snapshot_output();
    site.edit(
        REPORT,
        "url: https://example.org/news/intrusions",
        "url: http://example.org/news/intrusions",
    );
    let r = site.run(&["build", "--no-search", "--deny-warnings"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is not https"), "{}", r.stderr);
    assert!(
        site.snapshot_output() == before,
        "public/ changed after a failed build"
    );
}

#[test]
fn an_unverified_clause_wording_is_flagged_on_its_comparison_page() {
    let site = TestSite::new("basic");
    let file = "content/agreements/second-pact.md";
    let clause = "theft of intellectual property.\"\n";
    site.edit(file, clause, &format!("{clause}    confidence: bogus\n"));
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("content/agreements/second-pact.md:17:17: error: unknown confidence `bogus`"),
        "{}",
        r.stderr
    );
    site.edit(file, "confidence: bogus", "confidence: unverified");
    site.build_ok(&[]);
    let page = site.read("clauses/ip-theft/index.html");
    let second = page
        .find("Second pact")
        .expect("the second wording is listed");
    let flag = page[second..]
        .find(r#"<span class="flag">unverified</span>"#)
        .expect("the unverified wording is flagged");
    let next = page[second..].find("<blockquote").unwrap();
    assert!(flag < next, "the flag sits with its wording");
    // The first wording, which is verified, has no flag before it.
    assert!(!page[..second].contains(r#"<span class="flag">unverified</span>"#));
}
