//! `annals check --sources` against a local HTTP server on 127.0.0.1 that
//! answers 200, 301, 403, 404, 500, slowly and never. No test touches the internet.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::TestSite;

/// A server whose paths behave as their names say; counts the requests it gets.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
}

fn serve() -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        // Requests to /never are kept unanswered until the process ends.
        let mut parked = vec![];
        for req in server.incoming_requests() {
            counter.fetch_add(1, Ordering::SeqCst);
            let path = req.url().to_string();
            let respond = |req: tiny_http::Request, code: u16, location: Option<String>| {
                let mut r = tiny_http::Response::from_string("page").with_status_code(code);
                if let Some(l) = location {
                    r = r.with_header(tiny_http::Header::from_bytes("Location", l).unwrap());
                }
                let _ = req.respond(r);
            };
            match path.as_str() {
                "/ok" => respond(req, 200, None),
                "/moved" => respond(req, 301, Some("/ok".into())),
                "/temporary" => respond(req, 302, Some("/ok".into())),
                "/gone" => respond(req, 404, None),
                "/broken" => respond(req, 500, None),
                "/forbidden" => respond(req, 403, None),
                "/slow" => {
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(300));
                        respond(req, 200, None);
                    });
                }
                "/never" => parked.push(req),
                p if p.starts_with("/page/") => respond(req, 200, None),
                _ => respond(req, 404, None),
            }
        }
    });
    Server { port, hits }
}

/// The `basic` fixture with sources pointing at the local server.
fn site(port: u16) -> TestSite {
    let site = TestSite::new("basic");
    let base = format!("http://127.0.0.1:{port}");
    // Every other address in the fixture answers 200 from the same server.
    for e in walkdir::WalkDir::new(site.root().join("content")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            std::fs::write(
                e.path(),
                text.replace("https://example.org/", &format!("{base}/page/")),
            )
            .unwrap();
        }
    }
    site.edit(
        "content/articles/2015-10-22-uk-china-deal.md",
        &format!("  url: {base}/page/news/uk-china\n"),
        &format!("  url: {base}/ok\n"),
    );
    site.edit(
        "content/articles/2015-10-22-uk-china-deal.md",
        &format!("    sources: [{base}/page/news/uk-china]\n"),
        &format!(
            "    sources:\n      - {base}/gone\n      - {base}/slow\n      - url: {base}/never\n        archived: https://web.archive.org/web/2016/{base}/never\n      - {base}/forbidden\n      - {base}/temporary\n"
        ),
    );
    site.edit(
        "content/agreements/first-pact.md",
        &format!("text_url: {base}/page/first"),
        &format!("text_url: {base}/moved"),
    );
    site.edit(
        "content/agreements/second-pact.md",
        &format!("text_url: {base}/page/second"),
        &format!("text_url: {base}/broken"),
    );
    site
}

const ARTICLE: &str = "content/articles/2015-10-22-uk-china-deal.md";

#[test]
fn check_sources_reports_dead_moved_and_failing_sources_at_their_lines() {
    let server = serve();
    let site = site(server.port);
    let p = server.port;
    let r = site.run(&["check", "--sources", "--source-timeout", "1"]);
    let err = &r.stderr;
    assert_eq!(r.code, 0, "warnings only, so exit 0:\n{err}");
    assert!(
        err.contains(&format!(
            "{ARTICLE}:21:7: warning: source `http://127.0.0.1:{p}/gone` is dead: HTTP 404 Not Found"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "add `archived:` with a snapshot of it (https://web.archive.org/web/*/http://127.0.0.1:{p}/gone)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/agreements/first-pact.md:8:11: warning: source `http://127.0.0.1:{p}/moved` has moved permanently to `http://127.0.0.1:{p}/ok`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/agreements/second-pact.md:8:11: warning: source `http://127.0.0.1:{p}/broken` is failing: HTTP 500 Internal Server Error (after 3 tries)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{ARTICLE}:23:14: warning: source `http://127.0.0.1:{p}/never` is failing: no answer within 1s (after 3 tries)"
        )),
        "{err}"
    );
    // It already has an archived copy: the hint says readers get it.
    assert!(
        err.contains("readers are offered the archived copy"),
        "{err}"
    );
    // 403 is "unknown", never dead; slow, temporary redirects and 200 are fine.
    assert!(
        err.contains(&format!(
            "unknown: http://127.0.0.1:{p}/forbidden: HTTP 403 Forbidden"
        )),
        "{err}"
    );
    for fine in ["/ok`", "/slow`", "/temporary`", "/forbidden`"] {
        for verdict in ["is dead", "is failing", "has moved"] {
            let needle = format!("127.0.0.1:{p}{fine} {verdict}");
            assert!(!err.contains(&needle), "{needle}:\n{err}");
        }
    }
    assert!(
        err.contains(
            "checked 11 source URLs (11 over the network, 0 from the cache): 1 dead, 2 failing, 1 moved, 6 ok, 1 unknown"
        ),
        "{err}"
    );
}

#[test]
fn check_sources_answers_a_rerun_from_its_cache_without_the_network() {
    let server = serve();
    let site = site(server.port);
    let first = site.run(&["check", "--sources", "--source-timeout", "1"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let cache = site.root().join(".annals-cache/sources.json");
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(cached["checks"].as_object().unwrap().len(), 11);
    let hits = server.hits.load(Ordering::SeqCst);
    let second = site.run(&["check", "--sources", "--source-timeout", "1"]);
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        hits,
        "rerun used the network"
    );
    assert!(
        second
            .stderr
            .contains("checked 11 source URLs (0 over the network, 11 from the cache)"),
        "{}",
        second.stderr
    );
    let warnings = |s: &str| {
        s.lines()
            .filter(|l| l.contains(": warning: source "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(warnings(&first.stderr), warnings(&second.stderr));
}

#[test]
fn plain_check_never_uses_the_network() {
    let server = serve();
    let site = site(server.port);
    let r = site.run(&["check"]);
    assert!(!r.stderr.contains("source URLs"), "{}", r.stderr);
    assert_eq!(server.hits.load(Ordering::SeqCst), 0);
    assert!(!site.root().join(".annals-cache").exists());
}
