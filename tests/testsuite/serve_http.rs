//! `annals serve` over real HTTP on 127.0.0.1: pages, 404s, content types, a
//! reload event after an edit, and the rules that keep the preview to the
//! editor's browser: loopback Host only, GET and HEAD only, capped connections
//! and streams, no panic on odd paths or bodies.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::TestSite;

struct Server {
    child: Child,
    host: String,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &TestSite) -> Server {
    start_logged(site, None)
}

/// Starts the server; with `log`, sends it every line the server prints.
fn start_logged(site: &TestSite, log: Option<std::sync::mpsc::Sender<String>>) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep draining the server's log so it never writes into a closed pipe.
    std::thread::spawn(move || {
        for line in out.lines() {
            let Ok(line) = line else { return };
            if let Some(log) = &log {
                let _ = log.send(line);
            }
        }
    });
    // "Serving at http://127.0.0.1:PORT/ (Ctrl-C to stop)"
    let url = line
        .split_whitespace()
        .nth(2)
        .expect("no URL printed")
        .to_string();
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    Server {
        child,
        host: host.to_string(),
        base: path.to_string(),
    }
}

/// GET over HTTP/1.0: (status, headers, body).
fn get(host: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), body.to_string())
}

#[test]
fn serves_pages_and_reloads_after_an_edit() {
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);

    let (status, head, body) = get(h, &format!("{b}agreements/first-pact/"));
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(body.contains("The first pact between the United States and China"));
    assert!(
        body.contains("annals serve: live reload"),
        "reload script injected"
    );
    let (status, head, _) = get(h, &format!("{b}style.css"));
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    let (status, _, body) = get(h, &format!("{b}no/such/page/"));
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    assert!(
        !site.root().join("public").exists(),
        "serve never writes public/"
    );

    // Subscribe to events, then edit a file.
    let mut events = TcpStream::connect(h.as_str()).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        events,
        "GET {b}__annals/events HTTP/1.1\r\nHost: {h}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut first_generation = None;
    let mut line = String::new();
    while first_generation.is_none() {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "event stream closed"
        );
        if let Some(data) = line.strip_prefix("data: ") {
            first_generation = Some(data.trim().to_string());
        }
    }
    site.edit(
        "content/agreements/first-pact.md",
        "The first pact.",
        "The first pact, edited live.",
    );
    loop {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "event stream closed before a reload"
        );
        if let Some(data) = line.strip_prefix("data: ") {
            if Some(data.trim()) != first_generation.as_deref() {
                break;
            }
        }
    }
    let (_, _, body) = get(h, &format!("{b}agreements/first-pact/"));
    assert!(body.contains("The first pact, edited live."));

    // A broken file shows the errors in an overlay, and the server stays up.
    site.edit(
        "content/agreements/first-pact.md",
        "status: active",
        "status: bogus",
    );
    // (The modules of the previous edit may land first: an event each.)
    let (status, body) = loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        if line.starts_with("data: ") {
            let (status, _, body) = get(h, &format!("{b}agreements/first-pact/"));
            if body.contains("id=\"annals-errors\"") {
                break (status, body);
            }
        }
    };
    assert_eq!(status, 200);
    assert!(body.contains("id=\"annals-errors\""));
    assert!(body
        .contains("content/agreements/first-pact.md:7:9: error: unknown agreement status `bogus`"));
    // Isolated from the site's styles in a shadow root; the column is marked on
    // the character itself (so wrapping cannot misalign it).
    assert!(body.contains("<template shadowrootmode=\"open\">"));
    assert!(body.contains("status: <mark>b</mark>ogus"), "{body}");
}

/// Editors save by writing a temporary file and renaming it over the old one,
/// or by renaming the old one away (`file~`) and writing a new one. Either is
/// one rebuild of the new text: never a deletion (which would break every
/// link to the report) followed by a re-creation.
#[test]
fn a_save_by_rename_is_one_rebuild() {
    let site = TestSite::new("basic");
    let (tx, rx) = std::sync::mpsc::channel();
    let server = start_logged(&site, Some(tx));
    let (h, b) = (&server.host, &server.base);
    let file = "content/agreements/first-pact.md";
    let path = site.root().join(file);
    let page = format!("{b}agreements/first-pact/");
    let wait_for = |needle: &str| {
        for _ in 0..2000 {
            if get(h, &page).2.contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("{needle} never served");
    };
    let text = std::fs::read_to_string(&path).unwrap();
    // Temporary file renamed over the old one.
    let tmp = site.root().join("content/agreements/first-pact.md.tmp");
    std::fs::write(&tmp, text.replace("The first pact.", "Saved by rename.")).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    wait_for("Saved by rename.");
    // The old file renamed away, a new one written in its place.
    let backup = site.root().join("content/agreements/first-pact.md~");
    std::fs::rename(&path, &backup).unwrap();
    std::fs::write(&path, text.replace("The first pact.", "Saved by backup.")).unwrap();
    wait_for("Saved by backup.");
    // A plain write, to know every earlier rebuild has been reported.
    site.edit(file, "Saved by backup.", "Written in place.");
    wait_for("Written in place.");
    // Every rebuild so far has printed its line (before its pages were
    // served): stop the server and read its log to the end.
    drop(server);
    let rebuilds: Vec<String> = rx.iter().filter(|l| l.starts_with("rebuilt in")).collect();
    assert_eq!(rebuilds.len(), 3, "one rebuild per save: {rebuilds:#?}");
    assert!(
        rebuilds.iter().all(|l| !l.contains(" 0 files changed")),
        "each rebuild served the new text: {rebuilds:#?}"
    );
}

/// Sends raw bytes and reads the whole answer: (status, lowercased head, body).
fn exchange(host: &str, request: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head.to_lowercase(), body.to_string())
}

#[test]
fn other_methods_get_405_with_allow_and_head_gets_no_body() {
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let (status, head, _) = exchange(
            h,
            format!("{method} {b} HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        );
        assert_eq!(status, 405, "{method}");
        assert!(head.contains("allow: get, head"), "{method}: {head}");
    }
    let (status, head, body) = exchange(
        h,
        format!(
            "HEAD {b}agreements/first-pact/ HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    assert!(head.contains("content-length: "), "{head}");
    assert_eq!(body, "", "HEAD has no body");
}

#[test]
fn dns_rebinding_defence_only_loopback_host_headers_are_answered() {
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    let port = h.rsplit(':').next().unwrap();
    for good in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, body) = exchange(
            h,
            format!("GET {b}agreements/first-pact/ HTTP/1.0\r\nHost: {good}\r\n\r\n").as_bytes(),
        );
        assert_eq!(status, 200, "{good}");
        assert!(body.contains("The first pact"));
    }
    for bad in [
        "attacker.example".to_string(),
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        "127.0.0.1:1".to_string(),
    ] {
        let (status, _, body) = exchange(
            h,
            format!("GET {b}agreements/first-pact/ HTTP/1.0\r\nHost: {bad}\r\n\r\n").as_bytes(),
        );
        assert_eq!(status, 403, "{bad}");
        assert!(!body.contains("The first pact"), "{bad}: page leaked");
    }
    // HTTP/1.0 without a Host header is refused too.
    let (status, _, _) = exchange(h, format!("GET {b} HTTP/1.0\r\n\r\n").as_bytes());
    assert_eq!(status, 403);
}

#[test]
fn percent_decoding_survives_a_multibyte_char_after_percent() {
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    for path in ["%C3%28%", "%%", "%E2%82", "%", "%FF%FE/"] {
        let (status, _, _) = exchange(
            h,
            format!("GET {b}{path} HTTP/1.0\r\nHost: {h}\r\n\r\n").as_bytes(),
        );
        assert_eq!(status, 404, "{path}");
    }
    // tiny_http refuses a request line that is not ASCII; the server stays up.
    let mut s = TcpStream::connect(h.as_str()).unwrap();
    s.write_all(format!("GET {b}%é HTTP/1.0\r\nHost: {h}\r\n\r\n").as_bytes())
        .unwrap();
    let _ = s.read_to_end(&mut Vec::new());
    // Escaped paths still find their page.
    let (status, _, _) = exchange(
        h,
        format!("GET {b}agreements/first%2Dpact/ HTTP/1.0\r\nHost: {h}\r\n\r\n").as_bytes(),
    );
    assert_eq!(status, 200);
}

#[test]
fn a_huge_declared_body_does_not_abort_the_server() {
    // tiny_http 0.12 allocates the unread declared length when a request is
    // dropped: one request used to abort the server.
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    {
        let mut s = TcpStream::connect(h.as_str()).unwrap();
        write!(
            s,
            "POST {b} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 999999999999999\r\n\r\nabc"
        )
        .unwrap();
    }
    // A body a browser could send (declared and sent, then the tab goes away).
    {
        let mut s = TcpStream::connect(h.as_str()).unwrap();
        write!(
            s,
            "POST {b} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 500000000\r\n\r\n"
        )
        .unwrap();
        s.write_all(&vec![b'x'; 1 << 20]).unwrap();
    }
    let (status, _, body) = exchange(
        h,
        format!(
            "POST {b} HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\nContent-Length: 5000\r\n\r\n{}",
            "y".repeat(5000)
        )
        .as_bytes(),
    );
    assert_eq!(status, 405, "{body}");
    let (status, _, _) = get(h, &format!("{b}agreements/first-pact/"));
    assert_eq!(status, 200, "the server is still up");
}

/// Opens a live-reload stream and waits for its first event (the readiness signal).
fn open_stream(host: &str, base: &str) -> Result<BufReader<TcpStream>, u16> {
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {base}__annals/events HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status: u16 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    if status != 200 {
        return Err(status);
    }
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
        if line.starts_with("data: ") {
            return Ok(reader);
        }
    }
}

#[test]
fn live_reload_streams_are_capped_with_503_and_pages_still_load() {
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    let cap = annals::serve::http::MAX_STREAMS;
    let streams: Vec<_> = (0..cap)
        .map(|i| open_stream(h, b).unwrap_or_else(|s| panic!("stream {i}: status {s}")))
        .collect();
    assert_eq!(open_stream(h, b).err(), Some(503), "one stream too many");
    let (status, _, _) = get(h, &format!("{b}agreements/first-pact/"));
    assert_eq!(status, 200, "pages load while every stream slot is taken");
    drop(streams);
}

#[test]
fn concurrent_requests_are_capped_with_503_not_a_panic() {
    // Hold every request slot with a request whose body has not been sent: its
    // handler waits for the body. `Expect: 100-continue` is the readiness signal:
    // the server answers `100 Continue` once a handler holds the request. (One
    // connection at a time: tiny_http's connection pool can leave a connection
    // queued behind held ones when several arrive at once.)
    let site = TestSite::new("basic");
    let server = start(&site);
    let (h, b) = (&server.host, &server.base);
    let page = format!("{b}agreements/first-pact/");
    let mut held = Vec::new();
    for _ in 0..annals::serve::http::MAX_REQUESTS {
        let mut s = TcpStream::connect(h.as_str()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            s,
            "POST {b} HTTP/1.1\r\nHost: {h}\r\nContent-Length: 2000\r\nExpect: 100-continue\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains(" 100 "), "{line}");
        while line.trim() != "" {
            line.clear();
            reader.read_line(&mut line).unwrap();
        }
        held.push(reader);
    }
    let (status, head, _) = get(h, &page);
    assert_eq!(status, 503, "every slot is held");
    assert!(head.contains("retry-after: 1"), "{head}");
    // Sending the bodies frees the slots; each is answered, and pages load again.
    for reader in &mut held {
        reader.get_mut().write_all(&[b'z'; 2000]).unwrap();
    }
    for mut reader in held {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains(" 405 "), "{line}");
    }
    let (status, _, _) = get(h, &page);
    assert_eq!(status, 200);
}
