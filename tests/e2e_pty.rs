//! The real binary in a pseudo-terminal, as a learner uses it: start, open
//! the first lesson, switch to its lab, fire a request, quit, and check that
//! the terminal is restored (alternate screen left, cursor shown). Driven
//! through Python's `pty` module; skipped where python3 is missing.

use std::process::Command;

const DRIVER: &str = r#"
import os, pty, select, sys, time
exe, data = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execv(exe, [exe, "--data-dir", data])
import fcntl, termios, struct
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
buf = b""
def wait_for(text, timeout=10.0):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buf += chunk
            if text.encode() in buf:
                return True
    print("timed out waiting for", repr(text)); print(buf[-2000:].decode("utf-8", "replace"))
    sys.exit(3)
wait_for("Securing APIs on AWS")
os.write(fd, b"\r"); wait_for("Section 1 of")
os.write(fd, b"\t"); wait_for("Gateway")
buf = b""
os.write(fd, b"f"); wait_for("200 OK")
os.write(fd, b"q")
time.sleep(0.3)
os.write(fd, b"y")
deadline = time.time() + 5
status = None
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            buf += os.read(fd, 65536)
        except OSError:
            pass
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
        break
if status is None:
    print("did not exit"); sys.exit(4)
code = os.waitstatus_to_exitcode(status)
left_alt = b"\x1b[?1049l" in buf
cursor = b"\x1b[?25h" in buf
print("exit", code, "left-alt-screen", left_alt, "cursor-shown", cursor)
sys.exit(0 if code == 0 and left_alt and cursor else 5)
"#;

#[test]
fn start_navigate_fire_quit_restores_the_terminal() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: python3 not available");
        return;
    }
    let data = std::env::temp_dir().join(format!("gatelab-e2e-{}", std::process::id()));
    let out = Command::new("python3")
        .args([
            "-c",
            DRIVER,
            env!("CARGO_BIN_EXE_gatelab"),
            data.to_str().unwrap(),
        ])
        .env_remove("NO_COLOR")
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("exit 0 left-alt-screen True cursor-shown True"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&data);
}
