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
    // After an edit, the search index answers at once with an overlay of the
    // changed records; their shards are re-indexed off the session lock.
    crate::search::use_overlays(session.root());
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

/// Prints a rebuild's outcome and its diagnostics.
fn report(session: &Session, rebuild: Option<&session::Rebuild>) {
    let d = session.diagnostics();
    if !d.is_empty() {
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

/// Watches content/, templates/, static/ and site.yaml; rebuilds on change.
fn watch(root: &Path, shared: Arc<Shared>) -> notify_debouncer_full::notify::Result<impl Drop> {
    let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let root_for_events = root_abs.clone();
    let mut debouncer = new_debouncer(
        Duration::from_millis(30),
        None,
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
            let mut session = shared.session.lock().unwrap();
            let r = session.apply(&paths);
            report(&session, Some(&r));
            let root = session.root().to_path_buf();
            drop(session);
            shared.changed.notify_all();
            finish_search(shared.clone(), root);
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

/// Indexes, on a thread of its own and without the session lock, the search
/// shards that an overlay stands in for, then renders the index again (now a
/// clean build's) and tells the browsers. One such thread at a time; it goes on
/// while edits leave shards pending.
fn finish_search(shared: Arc<Shared>, root: PathBuf) {
    use std::sync::atomic::AtomicBool;
    static RUNNING: AtomicBool = AtomicBool::new(false);
    if !crate::search::has_pending(&root) || RUNNING.swap(true, Ordering::SeqCst) {
        return;
    }
    std::thread::spawn(move || loop {
        while !crate::search::finish_pending(&root).is_empty() {
            let mut session = shared.session.lock().unwrap();
            let r = session.refresh_search();
            report(&session, Some(&r));
            drop(session);
            shared.changed.notify_all();
        }
        RUNNING.store(false, Ordering::SeqCst);
        // An edit may have left shards pending after the last look.
        if !crate::search::has_pending(&root) || RUNNING.swap(true, Ordering::SeqCst) {
            break;
        }
    });
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
