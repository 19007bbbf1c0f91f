//! The command-line commands, thin wrappers over the pipeline.

pub mod build;

pub use build::{build, check, BuildOptions, Outcome};
