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

/// Found by the fuzz harness (`fuzz.rs`): 2,880 `<div>`s on one line of a report
/// gave 2,880 errors that each printed the whole 14 KB line: 40 MB of output.
#[test]
fn many_errors_on_one_long_line_print_a_window_of_it_not_the_whole_line() {
    let site = TestSite::new("basic");
    site.edit(
        REPORT,
        "Five officers were charged.",
        &format!("Five officers were charged. {}", "<div>".repeat(2880)),
    );
    let r = site.run(&["check"]);
    assert_eq!(r.code, 1);
    let errors = r.stderr.matches(": error: ").count();
    assert_eq!(errors, 2880, "{}", &r.stderr[..2000.min(r.stderr.len())]);
    // About 600 bytes per error, not 14 KB.
    assert!(
        r.stderr.len() < 2880 * 700,
        "{} bytes of output",
        r.stderr.len()
    );
    assert!(
        r.stderr.contains(" | …<div><div>"),
        "the line is cut with …"
    );
}
