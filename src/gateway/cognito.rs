//! Simulated Amazon Cognito user pools and third-party token issuers.
//!
//! A user pool issues RS256 ID and access tokens with the claims real Cognito
//! puts in them, publishes its key set, and validates tokens the way a REST API
//! `COGNITO_USER_POOLS` authorizer does (fidelity spec §4.1). The checks run
//! in this order, so the trace names the first one that failed:
//!
//! 1. token structure, strict base64url, `alg` = RS256 (see [`crate::gateway::jwt`]);
//! 2. `kid` in this pool's key set (a token from another pool fails here,
//!    because every pool signs with its own key);
//! 3. RS256 signature;
//! 4. `exp` present; `exp`, `nbf`, `iat` against the simulated clock (no leeway);
//! 5. `iss` equals this pool's issuer URL;
//! 6. method without OAuth scopes: `token_use` = `id` and `aud` is one of the
//!    pool's app clients; method with scopes: `token_use` = `access`,
//!    `client_id` is one of the pool's app clients, and `scope` contains at
//!    least one of the method's scopes.
//!
//! [`ThirdPartyIssuer`] is an Auth0-like identity provider whose tokens a
//! Lambda authorizer validates itself (exact issuer, audience, expiry).

use crate::gateway::jwt::{self, Claims, Jwk, JwtFailure, JwtFailureKind, RsaKey};
use crate::gateway::time::SimTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fmt;

/// Scopes every user pool can put in an access token besides its resource-server scopes.
pub const STANDARD_SCOPES: [&str; 5] = [
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// The scope of an access token obtained by a direct sign-in through the
/// Cognito API (no OAuth scopes requested).
pub const SIGNIN_SCOPE: &str = "aws.cognito.signin.user.admin";

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// One simulated user pool (`[[user-pools]]`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UserPoolConfig {
    /// Pool id, `<region>_<suffix>`, e.g. `us-east-1_Cust0mers`; the region is taken from it.
    pub id: String,
    /// Short name used in traces and lessons, e.g. `customers`.
    pub name: String,
    /// Name of the built-in key pair the pool signs with (see `jwt::builtin_key_names`).
    pub key: String,
    /// App clients: the `aud` of ID tokens and the `client_id` of access tokens.
    #[serde(default)]
    pub clients: Vec<AppClient>,
    /// Users who can sign in.
    #[serde(default)]
    pub users: Vec<PoolUser>,
    /// Resource-server scopes the pool can issue.
    #[serde(default)]
    pub scopes: Vec<ScopeConfig>,
}

/// An app client of a pool (`[[user-pools.clients]]`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AppClient {
    /// App client id.
    pub id: String,
}

/// A user of a pool (`[[user-pools.users]]`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PoolUser {
    /// The name lessons and scenarios use for this user. For a federated user
    /// the token's username is `<provider>_<id>` instead (see [`Federation`]).
    pub username: String,
    /// Cognito groups (`cognito:groups`).
    #[serde(default)]
    pub groups: Vec<String>,
    /// Email address, put in ID tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The external identity provider the user signs in with, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federated: Option<Federation>,
}

/// A resource-server scope (`[[user-pools.scopes]]`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScopeConfig {
    /// Full scope name, `<resource server identifier>/<scope>`, e.g.
    /// `https://api.example.com/orders.read`.
    pub name: String,
}

/// External identity providers a user pool can federate with, named as in
/// the Cognito API's provider types. In TOML: `google`, `facebook`, `apple`,
/// `amazon`, `saml:<provider name>` or `oidc:<provider name>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(try_from = "String", into = "String")]
pub enum Federation {
    /// Google (provider type `Google`).
    Google,
    /// Facebook (provider type `Facebook`).
    Facebook,
    /// Sign in with Apple (provider type `SignInWithApple`).
    SignInWithApple,
    /// Login with Amazon (provider type `LoginWithAmazon`).
    LoginWithAmazon,
    /// A SAML 2.0 identity provider with this provider name.
    Saml(String),
    /// An OpenID Connect identity provider with this provider name.
    Oidc(String),
}

impl Federation {
    /// The provider type, as in the `identities` claim.
    pub fn provider_type(&self) -> &'static str {
        match self {
            Federation::Google => "Google",
            Federation::Facebook => "Facebook",
            Federation::SignInWithApple => "SignInWithApple",
            Federation::LoginWithAmazon => "LoginWithAmazon",
            Federation::Saml(_) => "SAML",
            Federation::Oidc(_) => "OIDC",
        }
    }

    /// The provider name: the type for social providers, the configured name for SAML/OIDC.
    pub fn provider_name(&self) -> &str {
        match self {
            Federation::Saml(name) | Federation::Oidc(name) => name,
            other => other.provider_type(),
        }
    }

    /// Prefix of the Cognito username of users from this provider.
    fn username_prefix(&self) -> String {
        match self {
            Federation::Saml(name) | Federation::Oidc(name) => name.clone(),
            other => other.provider_type().to_ascii_lowercase(),
        }
    }
}

impl TryFrom<String> for Federation {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let named = |kind: &str, name: &str| -> Result<String, String> {
            if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_whitespace)
            {
                Err(format!(
                    "{kind} provider name \"{name}\" must be 1 to 32 characters without spaces"
                ))
            } else {
                Ok(name.to_string())
            }
        };
        match s.as_str() {
            "google" => Ok(Federation::Google),
            "facebook" => Ok(Federation::Facebook),
            "apple" => Ok(Federation::SignInWithApple),
            "amazon" => Ok(Federation::LoginWithAmazon),
            _ => {
                if let Some(name) = s.strip_prefix("saml:") {
                    named("SAML", name).map(Federation::Saml)
                } else if let Some(name) = s.strip_prefix("oidc:") {
                    named("OIDC", name).map(Federation::Oidc)
                } else {
                    Err(format!(
                        "unknown federation \"{s}\"; use google, facebook, apple, amazon, saml:<name> or oidc:<name>"
                    ))
                }
            }
        }
    }
}

impl From<Federation> for String {
    fn from(f: Federation) -> String {
        f.to_string()
    }
}

impl fmt::Display for Federation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Federation::Google => f.write_str("google"),
            Federation::Facebook => f.write_str("facebook"),
            Federation::SignInWithApple => f.write_str("apple"),
            Federation::LoginWithAmazon => f.write_str("amazon"),
            Federation::Saml(name) => write!(f, "saml:{name}"),
            Federation::Oidc(name) => write!(f, "oidc:{name}"),
        }
    }
}

/// A third-party identity provider (`[[issuers]]`), e.g. an Auth0 tenant, whose
/// tokens a Lambda authorizer validates.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ThirdPartyIssuer {
    /// Short name used in traces and lessons.
    pub name: String,
    /// The `iss` value, matched exactly (a trailing slash included).
    pub issuer: String,
    /// The `aud` the API expects.
    pub audience: String,
    /// Name of the built-in key pair the issuer signs with.
    pub key: String,
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// Who a valid pool token identifies, for the rest of the pipeline and the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct CognitoIdentity {
    /// The user's `sub`.
    pub sub: String,
    /// `cognito:username` (ID token) or `username` (access token).
    pub username: String,
    /// `cognito:groups` (empty when the user is in no group).
    pub groups: Vec<String>,
    /// The `token_use` claim: `id` or `access`.
    pub token_use: String,
    /// The app client (`aud` of an ID token, `client_id` of an access token).
    pub client_id: String,
    /// Scopes of an access token (empty for ID tokens).
    pub scopes: Vec<String>,
    /// All claims, in token order.
    pub claims: Claims,
    /// `exp` as a simulated instant.
    pub expires_at: Option<SimTime>,
    /// One line for the trace.
    pub summary: String,
}

/// One configuration problem: a key path (e.g. `["clients", "1", "id"]`,
/// indexes written as numbers), the message, and a hint.
pub type Problem = (Vec<String>, String, String);

fn problem(path: &[&str], message: String, hint: impl Into<String>) -> Problem {
    (
        path.iter().map(|s| s.to_string()).collect(),
        message,
        hint.into(),
    )
}

// ---------------------------------------------------------------------------
// Deterministic identifiers
// ---------------------------------------------------------------------------

fn digest(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]); // unit separator: ("ab","c") and ("a","bc") differ
    }
    h.finalize().into()
}

/// A version-4-shaped UUID derived from `parts` (Cognito's `sub`, `jti`,
/// `origin_jti` and `event_id` are random UUIDs; ours are stable so runs replay).
fn uuid_like(parts: &[&str]) -> String {
    let d = digest(parts);
    let mut b = [0u8; 16];
    for (slot, byte) in b.iter_mut().zip(d.iter()) {
        *slot = *byte;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `len` (at most 32) decimal digits derived from `parts`, never starting with 0.
fn digits(parts: &[&str], len: usize) -> String {
    let d = digest(parts);
    let mut out: String = d
        .iter()
        .map(|b| char::from(b'0' + b % 10))
        .take(len)
        .collect();
    if out.starts_with('0') {
        out.replace_range(0..1, "1");
    }
    out
}

fn json_map(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// The header Cognito-style tokens carry when no key could sign them.
fn unsigned_token(claims: &Claims) -> String {
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(jwt::RS256));
    jwt::unsigned(&header, claims)
}

// ---------------------------------------------------------------------------
// User pools
// ---------------------------------------------------------------------------

impl UserPoolConfig {
    /// The region, taken from the pool id (`us-east-1_Cust0mers` → `us-east-1`).
    pub fn region(&self) -> &str {
        self.id.split_once('_').map_or(self.id.as_str(), |(r, _)| r)
    }

    /// `https://cognito-idp.{region}.amazonaws.com/{id}`, the `iss` of every token.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region(),
            self.id
        )
    }

    /// Where the pool publishes its key set.
    pub fn jwks_uri(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer())
    }

    /// The pool's signing key, if the configured name is a built-in key.
    pub fn signing_key(&self) -> Option<&'static RsaKey> {
        jwt::builtin_key(&self.key)
    }

    /// The pool's key set (one key; empty when the key name is unknown).
    pub fn jwks(&self) -> Vec<Jwk> {
        self.signing_key().map(RsaKey::jwk).into_iter().collect()
    }

    /// The key set as served at [`Self::jwks_uri`].
    pub fn jwks_json(&self) -> Value {
        jwt::jwks_json(&self.jwks())
    }

    /// A user by configured username.
    pub fn user(&self, username: &str) -> Option<&PoolUser> {
        self.users.iter().find(|u| u.username == username)
    }

    /// An app client by id.
    pub fn client(&self, client_id: &str) -> Option<&AppClient> {
        self.clients.iter().find(|c| c.id == client_id)
    }

    fn client_list(&self) -> String {
        self.clients
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Scopes this pool can put in an access token: the standard ones and its
    /// resource-server scopes.
    pub fn issuable_scopes(&self) -> Vec<&str> {
        STANDARD_SCOPES
            .iter()
            .copied()
            .chain(self.scopes.iter().map(|s| s.name.as_str()))
            .collect()
    }

    /// The requested scopes this pool could not issue (real Cognito refuses
    /// them; the simulator still mints them so that a scenario can show what
    /// the authorizer does with such a token, and scenario checks can warn).
    pub fn unknown_scopes<'a>(&self, scopes: &'a [impl AsRef<str>]) -> Vec<&'a str> {
        let issuable = self.issuable_scopes();
        scopes
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| !issuable.contains(s))
            .collect()
    }

    /// The user's Cognito username: the configured name, or `<provider>_<id>`
    /// for a federated user (`google_1045…`, `AcmeAD_sam@acme.example`).
    pub fn cognito_username(&self, user: &PoolUser) -> String {
        match &user.federated {
            None => user.username.clone(),
            Some(f) => format!(
                "{}_{}",
                f.username_prefix(),
                self.federated_user_id(user, f)
            ),
        }
    }

    /// The user's id at the external provider, in that provider's usual shape.
    fn federated_user_id(&self, user: &PoolUser, f: &Federation) -> String {
        let seed = [self.id.as_str(), user.username.as_str(), "federated"];
        match f {
            Federation::Google => digits(&seed, 21),
            Federation::Facebook => digits(&seed, 16),
            Federation::SignInWithApple => {
                let hex: String = digest(&seed)
                    .iter()
                    .take(16)
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let d = digits(&seed, 7);
                format!("000{}.{hex}.{}", &d[..3], &d[3..7])
            }
            Federation::LoginWithAmazon => {
                const ALNUM: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                let tail: String = digest(&seed)
                    .iter()
                    .take(28)
                    .map(|b| char::from(ALNUM[*b as usize % ALNUM.len()]))
                    .collect();
                format!("amzn1.account.{tail}")
            }
            Federation::Saml(_) => user.email.clone().unwrap_or_else(|| user.username.clone()),
            Federation::Oidc(_) => uuid_like(&seed),
        }
    }

    /// The user's `sub`: stable for a pool and username.
    pub fn sub_of(&self, user: &PoolUser) -> String {
        uuid_like(&["sub", &self.id, &user.username])
    }

    /// (origin_jti, event_id, auth_time) shared by both tokens of one sign-in at `now`.
    fn session(&self, user: &PoolUser, client: &AppClient, now: SimTime) -> (String, String, u64) {
        let auth_time = now.unix_secs();
        let t = auth_time.to_string();
        let origin_jti = uuid_like(&["origin", &self.id, &user.username, &client.id, &t]);
        let event_id = uuid_like(&["event", &self.id, &user.username, &client.id, &t]);
        (origin_jti, event_id, auth_time)
    }

    /// The claims of an ID token for `user`, signed in through `client` at
    /// `now` and valid for `ttl_secs`, in the order Cognito writes them.
    pub fn id_token_claims(
        &self,
        user: &PoolUser,
        client: &AppClient,
        now: SimTime,
        ttl_secs: u64,
    ) -> Claims {
        let (origin_jti, event_id, iat) = self.session(user, client, now);
        let jti = uuid_like(&["jti", "id", &origin_jti]);
        let mut c = Claims::new();
        c.insert("sub".into(), Value::from(self.sub_of(user)));
        if !user.groups.is_empty() {
            c.insert("cognito:groups".into(), Value::from(user.groups.clone()));
        }
        if user.email.is_some() {
            c.insert("email_verified".into(), Value::Bool(true));
        }
        c.insert("iss".into(), Value::from(self.issuer()));
        c.insert(
            "cognito:username".into(),
            Value::from(self.cognito_username(user)),
        );
        c.insert("origin_jti".into(), Value::from(origin_jti));
        c.insert("aud".into(), Value::from(client.id.clone()));
        if let Some(f) = &user.federated {
            let created_days = 1 + u64::from(digest(&[&self.id, &user.username, "created"])[0]);
            let created_ms = iat
                .saturating_sub(created_days * 86_400)
                .saturating_mul(1000);
            let identity = json_map(vec![
                ("userId", Value::from(self.federated_user_id(user, f))),
                ("providerName", Value::from(f.provider_name())),
                ("providerType", Value::from(f.provider_type())),
                ("issuer", Value::Null),
                ("primary", Value::from("true")),
                ("dateCreated", Value::from(created_ms.to_string())),
            ]);
            c.insert(
                "identities".into(),
                Value::Array(vec![Value::Object(identity)]),
            );
        }
        c.insert("event_id".into(), Value::from(event_id));
        c.insert("token_use".into(), Value::from("id"));
        c.insert("auth_time".into(), Value::from(iat));
        c.insert("exp".into(), Value::from(iat.saturating_add(ttl_secs)));
        c.insert("iat".into(), Value::from(iat));
        c.insert("jti".into(), Value::from(jti));
        if let Some(email) = &user.email {
            c.insert("email".into(), Value::from(email.clone()));
        }
        c
    }

    /// The claims of an access token. With no `scopes` the token carries
    /// `aws.cognito.signin.user.admin`, as after a direct API sign-in.
    pub fn access_token_claims(
        &self,
        user: &PoolUser,
        client: &AppClient,
        scopes: &[impl AsRef<str>],
        now: SimTime,
        ttl_secs: u64,
    ) -> Claims {
        let scope = if scopes.is_empty() {
            SIGNIN_SCOPE.to_string()
        } else {
            scopes
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let (origin_jti, event_id, iat) = self.session(user, client, now);
        let jti = uuid_like(&["jti", "access", &origin_jti, &scope]);
        let mut c = Claims::new();
        c.insert("sub".into(), Value::from(self.sub_of(user)));
        if !user.groups.is_empty() {
            c.insert("cognito:groups".into(), Value::from(user.groups.clone()));
        }
        c.insert("iss".into(), Value::from(self.issuer()));
        c.insert("version".into(), Value::from(2));
        c.insert("client_id".into(), Value::from(client.id.clone()));
        c.insert("origin_jti".into(), Value::from(origin_jti));
        c.insert("event_id".into(), Value::from(event_id));
        c.insert("token_use".into(), Value::from("access"));
        c.insert("scope".into(), Value::from(scope));
        c.insert("auth_time".into(), Value::from(iat));
        c.insert("exp".into(), Value::from(iat.saturating_add(ttl_secs)));
        c.insert("iat".into(), Value::from(iat));
        c.insert("jti".into(), Value::from(jti));
        c.insert("username".into(), Value::from(self.cognito_username(user)));
        c
    }

    /// Sign claims with the pool's key. If the key name is not a built-in key
    /// (which [`Self::validate`] reports), the token has no kid and an empty
    /// signature, so every verifier refuses it.
    pub fn sign(&self, claims: &Claims) -> String {
        match self.signing_key() {
            Some(key) => jwt::sign_rs256(claims, key),
            None => unsigned_token(claims),
        }
    }

    /// An ID token (see [`Self::id_token_claims`]).
    pub fn issue_id_token(
        &self,
        user: &PoolUser,
        client: &AppClient,
        now: SimTime,
        ttl_secs: u64,
    ) -> String {
        self.sign(&self.id_token_claims(user, client, now, ttl_secs))
    }

    /// An access token (see [`Self::access_token_claims`]).
    pub fn issue_access_token(
        &self,
        user: &PoolUser,
        client: &AppClient,
        scopes: &[impl AsRef<str>],
        now: SimTime,
        ttl_secs: u64,
    ) -> String {
        self.sign(&self.access_token_claims(user, client, scopes, now, ttl_secs))
    }

    /// Validate a token as a REST API `COGNITO_USER_POOLS` authorizer for a
    /// method with `method_scopes` (empty: the method takes ID tokens), in
    /// the order given in the module documentation. `token` is the header
    /// value as sent: a `Bearer ` prefix is not stripped.
    pub fn validate_for_api(
        &self,
        token: &str,
        method_scopes: &[String],
        now: SimTime,
    ) -> Result<CognitoIdentity, JwtFailure> {
        use JwtFailureKind as K;
        let keys = self.jwks();
        let verified = jwt::verify_with(token, &keys, now, 0, jwt::KidRule::Required)?;
        let claims = verified.claims;
        let text = |name: &str| -> Result<Option<String>, JwtFailure> {
            match claims.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(JwtFailure::new(
                    K::InvalidClaim { claim: name.into() },
                    format!("{name} must be a string"),
                )),
            }
        };
        let missing = |name: &str, why: &str| {
            JwtFailure::new(
                K::MissingClaim { claim: name.into() },
                format!("the token has no {name} claim; {why}"),
            )
        };
        if !claims.contains_key("exp") {
            return Err(missing("exp", "a pool token always carries an expiry"));
        }
        let issuer = self.issuer();
        let iss = text("iss")?
            .ok_or_else(|| missing("iss", "the authorizer cannot tell which pool issued it"))?;
        if iss != issuer {
            return Err(JwtFailure::new(
                K::WrongIssuer,
                format!(
                    "iss is {iss}, but this authorizer trusts pool {} ({issuer})",
                    self.name
                ),
            ));
        }
        let token_use = text("token_use")?.ok_or_else(|| {
            missing(
                "token_use",
                "a pool token is either an ID token or an access token",
            )
        })?;
        let clients = self.client_list();
        let (client_id, scopes) = if method_scopes.is_empty() {
            if token_use != "id" {
                return Err(JwtFailure::new(
                    K::WrongTokenUse,
                    format!(
                        "this method has no OAuth scopes, so it takes an ID token; this token has token_use \"{token_use}\" (send the ID token, or add scopes to the method)"
                    ),
                ));
            }
            let aud = text("aud")?
                .ok_or_else(|| missing("aud", "an ID token names its app client in aud"))?;
            if self.client(&aud).is_none() {
                return Err(JwtFailure::new(
                    K::WrongAudience,
                    format!(
                        "aud \"{aud}\" is not an app client of pool {} ({clients})",
                        self.name
                    ),
                ));
            }
            (aud, Vec::new())
        } else {
            if token_use != "access" {
                return Err(JwtFailure::new(
                    K::WrongTokenUse,
                    format!(
                        "this method requires OAuth scopes, so it takes an access token; this token has token_use \"{token_use}\" and no scopes"
                    ),
                ));
            }
            let client_id = text("client_id")?.ok_or_else(|| {
                missing(
                    "client_id",
                    "an access token names its app client in client_id",
                )
            })?;
            if self.client(&client_id).is_none() {
                return Err(JwtFailure::new(
                    K::WrongAudience,
                    format!(
                        "client_id \"{client_id}\" is not an app client of pool {} ({clients})",
                        self.name
                    ),
                ));
            }
            let scope = text("scope")?.unwrap_or_default();
            let scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
            if !method_scopes.iter().any(|m| scopes.contains(m)) {
                let have = if scopes.is_empty() {
                    "no scopes".to_string()
                } else {
                    format!("scopes {}", scopes.join(" "))
                };
                return Err(JwtFailure::new(
                    K::MissingScope,
                    format!(
                        "the token has {have}, none of the method's scopes ({}); one match would be enough",
                        method_scopes.join(" ")
                    ),
                ));
            }
            (client_id, scopes)
        };
        let sub = text("sub")?.unwrap_or_default();
        let username_claim = if token_use == "id" {
            "cognito:username"
        } else {
            "username"
        };
        let username = text(username_claim)?.unwrap_or_else(|| sub.clone());
        let groups: Vec<String> = claims
            .get("cognito:groups")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let summary = self.summary(
            &token_use,
            &username,
            &groups,
            &client_id,
            method_scopes,
            &scopes,
            verified.expires_at,
        );
        Ok(CognitoIdentity {
            sub,
            username,
            groups,
            token_use,
            client_id,
            scopes,
            claims,
            expires_at: verified.expires_at,
            summary,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn summary(
        &self,
        token_use: &str,
        username: &str,
        groups: &[String],
        client_id: &str,
        method_scopes: &[String],
        scopes: &[String],
        expires_at: Option<SimTime>,
    ) -> String {
        let kind = if token_use == "id" {
            "ID token"
        } else {
            "access token"
        };
        let groups = if groups.is_empty() {
            "no groups".to_string()
        } else {
            format!("groups {}", groups.join(", "))
        };
        let mut s = format!(
            "{kind} of {username} ({groups}) from pool {} via app client {client_id}",
            self.name
        );
        if !method_scopes.is_empty() {
            let matched: Vec<&str> = method_scopes
                .iter()
                .filter(|m| scopes.contains(m))
                .map(String::as_str)
                .collect();
            s.push_str(&format!(", scope {} matches the method", matched.join(" ")));
        }
        if let Some(exp) = expires_at {
            s.push_str(&format!(", expires {exp}"));
        }
        s
    }

    /// Problems with this pool on its own, with paths relative to the pool:
    /// an id not of the form `<region>_<suffix>`, an empty name, an unknown
    /// key name, no app clients, invalid or duplicate client ids, empty or
    /// duplicate usernames, duplicate groups, malformed emails, scope names
    /// not of the form `<resource server>/<scope>`, duplicate scopes.
    pub fn validate(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Some(msg) = pool_id_problem(&self.id) {
            out.push(problem(
                &["id"],
                msg,
                "write <region>_<suffix>, e.g. us-east-1_Cust0mers (real suffixes have 9 letters and digits)",
            ));
        }
        if self.name.trim().is_empty() {
            out.push(problem(
                &["name"],
                "the pool name is empty".into(),
                "give the pool a short name, e.g. \"customers\"",
            ));
        }
        if jwt::builtin_key(&self.key).is_none() {
            out.push(problem(
                &["key"],
                format!("\"{}\" is not a built-in key", self.key),
                format!("use one of: {}", jwt::builtin_key_names().join(", ")),
            ));
        }
        if self.clients.is_empty() {
            out.push(problem(
                &["clients"],
                format!(
                    "pool \"{}\" has no app clients, so it cannot issue tokens",
                    self.name
                ),
                "add [[user-pools.clients]] with an id",
            ));
        }
        let mut client_ids = BTreeSet::new();
        for (j, c) in self.clients.iter().enumerate() {
            let j = j.to_string();
            let at = ["clients", j.as_str(), "id"];
            if c.id.is_empty()
                || c.id.len() > 128
                || !c
                    .id
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "_+-".contains(ch))
            {
                out.push(problem(
                    &at,
                    format!("app client id \"{}\" is not valid", c.id),
                    "use 1 to 128 letters, digits, '_', '+' or '-'",
                ));
            }
            if !client_ids.insert(c.id.as_str()) {
                out.push(problem(
                    &at,
                    format!("duplicate app client id \"{}\"", c.id),
                    "each app client needs its own id",
                ));
            }
        }
        let mut usernames = BTreeSet::new();
        for (j, u) in self.users.iter().enumerate() {
            let j = j.to_string();
            let at = |k: &'static str| ["users", j.as_str(), k];
            if u.username.is_empty() || u.username.chars().any(char::is_whitespace) {
                out.push(problem(
                    &at("username"),
                    format!("username \"{}\" is empty or contains spaces", u.username),
                    "use a single word such as alice",
                ));
            }
            if !usernames.insert(u.username.as_str()) {
                out.push(problem(
                    &at("username"),
                    format!(
                        "duplicate username \"{}\" in pool \"{}\"",
                        u.username, self.name
                    ),
                    "usernames are unique within a pool",
                ));
            }
            let mut groups = BTreeSet::new();
            for g in &u.groups {
                if g.trim().is_empty() || !groups.insert(g.as_str()) {
                    out.push(problem(
                        &at("groups"),
                        format!("group \"{g}\" is empty or listed twice"),
                        "list each group once",
                    ));
                }
            }
            if let Some(email) = &u.email {
                let ok = !email.contains(char::is_whitespace)
                    && email
                        .split_once('@')
                        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
                if !ok {
                    out.push(problem(
                        &at("email"),
                        format!("\"{email}\" is not an email address"),
                        "write it as name@example.com",
                    ));
                }
            }
        }
        let mut scope_names = BTreeSet::new();
        for (j, sc) in self.scopes.iter().enumerate() {
            let j = j.to_string();
            let at = ["scopes", j.as_str(), "name"];
            if let Some(msg) = scope_problem(&sc.name) {
                out.push(problem(
                    &at,
                    msg,
                    "write <resource server>/<scope>, e.g. https://api.example.com/orders.read or orders/read",
                ));
            }
            if !scope_names.insert(sc.name.as_str()) {
                out.push(problem(
                    &at,
                    format!("duplicate scope \"{}\"", sc.name),
                    "list each scope once",
                ));
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Third-party issuers
// ---------------------------------------------------------------------------

impl ThirdPartyIssuer {
    /// The issuer's signing key, if the configured name is a built-in key.
    pub fn signing_key(&self) -> Option<&'static RsaKey> {
        jwt::builtin_key(&self.key)
    }

    /// The issuer's key set (one key; empty when the key name is unknown).
    pub fn jwks(&self) -> Vec<Jwk> {
        self.signing_key().map(RsaKey::jwk).into_iter().collect()
    }

    /// Where the issuer publishes its key set (`<issuer>/.well-known/jwks.json`).
    pub fn jwks_uri(&self) -> String {
        format!(
            "{}/.well-known/jwks.json",
            self.issuer.trim_end_matches('/')
        )
    }

    /// Issue a token for `subject` at `now`: `iss`, `sub`, `aud`, `iat`, `exp`,
    /// then `claims_extra` (which may override any of them, so a lesson can
    /// mint a wrongly addressed token with the right key). With an unknown key
    /// name the token is unsigned and every verifier refuses it.
    pub fn issue(
        &self,
        subject: &str,
        claims_extra: &Claims,
        now: SimTime,
        ttl_secs: u64,
    ) -> String {
        let iat = now.unix_secs();
        let mut c = json_map(vec![
            ("iss", Value::from(self.issuer.clone())),
            ("sub", Value::from(subject)),
            ("aud", Value::from(self.audience.clone())),
            ("iat", Value::from(iat)),
            ("exp", Value::from(iat.saturating_add(ttl_secs))),
        ]);
        for (k, v) in claims_extra {
            c.insert(k.clone(), v.clone());
        }
        match self.signing_key() {
            Some(key) => jwt::sign_rs256(&c, key),
            None => unsigned_token(&c),
        }
    }

    /// Validate a token as a careful Lambda authorizer would: RS256 with a
    /// kid from this issuer's key set, `exp` present and in the future, `iss`
    /// equal to the configured issuer (exactly), and `aud` equal to (or, for
    /// an array, containing) the configured audience.
    pub fn validate(&self, token: &str, now: SimTime) -> Result<Claims, JwtFailure> {
        use JwtFailureKind as K;
        let verified = jwt::verify_with(token, &self.jwks(), now, 0, jwt::KidRule::Required)?;
        let claims = verified.claims;
        if !claims.contains_key("exp") {
            return Err(JwtFailure::new(
                K::MissingClaim {
                    claim: "exp".into(),
                },
                "the token has no exp claim, so it would never expire",
            ));
        }
        match claims.get("iss") {
            Some(Value::String(iss)) if *iss == self.issuer => {}
            Some(Value::String(iss)) => {
                let hint = if iss.trim_end_matches('/') == self.issuer.trim_end_matches('/') {
                    " (they differ only in the trailing slash, and the match is exact)"
                } else {
                    ""
                };
                return Err(JwtFailure::new(
                    K::WrongIssuer,
                    format!(
                        "iss is {iss}, but the trusted issuer is {}{hint}",
                        self.issuer
                    ),
                ));
            }
            Some(_) => {
                return Err(JwtFailure::new(
                    K::InvalidClaim {
                        claim: "iss".into(),
                    },
                    "iss must be a string",
                ));
            }
            None => {
                return Err(JwtFailure::new(
                    K::MissingClaim {
                        claim: "iss".into(),
                    },
                    "the token has no iss claim",
                ));
            }
        }
        let aud_ok = match claims.get("aud") {
            Some(Value::String(a)) => *a == self.audience,
            Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(&self.audience)),
            Some(_) => false,
            None => {
                return Err(JwtFailure::new(
                    K::MissingClaim {
                        claim: "aud".into(),
                    },
                    format!(
                        "the token has no aud claim; the API expects {}",
                        self.audience
                    ),
                ));
            }
        };
        if !aud_ok {
            let found = claims.get("aud").map(Value::to_string).unwrap_or_default();
            return Err(JwtFailure::new(
                K::WrongAudience,
                format!("aud is {found}, but this API is {}", self.audience),
            ));
        }
        Ok(claims)
    }

    /// Problems with this issuer on its own, with paths relative to it: an
    /// empty name, an issuer that is not an https URL, an empty audience, an
    /// unknown key name.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push(problem(
                &["name"],
                "the issuer name is empty".into(),
                "give it a short name, e.g. \"auth0\"",
            ));
        }
        let host = self.issuer.strip_prefix("https://").unwrap_or("");
        if host.is_empty() || host.starts_with('/') || self.issuer.contains(char::is_whitespace) {
            out.push(problem(
                &["issuer"],
                format!("issuer \"{}\" is not an https URL", self.issuer),
                "write the exact iss value, e.g. https://example-tenant.auth0.example/ (with the trailing slash if the provider uses one)",
            ));
        }
        if self.audience.trim().is_empty() {
            out.push(problem(
                &["audience"],
                "the audience is empty".into(),
                "write the API identifier tokens are issued for, e.g. https://api.example.com",
            ));
        }
        if jwt::builtin_key(&self.key).is_none() {
            out.push(problem(
                &["key"],
                format!("\"{}\" is not a built-in key", self.key),
                format!("use one of: {}", jwt::builtin_key_names().join(", ")),
            ));
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Validation of the whole identity configuration
// ---------------------------------------------------------------------------

/// Every problem in the identity part of a configuration, with paths from the
/// top (`["user-pools", "0", "clients", "1", "id"]`): each pool's and each
/// issuer's own problems, plus duplicate pool ids, pool names and issuer names.
pub fn validate(pools: &[UserPoolConfig], issuers: &[ThirdPartyIssuer]) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    let prefixed = |top: &str, i: usize, (path, m, h): Problem| -> Problem {
        let mut p = vec![top.to_string(), i.to_string()];
        p.extend(path);
        (p, m, h)
    };
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (i, pool) in pools.iter().enumerate() {
        if !ids.insert(pool.id.as_str()) {
            out.push(prefixed(
                "user-pools",
                i,
                problem(
                    &["id"],
                    format!("duplicate user pool id \"{}\"", pool.id),
                    "each pool needs its own id",
                ),
            ));
        }
        if !pool.name.trim().is_empty() && !names.insert(pool.name.as_str()) {
            out.push(prefixed(
                "user-pools",
                i,
                problem(
                    &["name"],
                    format!("duplicate user pool name \"{}\"", pool.name),
                    "traces name pools by name, so names must differ",
                ),
            ));
        }
        out.extend(
            pool.validate()
                .into_iter()
                .map(|p| prefixed("user-pools", i, p)),
        );
    }
    let mut issuer_names = BTreeSet::new();
    for (i, iss) in issuers.iter().enumerate() {
        if !iss.name.trim().is_empty() && !issuer_names.insert(iss.name.as_str()) {
            out.push(prefixed(
                "issuers",
                i,
                problem(
                    &["name"],
                    format!("duplicate issuer name \"{}\"", iss.name),
                    "each issuer needs its own name",
                ),
            ));
        }
        out.extend(
            iss.problems()
                .into_iter()
                .map(|p| prefixed("issuers", i, p)),
        );
    }
    out
}

/// Why a pool id is not `<region>_<suffix>`, if it is not.
fn pool_id_problem(id: &str) -> Option<String> {
    let Some((region, suffix)) = id.split_once('_') else {
        return Some(format!(
            "pool id \"{id}\" has no '_' between region and suffix"
        ));
    };
    let parts: Vec<&str> = region.split('-').collect();
    let lower = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    let region_ok = parts.len() >= 3
        && parts.first().is_some_and(|p| p.len() == 2 && lower(p))
        && parts
            .get(1..parts.len() - 1)
            .is_some_and(|mid| mid.iter().all(lower))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if !region_ok {
        return Some(format!(
            "\"{region}\" in pool id \"{id}\" is not an AWS region such as us-east-1"
        ));
    }
    if suffix.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(format!(
            "the suffix of pool id \"{id}\" must be letters and digits"
        ));
    }
    None
}

/// Why a scope name is not `<resource server>/<scope>`, if it is not.
fn scope_problem(name: &str) -> Option<String> {
    if name
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c == '\\')
    {
        return Some(format!(
            "scope \"{name}\" contains a space, quote or backslash (scopes are space separated in tokens)"
        ));
    }
    match name.rsplit_once('/') {
        Some((server, scope)) if !server.is_empty() && !scope.is_empty() => {
            if server.contains("://")
                && !(server.starts_with("https://") || server.starts_with("http://"))
            {
                Some(format!(
                    "scope \"{name}\" has a resource server URL that is not http(s)"
                ))
            } else if server.ends_with("://") {
                Some(format!(
                    "scope \"{name}\" has a resource server URL with no host"
                ))
            } else {
                None
            }
        }
        _ => Some(format!(
            "scope \"{name}\" is not of the form <resource server>/<scope>"
        )),
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::jwt::{Tamper, tamper, verify_rs256};
    use crate::gateway::time::{DEFAULT_EPOCH, SimDuration};
    use serde_json::json;

    const CONFIG: &str = r#"
[[user-pools]]
id = "us-east-1_Cust0mers"
name = "customers"
key = "pool-customers"
[[user-pools.clients]]
id = "web-client"
[[user-pools.clients]]
id = "mobile-client"
[[user-pools.users]]
username = "alice"
groups = ["admin"]
email = "alice@example.com"
[[user-pools.users]]
username = "gina"
email = "gina@example.com"
federated = "google"
[[user-pools.users]]
username = "sam"
federated = "saml:AcmeAD"
email = "sam@acme.example"
[[user-pools.scopes]]
name = "https://api.example.com/orders.read"
[[user-pools.scopes]]
name = "https://api.example.com/orders.write"

[[user-pools]]
id = "eu-west-1_Staff"
name = "staff"
key = "pool-staff"
[[user-pools.clients]]
id = "staff-portal"
[[user-pools.users]]
username = "alice"

[[issuers]]
name = "auth0"
issuer = "https://example-tenant.auth0.example/"
audience = "https://api.example.com"
key = "idp-auth0"
"#;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Doc {
        user_pools: Vec<UserPoolConfig>,
        issuers: Vec<ThirdPartyIssuer>,
    }

    fn doc() -> Doc {
        toml::from_str(CONFIG).unwrap()
    }

    fn now() -> SimTime {
        DEFAULT_EPOCH
    }

    fn later(secs: u64) -> SimTime {
        DEFAULT_EPOCH.plus(SimDuration::from_secs(secs))
    }

    const READ: &str = "https://api.example.com/orders.read";
    const WRITE: &str = "https://api.example.com/orders.write";

    /// (pool, user, client) by name, for brevity.
    fn who<'a>(
        pool: &'a UserPoolConfig,
        user: &str,
        client: &str,
    ) -> (&'a PoolUser, &'a AppClient) {
        (pool.user(user).unwrap(), pool.client(client).unwrap())
    }

    #[test]
    fn config_parses_and_is_valid() {
        let d = doc();
        assert_eq!(validate(&d.user_pools, &d.issuers), Vec::<Problem>::new());
        let pool = &d.user_pools[0];
        assert_eq!(pool.region(), "us-east-1");
        assert_eq!(
            pool.issuer(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Cust0mers"
        );
        assert_eq!(
            pool.jwks_uri(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Cust0mers/.well-known/jwks.json"
        );
        assert_eq!(pool.users[1].federated, Some(Federation::Google));
        assert_eq!(
            pool.users[2].federated,
            Some(Federation::Saml("AcmeAD".into()))
        );
        let keys = pool.jwks_json();
        assert_eq!(
            keys["keys"][0]["kid"],
            json!(jwt::builtin_key("pool-customers").unwrap().kid())
        );
        // Unknown keys and bad federation values are refused by serde.
        let bad = CONFIG.replace("federated = \"google\"", "federated = \"twitter\"");
        let err = toml::from_str::<Doc>(&bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unknown federation \"twitter\""), "{err}");
        let bad = CONFIG.replace("federated = \"google\"", "federated = \"saml:\"");
        assert!(toml::from_str::<Doc>(&bad).is_err());
        let bad = CONFIG.replace(
            "name = \"customers\"",
            "name = \"customers\"\nregion = \"x\"",
        );
        assert!(toml::from_str::<Doc>(&bad).is_err());
        // Serialisation round-trips the kebab-case shape.
        let back = toml::to_string(&pool.users[2]).unwrap();
        assert!(back.contains("federated = \"saml:AcmeAD\""), "{back}");
        for f in ["google", "facebook", "apple", "amazon", "oidc:Okta"] {
            let parsed = Federation::try_from(f.to_string()).unwrap();
            assert_eq!(parsed.to_string(), f);
        }
    }

    #[test]
    fn id_token_claims_look_like_cognito() {
        let d = doc();
        let pool = &d.user_pools[0];
        let (alice, web) = who(pool, "alice", "web-client");
        let c = pool.id_token_claims(alice, web, now(), 3600);
        let order: Vec<&str> = c.keys().map(String::as_str).collect();
        assert_eq!(
            order,
            [
                "sub",
                "cognito:groups",
                "email_verified",
                "iss",
                "cognito:username",
                "origin_jti",
                "aud",
                "event_id",
                "token_use",
                "auth_time",
                "exp",
                "iat",
                "jti",
                "email"
            ]
        );
        let sub = c["sub"].as_str().unwrap();
        assert_eq!(sub.len(), 36);
        assert_eq!(&sub[14..15], "4");
        assert_eq!(c["exp"], json!(now().unix_secs() + 3600));
        assert_eq!(c["aud"], json!("web-client"));
        // The same user has the same sub in every token; another pool gives another sub.
        let a = pool.access_token_claims(alice, web, &[READ], later(10), 600);
        assert_eq!(a["sub"], c["sub"]);
        assert_eq!(a["username"], json!("alice"));
        assert_eq!(a["scope"], json!(READ));
        assert_eq!(a["version"], json!(2));
        assert!(!a.contains_key("aud"));
        let staff = &d.user_pools[1];
        let (salice, portal) = who(staff, "alice", "staff-portal");
        let s = staff.id_token_claims(salice, portal, now(), 3600);
        assert_ne!(s["sub"], c["sub"]);
        assert!(!s.contains_key("cognito:groups") && !s.contains_key("email"));
        // Tokens of one sign-in share origin_jti and event_id; jti differs.
        let a0 = pool.access_token_claims(alice, web, &[READ], now(), 600);
        assert_eq!(a0["origin_jti"], c["origin_jti"]);
        assert_eq!(a0["event_id"], c["event_id"]);
        assert_ne!(a0["jti"], c["jti"]);
        // Default access-token scope after an API sign-in; Vec<String> scopes work too.
        let none: Vec<String> = Vec::new();
        let d0 = pool.access_token_claims(alice, web, &none, now(), 600);
        assert_eq!(d0["scope"], json!(SIGNIN_SCOPE));
        let both = vec![READ.to_string(), WRITE.to_string()];
        let d2 = pool.access_token_claims(alice, web, &both, now(), 600);
        assert_eq!(d2["scope"], json!(format!("{READ} {WRITE}")));
        assert_eq!(
            pool.unknown_scopes(&["openid", "orders.delete", READ]),
            ["orders.delete"]
        );
    }

    #[test]
    fn a_pool_with_an_unknown_key_issues_tokens_nobody_accepts() {
        let d = doc();
        let mut broken = d.user_pools[0].clone();
        broken.key = "nope".into();
        let (alice, web) = who(&d.user_pools[0], "alice", "web-client");
        let token = broken.issue_id_token(alice, web, now(), 60);
        assert!(token.ends_with('.'));
        let e = d.user_pools[0]
            .validate_for_api(&token, &[], later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::UnknownKid, "{e}");
        assert!(broken.jwks().is_empty());
    }

    #[test]
    fn id_token_for_methods_without_scopes_access_token_for_scoped_methods() {
        let d = doc();
        let pool = &d.user_pools[0];
        let (alice, web) = who(pool, "alice", "web-client");
        let mobile = pool.client("mobile-client").unwrap();
        let id = pool.issue_id_token(alice, web, now(), 3600);
        let access = pool.issue_access_token(alice, mobile, &[READ], now(), 3600);
        let read = vec![READ.to_string()];

        let ident = pool.validate_for_api(&id, &[], later(5)).unwrap();
        assert_eq!(ident.token_use, "id");
        assert_eq!(ident.username, "alice");
        assert_eq!(ident.groups, ["admin"]);
        assert_eq!(ident.client_id, "web-client");
        assert_eq!(ident.sub, pool.sub_of(alice));
        assert_eq!(
            ident.summary,
            "ID token of alice (groups admin) from pool customers via app client web-client, expires 2025-01-01T13:00:00Z"
        );
        // Scenario 55: an ID token on a scoped method.
        let e = pool.validate_for_api(&id, &read, later(5)).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongTokenUse, "{e}");
        // An access token on a method without scopes.
        let e = pool.validate_for_api(&access, &[], later(5)).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongTokenUse, "{e}");
        let ident = pool.validate_for_api(&access, &read, later(5)).unwrap();
        assert_eq!(ident.token_use, "access");
        assert_eq!(ident.client_id, "mobile-client");
        assert_eq!(ident.scopes, [READ]);
        assert!(
            ident
                .summary
                .contains("scope https://api.example.com/orders.read matches the method"),
            "{}",
            ident.summary
        );
    }

    #[test]
    fn any_one_method_scope_suffices() {
        let d = doc();
        let pool = &d.user_pools[0];
        let (alice, web) = who(pool, "alice", "web-client");
        let token = pool.issue_access_token(alice, web, &[READ], now(), 3600);
        // Scenario 56: method scopes read + write, token has read only.
        let both = vec![READ.to_string(), WRITE.to_string()];
        assert!(pool.validate_for_api(&token, &both, later(1)).is_ok());
        let write = vec![WRITE.to_string()];
        let e = pool.validate_for_api(&token, &write, later(1)).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::MissingScope);
        assert!(
            e.detail
                .contains("none of the method's scopes (https://api.example.com/orders.write)"),
            "{e}"
        );
        // A sign-in token carries only aws.cognito.signin.user.admin.
        let none: [&str; 0] = [];
        let plain = pool.issue_access_token(alice, web, &none, now(), 3600);
        assert_eq!(
            pool.validate_for_api(&plain, &write, later(1))
                .unwrap_err()
                .kind,
            JwtFailureKind::MissingScope
        );
    }

    #[test]
    fn federated_user_validates_like_a_native_one() {
        let d = doc();
        let pool = &d.user_pools[0];
        let (gina, web) = who(pool, "gina", "web-client");
        let c = pool.id_token_claims(gina, web, now(), 3600);
        let username = c["cognito:username"].as_str().unwrap();
        assert!(username.starts_with("google_"), "{username}");
        assert_eq!(username.len(), "google_".len() + 21);
        let ids = &c["identities"][0];
        assert_eq!(ids["providerName"], json!("Google"));
        assert_eq!(ids["providerType"], json!("Google"));
        assert_eq!(ids["userId"].as_str(), username.strip_prefix("google_"));
        assert_eq!(ids["issuer"], Value::Null);
        assert_eq!(ids["primary"], json!("true"));
        let token = pool.sign(&c);
        let ident = pool.validate_for_api(&token, &[], later(5)).unwrap();
        assert_eq!(ident.username, username);
        assert_eq!(ident.token_use, "id");
        // Access tokens of federated users work the same way.
        let access = pool.issue_access_token(gina, web, &[READ], now(), 3600);
        let ident = pool
            .validate_for_api(&access, &[READ.to_string()], later(5))
            .unwrap();
        assert_eq!(ident.username, username);
        // SAML users keep the provider name and their email as userId.
        let (sam, _) = who(pool, "sam", "web-client");
        let s = pool.id_token_claims(sam, web, now(), 3600);
        assert_eq!(s["cognito:username"], json!("AcmeAD_sam@acme.example"));
        assert_eq!(s["identities"][0]["providerType"], json!("SAML"));
    }

    #[test]
    fn token_from_another_pool_fails_on_kid_first_then_on_issuer() {
        let d = doc();
        let (customers, staff) = (&d.user_pools[0], &d.user_pools[1]);
        let (alice, portal) = who(staff, "alice", "staff-portal");
        let token = staff.issue_id_token(alice, portal, now(), 3600);
        // Different keys: the key lookup by kid fails before any claim is read.
        let e = customers
            .validate_for_api(&token, &[], later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::UnknownKid, "{e}");
        // Same key (a misconfiguration): only the issuer check tells them apart.
        let mut twin = staff.clone();
        twin.key = customers.key.clone();
        let token = twin.issue_id_token(alice, portal, now(), 3600);
        let e = customers
            .validate_for_api(&token, &[], later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongIssuer, "{e}");
        assert!(e.detail.contains("eu-west-1_Staff"), "{e}");
    }

    #[test]
    fn expiry_audience_and_forged_claims() {
        let d = doc();
        let pool = &d.user_pools[0];
        let (alice, web) = who(pool, "alice", "web-client");
        let token = pool.issue_id_token(alice, web, now(), 300);
        // Scenario 53 and the exp boundary.
        let just_before = SimTime::from_millis(later(300).as_millis() - 1);
        assert!(pool.validate_for_api(&token, &[], just_before).is_ok());
        let e = pool.validate_for_api(&token, &[], later(300)).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::Expired);
        // An aud that is not one of the pool's clients, signed with the right key.
        let mut c = pool.id_token_claims(alice, web, now(), 300);
        c.insert("aud".into(), json!("someone-elses-client"));
        let e = pool
            .validate_for_api(&pool.sign(&c), &[], later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongAudience);
        // No exp at all.
        c.shift_remove("exp");
        let e = pool
            .validate_for_api(&pool.sign(&c), &[], later(1))
            .unwrap_err();
        assert_eq!(
            e.kind,
            JwtFailureKind::MissingClaim {
                claim: "exp".into()
            }
        );
        // Tampering with a real token: promoted to another group, old signature.
        let mut edit = Claims::new();
        edit.insert("cognito:groups".into(), json!(["admin", "finance"]));
        let forged = tamper(&token, Tamper::EditClaimsKeepSignature, Some(&edit)).unwrap();
        assert_eq!(
            pool.validate_for_api(&forged, &[], later(1))
                .unwrap_err()
                .kind,
            JwtFailureKind::BadSignature
        );
        let forged = tamper(&token, Tamper::AlgNone, Some(&edit)).unwrap();
        assert_eq!(
            pool.validate_for_api(&forged, &[], later(1))
                .unwrap_err()
                .kind,
            JwtFailureKind::AlgNotAllowed { alg: "none".into() }
        );
        // A "Bearer " prefix is not stripped by the validator.
        let e = pool
            .validate_for_api(&format!("Bearer {token}"), &[], later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::BadBase64);
    }

    #[test]
    fn third_party_issuer_checks_issuer_and_audience_exactly() {
        let iss = &doc().issuers[0];
        assert_eq!(
            iss.jwks_uri(),
            "https://example-tenant.auth0.example/.well-known/jwks.json"
        );
        let mut extra = Claims::new();
        extra.insert("scope".into(), json!("read:orders"));
        let token = iss.issue("auth0|42", &extra, now(), 600);
        let c = iss.validate(&token, later(1)).unwrap();
        assert_eq!(c["sub"], json!("auth0|42"));
        assert_eq!(c["scope"], json!("read:orders"));
        assert_eq!(
            iss.validate(&token, later(600)).unwrap_err().kind,
            JwtFailureKind::Expired
        );
        // The issuer without its trailing slash is a different issuer.
        let mut extra = Claims::new();
        extra.insert("iss".into(), json!("https://example-tenant.auth0.example"));
        let e = iss
            .validate(&iss.issue("u", &extra, now(), 600), later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongIssuer);
        assert!(e.detail.contains("trailing slash"), "{e}");
        // aud as an array containing the API is fine; another API is not.
        let mut extra = Claims::new();
        extra.insert(
            "aud".into(),
            json!([
                "https://api.example.com",
                "https://example-tenant.auth0.example/userinfo"
            ]),
        );
        assert!(
            iss.validate(&iss.issue("u", &extra, now(), 600), later(1))
                .is_ok()
        );
        extra.insert("aud".into(), json!("https://billing.example.com"));
        let e = iss
            .validate(&iss.issue("u", &extra, now(), 600), later(1))
            .unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::WrongAudience);
        // A pool token is not this issuer's.
        let d = doc();
        let pool = &d.user_pools[0];
        let (alice, web) = who(pool, "alice", "web-client");
        let pool_token = pool.issue_id_token(alice, web, now(), 600);
        assert_eq!(
            iss.validate(&pool_token, later(1)).unwrap_err().kind,
            JwtFailureKind::UnknownKid
        );
        // The generic verifier with the issuer's key set agrees on the signature.
        assert!(verify_rs256(&token, &iss.jwks(), later(1), 0).is_ok());
    }

    #[test]
    fn validate_reports_every_problem_with_its_path() {
        let mut d = doc();
        d.user_pools[0].id = "useast1-Cust".into();
        d.user_pools[0].key = "pool-nobody".into();
        d.user_pools[0].clients.push(AppClient {
            id: "web-client".into(),
        });
        let alice = d.user_pools[0].users[0].clone();
        d.user_pools[0].users.push(alice);
        d.user_pools[0].scopes.push(ScopeConfig {
            name: "orders.read".into(),
        });
        d.user_pools[0].scopes.push(ScopeConfig {
            name: "https://api.example.com/".into(),
        });
        d.user_pools[1].clients.clear();
        let auth0 = d.issuers[0].clone();
        d.issuers.push(auth0);
        d.issuers[1].issuer = "http://insecure.example/".into();
        let problems = validate(&d.user_pools, &d.issuers);
        let rendered: Vec<String> = problems
            .iter()
            .map(|(p, m, _)| format!("{}: {m}", p.join(".")))
            .collect();
        let expect = [
            "user-pools.0.id: pool id \"useast1-Cust\" has no '_' between region and suffix",
            "user-pools.0.key: \"pool-nobody\" is not a built-in key",
            "user-pools.0.clients.2.id: duplicate app client id \"web-client\"",
            "user-pools.0.users.3.username: duplicate username \"alice\" in pool \"customers\"",
            "user-pools.0.scopes.2.name: scope \"orders.read\" is not of the form <resource server>/<scope>",
            "user-pools.0.scopes.3.name: scope \"https://api.example.com/\" is not of the form <resource server>/<scope>",
            "user-pools.1.clients: pool \"staff\" has no app clients, so it cannot issue tokens",
            "issuers.1.name: duplicate issuer name \"auth0\"",
            "issuers.1.issuer: issuer \"http://insecure.example/\" is not an https URL",
        ];
        assert_eq!(rendered, expect);
        assert!(problems.iter().all(|(_, _, hint)| !hint.is_empty()));
        // The per-pool method reports paths relative to the pool.
        let (path, _, _) = &d.user_pools[0].validate()[0];
        assert_eq!(path, &["id"]);
        // Duplicate pool ids.
        let mut d2 = doc();
        d2.user_pools[1].id = d2.user_pools[0].id.clone();
        let p = validate(&d2.user_pools, &d2.issuers);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].1, "duplicate user pool id \"us-east-1_Cust0mers\"");
        assert_eq!(
            pool_id_problem("us-east-1_"),
            Some("the suffix of pool id \"us-east-1_\" must be letters and digits".into())
        );
        assert!(pool_id_problem("us-gov-west-1_Ab12").is_none());
        assert!(pool_id_problem("US-east-1_Ab12").is_some());
        assert!(scope_problem("orders/read").is_none());
        assert!(scope_problem("ftp://x/read").is_some());
        assert!(scope_problem("a b/read").is_some());
    }
}
