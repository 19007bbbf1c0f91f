//! A loaded source file and the byte-offset → line/column arithmetic that every
//! diagnostic about it needs.

use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

/// The text of one input file, with its line starts indexed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, as printed in diagnostics.
    pub path: PathBuf,
    /// The whole file, BOM removed, line endings as written.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes `text` (a leading UTF-8 BOM is removed).
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 || line > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// An error at a byte offset, with the source line attached.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = self.line_col(offset);
        self.error_at_line_col(line, col, message)
    }

    /// An error at a 1-based line and column, with the source line attached.
    pub fn error_at_line_col(
        &self,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(self.path.clone(), message)
            .at(line, col)
            .with_source_line(self.line_text(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = SourceFile::new("a.md", "ab\n“x” y\n".to_string());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // `y` is after two 3-byte quotes: byte 3+3+1+3+1 = 11.
        assert_eq!(f.line_col(11), (2, 5));
        assert_eq!(f.line_text(2), "“x” y");
    }

    #[test]
    fn bom_is_removed_and_crlf_lines_are_trimmed() {
        let f = SourceFile::new("a.md", "\u{feff}a\r\nb\r\n".to_string());
        assert_eq!(f.text, "a\r\nb\r\n");
        assert_eq!(f.line_text(1), "a");
        assert_eq!(f.line_col(3), (2, 1));
    }
}
