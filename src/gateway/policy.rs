//! IAM-style policy documents and their evaluation: resource policies,
//! identity policies of simulated IAM users and roles, and the policies Lambda
//! authorizers return. The document shape is AWS's own (`Version`,
//! `Statement`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`), so
//! what a learner writes here can be pasted into a real console.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

use super::time::SimTime;

/// A policy document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    #[serde(rename = "Version", default = "default_version")]
    pub version: String,
    #[serde(rename = "Statement", default)]
    pub statements: Vec<Statement>,
}

fn default_version() -> String {
    "2012-10-17".to_string()
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// One or several strings (AWS accepts both forms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// `"*"` or `{ "AWS": [...] }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Principal {
    Star(String),
    Map(BTreeMap<String, OneOrMany>),
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany>,
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany>,
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany>,
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_resource: Option<OneOrMany>,
    /// Operator -> key -> values, e.g. `IpAddress = { "aws:SourceIp" = ["10.0.0.0/8"] }`.
    #[serde(
        rename = "Condition",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub condition: BTreeMap<String, BTreeMap<String, OneOrMany>>,
}

/// Who is calling, as policy evaluation sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No IAM identity (public, Cognito or Lambda-authorized calls).
    Anonymous,
    /// A SigV4-authenticated IAM user or role session.
    Iam {
        account: String,
        /// `arn:aws:iam::<account>:user/<name>` or `arn:aws:iam::<account>:role/<name>`.
        arn: String,
        name: String,
    },
}

impl Caller {
    /// How the denial messages name the caller.
    pub fn display_arn(&self) -> &str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::Iam { arn, .. } => arn,
        }
    }
}

/// The request facts conditions can test.
#[derive(Clone, Debug)]
pub struct PolicyContext<'a> {
    pub caller: &'a Caller,
    pub action: &'a str,
    /// The method ARN of the request.
    pub resource: &'a str,
    /// `aws:SourceIp`: absent when the request came through a VPC endpoint, which
    /// rewrites the source address.
    pub source_ip: Option<IpAddr>,
    /// `aws:VpcSourceIp`: the client address behind a VPC endpoint.
    pub vpc_source_ip: Option<IpAddr>,
    pub source_vpce: Option<&'a str>,
    pub source_vpc: Option<&'a str>,
    pub secure_transport: bool,
    pub user_agent: Option<&'a str>,
    pub referer: Option<&'a str>,
    pub now: SimTime,
}

/// The result of evaluating one or more policies for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    /// No statement applied.
    ImplicitDeny,
    ExplicitDeny,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ImplicitDeny => "Neither (implicit deny)",
            Decision::ExplicitDeny => "explicit Deny",
        }
    }
}

/// An evaluation with the statement that decided it, for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// Index of the statement that decided (None for implicit deny); see
    /// [`Statement::summary`] for a one-line description.
    pub statement: Option<usize>,
}

impl PolicyDocument {
    /// Evaluate the document: any matching Deny wins, else any matching Allow,
    /// else implicit deny.
    pub fn evaluate(&self, ctx: &PolicyContext<'_>, check_principal: bool) -> Evaluation {
        let mut allow: Option<usize> = None;
        for (i, st) in self.statements.iter().enumerate() {
            if !st.applies(ctx, check_principal) {
                continue;
            }
            match st.effect {
                Effect::Deny => {
                    return Evaluation {
                        decision: Decision::ExplicitDeny,
                        statement: Some(i),
                    };
                }
                Effect::Allow => {
                    if allow.is_none() {
                        allow = Some(i);
                    }
                }
            }
        }
        match allow {
            Some(i) => Evaluation {
                decision: Decision::Allow,
                statement: Some(i),
            },
            None => Evaluation {
                decision: Decision::ImplicitDeny,
                statement: None,
            },
        }
    }

    /// Whether any statement is a Deny that applies (the Lambda-authorizer pre-check).
    pub fn explicit_deny(&self, ctx: &PolicyContext<'_>) -> Option<usize> {
        self.statements
            .iter()
            .position(|st| st.effect == Effect::Deny && st.applies(ctx, true))
    }

    /// `statement N: <summary>` for the trace.
    pub fn describe(&self, i: usize) -> String {
        self.statements
            .get(i)
            .map(|s| format!("statement {i}: {}", s.summary()))
            .unwrap_or_default()
    }

    /// Problems that make the document unusable: (path below the document, message, hint).
    pub fn problems(&self) -> Vec<(Vec<String>, String, String)> {
        let mut out = Vec::new();
        for (i, st) in self.statements.iter().enumerate() {
            let base = vec!["Statement".to_string(), i.to_string()];
            if st.action.is_none() && st.not_action.is_none() {
                out.push((
                    base.clone(),
                    "statement has neither Action nor NotAction".into(),
                    "add Action = \"execute-api:Invoke\"".into(),
                ));
            }
            if st.resource.is_none() && st.not_resource.is_none() {
                out.push((
                    base.clone(),
                    "statement has neither Resource nor NotResource".into(),
                    "add Resource = \"execute-api:/*\" (or a method ARN)".into(),
                ));
            }
            for (op, keys) in &st.condition {
                let base_op = op.trim_end_matches("IfExists");
                if !KNOWN_OPERATORS.contains(&base_op) {
                    let mut p = base.clone();
                    p.extend(["Condition".to_string(), op.clone()]);
                    out.push((
                        p,
                        format!("unsupported condition operator `{op}`"),
                        format!("use one of: {}", KNOWN_OPERATORS.join(", ")),
                    ));
                    continue;
                }
                for (key, values) in keys {
                    let mut p = base.clone();
                    p.extend(["Condition".to_string(), op.clone(), key.clone()]);
                    if base_op.contains("IpAddress") {
                        for v in values.as_slice() {
                            if parse_ip_or_cidr(v).is_none() {
                                out.push((
                                    p.clone(),
                                    format!("`{v}` is not an IP address or CIDR block"),
                                    "write e.g. \"10.0.0.0/8\" or \"192.0.2.7\"".into(),
                                ));
                            }
                        }
                    }
                    if !KNOWN_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                        out.push((
                            p,
                            format!("unsupported condition key `{key}`"),
                            format!("the simulator knows: {}", KNOWN_KEYS.join(", ")),
                        ));
                    }
                }
            }
        }
        out
    }
}

const KNOWN_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Bool",
    "DateGreaterThan",
    "DateLessThan",
    "Null",
];

const KNOWN_KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:VpcSourceIp",
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SecureTransport",
    "aws:UserAgent",
    "aws:Referer",
    "aws:CurrentTime",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:username",
];

/// Parse `10.0.0.0/8` or a bare address (taken as /32 or /128).
pub fn parse_ip_or_cidr(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(n) = s.parse::<IpNet>() {
        return Some(n);
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

/// `Action`/`NotAction` (or `Resource`/`NotResource`): the element matches
/// when a listed pattern matches, or when no `Not` pattern does.
fn element_matches(
    list: &Option<OneOrMany>,
    not_list: &Option<OneOrMany>,
    m: impl Fn(&str) -> bool,
) -> bool {
    match (list, not_list) {
        (Some(l), _) => l.as_slice().iter().any(|p| m(p)),
        (None, Some(nl)) => !nl.as_slice().iter().any(|p| m(p)),
        (None, None) => false,
    }
}

impl Statement {
    fn applies(&self, ctx: &PolicyContext<'_>, check_principal: bool) -> bool {
        if check_principal && !self.principal_matches(ctx.caller) {
            return false;
        }
        if !element_matches(&self.action, &self.not_action, |p| {
            action_matches(p, ctx.action)
        }) || !element_matches(&self.resource, &self.not_resource, |p| {
            arn_matches(p, ctx.resource)
        }) {
            return false;
        }
        self.condition.iter().all(|(op, keys)| {
            keys.iter()
                .all(|(k, v)| condition_holds(op, k, v.as_slice(), ctx))
        })
    }

    fn principal_matches(&self, caller: &Caller) -> bool {
        let Some(p) = &self.principal else {
            // Identity policies and authorizer policies have no Principal: they
            // apply to whoever they are attached to.
            return true;
        };
        match p {
            Principal::Star(s) => s == "*",
            Principal::Map(m) => m.iter().any(|(kind, ids)| {
                kind == "AWS"
                    && ids
                        .as_slice()
                        .iter()
                        .any(|id| aws_principal_matches(id, caller))
            }),
        }
    }

    /// One line for the trace: `Allow execute-api:Invoke on execute-api:/*/GET/items if aws:SourceIp in 10.0.0.0/8`.
    pub fn summary(&self) -> String {
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        let mut s = String::from(effect);
        if let Some(p) = &self.principal {
            match p {
                Principal::Star(x) => s.push_str(&format!(" {x}")),
                Principal::Map(m) => {
                    let ids: Vec<&str> = m
                        .values()
                        .flat_map(|v| v.as_slice())
                        .map(|x| x.as_str())
                        .collect();
                    s.push_str(&format!(" {}", ids.join(",")));
                }
            }
        }
        if let Some(r) = &self.resource {
            s.push_str(&format!(" on {}", r.as_slice().join(", ")));
        } else if let Some(r) = &self.not_resource {
            s.push_str(&format!(" on all but {}", r.as_slice().join(", ")));
        }
        for (op, keys) in &self.condition {
            for (k, v) in keys {
                s.push_str(&format!(" if {op} {k} {}", v.as_slice().join("|")));
            }
        }
        s
    }
}

fn aws_principal_matches(id: &str, caller: &Caller) -> bool {
    if id == "*" {
        return true;
    }
    let Caller::Iam { account, arn, .. } = caller else {
        return false;
    };
    if id == account || id == format!("arn:aws:iam::{account}:root") {
        return true;
    }
    id == arn
}

/// `execute-api:Invoke` matching, case-insensitive, with `*` and `?` wildcards.
fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match_ci(pattern, action)
}

/// Resource ARN matching with `*` and `?`. The shorthand `execute-api:/stage/GET/path`
/// (as the console accepts) matches any region, account and API id.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if let Some(rest) = pattern.strip_prefix("execute-api:") {
        // arn:aws:execute-api:region:account:apiId/stage/...
        let Some(after_api) = arn.splitn(6, ':').nth(5) else {
            return false;
        };
        let Some((_, tail)) = after_api.split_once('/') else {
            return false;
        };
        let pat = rest.strip_prefix('/').unwrap_or(rest);
        return wildcard_match(pat, tail);
    }
    wildcard_match(pattern, arn)
}

/// Glob matching where `*` matches any run of characters (including `/`) and `?`
/// one character, as IAM does for ARNs and StringLike.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob(pattern.as_bytes(), text.as_bytes(), |a, b| a == b)
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        glob(&p, &t, |a, b| a == b)
    }
}

/// Case-insensitive [`wildcard_match`] (IAM action names).
fn wildcard_match_ci(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob(pattern.as_bytes(), text.as_bytes(), |a, b| {
            a.eq_ignore_ascii_case(b)
        })
    } else {
        wildcard_match(&pattern.to_lowercase(), &text.to_lowercase())
    }
}

/// Iterative glob with backtracking to the last `*` (linear in practice).
fn glob<T: Copy + PartialEq + From<u8>>(p: &[T], t: &[T], eq: impl Fn(&T, &T) -> bool) -> bool {
    let star = T::from(b'*');
    let any = T::from(b'?');
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut last_star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && p[pi] != star && (p[pi] == any || eq(&p[pi], &t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star {
            last_star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = last_star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star {
        pi += 1;
    }
    pi == p.len()
}

enum CtxValue<'a> {
    Str(&'a str),
    Ip(IpAddr),
    Bool(bool),
    Time(SimTime),
}

fn context_value<'a>(key: &str, ctx: &'a PolicyContext<'_>) -> Option<CtxValue<'a>> {
    let k = |name: &str| key.eq_ignore_ascii_case(name);
    if k("aws:SourceIp") {
        ctx.source_ip.map(CtxValue::Ip)
    } else if k("aws:VpcSourceIp") {
        ctx.vpc_source_ip.map(CtxValue::Ip)
    } else if k("aws:SourceVpce") {
        ctx.source_vpce.map(CtxValue::Str)
    } else if k("aws:SourceVpc") {
        ctx.source_vpc.map(CtxValue::Str)
    } else if k("aws:SecureTransport") {
        Some(CtxValue::Bool(ctx.secure_transport))
    } else if k("aws:UserAgent") {
        ctx.user_agent.map(CtxValue::Str)
    } else if k("aws:Referer") {
        ctx.referer.map(CtxValue::Str)
    } else if k("aws:CurrentTime") {
        Some(CtxValue::Time(ctx.now))
    } else if k("aws:PrincipalArn") {
        match ctx.caller {
            Caller::Iam { arn, .. } => Some(CtxValue::Str(arn)),
            Caller::Anonymous => None,
        }
    } else if k("aws:PrincipalAccount") {
        match ctx.caller {
            Caller::Iam { account, .. } => Some(CtxValue::Str(account)),
            Caller::Anonymous => None,
        }
    } else if k("aws:username") {
        match ctx.caller {
            Caller::Iam { name, arn, .. } if arn.contains(":user/") => Some(CtxValue::Str(name)),
            _ => None,
        }
    } else {
        None
    }
}

fn condition_holds(op: &str, key: &str, values: &[String], ctx: &PolicyContext<'_>) -> bool {
    let if_exists = op.ends_with("IfExists");
    let base = op.trim_end_matches("IfExists");
    if base == "Null" {
        let present = context_value(key, ctx).is_some();
        return values.iter().any(|v| {
            if v.eq_ignore_ascii_case("true") {
                !present
            } else {
                present
            }
        });
    }
    let negated = base.contains("Not");
    let Some(actual) = context_value(key, ctx) else {
        // IAM: a missing key makes positive operators false and negated ones true;
        // ...IfExists makes the condition true.
        return if_exists || negated;
    };
    let any = |f: &dyn Fn(&str) -> bool| values.iter().any(|v| f(v));
    let op = match base {
        "NotIpAddress" => "IpAddress",
        "StringNotEquals" => "StringEquals",
        "StringNotEqualsIgnoreCase" => "StringEqualsIgnoreCase",
        "StringNotLike" => "StringLike",
        "ArnNotEquals" => "ArnEquals",
        "ArnNotLike" => "ArnLike",
        other => other,
    };
    let positive = match (op, &actual) {
        ("IpAddress", CtxValue::Ip(ip)) => {
            any(&|v| parse_ip_or_cidr(v).is_some_and(|n| n.contains(ip)))
        }
        ("StringEquals", CtxValue::Str(s)) => any(&|v| v == *s),
        ("StringEqualsIgnoreCase", CtxValue::Str(s)) => any(&|v| v.eq_ignore_ascii_case(s)),
        ("StringLike", CtxValue::Str(s)) => any(&|v| wildcard_match(v, s)),
        ("ArnEquals", CtxValue::Str(s)) => any(&|v| v == *s),
        ("ArnLike", CtxValue::Str(s)) => any(&|v| wildcard_match(v, s)),
        ("Bool", CtxValue::Bool(b)) => {
            any(&|v| v.eq_ignore_ascii_case(if *b { "true" } else { "false" }))
        }
        ("DateGreaterThan", CtxValue::Time(t)) => {
            any(&|v| SimTime::parse_rfc3339(v).is_ok_and(|x| *t > x))
        }
        ("DateLessThan", CtxValue::Time(t)) => {
            any(&|v| SimTime::parse_rfc3339(v).is_ok_and(|x| *t < x))
        }
        // A value of the wrong type never matches.
        _ => false,
    };
    if negated { !positive } else { positive }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const ARN: &str = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/items";

    fn ctx<'a>(caller: &'a Caller, ip: Option<IpAddr>) -> PolicyContext<'a> {
        PolicyContext {
            caller,
            action: "execute-api:Invoke",
            resource: ARN,
            source_ip: ip,
            vpc_source_ip: None,
            source_vpce: None,
            source_vpc: None,
            secure_transport: true,
            user_agent: None,
            referer: None,
            now: SimTime(0),
        }
    }

    fn doc(toml_src: &str) -> PolicyDocument {
        toml::from_str(toml_src).unwrap()
    }

    #[test]
    fn source_ip_allow_and_implicit_deny() {
        let d = doc(r#"
            [[Statement]]
            Effect = "Allow"
            Principal = "*"
            Action = "execute-api:Invoke"
            Resource = "execute-api:/*"
            Condition = { IpAddress = { "aws:SourceIp" = ["192.0.2.0/24"] } }
        "#);
        let anon = Caller::Anonymous;
        let inside = ctx(&anon, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10))));
        assert_eq!(d.evaluate(&inside, true).decision, Decision::Allow);
        let outside = ctx(&anon, Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 5))));
        assert_eq!(d.evaluate(&outside, true).decision, Decision::ImplicitDeny);
    }

    #[test]
    fn explicit_deny_wins_and_missing_key_rules() {
        let d = doc(r#"
            [[Statement]]
            Effect = "Allow"
            Principal = "*"
            Action = "execute-api:Invoke"
            Resource = "execute-api:/*"
            [[Statement]]
            Effect = "Deny"
            Principal = "*"
            Action = "execute-api:Invoke"
            Resource = "execute-api:/*"
            Condition = { StringNotEquals = { "aws:SourceVpce" = "vpce-1a2b3c4d" } }
        "#);
        let anon = Caller::Anonymous;
        // No VPC endpoint: the key is missing, so the negated operator is true -> Deny.
        let c = ctx(&anon, None);
        assert_eq!(d.evaluate(&c, true).decision, Decision::ExplicitDeny);
        let mut c2 = ctx(&anon, None);
        c2.source_vpce = Some("vpce-1a2b3c4d");
        assert_eq!(d.evaluate(&c2, true).decision, Decision::Allow);
        c2.source_vpce = Some("vpce-9999");
        assert!(d.explicit_deny(&c2).is_some());
    }

    #[test]
    fn principals_match_accounts_users_and_star() {
        let alice = Caller::Iam {
            account: "111122223333".into(),
            arn: "arn:aws:iam::111122223333:user/alice".into(),
            name: "alice".into(),
        };
        assert!(aws_principal_matches(
            "arn:aws:iam::111122223333:user/alice",
            &alice
        ));
        assert!(aws_principal_matches("111122223333", &alice));
        assert!(aws_principal_matches(
            "arn:aws:iam::111122223333:root",
            &alice
        ));
        assert!(!aws_principal_matches(
            "arn:aws:iam::444455556666:root",
            &alice
        ));
        assert!(!aws_principal_matches("111122223333", &Caller::Anonymous));
    }

    #[test]
    fn arn_wildcards_and_shorthand() {
        assert!(arn_matches("execute-api:/*", ARN));
        assert!(arn_matches("execute-api:/prod/GET/items", ARN));
        assert!(!arn_matches("execute-api:/prod/POST/*", ARN));
        assert!(arn_matches(
            "arn:aws:execute-api:us-east-1:*:a1b2c3d4e5/prod/*",
            ARN
        ));
        assert!(arn_matches("arn:aws:execute-api:*:*:*/prod/GET/it?ms", ARN));
        assert!(!arn_matches(
            "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/items/1",
            ARN
        ));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
    }

    #[test]
    fn problems_name_bad_cidrs_and_operators() {
        let d = doc(r#"
            [[Statement]]
            Effect = "Allow"
            Principal = "*"
            Action = "execute-api:Invoke"
            Resource = "execute-api:/*"
            Condition = { IpAddress = { "aws:SourceIp" = ["10.0.0.0/33"] }, Frobnicate = { "aws:SourceIp" = "x" } }
        "#);
        let p = d.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().any(|(_, m, _)| m.contains("10.0.0.0/33")));
        assert!(p.iter().any(|(_, m, _)| m.contains("Frobnicate")));
    }
}
