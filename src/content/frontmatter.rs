//! Splitting a content file into YAML front matter and Markdown body.
//!
//! Done by hand (not with pulldown-cmark's metadata blocks, which would also
//! swallow a `---` block in the middle of a body). Accepts CRLF line endings;
//! the BOM is removed by [`SourceFile`](crate::source::SourceFile).

/// The two halves of a content file, with where each starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub front_matter: &'a str,
    /// 1-based line of the first front-matter line.
    pub front_matter_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    NoOpeningFence,
    /// No closing `---` line; carries the byte offset of the opening fence.
    NoClosingFence,
}

/// Splits `text` at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(SplitError::NoOpeningFence);
    }
    let mut pos = first_end;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            return Ok(Split {
                front_matter: &text[first_end..pos],
                front_matter_line: 2,
                body: &text[end..],
                body_offset: end,
            });
        }
        pos = end;
        line += 1;
    }
    let _ = line;
    Err(SplitError::NoClosingFence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.front_matter, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
        let s = split("---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(s.front_matter, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
    }

    #[test]
    fn a_rule_in_the_body_is_not_a_fence() {
        let s = split("---\na: 1\n---\ntext\n\n---\n\nmore\n").unwrap();
        assert_eq!(s.body, "text\n\n---\n\nmore\n");
    }

    #[test]
    fn missing_fences_are_errors() {
        assert_eq!(split("title: A\n"), Err(SplitError::NoOpeningFence));
        assert_eq!(split("---\ntitle: A\n"), Err(SplitError::NoClosingFence));
    }
}
