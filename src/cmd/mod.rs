//! The command-line commands, thin wrappers over the pipeline.

pub mod build;
pub mod new;

pub use build::{build, check, BuildOptions, Outcome};
