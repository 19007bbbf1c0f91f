//! Annals: a static site generator for an annotated, cross-linked news archive.
//!
//! The pipeline runs one way: [`content`] (load) → [`resolve`] → [`render`] →
//! [`write`]. Every stage reports problems as [`diagnostics::Diagnostic`]s.

pub mod allow;
pub mod anchor;
pub mod cmd;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod lint;
pub mod markdown;
pub mod render;
pub mod resolve;
pub mod search;
pub mod serve;
pub mod source;
pub mod urls;
pub mod write;
pub mod yaml;
