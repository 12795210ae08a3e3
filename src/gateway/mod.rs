//! The simulated Amazon API Gateway (REST API). Pure and deterministic: no
//! terminal, no file system, no wall clock, no unseeded randomness.

pub mod cognito;
pub mod config;
pub mod cors;
pub mod jwt;
pub mod outcome;
pub mod pipeline;
pub mod policy;
pub mod quota;
pub mod raw_http;
pub mod reason;
pub mod request;
pub mod sigv4;
pub mod throttle;
pub mod time;
pub mod traffic;
pub mod waf_detect;

pub use outcome::{Stage, StepResult, TraceStep};
pub use pipeline::{Gateway, Outcome};
pub use reason::Reason;
pub use request::Request;
pub use time::SimTime;
