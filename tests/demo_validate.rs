//! Demo files that do not fit their scenario are refused with
//! `file:line:col` diagnostics, and a failing expectation names its step.

use gatelab::demo::{Demo, DemoPlayer, check};
use gatelab::scenario::Scenario;

const SCENARIO: &str = r#"id = "v"
title = "Validation"

[[gateway.routes]]
path = "/items"
method = "GET"
authorization = "CUSTOM"
authorizer = "items-auth"

[[gateway.authorizers]]
name = "items-auth"
type = "TOKEN"
function = { behaviour = "allow" }

[[requests]]
name = "with-token"
path = "/prod/items"
headers = { Authorization = "t" }

[[requests]]
name = "three-times"
path = "/prod/items"
headers = { Authorization = "t" }
repeat = 3
"#;

fn scenario() -> Scenario {
    Scenario::parse("v.toml", SCENARIO).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(demo_src: &str) -> String {
    let demo = Demo::parse("d.toml", demo_src).unwrap_or_else(|e| panic!("{e}"));
    match DemoPlayer::new(demo, scenario()) {
        Ok(_) => String::new(),
        Err(d) => d.to_string(),
    }
}

const HEAD: &str = "id = \"d\"\ntitle = \"D\"\nscenario = \"v\"\n";

#[test]
fn an_unknown_control_id_is_reported_at_its_line_with_nearby_ids() {
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nset = \"authorizers.items-auth.tll\"\nvalue = 0\n"
    ));
    assert!(
        p.starts_with(
            "d.toml:6:7: step 1: no control `authorizers.items-auth.tll` in this lab at this step"
        ),
        "{p}"
    );
    assert!(
        p.contains("authorizers.items-auth.ttl"),
        "the hint lists the close ids: {p}"
    );
}

#[test]
fn a_bad_value_is_reported_at_the_value() {
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nset = \"authorizers.items-auth.ttl\"\nvalue = 4000\n"
    ));
    assert!(p.starts_with("d.toml:7:9: step 1: cannot set `authorizers.items-auth.ttl` to 4000: TTL 4000 s is outside 0 to 3600"), "{p}");
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nset = \"routes.GET /items.authorization\"\nvalue = \"OAUTH\"\n"
    ));
    assert!(p.contains("d.toml:7:9: step 1: cannot set `routes.GET /items.authorization` to \"OAUTH\": `OAUTH` is not one of NONE, AWS_IAM, COGNITO_USER_POOLS, CUSTOM"), "{p}");
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nset = \"routes.GET /items.api-key-required\"\nvalue = \"yes\"\n"
    ));
    assert!(p.contains("d.toml:7:9: step 1: cannot set `routes.GET /items.api-key-required` to \"yes\": expected on/off"), "{p}");
}

#[test]
fn unknown_requests_presets_and_traffic_are_reported() {
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nfire = \"with-tokn\"\n\n[[steps]]\ntraffic = \"rush-hour\"\n"
    ));
    assert!(p.contains("d.toml:6:8: step 1: `with-tokn` is neither a request of scenario `v` nor a preset of the lab"), "{p}");
    assert!(
        p.contains("requests of the scenario: with-token, three-times; presets: plain,"),
        "{p}"
    );
    assert!(
        p.contains("d.toml:9:11: step 2: no traffic preset `rush-hour`"),
        "{p}"
    );
    assert!(
        p.contains("traffic presets here: steady-20, burst-200"),
        "{p}"
    );
}

#[test]
fn statuses_must_match_the_repeat_of_the_request() {
    let p = problems(&format!(
        "{HEAD}\n[[steps]]\nfire = \"three-times\"\nexpect = {{ statuses = [200, 200] }}\n"
    ));
    assert!(
        p.starts_with(
            "d.toml:7:10: step 1: statuses lists 2 status(es), but `three-times` is sent 3 time(s)"
        ),
        "{p}"
    );
}

#[test]
fn controls_that_appear_after_an_earlier_step_are_known_at_later_steps() {
    // The WAF rule's control exists only once a web ACL is attached.
    let src = format!("{HEAD}\n[[steps]]\nset = \"waf.rules.sqli.action\"\nvalue = \"count\"\n");
    assert!(problems(&src).contains("no control `waf.rules.sqli.action`"));
    let src = format!(
        "{HEAD}\n[[steps]]\nset = \"waf.enabled\"\nvalue = true\n\n[[steps]]\nset = \"waf.rules.sqli.action\"\nvalue = \"count\"\n\n[[steps]]\nfire = \"sqli\"\n"
    );
    assert_eq!(problems(&src), "");
}

#[test]
fn a_failing_expectation_names_its_step_and_line() {
    let src = format!(
        "{HEAD}\n[[steps]]\nnarrate = \"Go.\"\n\n[[steps]]\nfire = \"with-token\"\nexpect = {{ status = 403, decided-by = \"authorizer\" }}\n\n[[steps]]\nfire = \"plain\"\nexpect = {{ status = 401 }}\n"
    );
    let demo = Demo::parse("d.toml", &src).unwrap();
    let report = check(&demo, &scenario()).unwrap();
    assert_eq!((report.steps, report.expectations), (3, 2));
    assert_eq!(report.failures.len(), 1);
    let f = &report.failures[0];
    assert_eq!(
        (f.step, f.location.as_str(), f.label.as_str()),
        (2, "d.toml:10:10", "fire `with-token`")
    );
    assert_eq!(
        f.problems,
        vec![
            "expected status 403, got 200 OK (ok)".to_string(),
            "expected the authorizer stage to decide, but integration did".to_string()
        ]
    );
}

#[test]
fn config_path_spellings_of_a_control_id_are_accepted() {
    let src = format!(
        "{HEAD}\n[[steps]]\nset = \"routes./items GET.authorization\"\nvalue = \"NONE\"\n\n[[steps]]\ndeploy = true\n\n[[steps]]\nfire = \"plain\"\nexpect = {{ status = 200 }}\n"
    );
    assert_eq!(problems(&src), "");
    let demo = Demo::parse("d.toml", &src).unwrap();
    assert!(check(&demo, &scenario()).unwrap().failures.is_empty());
}
