//! The live server's HTTP side: serves the in-memory site under the base path,
//! injects the live-reload script into HTML, streams reload events (server-sent
//! events) and shows build errors in an overlay.
//!
//! Only for the editor's own browser: requests must name a loopback host (a web
//! page cannot read the preview through DNS rebinding), only GET and HEAD are
//! answered, and the number of requests handled at once and of open live-reload
//! streams is capped, so excess connections get 503 instead of exhausting threads.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

use super::session::Session;
use crate::markdown::escape_html;

/// Requests handled at once (each on its own thread, live-reload streams included).
pub const MAX_REQUESTS: usize = 64;
/// Live-reload streams open at once (one per open tab); fewer than
/// [`MAX_REQUESTS`], so open tabs never starve page loads.
pub const MAX_STREAMS: usize = 32;
/// A declared request body above this is never drained (see [`discard_body`]).
const MAX_DRAINED_BODY: usize = 1 << 30;

/// State shared by the watcher, the request threads and the Ctrl-C handler.
pub struct Shared {
    /// The site.
    pub session: Mutex<Session>,
    /// Notified after every rebuild and on shutdown.
    pub changed: Condvar,
    /// Set by Ctrl-C.
    pub shutdown: AtomicBool,
    /// The port the server listens on (for the Host check).
    pub port: u16,
    /// Requests being handled now.
    requests: AtomicUsize,
    /// Live-reload streams open now.
    streams: AtomicUsize,
    /// Requests refused while busy that came with a body, for the thread that
    /// discards it and answers 503.
    refused: SyncSender<Request>,
}

impl Shared {
    /// The shared state of a server on 127.0.0.1:`port`.
    pub fn new(session: Session, port: u16) -> Shared {
        let (refused, queue) = sync_channel::<Request>(MAX_REQUESTS);
        let _ = std::thread::Builder::new()
            .name("annals-busy".into())
            .spawn(move || {
                for request in queue {
                    respond(request, busy());
                }
            });
        Shared {
            refused,
            session: Mutex::new(session),
            changed: Condvar::new(),
            shutdown: AtomicBool::new(false),
            port,
            requests: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
        }
    }
}

/// One of a capped number of slots; freed when dropped.
struct Permit<'a>(&'a AtomicUsize);

impl<'a> Permit<'a> {
    fn try_take(counter: &'a AtomicUsize, max: usize) -> Option<Permit<'a>> {
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Permit(counter))
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Path of the event stream, under the base path.
pub const EVENTS: &str = "__annals/events";

/// Takes one request from the accepting loop: handles it on a new thread when a
/// slot is free, else answers 503. Never waits for a client.
pub fn dispatch(request: Request, shared: &Arc<Shared>) {
    let taken = shared
        .requests
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < MAX_REQUESTS).then_some(n + 1)
        })
        .is_ok();
    if !taken {
        if request.body_length() == Some(0) || !has_body(&request) {
            let _ = request.respond(busy());
        } else if let Err(TrySendError::Full(r) | TrySendError::Disconnected(r)) =
            shared.refused.try_send(request)
        {
            // A flood of requests with bodies: leave this one unanswered rather
            // than wait for its body here.
            std::mem::forget(r);
        }
        return;
    }
    let slot = RequestSlot(shared.clone());
    // If the thread cannot be started, the closure is dropped: the slot is given
    // back and tiny_http answers the dropped request with a 500.
    let _ = std::thread::Builder::new()
        .name("annals-request".into())
        .spawn(move || {
            handle(request, &slot.0);
            drop(slot);
        });
}

/// A request slot taken by [`dispatch`], given back when dropped.
struct RequestSlot(Arc<Shared>);

impl Drop for RequestSlot {
    fn drop(&mut self) {
        self.0.requests.fetch_sub(1, Ordering::SeqCst);
    }
}

fn busy() -> Response<std::io::Cursor<Vec<u8>>> {
    text(
        503,
        "annals serve is busy: too many connections at once. Reload in a moment.",
    )
    .with_header(Header::from_bytes("Retry-After", "1").unwrap())
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(format!("{body}\n").into_bytes())
        .with_status_code(status)
        .with_header(Header::from_bytes("Content-Type", "text/plain; charset=utf-8").unwrap())
        .with_header(no_cache())
}

/// Sends a response after discarding any request body (the server never reads one).
fn respond(mut request: Request, response: Response<std::io::Cursor<Vec<u8>>>) {
    if discard_body(&mut request) {
        let _ = request.respond(response);
    }
}

/// Reads and throws away the request's body with a small buffer.
///
/// tiny_http 0.12 drains an unread body when the request is dropped by allocating
/// the whole remaining declared length at once (tiny-http/tiny-http#290), so a
/// request declaring a huge `Content-Length` would abort the server. Draining here
/// first costs a fixed 16 KiB. A body declared larger than [`MAX_DRAINED_BODY`] is
/// not drained: the request is leaked (its connection is left open, unanswered)
/// and false is returned. Browsers never declare a length they do not send.
fn discard_body(request: &mut Request) -> bool {
    let declared = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Content-Length"))
        .map(|h| h.value.as_str().trim().parse::<u128>().unwrap_or(u128::MAX));
    if declared.is_some_and(|n| n > MAX_DRAINED_BODY as u128) {
        return false;
    }
    let mut buf = [0u8; 16 * 1024];
    let reader = request.as_reader();
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
    true
}

/// Whether the request declares a body (which tiny_http drains when it is dropped).
fn has_body(request: &Request) -> bool {
    request.headers().iter().any(|h| {
        h.field.equiv("Transfer-Encoding")
            || (h.field.equiv("Content-Length") && h.value.as_str().trim() != "0")
    })
}

/// Whether the Host header names this server on a loopback address.
pub fn allowed_host(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    let host = host.trim().to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}"))
}

/// Handles one request (on its own thread), leaking it when its declared body is too big.
fn handle(mut request: Request, shared: &Shared) {
    if !discard_body(&mut request) {
        std::mem::forget(request);
        return;
    }
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !allowed_host(host.as_deref(), shared.port) {
        let _ = request.respond(text(
            403,
            &format!(
                "annals serve answers only requests for 127.0.0.1:{p}, localhost:{p} or [::1]:{p}.",
                p = shared.port
            ),
        ));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(
            text(405, "annals serve answers only GET and HEAD.")
                .with_header(Header::from_bytes("Allow", "GET, HEAD").unwrap()),
        );
        return;
    }
    serve_site(request, shared);
}

/// Answers a GET or HEAD for a page of the site (tiny_http leaves out the body for HEAD).
fn serve_site(request: Request, shared: &Shared) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    let base = shared.session.lock().unwrap().base_path();
    let Some(rel) = path.strip_prefix(base.as_str()).map(percent_decode) else {
        if path == "/" || path.is_empty() {
            let _ = request.respond(redirect(&base));
        } else {
            let _ = request.respond(not_found(shared, &base));
        }
        return;
    };
    if rel == EVENTS {
        match Permit::try_take(&shared.streams, MAX_STREAMS) {
            Some(_stream) if *request.method() == Method::Get => stream_events(request, shared),
            Some(_) => {
                let _ =
                    request.respond(Response::from_data(Vec::new()).with_header(
                        Header::from_bytes("Content-Type", "text/event-stream").unwrap(),
                    ));
            }
            None => {
                let _ = request.respond(busy());
            }
        }
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
        let _ = request.respond(not_found(shared, &base));
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
        extra.push_str(&overlay(session.diagnostics()));
    }
    extra.push_str(&script);
    match s.rfind("</body>") {
        Some(i) => s.insert_str(i, &extra),
        None => s.push_str(&extra),
    }
    s.into_bytes()
}

/// The error overlay: the diagnostics in a declarative shadow root, so no site
/// style reaches it, on an opaque dark panel with its own colours in either
/// theme. The column is marked on the character itself, so wrapped long lines
/// keep the mark in place.
fn overlay(diags: &crate::diagnostics::Diagnostics) -> String {
    use crate::diagnostics::{printable, Severity};
    let mut items = String::new();
    for d in diags.sorted() {
        let sev = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        items.push_str(&format!(
            "<li class=\"{sev}\"><p class=\"msg\">{}: {sev}: {}</p>",
            escape_html(&printable(&d.location(), false)),
            escape_html(&printable(&d.message, true))
        ));
        if let Some(src) = &d.source_line {
            let chars: Vec<char> = src.trim_end().chars().collect();
            let col = d.col.saturating_sub(1).min(chars.len());
            let before: String = chars[..col].iter().collect();
            let (at, after): (String, String) = if d.col == 0 {
                (String::new(), chars[col..].iter().collect())
            } else if col < chars.len() {
                (chars[col].to_string(), chars[col + 1..].iter().collect())
            } else {
                (" ".to_string(), String::new())
            };
            let mark = if d.col == 0 {
                String::new()
            } else {
                format!("<mark>{}</mark>", escape_html(&printable(&at, false)))
            };
            items.push_str(&format!(
                "<pre><span class=\"ln\">{}</span>{}{mark}{}</pre>",
                d.line,
                escape_html(&printable(&before, false)),
                escape_html(&printable(&after, false))
            ));
        }
        if let Some(h) = &d.hint {
            items.push_str(&format!(
                "<p class=\"hint\">hint: {}</p>",
                escape_html(&printable(h, true))
            ));
        }
        items.push_str("</li>");
    }
    format!(
        "<div id=\"annals-errors\" role=\"alert\" style=\"all:initial;position:fixed;inset:0;z-index:2147483647\">\
<template shadowrootmode=\"open\"><style>{OVERLAY_CSS}</style><section>\
<h2>The site has errors: this page is the last good build</h2><ol>{items}</ol>\
<p>Fix the files; this page reloads by itself.</p></section></template></div>"
    )
}

const OVERLAY_CSS: &str = ":host{all:initial;position:fixed;inset:0;z-index:2147483647;display:block}\
section{box-sizing:border-box;height:100%;overflow:auto;margin:0;padding:1.5rem;background:#18181b;color:#f4f4f5;\
font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color-scheme:dark}\
h2{margin:0 0 1rem;font:bold 1.15rem/1.3 system-ui,sans-serif;color:#fca5a5}\
ol{list-style:none;margin:0;padding:0}li{margin:0 0 1.25rem;padding:0 0 0 .75rem;border-left:3px solid #f87171}\
li.warning{border-left-color:#fbbf24}p{margin:0 0 .35rem;overflow-wrap:anywhere}\
pre{margin:0 0 .35rem;padding:.4rem .6rem;background:#27272a;color:#e4e4e7;white-space:pre-wrap;overflow-wrap:anywhere;font:inherit}\
.ln{color:#a1a1aa;user-select:none;margin-right:1ch}.ln::after{content:\" |\"}\
mark{background:#fde047;color:#18181b;outline:2px solid #fde047;border-radius:2px}.hint{color:#93c5fd}";

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

/// Decodes `%XX` escapes in a request path (invalid UTF-8 becomes U+FFFD).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_never_panics_on_a_multibyte_char_after_percent() {
        assert_eq!(percent_decode("caf%C3%A9/"), "café/");
        assert_eq!(percent_decode("%é"), "%é");
        assert_eq!(percent_decode("a%%éé%"), "a%%éé%");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn only_loopback_hosts_with_the_port_are_allowed() {
        assert!(allowed_host(Some("127.0.0.1:1111"), 1111));
        assert!(allowed_host(Some("LOCALHOST:1111"), 1111));
        assert!(allowed_host(Some("[::1]:1111"), 1111));
        assert!(!allowed_host(Some("127.0.0.1:2222"), 1111));
        assert!(!allowed_host(Some("attacker.example:1111"), 1111));
        assert!(!allowed_host(Some("localhost.attacker.example:1111"), 1111));
        assert!(!allowed_host(None, 1111));
    }

    #[test]
    fn permits_are_capped_and_given_back() {
        let n = AtomicUsize::new(0);
        let a = Permit::try_take(&n, 2).unwrap();
        let _b = Permit::try_take(&n, 2).unwrap();
        assert!(Permit::try_take(&n, 2).is_none());
        drop(a);
        assert!(Permit::try_take(&n, 2).is_some());
    }
}
