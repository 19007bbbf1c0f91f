//! Measures `annals serve`'s save-to-reload latency: the time from writing one
//! report to the reload event arriving at a connected browser (an SSE client).
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example serve_latency -- --root target/bench-archive-10000 [--runs 10]
//! ```

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

/// Command line.
#[derive(Parser)]
struct Args {
    /// Site root to measure.
    #[arg(long)]
    root: PathBuf,
    /// How many runs.
    #[arg(long, default_value_t = 10)]
    runs: usize,
}

fn main() {
    let Args { root, runs } = Args::parse();
    let bin = std::env::var("ANNALS_BIN").unwrap_or_else(|_| "target/release/annals".into());
    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start annals (build it with cargo build --release)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    println!(
        "initial in-memory build and start: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url = line
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_start_matches("http://")
        .to_string();
    let (host, base) = url.split_at(url.find('/').unwrap());
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "GET {base}__annals/events HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(s);
    let mut next_event = || loop {
        let mut l = String::new();
        if events.read_line(&mut l).unwrap() == 0 {
            panic!("event stream closed");
        }
        if l.starts_with("data: ") {
            return;
        }
    };
    next_event();
    let mut reports: Vec<PathBuf> = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    reports.sort();
    let target = &reports[reports.len() / 2];
    let original = std::fs::read_to_string(target).unwrap();
    let mut times = vec![];
    for i in 0..runs {
        let text = format!("{original}\nEdited paragraph number {i}.\n");
        let t = Instant::now();
        std::fs::write(target, text).unwrap();
        next_event();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::write(target, original).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    println!(
        "save → reload event over {} edits of {}: median {:.0} ms, min {:.0} ms, max {:.0} ms",
        runs,
        target.file_name().unwrap().to_string_lossy(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
