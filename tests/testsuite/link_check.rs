//! Builds the repository's own site for `https://example.github.io/archive/`,
//! serves the output under `/archive/` from an HTTP server on
//! 127.0.0.1, crawls it from the home page and asserts that every internal link,
//! image, stylesheet, script and feed link answers 200 and that every `#fragment`
//! pointing into an internal HTML page names an `id` on that page.
//!
//! The server (tiny_http) behaves like GitHub Pages where it matters: a folder is served by
//! its `index.html`, a folder without its trailing slash is a redirect (reported
//! here, since every link the generator makes should be canonical), and a
//! missing file is a 404 with the body of `404.html`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const SITE: &str = "https://example.github.io/archive/";
const BASE: &str = "/archive/";
/// A crawl of the real archive visits a few hundred URLs; far more means a loop.
const MAX_URLS: usize = 5_000;

// ---------------------------------------------------------------------------
// The server

/// Serves `root` under [`BASE`] with tiny_http until dropped.
struct Server {
    addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let addr = server.server_addr().to_ip().unwrap();
        let s = server.clone();
        let thread = std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let (status, headers, body) = if matches!(
                    request.method(),
                    tiny_http::Method::Get | tiny_http::Method::Head
                ) {
                    respond(&root, request.url())
                } else {
                    (405, vec![], vec![])
                };
                let mut response = tiny_http::Response::from_data(body).with_status_code(status);
                for (k, v) in headers {
                    response.add_header(tiny_http::Header::from_bytes(k, v).unwrap());
                }
                let _ = request.respond(response);
            }
        });
        Server {
            addr,
            server,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type Response = (u16, Vec<(&'static str, String)>, Vec<u8>);

fn respond(root: &Path, target: &str) -> Response {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let not_found = || -> Response {
        let body = fs::read(root.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
        (
            404,
            vec![("Content-Type", "text/html; charset=utf-8".into())],
            body,
        )
    };
    if path == BASE.trim_end_matches('/') {
        return (301, vec![("Location", BASE.into())], vec![]);
    }
    let Some(rest) = path.strip_prefix(BASE) else {
        return not_found();
    };
    let decoded = percent_decode(rest);
    let mut file = root.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return not_found(),
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            return (301, vec![("Location", format!("{path}/"))], vec![]);
        }
        file.push("index.html");
    }
    match fs::read(&file) {
        Ok(body) => (
            200,
            vec![("Content-Type", content_type(&file).into())],
            body,
        ),
        Err(_) => not_found(),
    }
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------------------
// The client

struct Fetched {
    status: u16,
    content_type: String,
    body: String,
}

/// `GET path` over a fresh connection.
fn get(addr: SocketAddr, path: &str) -> Fetched {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        // HTTP/1.0, so the body comes whole with a Content-Length (not chunked).
        "GET {} HTTP/1.0\r\nHost: {addr}\r\n\r\n",
        encode_request_path(path)
    )
    .unwrap();
    let mut raw = vec![];
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = &raw[split + 4..];
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let mut content_type = String::new();
    let mut length = None;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-type" => content_type = v.trim().to_string(),
                "content-length" => length = v.trim().parse::<usize>().ok(),
                _ => {}
            }
        }
    }
    assert_eq!(length, Some(body.len()), "{path}: body length");
    Fetched {
        status,
        content_type,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// Percent-encodes what may not appear raw in a request line.
fn encode_request_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        if b > 0x20 && b < 0x7f && b != b'"' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

// ---------------------------------------------------------------------------
// HTML, CSS and XML scanning

/// One start tag: lowercase name and attributes (values entity-decoded).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Start tags of an HTML document (html5gum, a WHATWG tokenizer: attribute
/// values come entity-decoded; comments and the text of `<script>` are skipped).
/// Inline `<style>` text is returned separately.
fn scan_tags(html: &str) -> (Vec<Tag>, Vec<String>) {
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut emitter = html5gum::DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut tags = vec![];
    let mut styles = vec![];
    let mut in_style = false;
    for token in html5gum::Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            html5gum::Token::StartTag(t) => {
                let name = lossy(&t.name);
                in_style = name == "style";
                let attrs = t
                    .attributes
                    .iter()
                    .map(|(k, v)| (lossy(k), lossy(&v.value)))
                    .collect();
                tags.push(Tag { name, attrs });
            }
            html5gum::Token::String(text) if in_style => styles.push(lossy(&text.value)),
            html5gum::Token::EndTag(_) => in_style = false,
            _ => {}
        }
    }
    (tags, styles)
}

/// `url(…)` references in CSS.
fn css_urls(css: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let Some(end) = rest.find(')') else { break };
        let u = rest[..end].trim().trim_matches(['"', '\'']).to_string();
        if !u.is_empty() {
            out.push(u);
        }
        rest = &rest[end..];
    }
    out
}

/// `href` attributes (Atom links) and `<loc>` elements (sitemaps) of an XML
/// file, read with an XML parser. Atom `<id>`s are names, not links, and are not
/// followed.
fn xml_urls(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let mut out = vec![];
    for n in doc.descendants().filter(|n| n.is_element()) {
        if let Some(h) = n.attribute("href") {
            out.push(h.trim().to_string());
        }
        if n.tag_name().name() == "loc" {
            out.push(n.text().unwrap_or("").trim().to_string());
        }
    }
    out
}

/// What a page links to: (attribute or context, URL as written).
fn page_links(tags: &[Tag], styles: &[String]) -> Vec<(String, String)> {
    let mut out = vec![];
    for t in tags {
        for (k, v) in &t.attrs {
            match k.as_str() {
                "href" | "src" | "poster" | "action" => {
                    out.push((format!("<{} {k}>", t.name), v.clone()))
                }
                "srcset" => {
                    for part in v.split(',') {
                        if let Some(u) = part.split_whitespace().next() {
                            out.push((format!("<{} srcset>", t.name), u.to_string()));
                        }
                    }
                }
                "content" if t.name == "meta" => {
                    let prop = t.attr("property").or(t.attr("name")).unwrap_or("");
                    if (prop.starts_with("og:") || prop.starts_with("twitter:"))
                        && (v.starts_with("http://") || v.starts_with("https://"))
                    {
                        out.push((format!("<meta {prop}>"), v.clone()));
                    }
                }
                "style" => {
                    for u in css_urls(v) {
                        out.push((format!("<{} style>", t.name), u));
                    }
                }
                _ => {}
            }
        }
    }
    for s in styles {
        for u in css_urls(s) {
            out.push(("<style>".into(), u));
        }
    }
    out
}

/// Every `id` (and `<a name>`) on a page.
fn page_ids(tags: &[Tag]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for t in tags {
        if let Some(id) = t.attr("id") {
            ids.insert(id.to_string());
        }
        if t.name == "a" {
            if let Some(n) = t.attr("name") {
                ids.insert(n.to_string());
            }
        }
    }
    ids
}

// ---------------------------------------------------------------------------
// URL resolution

enum Target {
    /// A path on this site, with its fragment if any.
    Local {
        path: String,
        fragment: Option<String>,
    },
    /// Another site, `mailto:`, `data:` and the like: not checked here.
    External,
}

/// Resolves `href` as written on the page at `page` (a local path).
fn resolve(page: &str, href: &str) -> Target {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    let (without_frag, fragment) = match href.split_once('#') {
        Some((u, f)) => (u, Some(f.to_string())),
        None => (href, None),
    };
    let local = |path: String| Target::Local {
        path: normalize(&path),
        fragment: fragment.clone(),
    };
    if href.is_empty() {
        return local(page.to_string());
    }
    if let Some(rest) = lower
        .strip_prefix("https://example.github.io")
        .or(lower.strip_prefix("http://example.github.io"))
        .or(lower.strip_prefix("//example.github.io"))
    {
        if rest.is_empty() || rest.starts_with(['/', '#', '?']) {
            // Lowercasing ASCII keeps byte offsets.
            let after_host = &without_frag[(lower.len() - rest.len()).min(without_frag.len())..];
            let path = after_host.split('?').next().unwrap_or("");
            let path = if path.is_empty() { "/" } else { path };
            return local(path.to_string());
        }
    }
    let has_scheme = lower.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-' || c == b'.')
    });
    if has_scheme || lower.starts_with("//") {
        return Target::External;
    }
    let without_query = without_frag.split('?').next().unwrap_or("");
    if without_query.is_empty() {
        // `#id` or `?query` alone: this page.
        return local(page.to_string());
    }
    if without_query.starts_with('/') {
        return local(without_query.to_string());
    }
    let dir = &page[..page.rfind('/').map(|i| i + 1).unwrap_or(0)];
    local(format!("{dir}{without_query}"))
}

/// Removes `.` and `..` segments; keeps a trailing slash; `x/index.html` is
/// the same page as `x/` (the server serves both), crawled once.
fn normalize(path: &str) -> String {
    let out = remove_dot_segments(path);
    match out.strip_suffix("/index.html") {
        Some(dir) => format!("{dir}/"),
        None => out,
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut segs: Vec<&str> = vec![];
    let parts: Vec<&str> = path.split('/').collect();
    for (i, s) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        match *s {
            "." => {
                if last {
                    segs.push("");
                }
            }
            ".." => {
                if segs.len() > 1 {
                    segs.pop();
                }
                if last {
                    segs.push("");
                }
            }
            s => segs.push(s),
        }
    }
    let mut out = segs.join("/");
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

// ---------------------------------------------------------------------------
// The crawl

struct Crawl {
    /// Every local URL fetched: status.
    status: BTreeMap<String, u16>,
    /// Ids of each HTML page fetched with 200.
    ids: BTreeMap<String, BTreeSet<String>>,
    /// (page, what, href as written, local path, fragment).
    refs: Vec<(String, String, String, String, Option<String>)>,
}

fn is_html(f: &Fetched) -> bool {
    f.content_type.starts_with("text/html")
}

fn crawl(addr: SocketAddr, starts: &[&str]) -> Crawl {
    let mut c = Crawl {
        status: BTreeMap::new(),
        ids: BTreeMap::new(),
        refs: vec![],
    };
    let mut queue: VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
    let mut queued: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(path) = queue.pop_front() {
        assert!(
            c.status.len() < MAX_URLS,
            "crawled {MAX_URLS} URLs without finishing: a link loop? last: {path}"
        );
        let f = get(addr, &path);
        c.status.insert(path.clone(), f.status);
        if f.status != 200 {
            continue;
        }
        let links: Vec<(String, String)> = if is_html(&f) {
            let (tags, styles) = scan_tags(&f.body);
            c.ids.insert(path.clone(), page_ids(&tags));
            page_links(&tags, &styles)
        } else if f.content_type.starts_with("text/css") {
            css_urls(&f.body)
                .into_iter()
                .map(|u| ("url()".to_string(), u))
                .collect()
        } else if f.content_type.contains("xml") && !path.ends_with(".svg") {
            xml_urls(&f.body)
                .into_iter()
                .map(|u| ("xml link".to_string(), u))
                .collect()
        } else if path.ends_with("robots.txt") {
            f.body
                .lines()
                .filter_map(|l| l.split_once(':'))
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case("sitemap"))
                .map(|(_, v)| ("Sitemap:".to_string(), v.trim().to_string()))
                .collect()
        } else {
            vec![]
        };
        for (what, href) in links {
            if let Target::Local { path: to, fragment } = resolve(&path, &href) {
                if queued.insert(to.clone()) {
                    queue.push_back(to.clone());
                }
                c.refs.push((path.clone(), what, href, to, fragment));
            }
        }
    }
    c
}

/// Every problem found, one line each.
fn problems(c: &Crawl) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (page, what, href, to, fragment) in &c.refs {
        let status = c.status.get(to).copied().unwrap_or(0);
        if status != 200 {
            let why = match status {
                301 => "redirects (link the folder with its trailing slash)".to_string(),
                404 if !to.starts_with(BASE) => {
                    format!("404: not under the base path {BASE}")
                }
                s => format!("HTTP {s}"),
            };
            out.insert(format!("{page}: {what} {href:?} → {to}: {why}"));
            continue;
        }
        let Some(frag) = fragment else { continue };
        let frag = percent_decode(frag);
        if frag.is_empty() || frag == "top" || frag.starts_with(":~:") {
            continue;
        }
        if let Some(ids) = c.ids.get(to) {
            if !ids.contains(&frag) {
                out.insert(format!(
                    "{page}: {what} {href:?} → no id=\"{frag}\" on {to}"
                ));
            }
        }
    }
    out.into_iter().collect()
}

// ---------------------------------------------------------------------------
// The tests

/// The repository's site, built for the sub-path; returns (tempdir, output folder).
fn build_repo_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = crate::support::repo();
    fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for d in ["content", "templates", "static"] {
        crate::support::copy_dir(&repo.join(d), &dir.path().join(d));
    }
    let out = dir.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_annals"))
        .args(["build", "--no-search"])
        .arg("--root")
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .args(["--base-url", SITE])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "build failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (dir, out)
}

#[test]
fn every_internal_link_of_the_built_site_resolves() {
    let (_dir, out) = build_repo_site();
    let server = Server::start(out.clone());
    let robots = format!("{BASE}robots.txt");
    let c = crawl(server.addr, &[BASE, &robots]);

    // The crawler really walked the site: every report, agreement and party
    // page was reached from the home page by following links.
    let repo = crate::support::repo();
    for (section, folder) in [
        ("articles", "content/articles"),
        ("agreements", "content/agreements"),
        ("parties", "content/parties"),
    ] {
        for e in fs::read_dir(repo.join(folder)).unwrap() {
            let p = e.unwrap().path();
            let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
            if p.extension().is_some_and(|x| x == "md")
                && out.join(section).join(&stem).join("index.html").is_file()
            {
                let url = format!("{BASE}{section}/{stem}/");
                assert_eq!(c.status.get(&url), Some(&200), "{url} not reached");
            }
        }
    }
    for url in ["feed.xml", "style.css", "sitemap.xml"] {
        let url = format!("{BASE}{url}");
        assert_eq!(c.status.get(&url), Some(&200), "{url} not linked");
    }
    let pages = c.ids.len();
    assert!(pages > 50, "only {pages} HTML pages crawled");
    // Notes link to their markers and back: plenty of fragments to check.
    let fragments = c.refs.iter().filter(|r| r.4.is_some()).count();
    assert!(fragments > 50, "only {fragments} links with a #fragment");

    // Every page is reachable by following links from the home page.
    let orphans: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            normalize(&format!("{BASE}{rel}"))
        })
        .filter(|u| !c.status.contains_key(u) && u != &format!("{BASE}404.html"))
        .collect();
    assert!(
        orphans.is_empty(),
        "pages no link leads to (from the home page or robots.txt): {orphans:?}"
    );

    let found = problems(&c);
    assert!(
        found.is_empty(),
        "{} broken links in {pages} pages ({} URLs):\n{}",
        found.len(),
        c.status.len(),
        found.join("\n")
    );
}

#[test]
fn the_404_page_works_at_any_depth() {
    // GitHub Pages serves 404.html for any missing path, so its links must not
    // depend on where it is shown.
    let (_dir, out) = build_repo_site();
    let server = Server::start(out);
    let deep = format!("{BASE}no/such/page/");
    let f = get(server.addr, &deep);
    assert_eq!(f.status, 404);
    let (tags, styles) = scan_tags(&f.body);
    let ids = page_ids(&tags);
    let mut bad = vec![];
    let mut checked = 0;
    for (what, href) in page_links(&tags, &styles) {
        if let Target::Local { path, fragment } = resolve(&deep, &href) {
            if path == deep {
                // A link within the page itself, such as the skip link.
                let frag = fragment.unwrap_or_default();
                if !frag.is_empty() && !ids.contains(&frag) {
                    bad.push(format!("404.html: {what} {href:?}: no id=\"{frag}\""));
                }
                continue;
            }
            checked += 1;
            let s = get(server.addr, &path).status;
            if s != 200 {
                bad.push(format!("404.html: {what} {href:?} → {path}: HTTP {s}"));
            }
        }
    }
    assert!(checked > 3, "404 page has only {checked} internal links");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_crawler_sees_broken_links() {
    // The checker itself: a tiny site with one of each kind of mistake.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("a")).unwrap();
    fs::write(
        root.join("index.html"),
        r##"<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/archive/style.css">
<link rel="alternate" type="application/atom+xml" href="https://example.github.io/archive/feed.xml">
<!-- <a href="/archive/commented-out/">ignored</a> -->
<script>var s = '<a href="/archive/in-script/">';</script>
</head><body id="top-of-page">
<a href="a/">ok</a> <a href="a/#here">ok fragment</a> <a href="./a/index.html#missing">missing id</a>
<a href="/archive/a">no slash</a> <a href="/a/">outside base</a> <a href="gone.html">gone</a>
<img src="img/x.png" alt=""> <a href="https://example.org/">external</a> <a href="mailto:x@y">mail</a>
<a href="#top-of-page">self</a> <a href="#nowhere">self missing</a>
<a href="a/?q=1&amp;r=2">query</a>
</body></html>"##,
    )
    .unwrap();
    fs::write(
        root.join("a/index.html"),
        r#"<p id="here">x <a href="../">up</a> <a href='../index.html'>up2</a></p>"#,
    )
    .unwrap();
    fs::write(root.join("style.css"), "body{background:url('bg.png')}").unwrap();
    fs::write(
        root.join("feed.xml"),
        r#"<feed><link href="https://example.github.io/archive/a/"/><id>https://example.github.io/archive/</id></feed>"#,
    )
    .unwrap();
    let server = Server::start(root.to_path_buf());
    let c = crawl(server.addr, &[BASE]);
    let found = problems(&c);
    let expect = [
        "\"./a/index.html#missing\" → no id=\"missing\"",
        "\"/archive/a\" → /archive/a: redirects",
        "\"/a/\" → /a/: 404: not under the base path",
        "\"gone.html\" → /archive/gone.html: HTTP 404",
        "<img src> \"img/x.png\" → /archive/img/x.png: HTTP 404",
        "\"#nowhere\" → no id=\"nowhere\" on /archive/",
        "/archive/style.css: url() \"bg.png\" → /archive/bg.png: HTTP 404",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.contains(e)),
            "expected a problem containing {e:?} in:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(found.len(), expect.len(), "{}", found.join("\n"));
    assert!(!c.status.contains_key("/archive/commented-out/"));
    assert!(!c.status.contains_key("/archive/in-script/"));
    assert_eq!(c.status.get("/archive/feed.xml"), Some(&200));
    assert_eq!(c.status.get("/archive/a/"), Some(&200));
}

#[test]
fn urls_resolve_like_a_browser() {
    let path = |t: Target| match t {
        Target::Local { path, fragment } => format!("{path}#{}", fragment.unwrap_or_default()),
        Target::External => "external".into(),
    };
    let page = "/archive/articles/x/";
    assert_eq!(path(resolve(page, "../y/")), "/archive/articles/y/#");
    assert_eq!(path(resolve(page, "../../")), "/archive/#");
    assert_eq!(path(resolve(page, "#n1")), "/archive/articles/x/#n1");
    assert_eq!(
        path(resolve(page, "feed.xml")),
        "/archive/articles/x/feed.xml#"
    );
    assert_eq!(
        path(resolve(page, "https://example.github.io/archive/tags/#t")),
        "/archive/tags/#t"
    );
    assert_eq!(path(resolve(page, "https://example.github.io")), "/#");
    assert_eq!(path(resolve(page, "https://github.com/o/r")), "external");
    assert_eq!(path(resolve(page, "//cdn.example/x.js")), "external");
    assert_eq!(path(resolve(page, "mailto:a@b")), "external");
    assert_eq!(
        path(resolve("/archive/index.html", "a/./b/../c")),
        "/archive/a/c#"
    );
    assert_eq!(
        path(resolve(page, "../index.html#a")),
        "/archive/articles/#a"
    );
    // Attribute values come entity-decoded from the tokenizer.
    let (tags, _) = scan_tags("<a href='a&amp;b&#x2F;c&#47;&lt;&unknown;'>x</a>");
    assert_eq!(tags[0].attr("href"), Some("a&b/c/<&unknown;"));
}
