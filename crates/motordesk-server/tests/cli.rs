//! The server binary's command line, run as a real process: bad flags give a clear
//! message and exit 2; a good start prints its address and answers the health probe.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

fn server() -> Command {
    Command::new(env!("CARGO_BIN_EXE_motordesk-server"))
}

#[test]
fn half_a_tls_config_is_refused() {
    let out = server().args(["--tls-cert", "x.pem"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-cert and --tls-key go together"));
}

#[test]
fn unknown_flag_is_refused_with_usage() {
    let out = server().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown flag --frobnicate"));
}

#[test]
fn starts_and_answers_health() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server()
        .args(["--addr", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("s.redb"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("address line")
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[cfg(not(windows))]
#[test]
fn service_mode_is_refused_outside_windows() {
    let out = server().arg("--service").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--service is for the Windows"));
}

#[test]
fn a_failed_start_says_why_on_stderr() {
    // The port is taken: the message names the cause (the same text goes to the log,
    // which is all a Windows service has).
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = server()
        .args(["--addr", &taken.local_addr().unwrap().to_string(), "--db"])
        .arg(dir.path().join("s.redb"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("motordesk-server: ") && err.contains("in use"),
        "{err}"
    );
}
