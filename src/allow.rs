//! The allow-lists untrusted content is checked against, in one place: which
//! URLs a link, an image, a front-matter field or a setting may hold (judged
//! after the decoding a browser does), which characters text may contain,
//! which heading attributes and ids content may set, and which static file
//! types are published without being named in `site.yaml`.
//!
//! Everything here answers "is this allowed?"; the callers turn a "no" into a
//! diagnostic at the file, line and column of the offending text. Anything not
//! on a list is refused: lists are extended on purpose, never by accident.

/// Where a URL is used, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlUse {
    /// A link in Markdown (inline, reference, autolink): `https:`, `http:`,
    /// `mailto:`, `#fragment` or a path from the site root.
    Link,
    /// An image in Markdown: a path from the site root only (a file of `static/`).
    Image,
    /// A front-matter URL (`source.url`, `text_url`, `sources`) or a URL
    /// setting in `site.yaml`: an absolute `https://` or `http://` address.
    Absolute,
}

/// What an allowed URL is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlKind {
    /// `https:`/`http:` to another site.
    External,
    /// `mailto:`.
    Mailto,
    /// `#fragment` on the same page.
    Fragment,
    /// A path from the site root (`/agreements/`), as normalised.
    SitePath(String),
}

/// Why a URL is refused: a message and a hint for the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlProblem {
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

const LINK_HINT: &str = "links may be https://…, http://…, mailto:…, #fragment, or a path from the site root such as /agreements/";

/// A URL shown in a message: control characters escaped, long ones cut.
fn shown(url: &str) -> String {
    let mut s: String = url.chars().take(80).flat_map(char::escape_debug).collect();
    if url.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// Decodes the character references a browser would decode in an attribute
/// (`&#106;`, `&#x6A;`, with or without `;`, and the named ones that can
/// spell a scheme). Markdown destinations are already decoded by the parser;
/// decoding again only makes the check stricter.
pub fn decode_entities(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("colon", ':'),
        ("Tab", '\t'),
        ("NewLine", '\n'),
        ("amp", '&'),
        ("AMP", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("sol", '/'),
        ("bsol", '\\'),
        ("period", '.'),
        ("lpar", '('),
        ("rpar", ')'),
        ("nbsp", '\u{a0}'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let mut consumed = None;
        if let Some(num) = after.strip_prefix('#') {
            let (hex, digits) = match num.strip_prefix(['x', 'X']) {
                Some(h) => (true, h),
                None => (false, num),
            };
            let len = digits
                .bytes()
                .take_while(|b| {
                    if hex {
                        b.is_ascii_hexdigit()
                    } else {
                        b.is_ascii_digit()
                    }
                })
                .count();
            if len > 0 {
                let value = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 })
                    .ok()
                    .and_then(char::from_u32)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{fffd}');
                out.push(value);
                let mut used = 1 + usize::from(hex) + len;
                if num[usize::from(hex) + len..].starts_with(';') {
                    used += 1;
                }
                consumed = Some(used);
            }
        } else {
            for (name, c) in NAMED {
                if let Some(tail) = after.strip_prefix(name) {
                    out.push(*c);
                    consumed = Some(name.len() + usize::from(tail.starts_with(';')));
                    break;
                }
            }
        }
        match consumed {
            Some(n) => rest = &after[n..],
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True for characters no text of the archive may contain: C0 controls other
/// than tab, line feed and carriage return, DEL, and C1 controls. NUL and the
/// other controls are also what the generator's internal markers are made of,
/// so refusing them everywhere keeps those markers unforgeable.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// The first forbidden control character of `s` and its byte offset.
pub fn find_forbidden_control(s: &str) -> Option<(usize, char)> {
    // In UTF-8 the C0 controls and DEL are single bytes and the C1 controls
    // (U+0080–U+009F) are 0xC2 followed by 0x80–0x9F, so a byte scan finds
    // them without decoding; every hit is at a character boundary.
    let bytes = s.as_bytes();
    // A pass without early exit (which the compiler vectorises) settles the
    // common case; 0xC2 also starts U+00A0–U+00BF, so a hit is checked below.
    let maybe = bytes.iter().fold(false, |seen, &b| {
        seen | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7f) | (b == 0xc2)
    });
    if !maybe {
        return None;
    }
    bytes.iter().enumerate().find_map(|(i, &b)| {
        let hit = (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7f
            || (b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f)));
        hit.then(|| (i, s[i..].chars().next().expect("a char boundary")))
    })
}

/// Errors for every string (and mapping key) of decoded YAML that holds a
/// forbidden control character (`"\0"`, `"\x01"` and `"\u0085"` escapes
/// decode to them), at the value's position in `file`. `value` is the typed
/// front matter or settings serialised back, so no field is missed.
pub fn control_errors(
    value: &serde_json::Value,
    file: &crate::source::SourceFile,
    spans: &crate::yaml::SpanIndex,
) -> Vec<crate::diagnostics::Diagnostic> {
    fn walk(v: &serde_json::Value, path: &str, found: &mut Vec<(String, char)>) {
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            serde_json::Value::String(s) => {
                if let Some((_, c)) = find_forbidden_control(s) {
                    found.push((path.to_string(), c));
                }
            }
            serde_json::Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(x, &join(&i.to_string()), found);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    if let Some((_, c)) = find_forbidden_control(k) {
                        found.push((join(k), c));
                    }
                    walk(x, &join(k), found);
                }
            }
            _ => {}
        }
    }
    let mut found = vec![];
    walk(value, "", &mut found);
    found
        .into_iter()
        .map(|(path, c)| {
            let (line, col) = spans.value(&path).unwrap_or((1, 1));
            file.error_at_line_col(
                line,
                col,
                format!("`{path}` contains the control character {}", control_name(c)),
            )
            .with_hint("remove it (a YAML escape such as \\0 or \\x01 writes one): text may not contain control characters")
        })
        .collect()
}

/// How a forbidden control character is named in a message (`U+0000`).
pub fn control_name(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// The URL as a browser's URL parser sees it: character references decoded,
/// leading and trailing spaces and C0 controls removed, and every tab and
/// line break inside removed.
pub fn browser_normalize(raw: &str) -> String {
    let decoded = decode_entities(raw);
    decoded
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The scheme of a normalised URL, lowercased (`JaVaScRiPt:x` → `javascript`),
/// or `None` for a relative URL, by the WHATWG URL parser's rule.
pub fn scheme_of(url: &str) -> Option<String> {
    let mut chars = url.char_indices();
    let (_, first) = chars.next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    for (i, c) in chars {
        if c == ':' {
            return Some(url[..i].to_ascii_lowercase());
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
    }
    None
}

/// Checks one URL written in content against the allow-list for its use.
pub fn check_url(raw: &str, use_: UrlUse) -> Result<UrlKind, UrlProblem> {
    let url = browser_normalize(raw);
    let problem = |message: String, hint: &str| UrlProblem {
        message,
        hint: hint.to_string(),
    };
    if let Some((_, c)) = find_forbidden_control(&url) {
        return Err(problem(
            format!(
                "URL `{}` contains the control character {}",
                shown(raw),
                control_name(c)
            ),
            "remove it: a URL is printable text",
        ));
    }
    if url.is_empty() {
        return Err(problem(
            "link has no address".into(),
            match use_ {
                UrlUse::Image => "give the image's path from the site root, such as /figure.png",
                _ => LINK_HINT,
            },
        ));
    }
    let b = url.as_bytes();
    let slash = |x: u8| x == b'/' || x == b'\\';
    if b.len() >= 2 && slash(b[0]) && slash(b[1]) {
        let host = url.trim_start_matches(['/', '\\']);
        return Err(problem(
            format!("protocol-relative URL `{}` is not allowed", shown(raw)),
            &format!("write the scheme: https://{}", shown(host)),
        ));
    }
    match scheme_of(&url) {
        Some(scheme) => {
            let ok = match use_ {
                UrlUse::Link => matches!(scheme.as_str(), "https" | "http" | "mailto"),
                UrlUse::Absolute => {
                    matches!(scheme.as_str(), "https" | "http")
                        && url[scheme.len() + 1..].starts_with("//")
                        && url.len() > scheme.len() + 3
                }
                UrlUse::Image => false,
            };
            if ok {
                return Ok(if scheme == "mailto" {
                    UrlKind::Mailto
                } else {
                    UrlKind::External
                });
            }
            Err(match use_ {
                UrlUse::Image if scheme == "https" || scheme == "http" => problem(
                    format!("image `{}` is on another server", shown(raw)),
                    "the site makes no requests to other servers: put the image in static/ and write its path from the site root, such as ![alt](/figure.png)",
                ),
                UrlUse::Image => problem(
                    format!("`{scheme}:` images are not allowed (`{}`)", shown(raw)),
                    "put the image in static/ and write its path from the site root, such as ![alt](/figure.png)",
                ),
                UrlUse::Link => problem(
                    format!("`{scheme}:` links are not allowed (`{}`)", shown(raw)),
                    LINK_HINT,
                ),
                UrlUse::Absolute => problem(
                    format!("`{}` is not an absolute http(s) URL", shown(raw)),
                    "write the full address, starting with https://",
                ),
            })
        }
        None => {
            if use_ == UrlUse::Absolute {
                return Err(problem(
                    format!("`{}` is not an absolute http(s) URL", shown(raw)),
                    "write the full address, starting with https://",
                ));
            }
            if url.starts_with('#') && use_ == UrlUse::Link {
                return Ok(UrlKind::Fragment);
            }
            if url.starts_with('/') && !url.contains('\\') {
                return Ok(UrlKind::SitePath(url));
            }
            Err(problem(
                format!("relative URL `{}` is not allowed", shown(raw)),
                match use_ {
                    UrlUse::Image => "write the image's path from the site root, such as /figure.png (files in static/ are served at the root)",
                    _ => "start it with / (a path from the site root) or write the full https:// address",
                },
            ))
        }
    }
}

/// Classes a heading may carry (`## Title {.name}`): the ones the templates
/// and the stylesheet give a meaning to. None yet; add one here together with
/// its CSS rule.
pub const HEADING_CLASSES: &[&str] = &[];

/// Ids the templates and the renderer put on pages that show content, which
/// a heading or footnote must not take (the skip link, the margin notes and
/// the permalinks would jump to the wrong element).
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "title",
    "notes",
    "search",
    "positions",
    "licence",
    "files",
    "csv",
    "archive-json",
    "agreements-csv",
    "relations-csv",
    "annotations",
    "date-note",
];

/// Id prefixes the templates and the renderer use as namespaces.
pub const RESERVED_ID_PREFIXES: &[&str] = &["tl-", "search-", "annals-", "kind-", "fields-"];

/// Id suffixes the templates use (`notes-heading`, `coverage-heading`, …).
pub const RESERVED_ID_SUFFIXES: &[&str] = &["-heading"];

/// Numbered ids the renderer makes for each note and its marks (`note-3`).
pub const RESERVED_NUMBERED: &[&str] = &["note-", "ref-", "mark-", "fn-", "y"];

/// True when a page of the site can already have an element with this id.
pub fn is_reserved_id(id: &str) -> bool {
    RESERVED_IDS.contains(&id)
        || RESERVED_ID_PREFIXES.iter().any(|p| id.starts_with(p))
        || RESERVED_ID_SUFFIXES.iter().any(|s| id.ends_with(s))
        || RESERVED_NUMBERED.iter().any(|p| {
            id.strip_prefix(p)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// File types in `static/` that cannot run script on the site's origin, by
/// extension (lowercase). Anything else must be named in `site.yaml`'s
/// `static_scripts`.
pub const PASSIVE_STATIC_TYPES: &[&str] = &[
    "css", "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "woff", "woff2", "ttf",
    "otf", "txt", "pdf", "csv", "json", "mp3", "mp4", "webm", "ogg",
];

/// Image types an `![image](/path)` may show.
pub const IMAGE_TYPES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "avif", "svg"];

/// The lowercase extension of a file name, if any.
pub fn extension(name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

/// True when a static file of this name is published without being named.
pub fn is_passive_static(name: &str) -> bool {
    extension(name).is_some_and(|e| PASSIVE_STATIC_TYPES.contains(&e.as_str()))
}

/// Cells of a CSV export that a spreadsheet would run as a formula are
/// neutralised as OWASP recommends: a cell starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'` (and is quoted by the caller).
pub fn neutralise_formula(cell: &str) -> Option<String> {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        .then(|| format!("'{cell}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(u: &str) -> Result<UrlKind, UrlProblem> {
        check_url(u, UrlUse::Link)
    }

    #[test]
    fn script_urls_are_refused_in_every_spelling() {
        for u in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#106avascript:alert(1)",
            "javascript&colon;alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "//evil.example/x",
            "\\\\evil.example/x",
            "/\\evil.example/x",
            "relative/path",
            "",
        ] {
            assert!(link(u).is_err(), "{u:?} was allowed");
            assert!(check_url(u, UrlUse::Image).is_err(), "{u:?} image allowed");
            assert!(check_url(u, UrlUse::Absolute).is_err(), "{u:?} absolute");
        }
    }

    #[test]
    fn the_byte_scan_for_controls_finds_what_the_character_rule_names() {
        let by_char = |s: &str| s.char_indices().find(|&(_, c)| is_forbidden_control(c));
        for c in (0u32..0x250)
            .chain([0x2028, 0xfeff, 0x1f600])
            .filter_map(char::from_u32)
        {
            for s in [
                format!("{c}"),
                format!("é{c}x"),
                format!("ab\u{a0}{c}\u{9f}"),
            ] {
                assert_eq!(find_forbidden_control(&s), by_char(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn ordinary_urls_pass() {
        assert_eq!(link("https://example.org/a"), Ok(UrlKind::External));
        assert_eq!(link("HTTP://example.org/a"), Ok(UrlKind::External));
        assert_eq!(link("mailto:a@example.org"), Ok(UrlKind::Mailto));
        assert_eq!(link("#background"), Ok(UrlKind::Fragment));
        assert_eq!(
            link("/agreements/"),
            Ok(UrlKind::SitePath("/agreements/".into()))
        );
        assert!(check_url("https://example.org/x.png", UrlUse::Image).is_err());
        assert!(check_url("/x.png", UrlUse::Image).is_ok());
        assert!(check_url("mailto:a@b.c", UrlUse::Absolute).is_err());
        assert!(check_url("https://", UrlUse::Absolute).is_err());
        assert!(check_url("https://example.org", UrlUse::Absolute).is_ok());
    }

    #[test]
    fn protocol_relative_hint_names_the_scheme() {
        let e = link("//evil.example/x").unwrap_err();
        assert_eq!(e.hint, "write the scheme: https://evil.example/x");
    }

    #[test]
    fn reserved_ids() {
        for id in [
            "main",
            "title",
            "notes",
            "notes-heading",
            "note-1",
            "ref-12",
            "mark-3",
            "tl-svg-title",
            "y2015",
        ] {
            assert!(is_reserved_id(id), "{id}");
        }
        for id in ["background", "note-on-sources", "notes-1", "year", "y2k"] {
            assert!(!is_reserved_id(id), "{id}");
        }
    }

    #[test]
    fn static_types() {
        assert!(is_passive_static("style.css"));
        assert!(is_passive_static("img/Logo.PNG"));
        for n in [
            "x.html", "x.HTM", "x.svg", "x.js", "x.mjs", "x.xml", "x.xhtml", "CNAME", ".css",
        ] {
            assert!(!is_passive_static(n), "{n}");
        }
    }

    #[test]
    fn formulas() {
        for c in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(c), Some(format!("'{c}")));
        }
        assert_eq!(neutralise_formula("plain"), None);
        assert_eq!(neutralise_formula("2015-09-25"), None);
    }
}
