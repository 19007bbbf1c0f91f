//! Loading Tera templates from `templates/`, and the `date` filter and `url`
//! functions every template uses.

use std::path::Path;

use tera::{Kwargs, State, Tera};

use crate::diagnostics::Diagnostic;
use crate::urls::Urls;

/// Loads every file under `dir` as a template named by its relative path.
pub fn load(dir: &Path, urls: &Urls) -> Result<Tera, Vec<Diagnostic>> {
    let mut sources: Vec<(String, String)> = vec![];
    let mut diags = vec![];
    if !dir.is_dir() {
        return Err(vec![Diagnostic::error(
            "templates",
            "templates/ folder not found",
        )
        .with_hint(
            "create templates/ with base.html and one template per page kind (see the README)",
        )]);
    }
    // Read under the one rule for site files (no links out of the root, no
    // devices, bounded size).
    let root = dir.parent().unwrap_or(Path::new("."));
    let (paths, walk_diags) = crate::content::files::walk(root, "templates", &|_| true);
    diags.extend(walk_diags);
    for path in paths {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let name = rel.to_string_lossy().replace('\\', "/");
        match crate::content::files::read_text(
            root,
            &path,
            crate::content::files::MAX_TEMPLATE_BYTES,
        ) {
            Ok(t) => sources.push((name, t)),
            Err(e) => diags.push(e.diagnostic(&Path::new("templates").join(rel))),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    register(&mut tera, urls);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, c)| (n.as_str(), c.as_str()))) {
        return Err(vec![template_error(&e, None)]);
    }
    Ok(tera)
}

/// Autoescaping: the same five entities as Tera's own escaper (`&`, `<`, `>`,
/// `"`, `'`), but written a run of plain bytes at a time rather than byte by
/// byte (Tera's writes each byte through `dyn Write`), finding the next
/// special byte eight bytes at a time.
pub fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    loop {
        let i = next_special(bytes, start);
        let Some(b) = bytes.get(i) else {
            return out.write_all(&bytes[start..]);
        };
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => b"&#39;",
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
}

/// The index of the first of `& < > " '` in `b` at or after `from`, or `b.len()`.
fn next_special(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero when a byte of `x` equals `c` (the classic zero-byte test on `x ^ c…c`).
    let has = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        y.wrapping_sub(ONES) & !y & HIGH
    };
    let special = |c: &u8| matches!(c, b'&' | b'<' | b'>' | b'"' | b'\'');
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if has(x, b'&') | has(x, b'<') | has(x, b'>') | has(x, b'"') | has(x, b'\'') != 0 {
            break;
        }
        i += 8;
    }
    b[i.min(b.len())..]
        .iter()
        .position(special)
        .map_or(b.len(), |p| i + p)
}

/// Registers the `date` filter and the `url`/`abs_url` functions.
fn register(tera: &mut Tera, urls: &Urls) {
    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let format: String = kwargs
                .get::<String>("format")?
                .unwrap_or_else(|| "%-d %B %Y".to_string());
            let d = crate::content::date::Date::parse(value).map_err(tera::Error::message)?;
            Ok(d.day.strftime(&format).to_string())
        },
    );
    let u = urls.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get::<String>("path")?;
            Ok(u.path(&path))
        },
    );
    let u = urls.clone();
    tera.register_function(
        "abs_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get::<String>("path")?;
            Ok(u.absolute(&path))
        },
    );
}

/// A Tera error as a diagnostic naming the template file, line and column.
pub fn template_error(e: &tera::Error, page: Option<&str>) -> Diagnostic {
    let context = page
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            let file = Path::new("templates").join(r.filename());
            let mut d = Diagnostic::error(file, format!("{}{context}", r.message()))
                .at(span.start_line.max(1), span.start_col + 1);
            d.hint = Some(
                "fix the template; variables that may be missing need `x?.y` or `x or default`"
                    .into(),
            );
            d
        }
        other => Diagnostic::error("templates", format!("{other}{context}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autoescape_writes_what_teras_escaper_writes() {
        for s in [
            "",
            "plain",
            "a&b<c>d\"e'f",
            "&&",
            "é & ’ <tag attr='x'>",
            "'",
        ] {
            let (mut ours, mut teras) = (vec![], vec![]);
            escape_html(s, &mut ours).unwrap();
            tera::escape_html(s, &mut teras).unwrap();
            assert_eq!(ours, teras, "{s}");
        }
    }

    #[test]
    fn autoescape_finds_a_special_character_at_every_position() {
        for c in ['&', '<', '>', '"', '\'', 'é'] {
            for before in 0..20 {
                for after in [0, 1, 7, 8, 9] {
                    let s = format!("{}{c}{}", "x".repeat(before), "y".repeat(after));
                    let (mut ours, mut teras) = (vec![], vec![]);
                    escape_html(&s, &mut ours).unwrap();
                    tera::escape_html(&s, &mut teras).unwrap();
                    assert_eq!(ours, teras, "{s}");
                }
            }
        }
    }
}
