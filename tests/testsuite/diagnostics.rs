//! Bad input: every rule gives a `file:line:col: error:` diagnostic, exit code 1,
//! and leaves the previous `public/` exactly as it was.

use crate::support::TestSite;

/// Builds the fixture, applies `edit`, builds again and checks the failure.
fn assert_rejected(edit: impl FnOnce(&TestSite), expected: &[&str]) -> String {
    let site = TestSite::new("basic");
    site.build_ok(&[]);
    let before = site.snapshot_output();
    edit(&site);
    let r = site.run(&["build"]);
    assert_eq!(r.code, 1, "expected exit 1, got {}:\n{}", r.code, r.stderr);
    for e in expected {
        assert!(r.stderr.contains(e), "missing {e:?} in:\n{}", r.stderr);
    }
    assert!(
        site.snapshot_output() == before,
        "public/ changed after a failed build"
    );
    r.stderr
}

const REPORT: &str = "content/articles/2015-10-22-uk-china-deal.md";
const SECOND: &str = "content/agreements/second-pact.md";

#[test]
fn unknown_field_suggests_the_closest_name() {
    assert_rejected(
        |s| s.edit(REPORT, "summary:", "summery:"),
        &[
            &format!("{REPORT}:8:1: error: unknown field `summery`"),
            "hint: did you mean `summary`?",
        ],
    );
}

#[test]
fn missing_required_field() {
    assert_rejected(
        |s| s.edit(REPORT, "summary: The UK copies the US deal.\n", ""),
        &[&format!(
            "{REPORT}:2:1: error: missing required field `summary`"
        )],
    );
}

#[test]
fn unknown_field_in_a_nested_mapping() {
    assert_rejected(
        |s| s.edit(REPORT, "  author: A. Writer", "  writer: A. Writer"),
        &[&format!(
            "{REPORT}:7:3: error: unknown field `writer` in `source`"
        )],
    );
}

#[test]
fn invalid_date() {
    assert_rejected(
        |s| s.edit(REPORT, "date: 2015-10-22", "date: 2015-13-22"),
        &[&format!("{REPORT}:3:7: error: invalid date `2015-13-22`")],
    );
}

#[test]
fn invalid_slug() {
    assert_rejected(
        |s| {
            std::fs::rename(
                s.root().join(REPORT),
                s.root().join("content/articles/UK_China.md"),
            )
            .unwrap()
        },
        &[
            "content/articles/UK_China.md:1:1: error: invalid file name `UK_China`",
            "rename the file to `uk-china.md`",
        ],
    );
}

#[test]
fn front_matter_not_closed() {
    assert_rejected(
        |s| s.write("content/articles/open.md", "---\ntitle: x\n"),
        &["content/articles/open.md:1:1: error: front matter is not closed"],
    );
}

#[test]
fn page_with_the_url_of_a_section() {
    assert_rejected(
        |s| s.write("content/pages/articles.md", "---\ntitle: Clash\n---\n"),
        &["content/pages/articles.md:1:1: error: page `articles` would have the same URL"],
    );
}

#[test]
fn unknown_party_and_vocabulary_terms() {
    let err = assert_rejected(
        |s| {
            s.edit(REPORT, "parties: [uk, cn, us]", "parties: [uk, cx, us]");
            s.edit(SECOND, "status: active", "status: actve");
        },
        &[
            &format!("{REPORT}:10:15: error: unknown party `cx`"),
            &format!("{SECOND}:7:9: error: unknown agreement status `actve`"),
            "did you mean `active`?",
        ],
    );
    // All errors of the run are reported together, sorted by file.
    assert!(err.find("agreements/second-pact").unwrap() < err.find("articles/2015").unwrap());
    assert!(err.contains("2 errors"));
}

#[test]
fn missing_site_yaml_says_how_to_create_one() {
    assert_rejected(
        |s| std::fs::remove_file(s.root().join("site.yaml")).unwrap(),
        &["site.yaml: error: site.yaml not found", "create site.yaml"],
    );
}

#[test]
fn unknown_key_in_site_yaml() {
    assert_rejected(
        |s| s.edit("site.yaml", "per_page: 2", "per_page: 2\nitems_per_page: 3"),
        &["site.yaml:8:1: error: unknown field `items_per_page`"],
    );
}

#[test]
fn template_error_names_the_template_line_and_column() {
    assert_rejected(
        |s| s.edit("templates/page.html", "{{ page.title }}", "{{ page.title }"),
        &["templates/page.html:4:"],
    );
}

/// Regression: a template asking for a field its typed context lacks failed
/// every page it renders with the same error (10,000 lines at 10,000 reports).
#[test]
fn a_field_missing_from_the_page_context_is_one_error_naming_the_field_and_the_pages() {
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html"),
    )
    .unwrap();
    let line = 1 + template
        .lines()
        .position(|l| l.contains("{{ page.word_count }} words"))
        .expect("article.html shows the word count");
    let stderr = assert_rejected(
        |s| {
            s.edit(
                "templates/article.html",
                "{{ page.word_count }} words",
                "{{ page.word_counts }} words",
            )
        },
        &[
            &format!("templates/article.html:{line}:"),
            "error: Field `word_counts` is not defined. Available fields: ",
            "word_count",
            "(while rendering /articles/",
            " and 2 other pages)",
            "{{ page.word_counts }}",
        ],
    );
    assert_eq!(
        stderr.matches("is not defined").count(),
        1,
        "one error for the three report pages:\n{stderr}"
    );
}

#[test]
fn raw_html_is_rejected() {
    assert_rejected(
        |s| {
            s.edit(
                REPORT,
                "The partnership includes",
                "The <b>partnership</b> includes",
            )
        },
        &[&format!(
            "{REPORT}:29:5: error: raw HTML is not allowed in content"
        )],
    );
}

// Cross-links (issue 3): each broken-link case at its exact position.

#[test]
fn wiki_link_to_an_unknown_target() {
    assert_rejected(
        |s| {
            s.edit(
                REPORT,
                "The deal mirrors [[first-pact]]",
                "The deal mirrors [[frist-pact]]",
            )
        },
        &[
            &format!("{REPORT}:26:18: error: wiki link to unknown page `frist-pact`"),
            "did you mean `first-pact`?",
        ],
    );
}

#[test]
fn ambiguous_wiki_link() {
    assert_rejected(
        |s| {
            s.write(
                "content/parties/first-pact.md",
                "---\ntitle: Clash\nkind: state\nsummary: x\n---\n",
            );
        },
        &[
            "content/_index.md:5:26: error: ambiguous wiki link `[[first-pact]]`",
            "[[agreements/first-pact]]",
        ],
    );
}

#[test]
fn wiki_link_to_a_missing_heading() {
    assert_rejected(
        |s| s.edit(SECOND, "[[first-pact#background", "[[first-pact#backgruond"),
        &[
            &format!("{SECOND}:18:24: error: `first-pact` has no heading `#backgruond`"),
            "did you mean `#background`?",
        ],
    );
}

#[test]
fn link_to_an_internal_path_that_does_not_exist() {
    assert_rejected(
        |s| {
            s.edit(
                "content/articles/2014-05-19-indictment.md",
                "(/agreements/)",
                "(/agreement/)",
            )
        },
        &["content/articles/2014-05-19-indictment.md:11:33: error: link to `/agreement/`"],
    );
}

#[test]
fn unknown_relation_type() {
    assert_rejected(
        |s| s.edit(SECOND, "type: mirrors", "type: mirors"),
        &[
            &format!("{SECOND}:11:11: error: unknown relation type `mirors`"),
            "did you mean `mirrors`?",
        ],
    );
}

#[test]
fn relation_to_itself() {
    assert_rejected(
        |s| s.edit(SECOND, "to: first-pact", "to: second-pact"),
        &[&format!(
            "{SECOND}:11:3: error: agreement `second-pact` cannot have a relation to itself"
        )],
    );
}

#[test]
fn relation_to_an_unknown_agreement() {
    assert_rejected(
        |s| s.edit(SECOND, "to: first-pact", "to: fist-pact"),
        &[&format!(
            "{SECOND}:12:9: error: unknown agreement `fist-pact` in relation"
        )],
    );
}

#[test]
fn duplicate_relation() {
    assert_rejected(
        |s| {
            s.edit(SECOND, "    note: Same clause without \"knowingly\".\n", "    note: Same clause without \"knowingly\".\n  - type: mirrors\n    to: first-pact\n")
        },
        &[&format!(
            "{SECOND}:14:3: error: relation `mirrors first-pact` is declared twice"
        )],
    );
}

#[test]
fn human_output_is_pinned() {
    let site = TestSite::new("basic");
    site.edit(
        REPORT,
        "tags: [economic-espionage, attribution]",
        "tags: [Economic Espionage, attribution]",
    );
    site.edit(SECOND, "form: joint-statement", "form: statement");
    site.edit(
        REPORT,
        "The deal mirrors [[first-pact]]",
        "The deal mirrors [[nowhere]]",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_human", r.stderr);
    let r = site.run(&["check", "--format", "github"]);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("check_github", r.stdout);
}

/// Issue 17, item 10: an unclosed quote used to be reported 11th of 13 errors, at
/// the line where the parser gave up, after "unknown page" errors in the files
/// that link to the broken one.
#[test]
fn yaml_error_leads_points_at_the_open_quote_and_suppresses_follow_on_link_errors() {
    let site = TestSite::new("basic");
    site.edit(
        "content/agreements/first-pact.md",
        "title: The first pact between the United States and China",
        "title: \"The first pact between the United States and China",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    let first = r.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "content/agreements/first-pact.md:2:8: error: this quoted value is never closed"
    );
    assert!(
        !r.stderr.contains("unknown agreement `first-pact`"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("unknown page `first-pact`"),
        "{}",
        r.stderr
    );
    insta::assert_snapshot!("yaml_error_first", r.stderr);
}
