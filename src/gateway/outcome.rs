//! What the gateway decided about a request, and why: the response a client
//! sees, the stage that decided, a machine-readable reason and the step-by-step
//! trace a learner reads.

use serde::Serialize;
use std::fmt;

/// The stages of the request pipeline, in the order API Gateway runs them
/// (REST API; see the fidelity spec §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// HTTPS-only endpoint, host name, custom domain and base-path mapping.
    Endpoint,
    /// TLS handshake: protocol version against the security policy.
    Tls,
    /// Mutual TLS: the client certificate against the domain's truststore.
    Mtls,
    /// AWS WAF web ACL associated with the stage.
    Waf,
    /// Resource and method match.
    Routing,
    /// Resource policy (for Lambda authorizers: the explicit-deny pre-check).
    ResourcePolicy,
    /// Authentication: SigV4, Cognito token or Lambda authorizer (with its cache).
    Authorizer,
    /// The final policy decision combining the caller's policy and the resource policy.
    Authorization,
    /// API key and usage plan: key validity, per-key throttle, quota.
    UsagePlan,
    /// Method, stage and account throttles.
    Throttle,
    /// Method request validation.
    Validation,
    /// The backend: mock, Lambda (proxy or not) or HTTP.
    Integration,
    /// CORS response headers and what a browser would make of them.
    Cors,
}

impl Stage {
    pub const ALL: [Stage; 13] = [
        Stage::Endpoint,
        Stage::Tls,
        Stage::Mtls,
        Stage::Waf,
        Stage::Routing,
        Stage::ResourcePolicy,
        Stage::Authorizer,
        Stage::Authorization,
        Stage::UsagePlan,
        Stage::Throttle,
        Stage::Validation,
        Stage::Integration,
        Stage::Cors,
    ];

    /// Stable kebab-case id, as used in scenario expectations and JSON output.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Endpoint => "endpoint",
            Stage::Tls => "tls",
            Stage::Mtls => "mtls",
            Stage::Waf => "waf",
            Stage::Routing => "routing",
            Stage::ResourcePolicy => "resource-policy",
            Stage::Authorizer => "authorizer",
            Stage::Authorization => "authorization",
            Stage::UsagePlan => "usage-plan",
            Stage::Throttle => "throttle",
            Stage::Validation => "validation",
            Stage::Integration => "integration",
            Stage::Cors => "cors",
        }
    }

    /// Human label for the trace.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Endpoint => "Endpoint",
            Stage::Tls => "TLS",
            Stage::Mtls => "Mutual TLS",
            Stage::Waf => "AWS WAF",
            Stage::Routing => "Routing",
            Stage::ResourcePolicy => "Resource policy",
            Stage::Authorizer => "Authorizer",
            Stage::Authorization => "Authorization",
            Stage::UsagePlan => "API key / usage plan",
            Stage::Throttle => "Throttling",
            Stage::Validation => "Request validation",
            Stage::Integration => "Integration",
            Stage::Cors => "CORS",
        }
    }

    pub fn from_id(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.id() == s)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How one stage went for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepResult {
    Pass,
    Fail,
    Skip,
    /// A non-terminating observation (a WAF rule in Count mode, a cache hit ...).
    Info,
}

impl StepResult {
    /// A glyph so the result never depends on colour alone.
    pub fn glyph(self) -> &'static str {
        match self {
            StepResult::Pass => "✓",
            StepResult::Fail => "✗",
            StepResult::Skip => "–",
            StepResult::Info => "•",
        }
    }
    pub fn id(self) -> &'static str {
        match self {
            StepResult::Pass => "pass",
            StepResult::Fail => "fail",
            StepResult::Skip => "skip",
            StepResult::Info => "info",
        }
    }
}

/// One line of the trace, plus optional detail lines (a canonical request, a
/// decoded token, the policy that matched).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceStep {
    pub stage: Stage,
    pub result: StepResult,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Where a pipeline writes its explanation. [`FullTrace`] keeps every step;
/// [`NoTrace`] keeps nothing and never builds the strings, so traffic runs pay
/// nothing for explanations they do not show.
pub trait Trace {
    /// Whether this sink records anything (lets callers skip expensive work).
    const ENABLED: bool;
    fn step(&mut self, stage: Stage, result: StepResult, detail: impl FnOnce() -> String);
    /// Attach a detail line to the most recent step.
    fn note(&mut self, line: impl FnOnce() -> String);
}

/// A trace that records every step.
#[derive(Clone, Debug, Default)]
pub struct FullTrace(pub Vec<TraceStep>);

impl Trace for FullTrace {
    const ENABLED: bool = true;
    fn step(&mut self, stage: Stage, result: StepResult, detail: impl FnOnce() -> String) {
        self.0.push(TraceStep {
            stage,
            result,
            detail: detail(),
            notes: Vec::new(),
        });
    }
    fn note(&mut self, line: impl FnOnce() -> String) {
        if let Some(last) = self.0.last_mut() {
            last.notes.push(line());
        }
    }
}

/// A trace that records nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTrace;

impl Trace for NoTrace {
    const ENABLED: bool = false;
    #[inline(always)]
    fn step(&mut self, _: Stage, _: StepResult, _: impl FnOnce() -> String) {}
    #[inline(always)]
    fn note(&mut self, _: impl FnOnce() -> String) {}
}

/// How the authorizer cache was used for a request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheUse {
    /// The method has no authorizer with a cache (or none ran).
    #[default]
    NotApplicable,
    /// Caching is disabled (TTL 0).
    Disabled,
    Hit,
    Miss,
}

/// A browser's verdict on a cross-origin call (only for requests that carry `Origin`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrowserVerdict {
    /// Could page script on this origin read the response?
    pub allowed: bool,
    /// Did the browser have to send a preflight first?
    pub preflight_required: bool,
    /// What the browser console would say (or why it is allowed).
    pub message: String,
    /// Warnings about the configuration (e.g. `*` allowed), even when allowed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_ids_round_trip_in_order() {
        for (i, s) in Stage::ALL.iter().enumerate() {
            assert_eq!(Stage::from_id(s.id()), Some(*s));
            if i > 0 {
                assert!(
                    Stage::ALL[i - 1] < *s,
                    "stages are declared in pipeline order"
                );
            }
        }
    }

    #[test]
    fn no_trace_never_builds_strings() {
        let mut t = NoTrace;
        t.step(Stage::Waf, StepResult::Pass, || unreachable!("not built"));
        let mut f = FullTrace::default();
        f.step(Stage::Waf, StepResult::Pass, || "ok".into());
        f.note(|| "detail".into());
        assert_eq!(f.0[0].notes, vec!["detail".to_string()]);
    }
}
