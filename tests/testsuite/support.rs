//! Test helpers: build a fixture site in a temporary folder and look at the result.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture copied into a temporary folder, with the repo's templates and static files.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

/// What one run of `annals` produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` plus `templates/` and `static/` (unless the fixture has its own).
    pub fn new(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        for shared in ["templates", "static"] {
            if !dir.path().join(shared).exists() {
                copy_dir(&repo().join(shared), &dir.path().join(shared));
            }
        }
        TestSite { dir }
    }

    /// A copy of the repository's own site: site.yaml, content, templates, static.
    pub fn from_repo() -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
        for d in ["content", "templates", "static"] {
            copy_dir(&repo().join(d), &dir.path().join(d));
        }
        TestSite { dir }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `annals <args> --root <root>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_annals"));
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .current_dir(self.root());
        let out: Output = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `annals build --no-search` into `public/`; panics with the diagnostics if it fails.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        if !extra.contains(&"--no-search") {
            args.push("--no-search");
        }
        args.extend_from_slice(extra);
        let r = self.run(&args);
        assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
        r
    }

    /// `annals build` with the search index (only for tests about search).
    pub fn build_with_search_ok(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let r = self.run(&args);
        assert_eq!(r.code, 0, "build failed:\n{}", r.stderr);
        r
    }

    /// Path of an output file.
    pub fn out(&self, rel: &str) -> PathBuf {
        self.root().join("public").join(rel)
    }

    /// Contents of an output file.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.out(rel))
            .unwrap_or_else(|e| panic!("cannot read public/{rel}: {e}"))
    }

    /// Writes (or overwrites) a file of the site.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// Replaces `from` with `to` in a site file (which must contain it).
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.root().join(rel);
        let t = fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{rel} does not contain {from:?}");
        fs::write(p, t.replacen(from, to, 1)).unwrap();
    }

    /// Every file under `public/` with its bytes, sorted by path.
    pub fn snapshot_output(&self) -> Vec<(String, Vec<u8>)> {
        let base = self.root().join("public");
        let mut v = vec![];
        for e in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                v.push((rel, fs::read(e.path()).unwrap()));
            }
        }
        v
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Asserts that an output file exists.
#[macro_export]
macro_rules! file_exists {
    ($site:expr, $rel:expr) => {
        assert!($site.out($rel).is_file(), "public/{} does not exist", $rel)
    };
}

/// Asserts that an output file contains a string.
#[macro_export]
macro_rules! file_contains {
    ($site:expr, $rel:expr, $needle:expr) => {{
        let text = $site.read($rel);
        assert!(
            text.contains($needle),
            "public/{} does not contain {:?}",
            $rel,
            $needle
        )
    }};
}

/// The Nu HTML Checker's jar (from `npm ci`), checking that Java runs.
/// Panics with what to install when either is missing: only ignored tests call it.
pub fn vnu_jar() -> PathBuf {
    let jar = repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let java_ok = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        jar.is_file() && java_ok,
        "needs Java and node_modules/vnu-jar: `apt-get install default-jre-headless` and `npm ci --ignore-scripts`"
    );
    jar
}

/// The `node` to run browser specs with, after checking that Playwright and
/// Chromium (`$CHROMIUM`, default `/usr/bin/chromium`) are installed.
/// Panics with what is missing: only ignored tests call it.
pub fn browser_tools() -> PathBuf {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let playwright = repo().join("node_modules/playwright-core/package.json");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<String> = [
        (!node_ok).then(|| "node".to_string()),
        (!playwright.is_file())
            .then(|| "node_modules/playwright-core (run `npm ci --ignore-scripts`)".to_string()),
        (!chromium.is_file()).then(|| format!("{} (apt-get install chromium)", chromium.display())),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(
        missing.is_empty(),
        "browser test tools missing: {}",
        missing.join(", ")
    );
    PathBuf::from("node")
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `tests/browser/<spec>`'s `scenario` against the site already built in
/// `site`'s `public/` for `http://127.0.0.1:<port>/archive/`; panics with the
/// spec's output when it fails. Only ignored tests call it.
pub fn run_browser_spec(site: &TestSite, spec: &str, scenario: &str, extra: &[&str], port: u16) {
    let node = browser_tools();
    let out = Command::new(node)
        .arg(repo().join("tests/browser").join(spec))
        .arg(scenario)
        .arg(site.root().join("public"))
        .args(extra)
        .args(["--port", &port.to_string(), "--prefix", "/archive/"])
        .current_dir(repo())
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "browser test `{scenario}` failed:\n{report}"
    );
    eprintln!("{report}");
}
