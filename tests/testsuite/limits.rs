//! Bounded cost and safe output for hostile content: each limit of
//! CONTRIBUTING.md's "Limits" section has a regression test here.

use crate::support::TestSite;

const REPORT: &str = "content/articles/2014-05-19-indictment.md";

#[test]
fn yaml_flow_nesting_40000_deep_is_an_error_at_the_bracket_not_a_slow_parse() {
    let site = TestSite::new("basic");
    let text = std::fs::read_to_string(site.root().join(REPORT)).unwrap();
    site.write(
        REPORT,
        &text.replace(
            "tags: [indictment]",
            &format!("tags: {}", "[".repeat(40_000)),
        ),
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Line 9 is `tags:`; the 65th bracket is the first one too deep.
    assert!(
        r.stderr.contains(&format!(
            "{REPORT}:9:{}: error: YAML nested more than 64 levels deep",
            "tags: ".len() + 65
        )),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains("= hint: front matter needs only a few levels"));
}

#[test]
fn terminal_escape_sequences_in_content_are_escaped_in_human_diagnostics() {
    let site = TestSite::new("basic");
    // Clear screen, OSC 52 (write the clipboard), an 8-bit CSI and a
    // right-to-left override, on a body line that is reported with its line.
    site.edit(
        REPORT,
        "Five officers were charged.",
        "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{9b}31m\u{202e} [[no-such-page]]",
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no-such-page"), "{}", r.stderr);
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
        assert!(!r.stderr.contains(bad), "{bad:?} reached the terminal");
    }
    assert!(r
        .stderr
        .contains("\\u{1b}[2J\\u{1b}]52;c;aGk=\\u{7}\\u{9b}31m\\u{202e}"));
}
