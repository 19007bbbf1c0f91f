//! The `annals` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use annals::cmd::{self, BuildOptions, Outcome};
use clap::{Parser, Subcommand, ValueEnum};

/// Annals: build an annotated, cross-linked news archive.
#[derive(Parser)]
#[command(name = "annals", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load, check, render and write the site.
    Build {
        /// Site root (the folder with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from site.yaml (e.g. https://owner.github.io/archive/).
        #[arg(long)]
        base_url: Option<String>,
        /// Include files marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Everything build does except writing; exit 0 when the content is clean.
    Check {
        /// Site root (the folder with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include files marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Diagnostic format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// `file:line:col: error: message` with the source line.
    Human,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
        } => {
            if let Some(b) = &base_url {
                if !(b.starts_with("http://") || b.starts_with("https://")) {
                    eprintln!("error: --base-url must be an absolute http(s) URL, like https://owner.github.io/archive/");
                    return ExitCode::from(2);
                }
            }
            cmd::build(&BuildOptions {
                root,
                out,
                base_url,
                drafts,
            })
        }
        Command::Check {
            root,
            drafts,
            format,
        } => cmd::check(
            &BuildOptions {
                root,
                out: None,
                base_url: None,
                drafts,
            },
            matches!(format, Format::Github),
        ),
    };
    match outcome {
        Outcome::Ok(_) => ExitCode::SUCCESS,
        Outcome::ContentErrors => ExitCode::from(1),
        Outcome::Usage(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
