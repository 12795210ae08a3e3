//! Labs for the terminal app tests and the render benchmark: a scenario
//! written for them (an orders API behind a Lambda TOKEN authorizer), opened
//! through the real lab.
#![allow(dead_code)]

use gatelab::lab::Lab;
use gatelab::scenario::Scenario;
use gatelab::tui::LabSource;

/// The scenario the test course's lesson opens.
pub const SCENARIO: &str = r#"
id = "orders-authorizer"
title = "Orders API with a Lambda authorizer"
start = "2025-01-01T12:00:00Z"

[[gateway.routes]]
path = "/orders"
method = "GET"
authorization = "CUSTOM"
authorizer = "orders-auth"
cors = true

[[gateway.authorizers]]
name = "orders-auth"
type = "TOKEN"
ttl = 300
function = { behaviour = "allow" }

[gateway.cors]
allow-origins = ["https://shop.example.com"]
allow-methods = ["GET"]

[[requests]]
name = "no-token"
path = "/prod/orders"

[[requests]]
name = "with-token"
path = "/prod/orders"
headers = { Authorization = "allow" }

[[requests]]
name = "wrong-path"
path = "/prod/nope"

[[traffic]]
name = "steady"
duration-secs = 30
pattern = { kind = "steady", rps = 5 }
clients = [{ request = "with-token" }]
"#;

/// Labs over [`SCENARIO`].
pub struct TestLabs;

impl LabSource for TestLabs {
    fn open_lab(&self, id: &str) -> Result<Lab, String> {
        if id != "orders-authorizer" {
            return Err(format!("no scenario '{id}'"));
        }
        let s = Scenario::parse("orders-authorizer.toml", SCENARIO).map_err(|e| e.to_string())?;
        Lab::new(s)
    }
    fn restore_lab(&self, toml: &str) -> Result<Lab, String> {
        let s = Scenario::parse("autosave.toml", toml).map_err(|e| e.to_string())?;
        Lab::new(s)
    }
}
