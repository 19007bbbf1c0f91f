//! Timeline outputs (stub: filled in by its own change).

use tera::Tera;

use super::context::Ctx;
use super::Output;
use crate::diagnostics::Diagnostic;

/// Renders this module's output files.
pub fn render(_tera: &Tera, _ctx: &Ctx<'_>) -> Vec<Result<Output, Diagnostic>> {
    vec![]
}
