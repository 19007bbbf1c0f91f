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
        /// Skip the search index for a quicker build (/search/ then says search is unavailable).
        #[arg(long)]
        no_search: bool,
        /// Fail (exit 1, previous output kept) when there are warnings, as for errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Print every warning (by default a few per rule, then how many more).
        #[arg(long)]
        verbose: bool,
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
        /// Also check that every external source still answers (uses the network;
        /// results are cached for a day in .annals-cache/sources.json).
        #[arg(long)]
        sources: bool,
        /// With --sources: seconds to wait for one answer.
        #[arg(
            long,
            default_value_t = 15.0,
            value_name = "SECS",
            requires = "sources"
        )]
        source_timeout: f64,
        /// Fail (exit 1) when there are warnings, as for errors: for pull requests.
        #[arg(long)]
        deny_warnings: bool,
        /// Print every warning (by default a few per rule, then how many more).
        #[arg(long)]
        verbose: bool,
    },
    /// Write a new report or agreement file with every required field, as a draft.
    ///
    /// Reports go to content/articles/<date>-<slug>.md, agreements to
    /// content/agreements/<slug>.md, the slug made from the title. Never
    /// overwrites a file. Prints the path written.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: NewKind,
        /// The title, in quotes: "UK, China mirror US anti-hacking pact".
        title: String,
        /// Publication (report) or signature (agreement) date, YYYY-MM-DD [default: today].
        #[arg(long)]
        date: Option<String>,
        /// File name to use instead of the one made from the title (lowercase letters, digits, hyphens; no date).
        #[arg(long)]
        slug: Option<String>,
        /// Site root (the folder with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Serve the site from memory on 127.0.0.1, rebuilding what changes and
    /// reloading open pages.
    Serve {
        /// Site root (the folder with site.yaml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on; the next free one is used if it is taken (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include files marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    /// A news report: content/articles/<date>-<slug>.md.
    #[value(alias = "article")]
    Report,
    /// An agreement, statement or dialogue: content/agreements/<slug>.md.
    Agreement,
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
    let root = match &cli.command {
        Command::Build { root, .. }
        | Command::Check { root, .. }
        | Command::New { root, .. }
        | Command::Serve { root, .. } => root.clone(),
    };
    if !root.is_dir() {
        eprintln!(
            "error: the site root {} is not a folder\n  = hint: run annals from the folder with site.yaml, or pass --root DIR",
            root.display()
        );
        return ExitCode::from(2);
    }
    let outcome = match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            no_search,
            deny_warnings,
            verbose,
        } => {
            if let Some(b) = &base_url {
                // The same allow-list as site.yaml's base_url.
                if annals::allow::check_url(b, annals::allow::UrlUse::Absolute).is_err()
                    || b.contains(['?', '#', '"', '<', '>', ' '])
                {
                    eprintln!("error: --base-url must be an absolute http(s) URL, like https://owner.github.io/archive/");
                    return ExitCode::from(2);
                }
            }
            cmd::build(&BuildOptions {
                root,
                out,
                base_url,
                drafts,
                no_search,
                history: true,
                sources: None,
                deny_warnings,
                verbose,
            })
        }
        Command::Check {
            root,
            drafts,
            format,
            sources,
            source_timeout,
            deny_warnings,
            verbose,
        } => cmd::check(
            &BuildOptions {
                root,
                out: None,
                base_url: None,
                drafts,
                no_search: true,
                history: false,
                sources: sources.then(|| annals::sources::Options {
                    timeout: std::time::Duration::from_secs_f64(source_timeout.max(0.1)),
                    ..Default::default()
                }),
                deny_warnings,
                verbose,
            },
            matches!(format, Format::Github),
        ),
        Command::New {
            kind,
            title,
            date,
            slug,
            root,
        } => cmd::new::new_entry(&cmd::new::NewOptions {
            root,
            kind: match kind {
                NewKind::Report => cmd::new::NewKind::Report,
                NewKind::Agreement => cmd::new::NewKind::Agreement,
            },
            title,
            date,
            slug,
        }),
        Command::Serve {
            root,
            port,
            drafts,
            open,
        } => annals::serve::serve(&annals::serve::ServeOptions {
            root,
            port,
            drafts,
            open,
        }),
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

// Rendering allocates many small strings and maps; mimalloc is markedly faster
// than glibc's allocator for that pattern and returns memory more readily.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
