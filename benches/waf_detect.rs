//! Cost of the WAF detectors on typical benign values and on attacks.
use gatelab::gateway::waf_detect::{Sensitivity, detect_sqli, detect_xss};

fn main() {
    divan::main();
}

const BENIGN: &[&str] = &[
    "id=12345&sort=name",
    "12345",
    "john.doe@example.com",
    "c/ del ferrocarril, 152,",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "O'Reilly and sons",
];

#[divan::bench(args = BENIGN)]
fn sqli_low_benign(s: &str) -> bool {
    detect_sqli(divan::black_box(s), Sensitivity::Low).is_some()
}

#[divan::bench(args = BENIGN)]
fn sqli_high_benign(s: &str) -> bool {
    detect_sqli(divan::black_box(s), Sensitivity::High).is_some()
}

#[divan::bench(args = BENIGN)]
fn xss_benign(s: &str) -> bool {
    detect_xss(divan::black_box(s)).is_some()
}

const ATTACKS: &[&str] = &[
    "%27%20OR%20%271%27%3D%271",
    "1 UNION SELECT username, password FROM users--",
    "<img src=x onerror=alert(1)>",
];

#[divan::bench(args = ATTACKS)]
fn sqli_attack(s: &str) -> bool {
    detect_sqli(divan::black_box(s), Sensitivity::Low).is_some()
}

#[divan::bench(args = ATTACKS)]
fn xss_attack(s: &str) -> bool {
    detect_xss(divan::black_box(s)).is_some()
}
