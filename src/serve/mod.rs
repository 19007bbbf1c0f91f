//! `annals serve`: the site from memory on 127.0.0.1, rebuilt incrementally
//! as files change, with live reload in the browser.

pub mod http;
pub mod session;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::cmd::Outcome;
use crate::config::SiteConfig;
use http::Shared;
use session::Session;

/// Options of `annals serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root.
    pub root: PathBuf,
    /// First port to try (the next free one is used if taken; 0 = any).
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// Open the site in a browser.
    pub open: bool,
}

/// Runs the server until Ctrl-C.
pub fn serve(opts: &ServeOptions) -> Outcome {
    let (server, port) = match bind(opts.port) {
        Some(s) => s,
        None => {
            return Outcome::Usage(format!(
                "no free port from {} to {}",
                opts.port,
                opts.port.saturating_add(49)
            ))
        }
    };
    let base_path = SiteConfig::load(&opts.root)
        .map(|c| c.base_path())
        .unwrap_or_else(|_| "/".into());
    let url = format!("http://127.0.0.1:{port}{base_path}");
    let session = Session::new(&opts.root, opts.drafts, Some(url.clone()));
    report(&session, None);
    let shared = Arc::new(Shared::new(session, port));
    let server = Arc::new(server);

    // Ctrl-C: stop accepting, wake the event streams, exit cleanly.
    {
        let shared = shared.clone();
        let server = server.clone();
        let _ = ctrlc::set_handler(move || {
            shared.shutdown.store(true, Ordering::SeqCst);
            shared.changed.notify_all();
            server.unblock();
        });
    }
    let _watcher = match watch(&opts.root, shared.clone()) {
        Ok(w) => w,
        Err(e) => return Outcome::Usage(format!("cannot watch {}: {e}", opts.root.display())),
    };
    println!("Serving at {url} (Ctrl-C to stop)");
    if opts.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    for request in server.incoming_requests() {
        http::dispatch(request, &shared);
    }
    println!("stopped");
    Outcome::Ok(0)
}

fn bind(first: u16) -> Option<(tiny_http::Server, u16)> {
    let ports: Vec<u16> = if first == 0 {
        vec![0]
    } else {
        (first..=first.saturating_add(49)).collect()
    };
    for p in ports {
        if let Ok(server) = tiny_http::Server::http(("127.0.0.1", p)) {
            let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(p);
            return Some((server, port));
        }
    }
    None
}

/// Prints a rebuild's outcome and its diagnostics (when they changed: a
/// large archive has thousands of warnings, printed once).
fn report(session: &Session, rebuild: Option<&session::Rebuild>) {
    let d = session.diagnostics();
    if !d.is_empty() && rebuild.is_none_or(|r| r.diagnostics_changed) {
        let _ = write!(
            std::io::stderr(),
            "{}",
            d.render_human_grouped(crate::cmd::build::WARNINGS_PER_RULE)
        );
    }
    if let Some(r) = rebuild {
        // Never panic if stdout is gone (a closed pipe): the server keeps serving.
        let _ = writeln!(
            std::io::stdout(),
            "rebuilt in {:.0} ms: {} of {} pages re-rendered, {} files changed{}",
            r.millis,
            r.rendered,
            r.planned,
            r.changed,
            if d.has_errors() {
                " (errors: serving the last good build)"
            } else {
                ""
            }
        );
    }
}

/// How long file events settle before a rebuild: an editor's save is a burst
/// of events within a millisecond or two (write, or write a temporary file
/// and rename it over the old one), so this only joins a burst.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// How long a changed content file may be missing before it counts as
/// deleted: editors that save by renaming the old file away and writing a
/// new one leave a moment without it.
const GONE_AFTER: Duration = Duration::from_millis(100);

/// Renders module routes (timeline, feeds, data, search index) on a thread
/// of its own, from a copy of the site, so that the next edit's pages never
/// wait for them; the newest copy takes over the routes of queued jobs.
fn spawn_module_worker(shared: Arc<Shared>) -> std::sync::mpsc::Sender<session::ModuleJob> {
    let (tx, rx) = std::sync::mpsc::channel::<session::ModuleJob>();
    let _ = std::thread::Builder::new()
        .name("annals-modules".into())
        .spawn(move || {
            // A pool of its own, a core short of the machine: the pages of
            // the next edit render on the global pool meanwhile, and always
            // find a core.
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(cores.saturating_sub(1).max(1))
                .thread_name(|i| format!("annals-modules-{i}"))
                .build()
                .ok();
            while let Ok(mut job) = rx.recv() {
                while let Ok(mut newer) = rx.try_recv() {
                    newer.absorb(job);
                    job = newer;
                }
                let start = std::time::Instant::now();
                let done = match &pool {
                    Some(p) => p.install(|| job.run()),
                    None => job.run(),
                };
                let mut session = shared.session.lock().unwrap();
                let mut r = session::Rebuild::default();
                session.publish_modules(done, &mut r, start);
                if r.changed > 0 || r.diagnostics_changed {
                    report(&session, None);
                }
                drop(session);
                shared.changed.notify_all();
            }
        });
    tx
}

/// Watches content/, templates/, static/ and site.yaml; rebuilds on change:
/// the pages first, then (on another thread) the modules.
fn watch(root: &Path, shared: Arc<Shared>) -> notify_debouncer_full::notify::Result<impl Drop> {
    let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root_for_events = root_abs.clone();
    let modules = std::sync::Mutex::new(spawn_module_worker(shared.clone()));
    let mut debouncer = new_debouncer(
        DEBOUNCE,
        Some(Duration::from_millis(2)),
        move |res: DebounceEventResult| {
            let Ok(events) = res else { return };
            // Only changes to files count: reading them (as a rebuild does)
            // must not trigger another rebuild.
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| {
                    matches!(
                        e.kind,
                        EventKind::Create(_)
                            | EventKind::Remove(_)
                            | EventKind::Modify(
                                ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any
                            )
                    )
                })
                .flat_map(|e| e.paths.iter().cloned())
                .filter(|p| relevant(&root_for_events, p))
                .collect();
            paths.sort();
            paths.dedup();
            if paths.is_empty() {
                return;
            }
            wait_for_renamed_files(&root_for_events, &paths);
            let mut session = shared.session.lock().unwrap();
            let (r, routes) = session.apply_pages(&paths);
            report(&session, Some(&r));
            drop(session);
            shared.changed.notify_all();
            if routes.is_empty() {
                return;
            }
            // Let the requests that waited for the pages take them first.
            std::thread::yield_now();
            let job = shared.session.lock().unwrap().module_job(routes);
            if let Some(job) = job {
                let _ = modules.lock().unwrap().send(job);
            }
        },
    )?;
    for dir in ["content", "templates", "static"] {
        let p = root_abs.join(dir);
        if p.is_dir() {
            debouncer.watch(&p, RecursiveMode::Recursive)?;
        }
    }
    debouncer.watch(&root_abs, RecursiveMode::NonRecursive)?;
    Ok(debouncer)
}

/// Waits (at most [`GONE_AFTER`]) for changed content files that are missing
/// to come back, as they do when an editor saves by renaming: a save is then
/// one rebuild of the new file, not a deletion and a re-creation.
fn wait_for_renamed_files(root: &Path, paths: &[PathBuf]) {
    let start = std::time::Instant::now();
    let missing = |p: &PathBuf| p.starts_with(root.join("content")) && !p.exists();
    while paths.iter().any(missing) && start.elapsed() < GONE_AFTER {
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Whether a changed path can affect the site (editors' temp and swap files cannot).
fn relevant(root: &Path, p: &Path) -> bool {
    let Ok(rel) = p.strip_prefix(root) else {
        return false;
    };
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
    {
        return false;
    }
    rel == Path::new("site.yaml")
        || rel.starts_with("templates")
        || rel.starts_with("static")
        || (rel.starts_with("content") && rel.extension().is_some_and(|x| x == "md"))
}
