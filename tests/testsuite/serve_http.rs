//! `annals serve` over real HTTP on 127.0.0.1: pages, 404s, content types, and
//! a reload event after an edit.

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
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
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
    loop {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0);
        if line.starts_with("data: ") {
            break;
        }
    }
    let (status, _, body) = get(h, &format!("{b}agreements/first-pact/"));
    assert_eq!(status, 200);
    assert!(body.contains("id=\"annals-errors\""));
    assert!(body
        .contains("content/agreements/first-pact.md:7:9: error: unknown agreement status `bogus`"));
}
