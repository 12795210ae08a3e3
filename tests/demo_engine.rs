//! The demo step engine, driven directly: stepping back restores exactly
//! the state the room saw, jumps equal stepping, and live changes off the
//! script are undone by resume.

use gatelab::demo::{Demo, DemoPlayer, StepEffect};
use gatelab::lab::{ControlValue, Lab};
use gatelab::scenario::Scenario;

const SCENARIO: &str = r#"id = "engine"
title = "Engine test"

[[gateway.routes]]
path = "/orders/{id}"
method = "GET"
authorization = "CUSTOM"
authorizer = "orders-auth"
throttle = { rate = 1, burst = 3 }

[[gateway.authorizers]]
name = "orders-auth"
type = "TOKEN"
ttl = 300
function = { behaviour = "allow", policy-resource = "method-arn" }

[[requests]]
name = "order-1"
path = "/prod/orders/1"
headers = { Authorization = "tok" }

[[requests]]
name = "order-2"
path = "/prod/orders/2"
headers = { Authorization = "tok" }

[[requests]]
name = "order-1-twice"
path = "/prod/orders/1"
headers = { Authorization = "tok" }
repeat = 2
"#;

const DEMO: &str = r#"id = "engine-demo"
title = "Engine demo"
scenario = "engine"

[[steps]]
narrate = "Start."

[[steps]]
fire = "order-1"
expect = { status = 200, authorizer-invoked = true }

[[steps]]
ask = "And order 2?"
reveal = "403 from the cached policy."

[[steps]]
fire = "order-2"
expect = { status = 403, reason = "authorizer-implicit-deny", authorizer-invoked = false }

[[steps]]
advance-secs = 301

[[steps]]
fire = "order-1-twice"
expect = { statuses = [200, 200] }

[[steps]]
set = "authorizers.orders-auth.ttl"
value = 0

[[steps]]
deploy = true

[[steps]]
fire = "order-1"
expect = { status = 200 }

[[steps]]
fire = "plain"
expect = { status = 401, reason = "identity-source-missing" }

[[steps]]
narrate = "End."
"#;

fn player() -> DemoPlayer {
    let demo = Demo::parse("engine-demo.toml", DEMO).unwrap_or_else(|e| panic!("{e}"));
    let scenario = Scenario::parse("engine.toml", SCENARIO).unwrap_or_else(|e| panic!("{e}"));
    DemoPlayer::new(demo, scenario).unwrap_or_else(|e| panic!("{e}"))
}

/// Everything observable about a lab: configuration, clock, request log,
/// counters, bucket levels, and what a probe request gets (which reveals
/// the authorizer cache and the buckets).
fn snapshot(lab: &mut Lab) -> String {
    let before = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        lab.config(),
        lab.now(),
        lab.log(),
        lab.stats(),
        lab.bucket_levels()
    );
    let probe = lab.fire_named("order-2").map(|o| (o.status, o.reason));
    format!("{before}\nprobe: {probe:?}")
}

#[test]
fn stepping_back_restores_the_exact_state() {
    let mut p = player();
    for _ in 0..4 {
        p.step_forward();
    }
    let history_at_4 = p.history().to_vec();
    // Snapshot a twin at step 4 (probing changes the lab, so use a separate player).
    let mut twin = player();
    twin.jump(4).unwrap();
    let at_4 = snapshot(twin.lab_mut());
    for _ in 0..4 {
        p.step_forward();
    }
    assert_eq!(p.position(), 8);
    for _ in 0..4 {
        assert!(p.step_back());
    }
    assert_eq!(p.position(), 4);
    assert_eq!(p.history(), history_at_4.as_slice());
    assert!(!p.is_off_script());
    assert_eq!(snapshot(p.lab_mut()), at_4);
    // The probe saw the cached policy: a 403 without invoking the authorizer.
    assert!(
        at_4.ends_with("probe: Some((Some(403), \"authorizer-implicit-deny\"))"),
        "{at_4}"
    );
}

#[test]
fn a_step_back_undoes_the_clock_the_cache_and_the_setting() {
    let mut p = player();
    p.jump(7).unwrap();
    // Saved, not yet deployed.
    assert_eq!(p.lab().config().authorizers[0].ttl, 0);
    assert_eq!(p.lab().deployed_config().authorizers[0].ttl, 300);
    assert!(p.lab().has_undeployed_changes());
    assert!(matches!(
        p.current().unwrap().effect,
        StepEffect::Set { pending: true, .. }
    ));
    let deployed = p.step_forward().unwrap();
    assert_eq!(deployed.effect, StepEffect::Deployed { changed: true });
    assert_eq!(p.lab().deployed_config().authorizers[0].ttl, 0);
    let clock_after = p.lab().now();
    assert!(p.step_back());
    assert!(p.step_back());
    assert!(p.step_back());
    // Back at step 5 (advance-secs 301): TTL 300 again, clock still advanced.
    assert_eq!(p.position(), 5);
    assert_eq!(p.lab().config().authorizers[0].ttl, 300);
    assert_eq!(p.lab().deployed_config().authorizers[0].ttl, 300);
    assert!(!p.lab().has_undeployed_changes());
    assert_eq!(p.lab().now(), clock_after);
    assert!(p.step_back());
    assert_eq!(
        p.lab().now().since(p.scenario().start_time()).as_millis(),
        0
    );
}

#[test]
fn jumping_equals_stepping_and_every_expectation_holds() {
    let mut a = player();
    while a.step_forward().is_some() {}
    assert!(a.at_end());
    assert!(a.step_forward().is_none());
    for run in a.history() {
        assert!(
            run.mismatches.is_empty(),
            "step {}: {:?}",
            run.index + 1,
            run.mismatches
        );
    }
    let mut b = player();
    b.jump(11).unwrap();
    assert_eq!(a.history(), b.history());
    b.jump(3).unwrap();
    assert_eq!(b.history(), &a.history()[..3]);
    b.jump(0).unwrap();
    assert!(b.current().is_none());
    assert!(!b.step_back());
    assert!(b.jump(12).unwrap_err().contains("the demo has 11 steps"));
}

#[test]
fn the_answer_to_a_question_comes_with_the_next_step() {
    let mut p = player();
    p.jump(3).unwrap();
    let ask = p.current().unwrap();
    assert_eq!(ask.effect, StepEffect::Asked("And order 2?".into()));
    assert_eq!(ask.revealed, None);
    let next = p.step_forward().unwrap();
    assert_eq!(
        next.revealed.as_deref(),
        Some("403 from the cached policy.")
    );
    match &next.effect {
        StepEffect::Fired {
            outcomes, invoked, ..
        } => {
            assert_eq!(outcomes.len(), 1);
            assert_eq!(outcomes[0].status, Some(403));
            assert_eq!(invoked, &vec![false]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn live_changes_go_off_script_and_resume_restores_the_script() {
    let mut p = player();
    p.jump(3).unwrap();
    p.lab_mut()
        .set_control(
            "authorizers.orders-auth.policy-resource",
            ControlValue::Text("stage".into()),
        )
        .unwrap();
    p.lab_mut().deploy().unwrap();
    assert!(p.is_off_script());
    // The scripted step now runs on the changed lab: the wildcard policy allows order 2.
    let run = p.step_forward().unwrap();
    assert!(run.off_script);
    assert_eq!(
        run.mismatches,
        vec![
            "expected status 403, got 200 OK (ok)".to_string(),
            "expected reason authorizer-implicit-deny, got ok".to_string(),
            "expected the Lambda authorizer not to run".to_string()
        ]
    );
    p.resume();
    assert!(!p.is_off_script());
    assert_eq!(p.position(), 4);
    let run = p.current().unwrap();
    assert!(run.mismatches.is_empty(), "{:?}", run.mismatches);
    assert!(!run.off_script);
    let mut fresh = player();
    fresh.jump(4).unwrap();
    assert_eq!(p.history(), fresh.history());
    assert_eq!(
        format!("{:?}", p.lab().config()),
        format!("{:?}", fresh.lab().config())
    );
}

#[test]
fn a_repeated_request_reports_every_repetition() {
    let mut p = player();
    p.jump(6).unwrap();
    match &p.current().unwrap().effect {
        StepEffect::Fired {
            outcomes, invoked, ..
        } => {
            assert_eq!(
                outcomes.iter().map(|o| o.status).collect::<Vec<_>>(),
                vec![Some(200), Some(200)]
            );
            // After the TTL the first repetition invokes the authorizer; the second hits the cache.
            assert_eq!(invoked, &vec![true, false]);
        }
        other => panic!("{other:?}"),
    }
}
