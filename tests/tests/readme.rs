//! The README's first command, run as a reader would type it: it must work on every
//! commit (the second, `scripts/test`, is what runs this).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ges_stop_e2e::workspace_root;

/// The first line of the README's first `sh` block, without its comment.
fn first_command() -> String {
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .nth(1)
        .expect("the README has a sh block");
    let line = block.lines().next().expect("the block has a line");
    line.split('#').next().unwrap().trim().to_owned()
}

#[test]
fn the_first_command_runs_the_demo() {
    let command = first_command();
    assert_eq!(
        command, "cargo run -p ges-stop -- demo",
        "update this test with the README"
    );
    let mut child = Command::new("sh")
        .args(["-c", &command])
        .current_dir(workspace_root())
        .env("CARGO_TERM_COLOR", "never")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary is built already (scripts/test builds it first); the demo takes seconds.
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("`{command}` did not end within 240 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (mut stdout, mut stderr) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "`{command}`: {status}\n{stderr}");
    assert!(
        stdout.contains("900"),
        "the demo shows the graph stopped:\n{stdout}"
    );
}
