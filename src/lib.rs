//! Annals: a static site generator for an annotated, cross-linked news archive.
//!
//! One [`site::Site`] owns the pipeline, which runs one way: [`content`] (load)
//! → [`resolve`] → the page plan and [`render`] → [`write`]; `build`, `check`
//! and `serve` drive it. Every stage reports problems as
//! [`diagnostics::Diagnostic`]s.

pub mod allow;
pub mod anchor;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod history;
pub mod lint;
pub mod markdown;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod site;
pub mod source;
pub mod sources;
pub mod urls;
pub mod write;
pub mod yaml;
