//! The live server's HTTP side: serves the in-memory site under the base path,
//! injects the live-reload script into HTML, streams reload events (server-sent
//! events) and shows build errors in an overlay.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Request, Response};

use super::session::Session;
use crate::markdown::escape_html;

/// State shared by the watcher, the request threads and the Ctrl-C handler.
pub struct Shared {
    /// The site.
    pub session: Mutex<Session>,
    /// Notified after every rebuild and on shutdown.
    pub changed: Condvar,
    /// Set by Ctrl-C.
    pub shutdown: AtomicBool,
}

/// Path of the event stream, under the base path.
pub const EVENTS: &str = "__annals/events";

/// Handles one request (on its own thread).
pub fn handle(request: Request, shared: Arc<Shared>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    let base = shared.session.lock().unwrap().base_path();
    let Some(rel) = path.strip_prefix(base.as_str()).map(percent_decode) else {
        if path == "/" || path.is_empty() {
            let _ = request.respond(redirect(&base));
        } else {
            let _ = request.respond(not_found(&shared, &base));
        }
        return;
    };
    if rel == EVENTS {
        stream_events(request, &shared);
        return;
    }
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    let session = shared.session.lock().unwrap();
    if let Some(bytes) = session.get(&file) {
        let body = if file.ends_with(".html") {
            inject(&bytes, &session, &base)
        } else {
            bytes.as_ref().clone()
        };
        drop(session);
        let _ = request.respond(
            Response::from_data(body)
                .with_header(content_type(&file))
                .with_header(no_cache()),
        );
    } else if session.get(&format!("{file}/index.html")).is_some() {
        drop(session);
        let _ = request.respond(redirect(&format!("{base}{file}/")));
    } else {
        drop(session);
        let _ = request.respond(not_found(&shared, &base));
    }
}

fn not_found(shared: &Shared, base: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let session = shared.session.lock().unwrap();
    let body = match session.get("404.html") {
        Some(b) => inject(&b, &session, base),
        None => b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>".to_vec(),
    };
    Response::from_data(body)
        .with_status_code(404)
        .with_header(content_type("404.html"))
}

fn redirect(to: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(Vec::new())
        .with_status_code(302)
        .with_header(Header::from_bytes("Location", to.as_bytes()).unwrap())
}

fn no_cache() -> Header {
    Header::from_bytes("Cache-Control", "no-store").unwrap()
}

/// Content type by file extension.
pub fn content_type(path: &str) -> Header {
    let ext = path.rsplit('.').next().unwrap_or("");
    let ct = match (path, ext) {
        (_, "html") => "text/html; charset=utf-8",
        (_, "css") => "text/css; charset=utf-8",
        (_, "js" | "mjs") => "text/javascript; charset=utf-8",
        (p, "xml") if p.ends_with("feed.xml") => "application/atom+xml; charset=utf-8",
        (_, "xml") => "application/xml; charset=utf-8",
        (_, "json") => "application/json",
        (_, "jsonld") => "application/ld+json",
        (_, "csv") => "text/csv; charset=utf-8",
        (_, "txt") => "text/plain; charset=utf-8",
        (_, "svg") => "image/svg+xml",
        (_, "png") => "image/png",
        (_, "jpg" | "jpeg") => "image/jpeg",
        (_, "webp") => "image/webp",
        (_, "ico") => "image/x-icon",
        (_, "woff2") => "font/woff2",
        (_, "wasm") => "application/wasm",
        _ => "application/octet-stream",
    };
    Header::from_bytes("Content-Type", ct).unwrap()
}

/// Adds the reload script (and the error overlay, when the last build failed).
fn inject(html: &[u8], session: &Session, base: &str) -> Vec<u8> {
    let mut s = String::from_utf8_lossy(html).into_owned();
    let script = format!(
        "<script>/* annals serve: live reload */(function(){{var gen={gen};var es=new EventSource({url:?});\
es.addEventListener(\"state\",function(e){{if(JSON.parse(e.data).generation!==gen){{location.reload();}}}});}})();</script>",
        gen = session.generation(),
        url = format!("{base}{EVENTS}")
    );
    let mut extra = String::new();
    if session.diagnostics().has_errors() {
        extra.push_str(&format!(
            "<div id=\"annals-errors\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,0,0,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace\">\
<h2 style=\"margin-top:0;color:#ff9b9b\">The site has errors: this page is the last good build</h2><pre style=\"white-space:pre-wrap\">{}</pre><p>Fix the files; this page reloads by itself.</p></div>",
            escape_html(&session.diagnostics().render_human())
        ));
    }
    extra.push_str(&script);
    match s.rfind("</body>") {
        Some(i) => s.insert_str(i, &extra),
        None => s.push_str(&extra),
    }
    s.into_bytes()
}

/// Streams `state` events: one now, then one per change, with keep-alive comments.
fn stream_events(request: Request, shared: &Shared) {
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    let mut last = shared.session.lock().unwrap().generation();
    let event = |g: u64| format!("retry: 500\nevent: state\ndata: {{\"generation\":{g}}}\n\n");
    if w.write_all(head.as_bytes())
        .and_then(|_| w.write_all(event(last).as_bytes()))
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let guard = shared.session.lock().unwrap();
        let (guard, _) = shared
            .changed
            .wait_timeout_while(guard, Duration::from_secs(15), |s| {
                s.generation() == last && !shared.shutdown.load(Ordering::SeqCst)
            })
            .unwrap();
        let now = guard.generation();
        drop(guard);
        if shared.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let msg = if now != last {
            event(now)
        } else {
            ": ping\n\n".to_string()
        };
        last = now;
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
