//! The gateway configuration a learner toggles: one REST API with one stage,
//! its custom domains, routes, authorizers, policies, WAF, keys and plans,
//! throttles, CORS and gateway responses, plus the simulated world around it
//! (IAM identities, user pools, third-party issuers, certificates).
//!
//! TOML keys are kebab-case; names that AWS spells in a fixed way (policy
//! documents, gateway response types, authorization types) keep AWS's spelling
//! so that what learners write here is what they will type on real AWS.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::cognito::{ThirdPartyIssuer, UserPoolConfig};
use super::cors::CorsConfig;
use super::policy::{PolicyDocument, parse_ip_or_cidr};
use super::quota::QuotaSettings;
use super::request::TlsVersion;
use super::throttle::ThrottleSettings;
use super::time::SimTime;

/// Everything the simulated gateway needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatewayConfig {
    #[serde(default)]
    pub api: ApiConfig,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_domains: Vec<CustomDomain>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizers: Vec<AuthorizerConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<PolicyDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waf: Option<WafConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_keys: Vec<ApiKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_plans: Vec<UsagePlan>,
    #[serde(default)]
    pub throttle: ThrottleConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<CorsConfig>,
    /// Customised gateway responses, keyed by type (`DEFAULT_4XX`, `UNAUTHORIZED` ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gateway_responses: BTreeMap<ResponseType, GatewayResponseConfig>,
    /// Simulated IAM users and roles (callers for AWS_IAM methods).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iam: Vec<IamPrincipal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_pools: Vec<UserPoolConfig>,
    /// Third-party token issuers (e.g. an Auth0-like tenant) for Lambda authorizers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issuers: Vec<ThirdPartyIssuer>,
    /// Simulated X.509 certificates: CAs for truststores and client certificates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate>,
}

/// The REST API and its single stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiConfig {
    #[serde(default = "d_api_id")]
    pub id: String,
    #[serde(default = "d_api_name")]
    pub name: String,
    #[serde(default = "d_account")]
    pub account: String,
    #[serde(default = "d_region")]
    pub region: String,
    #[serde(default = "d_stage")]
    pub stage: String,
    #[serde(default)]
    pub endpoint_type: EndpointType,
    /// Turn off `https://{id}.execute-api.{region}.amazonaws.com` so clients
    /// must use a custom domain (and its mutual TLS).
    #[serde(default)]
    pub disable_execute_api_endpoint: bool,
    #[serde(default)]
    pub api_key_source: ApiKeySource,
    /// An enhanced security policy (`SecurityPolicy_*`) for the API's own endpoint;
    /// default endpoints otherwise use a fixed policy per endpoint type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_access_mode: Option<AccessMode>,
    /// Interface VPC endpoints that exist in the simulated account (id -> VPC id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vpc_endpoints: BTreeMap<String, String>,
    /// The service name SigV4 signatures must be scoped to. Always
    /// `execute-api` on AWS; a scenario may change it to replay a public
    /// signing test suite.
    #[serde(default = "d_service", skip_serializing_if = "is_execute_api")]
    pub sigv4_service: String,
    /// Mutual TLS cannot live here; the key exists so that trying it gets a
    /// clear explanation instead of an "unknown key".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutual_tls: Option<toml::Value>,
}

fn d_service() -> String {
    "execute-api".into()
}
fn is_execute_api(s: &str) -> bool {
    s == "execute-api"
}
fn d_api_id() -> String {
    "a1b2c3d4e5".into()
}
fn d_api_name() -> String {
    "orders-api".into()
}
fn d_account() -> String {
    "111122223333".into()
}
fn d_region() -> String {
    "us-east-1".into()
}
fn d_stage() -> String {
    "prod".into()
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            id: d_api_id(),
            name: d_api_name(),
            account: d_account(),
            region: d_region(),
            stage: d_stage(),
            endpoint_type: EndpointType::Regional,
            disable_execute_api_endpoint: false,
            api_key_source: ApiKeySource::Header,
            security_policy: None,
            endpoint_access_mode: None,
            vpc_endpoints: BTreeMap::new(),
            sigv4_service: d_service(),
            mutual_tls: None,
        }
    }
}

impl ApiConfig {
    /// `{id}.execute-api.{region}.amazonaws.com`
    pub fn default_host(&self) -> String {
        format!("{}.execute-api.{}.amazonaws.com", self.id, self.region)
    }
    /// The account id as denial messages print it (`********3333`).
    pub fn masked_account(&self) -> String {
        let n = self.account.len();
        if n <= 4 {
            return self.account.clone();
        }
        format!("{}{}", "*".repeat(n - 4), &self.account[n - 4..])
    }
}

/// Where the API's endpoint lives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointType {
    #[default]
    Regional,
    #[serde(alias = "edge-optimized")]
    Edge,
    Private,
}

impl EndpointType {
    pub fn label(self) -> &'static str {
        match self {
            EndpointType::Regional => "Regional",
            EndpointType::Edge => "edge-optimized",
            EndpointType::Private => "private",
        }
    }
}

/// Where API keys come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApiKeySource {
    /// The `x-api-key` header.
    #[default]
    #[serde(alias = "HEADER")]
    Header,
    /// The `usageIdentifierKey` a Lambda authorizer returns.
    #[serde(alias = "AUTHORIZER")]
    Authorizer,
}

/// Endpoint access mode, required with enhanced security policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessMode {
    #[serde(alias = "BASIC")]
    Basic,
    #[serde(alias = "STRICT")]
    Strict,
}

/// A custom domain name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CustomDomain {
    pub name: String,
    #[serde(default)]
    pub endpoint_type: EndpointType,
    /// `TLS_1_0`, `TLS_1_2` or an enhanced `SecurityPolicy_*`.
    #[serde(default = "d_domain_policy")]
    pub security_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_access_mode: Option<AccessMode>,
    pub certificate: DomainCertificate,
    /// Base-path mappings; an empty base path is `(none)`.
    #[serde(default)]
    pub mappings: Vec<BasePathMapping>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutual_tls: Option<MutualTlsConfig>,
}

fn d_domain_policy() -> String {
    "TLS_1_2".into()
}

/// The server certificate of a custom domain (ACM).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DomainCertificate {
    /// The Region the ACM certificate was issued or imported in.
    pub region: String,
    /// Names it covers (`*.example.com` allowed).
    pub names: Vec<String>,
    #[serde(default)]
    pub source: CertSource,
}

/// How the server certificate was obtained.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertSource {
    /// Issued by ACM (public certificates for API Gateway cost nothing).
    #[default]
    Acm,
    /// Imported into ACM.
    Imported,
}

/// A base-path mapping of a custom domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BasePathMapping {
    #[serde(default)]
    pub base_path: String,
    pub stage: String,
}

/// Mutual TLS on a custom domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MutualTlsConfig {
    /// Names of CA certificates (from `certificates`) in the truststore.
    pub truststore: Vec<String>,
}

/// A simulated X.509 certificate. Chains are checked by issuer name, validity,
/// key strength and signature algorithm; there is no real ASN.1 here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Certificate {
    pub name: String,
    /// Subject distinguished name, e.g. `CN=billing-service,O=Example Corp`.
    pub subject: String,
    /// Name of the issuing certificate; equal to `name` for a self-signed one.
    pub issuer: String,
    #[serde(default)]
    pub ca: bool,
    pub not_before: String,
    pub not_after: String,
    #[serde(default)]
    pub key: KeyAlgorithm,
    #[serde(default)]
    pub signature: SignatureHash,
    /// Revoked by its CA (API Gateway does not check revocation).
    #[serde(default)]
    pub revoked: bool,
    #[serde(default = "d_serial")]
    pub serial: String,
}

fn d_serial() -> String {
    "01".into()
}

/// Certificate key algorithm and size.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyAlgorithm {
    #[serde(rename = "rsa-1024", alias = "rsa1024")]
    Rsa1024,
    #[default]
    #[serde(rename = "rsa-2048", alias = "rsa2048")]
    Rsa2048,
    #[serde(rename = "rsa-4096", alias = "rsa4096")]
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
}

/// Certificate signature hash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureHash {
    Sha1,
    #[default]
    Sha256,
    Sha384,
}

/// One method on one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Route {
    /// Resource path, e.g. `/items/{id}` or `/{proxy+}`.
    pub path: String,
    /// HTTP method or `ANY`.
    pub method: String,
    #[serde(default)]
    pub authorization: AuthorizationType,
    /// Authorizer name for `COGNITO_USER_POOLS` and `CUSTOM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer: Option<String>,
    /// OAuth scopes for Cognito-authorized methods (any one suffices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub api_key_required: bool,
    /// Method-level throttle on the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleSettings>,
    /// "Enable CORS" on this resource: a MOCK OPTIONS method answers preflights
    /// and non-proxy responses get `Access-Control-Allow-Origin`.
    #[serde(default)]
    pub cors: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    #[serde(default)]
    pub integration: Integration,
}

/// A method's authorization type (AWS's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthorizationType {
    #[default]
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "AWS_IAM")]
    AwsIam,
    #[serde(rename = "COGNITO_USER_POOLS")]
    CognitoUserPools,
    #[serde(rename = "CUSTOM")]
    Custom,
}

impl AuthorizationType {
    pub const ALL: [AuthorizationType; 4] = [
        AuthorizationType::None,
        AuthorizationType::AwsIam,
        AuthorizationType::CognitoUserPools,
        AuthorizationType::Custom,
    ];
    pub fn aws_name(self) -> &'static str {
        match self {
            AuthorizationType::None => "NONE",
            AuthorizationType::AwsIam => "AWS_IAM",
            AuthorizationType::CognitoUserPools => "COGNITO_USER_POOLS",
            AuthorizationType::Custom => "CUSTOM",
        }
    }
}

/// Request validation of a method.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Validation {
    #[serde(default)]
    pub required_query: Vec<String>,
    #[serde(default)]
    pub required_headers: Vec<String>,
    /// Top-level JSON fields the body must have (a stand-in for a JSON-schema model).
    #[serde(default)]
    pub body_required_fields: Vec<String>,
}

/// The backend of a method.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Integration {
    #[serde(rename = "type", default)]
    pub kind: IntegrationType,
    #[serde(default = "d_status")]
    pub status: u16,
    #[serde(default = "d_body")]
    pub body: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Simulated backend latency.
    #[serde(default = "d_latency")]
    pub latency_ms: u32,
    /// Integration timeout (50 ms to 29 s on REST APIs).
    #[serde(default = "d_timeout")]
    pub timeout_ms: u32,
    /// Share of calls that fail (seeded), 0.0 to 1.0.
    #[serde(default)]
    pub failure_rate: f64,
    /// For proxy integrations: does the backend itself return CORS headers
    /// (from the API's `cors` settings)?
    #[serde(default)]
    pub backend_cors: bool,
    /// Reply with what the backend received (principalId, authorizer context,
    /// API key id, source IP) instead of `body`.
    #[serde(default)]
    pub echo_context: bool,
}

fn d_status() -> u16 {
    200
}
fn d_body() -> String {
    "{\"ok\":true}".into()
}
fn d_latency() -> u32 {
    20
}
fn d_timeout() -> u32 {
    29_000
}

impl Default for Integration {
    fn default() -> Self {
        Integration {
            kind: IntegrationType::Mock,
            status: d_status(),
            body: d_body(),
            headers: BTreeMap::new(),
            latency_ms: d_latency(),
            timeout_ms: d_timeout(),
            failure_rate: 0.0,
            backend_cors: false,
            echo_context: false,
        }
    }
}

/// Integration types.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntegrationType {
    #[default]
    Mock,
    LambdaProxy,
    Lambda,
    HttpProxy,
    Http,
}

impl IntegrationType {
    pub const ALL: [IntegrationType; 5] = [
        IntegrationType::Mock,
        IntegrationType::LambdaProxy,
        IntegrationType::Lambda,
        IntegrationType::HttpProxy,
        IntegrationType::Http,
    ];
    pub fn is_proxy(self) -> bool {
        matches!(
            self,
            IntegrationType::LambdaProxy | IntegrationType::HttpProxy
        )
    }
    pub fn id(self) -> &'static str {
        match self {
            IntegrationType::Mock => "mock",
            IntegrationType::LambdaProxy => "lambda-proxy",
            IntegrationType::Lambda => "lambda",
            IntegrationType::HttpProxy => "http-proxy",
            IntegrationType::Http => "http",
        }
    }
}

/// An authorizer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuthorizerConfig {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: AuthorizerType,
    /// Identity sources, e.g. `method.request.header.Authorization` (TOKEN: exactly one header).
    #[serde(default = "d_identity_sources")]
    pub identity_sources: Vec<String>,
    /// Token validation regex (TOKEN authorizers; checked before invoking the Lambda).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_regex: Option<String>,
    /// Result cache TTL in seconds: 0 to 3600, default 300, 0 disables caching.
    #[serde(default = "d_ttl")]
    pub ttl: u32,
    /// User pool ids (COGNITO_USER_POOLS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_pools: Vec<String>,
    /// What the Lambda function does (TOKEN and REQUEST).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<LambdaFunction>,
}

fn d_identity_sources() -> Vec<String> {
    vec!["method.request.header.Authorization".into()]
}
fn d_ttl() -> u32 {
    300
}

/// Authorizer types (AWS's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthorizerType {
    #[serde(rename = "TOKEN")]
    Token,
    #[serde(rename = "REQUEST")]
    Request,
    #[serde(rename = "COGNITO_USER_POOLS")]
    CognitoUserPools,
}

/// A declarative Lambda authorizer function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LambdaFunction {
    pub behaviour: Behaviour,
    /// validate-jwt: the `issuers` entry whose tokens are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// validate-jwt: also require one of these values in the token's `groups` claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_groups: Vec<String>,
    /// allow-if-header: header to read (REQUEST); TOKEN authorizers compare the token itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// allow-if-header: accepted values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// allow-if-source-ip: accepted CIDR blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
    /// What the returned policy covers.
    #[serde(default)]
    pub policy_resource: PolicyScope,
    /// When the caller is not accepted: return a Deny policy or throw "Unauthorized".
    #[serde(default)]
    pub on_reject: RejectWith,
    /// throw-error: the message thrown.
    #[serde(default = "d_error_message")]
    pub error_message: String,
    /// Key/value context returned to the integration (`$context.authorizer.*`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub context: BTreeMap<String, String>,
    /// Name of the API key returned as `usageIdentifierKey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_identifier_key: Option<String>,
    /// rules: a table of identity values and what the function answers for each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<TokenRule>,
    /// rules: the answer for an identity no rule names.
    #[serde(default)]
    pub otherwise: Otherwise,
    /// Simulated run time of one invocation.
    #[serde(default = "d_fn_duration")]
    pub duration_ms: u32,
    /// Function timeout (a `timeout` behaviour always exceeds it).
    #[serde(default = "d_fn_timeout")]
    pub timeout_ms: u32,
}

fn d_error_message() -> String {
    "token expired".into()
}
fn d_fn_duration() -> u32 {
    120
}
fn d_fn_timeout() -> u32 {
    10_000
}

/// One row of a `rules` function: for this identity value, what to answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TokenRule {
    /// The token (TOKEN authorizers) or the identity-source values joined by `,` (REQUEST).
    pub token: String,
    /// principalId to return (default: the token's first 12 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Allow these methods: `"GET /profile"`, `"GET /items/*"`, or `"*"` for every method of the stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    /// Return a Deny for the invoked method.
    #[serde(default)]
    pub deny: bool,
    /// Throw this error (500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Return output without principalId/policyDocument (500).
    #[serde(default)]
    pub malformed: bool,
    /// Throw "Unauthorized" (401).
    #[serde(default)]
    pub unauthorized: bool,
}

/// What a `rules` function answers for an identity no rule names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Otherwise {
    #[default]
    Unauthorized,
    Deny,
    Allow,
    Error,
}

/// What a Lambda authorizer does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Behaviour {
    /// Allow every caller.
    Allow,
    /// Return an explicit Deny.
    Deny,
    /// Validate a third-party JWT (signature, issuer, audience, expiry).
    ValidateJwt,
    /// Allow when a header (or the TOKEN) has one of `values`.
    AllowIfHeader,
    /// Allow when the source IP is in `cidrs`.
    AllowIfSourceIp,
    /// Throw the exact error `Unauthorized` (API Gateway answers 401).
    ThrowUnauthorized,
    /// Throw any other error (API Gateway answers 500).
    ThrowError,
    /// Run past the timeout (500).
    Timeout,
    /// Return output without principalId/policyDocument (500).
    Malformed,
    /// Answer per identity value from a table (`rules`, `otherwise`).
    Rules,
}

impl Behaviour {
    pub const ALL: [Behaviour; 10] = [
        Behaviour::ValidateJwt,
        Behaviour::AllowIfHeader,
        Behaviour::AllowIfSourceIp,
        Behaviour::Allow,
        Behaviour::Deny,
        Behaviour::ThrowUnauthorized,
        Behaviour::ThrowError,
        Behaviour::Timeout,
        Behaviour::Malformed,
        Behaviour::Rules,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Behaviour::Allow => "allow",
            Behaviour::Deny => "deny",
            Behaviour::ValidateJwt => "validate-jwt",
            Behaviour::AllowIfHeader => "allow-if-header",
            Behaviour::AllowIfSourceIp => "allow-if-source-ip",
            Behaviour::ThrowUnauthorized => "throw-unauthorized",
            Behaviour::ThrowError => "throw-error",
            Behaviour::Timeout => "timeout",
            Behaviour::Malformed => "malformed",
            Behaviour::Rules => "rules",
        }
    }
}

/// What the policy a Lambda authorizer returns covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyScope {
    /// Exactly the `methodArn` of the call (the cached-policy pitfall).
    MethodArn,
    /// Every method of the stage: `arn:...:{api}/{stage}/*/*`.
    #[default]
    Stage,
    /// Every stage and method: `arn:...:{api}/*`.
    Api,
}

/// How a Lambda authorizer rejects a caller it does not accept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectWith {
    /// Throw "Unauthorized": 401.
    #[default]
    Unauthorized,
    /// Return a Deny policy: 403.
    Deny,
}

/// A simulated IAM user or role with its keys and identity policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IamPrincipal {
    pub name: String,
    #[serde(default = "d_account")]
    pub account: String,
    #[serde(default)]
    pub kind: IamKind,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Temporary credentials (an assumed role session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_token: Option<String>,
    /// When the session expires (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_expires: Option<String>,
    /// Identity policy statements.
    #[serde(default)]
    pub policy: PolicyDocument,
}

/// User or role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IamKind {
    #[default]
    User,
    Role,
}

impl IamPrincipal {
    pub fn arn(&self) -> String {
        match self.kind {
            IamKind::User => format!("arn:aws:iam::{}:user/{}", self.account, self.name),
            IamKind::Role => format!("arn:aws:iam::{}:role/{}", self.account, self.name),
        }
    }
}

/// The AWS WAF web ACL of the stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WafConfig {
    #[serde(default = "d_true")]
    pub enabled: bool,
    #[serde(default)]
    pub default_action: WafDefaultAction,
    /// Body inspection limit (16, 32, 48 or 64 KB).
    #[serde(default = "d_body_limit")]
    pub body_inspection_kb: u32,
    #[serde(default)]
    pub rules: Vec<WafRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_sets: Vec<IpSet>,
}

fn d_true() -> bool {
    true
}
fn d_body_limit() -> u32 {
    16
}

/// Web ACL default action (must be terminating).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WafDefaultAction {
    #[default]
    Allow,
    Block,
}

/// A WAF rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WafRule {
    pub name: String,
    pub priority: u32,
    pub action: WafAction,
    #[serde(rename = "match")]
    pub matcher: WafMatch,
    /// sqli / xss: the request components to inspect.
    #[serde(default = "d_fields")]
    pub fields: Vec<WafField>,
    /// sqli: sensitivity (`low` as AWS's default, or `high`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<String>,
    /// ip-set: the set's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_set: Option<String>,
    /// rate-based: requests allowed per window per IP (minimum 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// rate-based: window (60, 120, 300 or 600 s; default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_secs: Option<u32>,
    /// header: header name and exact value to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A custom response for Block (takes precedence over gateway responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_response: Option<CustomResponse>,
}

fn d_fields() -> Vec<WafField> {
    vec![WafField::Query, WafField::Body, WafField::Uri]
}

/// Rule actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WafAction {
    Block,
    Allow,
    Count,
}

/// What a rule matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WafMatch {
    Sqli,
    Xss,
    IpSet,
    /// The simulated Amazon IP reputation list.
    IpReputation,
    RateBased,
    Header,
}

/// Request components WAF can inspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WafField {
    Query,
    Body,
    Uri,
    Cookies,
    Headers,
}

/// A WAF custom block response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CustomResponse {
    pub status: u16,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// A named set of addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IpSet {
    pub name: String,
    pub addresses: Vec<String>,
}

/// An API key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiKey {
    pub name: String,
    /// 20 to 128 alphanumeric characters.
    pub value: String,
    #[serde(default = "d_true")]
    pub enabled: bool,
}

/// A usage plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UsagePlan {
    pub name: String,
    /// Stages the plan is attached to (of this API).
    pub stages: Vec<String>,
    /// Names of the API keys in the plan.
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<ThrottleSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaSettings>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub method_throttles: Vec<MethodThrottle>,
}

/// A per-method throttle inside a usage plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MethodThrottle {
    pub path: String,
    pub method: String,
    pub rate: f64,
    pub burst: u32,
}

/// Stage and account throttles (method throttles live on routes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ThrottleConfig {
    #[serde(default = "d_account_throttle")]
    pub account: ThrottleSettings,
    /// The stage's default method throttle (`*/*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<ThrottleSettings>,
}

fn d_account_throttle() -> ThrottleSettings {
    super::throttle::ACCOUNT_DEFAULT
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            account: d_account_throttle(),
            stage: None,
        }
    }
}

/// Gateway response types (AWS's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum ResponseType {
    ACCESS_DENIED,
    API_CONFIGURATION_ERROR,
    AUTHORIZER_CONFIGURATION_ERROR,
    AUTHORIZER_FAILURE,
    BAD_REQUEST_PARAMETERS,
    BAD_REQUEST_BODY,
    DEFAULT_4XX,
    DEFAULT_5XX,
    EXPIRED_TOKEN,
    INTEGRATION_FAILURE,
    INTEGRATION_TIMEOUT,
    INVALID_API_KEY,
    INVALID_SIGNATURE,
    MISSING_AUTHENTICATION_TOKEN,
    QUOTA_EXCEEDED,
    REQUEST_TOO_LARGE,
    RESOURCE_NOT_FOUND,
    THROTTLED,
    UNAUTHORIZED,
    UNSUPPORTED_MEDIA_TYPE,
    WAF_FILTERED,
}

impl ResponseType {
    pub const ALL: [ResponseType; 21] = [
        ResponseType::ACCESS_DENIED,
        ResponseType::API_CONFIGURATION_ERROR,
        ResponseType::AUTHORIZER_CONFIGURATION_ERROR,
        ResponseType::AUTHORIZER_FAILURE,
        ResponseType::BAD_REQUEST_PARAMETERS,
        ResponseType::BAD_REQUEST_BODY,
        ResponseType::DEFAULT_4XX,
        ResponseType::DEFAULT_5XX,
        ResponseType::EXPIRED_TOKEN,
        ResponseType::INTEGRATION_FAILURE,
        ResponseType::INTEGRATION_TIMEOUT,
        ResponseType::INVALID_API_KEY,
        ResponseType::INVALID_SIGNATURE,
        ResponseType::MISSING_AUTHENTICATION_TOKEN,
        ResponseType::QUOTA_EXCEEDED,
        ResponseType::REQUEST_TOO_LARGE,
        ResponseType::RESOURCE_NOT_FOUND,
        ResponseType::THROTTLED,
        ResponseType::UNAUTHORIZED,
        ResponseType::UNSUPPORTED_MEDIA_TYPE,
        ResponseType::WAF_FILTERED,
    ];

    /// The default status code (DEFAULT_4XX/5XX have none).
    pub fn default_status(self) -> Option<u16> {
        use ResponseType::*;
        Some(match self {
            ACCESS_DENIED
            | EXPIRED_TOKEN
            | INVALID_API_KEY
            | INVALID_SIGNATURE
            | MISSING_AUTHENTICATION_TOKEN
            | WAF_FILTERED => 403,
            API_CONFIGURATION_ERROR | AUTHORIZER_CONFIGURATION_ERROR | AUTHORIZER_FAILURE => 500,
            BAD_REQUEST_PARAMETERS | BAD_REQUEST_BODY => 400,
            INTEGRATION_FAILURE | INTEGRATION_TIMEOUT => 504,
            QUOTA_EXCEEDED | THROTTLED => 429,
            REQUEST_TOO_LARGE => 413,
            RESOURCE_NOT_FOUND => 404,
            UNAUTHORIZED => 401,
            UNSUPPORTED_MEDIA_TYPE => 415,
            DEFAULT_4XX | DEFAULT_5XX => return None,
        })
    }

    /// The catch-all this type falls back to.
    pub fn fallback(self) -> Option<ResponseType> {
        match self.default_status() {
            Some(s) if (400..500).contains(&s) => Some(ResponseType::DEFAULT_4XX),
            Some(_) => Some(ResponseType::DEFAULT_5XX),
            None => None,
        }
    }

    pub fn name(self) -> &'static str {
        use ResponseType::*;
        match self {
            ACCESS_DENIED => "ACCESS_DENIED",
            API_CONFIGURATION_ERROR => "API_CONFIGURATION_ERROR",
            AUTHORIZER_CONFIGURATION_ERROR => "AUTHORIZER_CONFIGURATION_ERROR",
            AUTHORIZER_FAILURE => "AUTHORIZER_FAILURE",
            BAD_REQUEST_PARAMETERS => "BAD_REQUEST_PARAMETERS",
            BAD_REQUEST_BODY => "BAD_REQUEST_BODY",
            DEFAULT_4XX => "DEFAULT_4XX",
            DEFAULT_5XX => "DEFAULT_5XX",
            EXPIRED_TOKEN => "EXPIRED_TOKEN",
            INTEGRATION_FAILURE => "INTEGRATION_FAILURE",
            INTEGRATION_TIMEOUT => "INTEGRATION_TIMEOUT",
            INVALID_API_KEY => "INVALID_API_KEY",
            INVALID_SIGNATURE => "INVALID_SIGNATURE",
            MISSING_AUTHENTICATION_TOKEN => "MISSING_AUTHENTICATION_TOKEN",
            QUOTA_EXCEEDED => "QUOTA_EXCEEDED",
            REQUEST_TOO_LARGE => "REQUEST_TOO_LARGE",
            RESOURCE_NOT_FOUND => "RESOURCE_NOT_FOUND",
            THROTTLED => "THROTTLED",
            UNAUTHORIZED => "UNAUTHORIZED",
            UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
            WAF_FILTERED => "WAF_FILTERED",
        }
    }
}

/// A customised gateway response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GatewayResponseConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Header mappings: a static value in single quotes (`"'https://app.example.com'"`)
    /// or a request value (`method.request.header.Origin`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body template; `$context.error.messageString` and friends are substituted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// One problem found while validating a configuration: where (key path below
/// the configuration), what, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    pub path: Vec<String>,
    pub message: String,
    pub hint: String,
}

fn problem(path: &[&str], message: impl Into<String>, hint: impl Into<String>) -> ConfigProblem {
    ConfigProblem {
        path: path.iter().map(|s| s.to_string()).collect(),
        message: message.into(),
        hint: hint.into(),
    }
}

/// Maximum authorizer cache TTL (seconds), not raisable.
pub const MAX_AUTHORIZER_TTL: u32 = 3600;

/// Whether a TLS version is accepted by a security policy name.
pub fn policy_accepts(policy: &str, v: TlsVersion) -> Option<bool> {
    match policy {
        "TLS_1_0" => Some(true),
        "TLS_1_2" => Some(v >= TlsVersion::Tls1_2),
        p if p.starts_with("SecurityPolicy_TLS13_1_3")
            || p.starts_with("SecurityPolicy_TLS13_2025_EDGE") =>
        {
            Some(v == TlsVersion::Tls1_3)
        }
        p if p.starts_with("SecurityPolicy_TLS13_1_2") || p.starts_with("SecurityPolicy_TLS12") => {
            Some(v >= TlsVersion::Tls1_2)
        }
        p if p.starts_with("SecurityPolicy_TLS13") => Some(v == TlsVersion::Tls1_3),
        _ => None,
    }
}

/// Security policies the simulator knows.
pub const KNOWN_POLICIES: &[&str] = &[
    "TLS_1_0",
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_2025_EDGE",
];

impl GatewayConfig {
    /// Check the configuration the way API Gateway's control plane (and
    /// common sense) would, returning every problem.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut out = Vec::new();
        self.check_api(&mut out);
        self.check_domains(&mut out);
        self.check_routes(&mut out);
        self.check_authorizers(&mut out);
        self.check_waf(&mut out);
        self.check_keys_and_plans(&mut out);
        self.check_identities(&mut out);
        if let Some(doc) = &self.resource_policy {
            for (p, m, h) in doc.problems() {
                let mut path = vec!["resource-policy".to_string()];
                path.extend(p);
                out.push(ConfigProblem {
                    path,
                    message: m,
                    hint: h,
                });
            }
        }
        if let Some(c) = &self.cors {
            for (p, m, h, is_error) in c.problems() {
                if is_error {
                    let mut path = vec!["cors".to_string()];
                    path.extend(p);
                    out.push(ConfigProblem {
                        path,
                        message: m,
                        hint: h,
                    });
                }
            }
        }
        for (name, t) in [
            ("account", Some(&self.throttle.account)),
            ("stage", self.throttle.stage.as_ref()),
        ] {
            if let Some(t) = t {
                for (p, m, h) in t.validate() {
                    let mut path = vec!["throttle".to_string(), name.to_string()];
                    path.extend(p);
                    out.push(ConfigProblem {
                        path,
                        message: m,
                        hint: h,
                    });
                }
            }
        }
        for (ty, r) in &self.gateway_responses {
            if let Some(s) = r.status {
                let ok = match ty.default_status().or(match ty {
                    ResponseType::DEFAULT_4XX => Some(400),
                    _ => Some(500),
                }) {
                    Some(d) if d < 500 => {
                        (400..500).contains(&s)
                            || *ty == ResponseType::DEFAULT_4XX && (400..600).contains(&s)
                    }
                    _ => (100..600).contains(&s),
                };
                if !ok && *ty != ResponseType::DEFAULT_5XX {
                    out.push(problem(
                        &["gateway-responses", ty.name(), "status"],
                        format!("status {s} does not fit {}", ty.name()),
                        "a 4XX type keeps a 4XX status",
                    ));
                }
                if *ty == ResponseType::REQUEST_TOO_LARGE {
                    out.push(problem(
                        &["gateway-responses", ty.name()],
                        "REQUEST_TOO_LARGE (413) cannot be customised",
                        "API Gateway does not support customising the 413 response; remove this entry",
                    ));
                }
            }
            for (h, v) in &r.headers {
                let v = v.trim();
                let quoted = v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'');
                if !quoted && !v.starts_with("method.request.") {
                    out.push(problem(
                        &["gateway-responses", ty.name(), "headers", h],
                        format!("header value `{v}` is neither a quoted static value nor a request mapping"),
                        "write a static value in single quotes, \"'https://app.example.com'\", or method.request.header.Origin",
                    ));
                }
            }
        }
        out
    }

    fn check_api(&self, out: &mut Vec<ConfigProblem>) {
        let a = &self.api;
        if a.mutual_tls.is_some() {
            out.push(problem(
                &["api", "mutual-tls"],
                "mutual TLS can only be configured on a custom domain name, not on the API or its execute-api endpoint",
                "add [[gateway.custom-domains]] with a [gateway.custom-domains.mutual-tls] truststore, and set api.disable-execute-api-endpoint = true so the default endpoint cannot bypass it",
            ));
        }
        if a.account.len() != 12 || !a.account.bytes().all(|b| b.is_ascii_digit()) {
            out.push(problem(
                &["api", "account"],
                format!("account id `{}` is not 12 digits", a.account),
                "e.g. \"111122223333\"",
            ));
        }
        if a.stage.is_empty()
            || !a
                .stage
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.push(problem(
                &["api", "stage"],
                format!("stage name `{}` is not valid", a.stage),
                "letters, digits, - and _ only",
            ));
        }
        if let Some(p) = &a.security_policy {
            if !p.starts_with("SecurityPolicy_") && p != "TLS_1_0" && p != "TLS_1_2" {
                out.push(problem(
                    &["api", "security-policy"],
                    format!("unknown security policy `{p}`"),
                    format!("use one of: {}", KNOWN_POLICIES.join(", ")),
                ));
            } else if p.starts_with("SecurityPolicy_") && a.endpoint_access_mode.is_none() {
                out.push(problem(
                    &["api", "security-policy"],
                    format!("enhanced security policy `{p}` needs an endpoint access mode"),
                    "set api.endpoint-access-mode = \"basic\" (migrate with basic first) or \"strict\"",
                ));
            }
        }
        if a.endpoint_type == EndpointType::Private && self.resource_policy.is_none() {
            // Not an error: a private API without a policy is a lesson (every call fails).
        }
    }

    fn check_domains(&self, out: &mut Vec<ConfigProblem>) {
        let mut names = BTreeSet::new();
        for (i, d) in self.custom_domains.iter().enumerate() {
            let idx = i.to_string();
            let at = |k: &'static str| -> Vec<&str> { vec!["custom-domains", "", k] };
            let mk = |k: &'static str, m: String, h: &str| {
                let mut p = at(k);
                p[1] = idx.as_str();
                problem(&p, m, h)
            };
            if !names.insert(d.name.to_ascii_lowercase()) {
                out.push(mk(
                    "name",
                    format!("custom domain `{}` is defined twice", d.name),
                    "each domain name once",
                ));
            }
            if d.endpoint_type == EndpointType::Edge && d.certificate.region != "us-east-1" {
                out.push(mk(
                    "certificate",
                    format!("an edge-optimized custom domain needs its ACM certificate in us-east-1, not {}", d.certificate.region),
                    "request or import the certificate in us-east-1 (N. Virginia)",
                ));
            }
            if d.endpoint_type == EndpointType::Regional && d.certificate.region != self.api.region
            {
                out.push(mk(
                    "certificate",
                    format!("a Regional custom domain needs its certificate in the API's Region ({}), not {}", self.api.region, d.certificate.region),
                    "request the ACM certificate in the same Region as the API",
                ));
            }
            if !d.certificate.names.iter().any(|n| host_covered(n, &d.name)) {
                out.push(mk(
                    "certificate",
                    format!("the certificate does not cover `{}`", d.name),
                    "add the domain (or a matching *.wildcard) to certificate.names",
                ));
            }
            if d.certificate.names.iter().any(|n| n.starts_with("*."))
                && d.certificate.source == CertSource::Imported
                && d.name.starts_with("*.")
            {
                out.push(mk(
                    "certificate",
                    "wildcard custom domain names need an ACM-issued certificate".into(),
                    "use source = \"acm\"",
                ));
            }
            match policy_accepts(&d.security_policy, TlsVersion::Tls1_2) {
                None => out.push(mk(
                    "security-policy",
                    format!("unknown security policy `{}`", d.security_policy),
                    &format!("use one of: {}", KNOWN_POLICIES.join(", ")),
                )),
                Some(_) => {
                    if d.security_policy.starts_with("SecurityPolicy_")
                        && d.endpoint_access_mode.is_none()
                    {
                        out.push(mk(
                            "security-policy",
                            format!(
                                "enhanced security policy `{}` needs an endpoint access mode",
                                d.security_policy
                            ),
                            "set endpoint-access-mode = \"basic\" first, then \"strict\"",
                        ));
                    }
                }
            }
            for (j, m) in d.mappings.iter().enumerate() {
                if m.stage != self.api.stage {
                    let js = j.to_string();
                    out.push(problem(
                        &["custom-domains", &idx, "mappings", &js, "stage"],
                        format!(
                            "stage `{}` does not exist (the API has stage `{}`)",
                            m.stage, self.api.stage
                        ),
                        "map the domain to the API's stage",
                    ));
                }
            }
            if let Some(mtls) = &d.mutual_tls {
                if d.endpoint_type != EndpointType::Regional {
                    out.push(mk(
                        "mutual-tls",
                        format!(
                            "mutual TLS needs a Regional custom domain; `{}` is {}",
                            d.name,
                            d.endpoint_type.label()
                        ),
                        "set endpoint-type = \"regional\"",
                    ));
                }
                if policy_accepts(&d.security_policy, TlsVersion::Tls1_0) == Some(true) {
                    out.push(mk(
                        "mutual-tls",
                        "mutual TLS needs a security policy with TLS 1.2 as the minimum".into(),
                        "set security-policy = \"TLS_1_2\"",
                    ));
                }
                if mtls.truststore.is_empty() {
                    out.push(mk(
                        "mutual-tls",
                        "the truststore is empty".into(),
                        "list at least one CA certificate name",
                    ));
                }
                for ca in &mtls.truststore {
                    match self.certificates.iter().find(|c| &c.name == ca) {
                        None => out.push(mk(
                            "mutual-tls",
                            format!("truststore names certificate `{ca}`, which is not defined"),
                            "add it under [[gateway.certificates]]",
                        )),
                        Some(c) => {
                            if matches!(c.key, KeyAlgorithm::Rsa1024)
                                || c.signature == SignatureHash::Sha1
                            {
                                out.push(mk(
                                    "mutual-tls",
                                    format!("truststore certificate `{ca}` uses a weak algorithm (API Gateway needs SHA-256 or stronger, RSA-2048 or ECDSA-256 or stronger)"),
                                    "replace it with a stronger CA certificate",
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    fn check_routes(&self, out: &mut Vec<ConfigProblem>) {
        let mut seen = BTreeSet::new();
        for (i, r) in self.routes.iter().enumerate() {
            let idx = i.to_string();
            let p =
                |k: &'static str| -> Vec<String> { vec!["routes".into(), idx.clone(), k.into()] };
            let push = |out: &mut Vec<ConfigProblem>, k: &'static str, m: String, h: String| {
                out.push(ConfigProblem {
                    path: p(k),
                    message: m,
                    hint: h,
                });
            };
            if !r.path.starts_with('/') {
                push(
                    out,
                    "path",
                    format!("resource path `{}` must start with /", r.path),
                    "e.g. \"/items\"".into(),
                );
            }
            let segs: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
            for (k, s) in segs.iter().enumerate() {
                if s.ends_with("+}") && k + 1 != segs.len() {
                    push(
                        out,
                        "path",
                        "a greedy {proxy+} segment must be the last one".into(),
                        "move {proxy+} to the end".into(),
                    );
                }
            }
            let m = r.method.to_ascii_uppercase();
            if ![
                "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY",
            ]
            .contains(&m.as_str())
                || m != r.method
            {
                push(
                    out,
                    "method",
                    format!(
                        "method `{}` is not one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY",
                        r.method
                    ),
                    "write it in upper case".into(),
                );
            }
            if !seen.insert((r.path.clone(), m.clone())) {
                push(
                    out,
                    "method",
                    format!("{} {} is defined twice", m, r.path),
                    "each resource has each method once".into(),
                );
            }
            match r.authorization {
                AuthorizationType::CognitoUserPools | AuthorizationType::Custom => match &r
                    .authorizer
                {
                    None => push(
                        out,
                        "authorizer",
                        format!(
                            "authorization {} needs an authorizer name",
                            r.authorization.aws_name()
                        ),
                        "set authorizer = \"<name>\"".into(),
                    ),
                    Some(a) => match self.authorizers.iter().find(|x| &x.name == a) {
                        None => push(
                            out,
                            "authorizer",
                            format!("authorizer `{a}` is not defined"),
                            format!(
                                "defined: {}",
                                self.authorizers
                                    .iter()
                                    .map(|x| x.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                        Some(az) => {
                            let cognito = az.kind == AuthorizerType::CognitoUserPools;
                            if cognito != (r.authorization == AuthorizationType::CognitoUserPools) {
                                push(out, "authorizer", format!("authorizer `{a}` is a {:?} authorizer but the method's authorization is {}", az.kind, r.authorization.aws_name()), "use COGNITO_USER_POOLS with Cognito authorizers and CUSTOM with Lambda authorizers".into());
                            }
                        }
                    },
                },
                _ => {
                    if r.authorizer.is_some() {
                        push(out, "authorizer", format!("authorization {} does not use an authorizer", r.authorization.aws_name()), "remove `authorizer`, or set authorization = \"CUSTOM\" or \"COGNITO_USER_POOLS\"".into());
                    }
                }
            }
            if !r.scopes.is_empty() && r.authorization != AuthorizationType::CognitoUserPools {
                push(
                    out,
                    "scopes",
                    "OAuth scopes only apply to COGNITO_USER_POOLS methods".into(),
                    "remove scopes, or use a Cognito authorizer".into(),
                );
            }
            if let Some(t) = &r.throttle {
                for (_, m, h) in t.validate() {
                    push(out, "throttle", m, h);
                }
            }
            let int = &r.integration;
            if !(50..=29_000).contains(&int.timeout_ms) {
                push(
                    out,
                    "integration",
                    format!(
                        "integration timeout {} ms is outside 50 ms to 29,000 ms",
                        int.timeout_ms
                    ),
                    "REST API integrations time out between 50 ms and 29 s".into(),
                );
            }
            if !(0.0..=1.0).contains(&int.failure_rate) || int.failure_rate.is_nan() {
                push(
                    out,
                    "integration",
                    format!("failure-rate {} is outside 0.0 to 1.0", int.failure_rate),
                    "e.g. 0.05 for 5%".into(),
                );
            }
            if !(100..=599).contains(&int.status) {
                push(
                    out,
                    "integration",
                    format!("status {} is not an HTTP status", int.status),
                    "use 100 to 599".into(),
                );
            }
            if int.backend_cors && !int.kind.is_proxy() {
                push(
                    out,
                    "integration",
                    "backend-cors only applies to proxy integrations".into(),
                    "non-proxy methods get CORS headers from `cors = true` on the route".into(),
                );
            }
        }
    }

    fn check_authorizers(&self, out: &mut Vec<ConfigProblem>) {
        let mut names = BTreeSet::new();
        for (i, a) in self.authorizers.iter().enumerate() {
            let idx = i.to_string();
            let mk = |k: &str, m: String, h: String| ConfigProblem {
                path: vec!["authorizers".into(), idx.clone(), k.into()],
                message: m,
                hint: h,
            };
            if !names.insert(a.name.clone()) {
                out.push(mk(
                    "name",
                    format!("authorizer `{}` is defined twice", a.name),
                    "authorizer names are unique".into(),
                ));
            }
            if a.ttl > MAX_AUTHORIZER_TTL {
                out.push(mk(
                    "ttl",
                    format!("TTL {} s is above the maximum of 3600 s", a.ttl),
                    "use 0 (no caching) to 3600; the default is 300".into(),
                ));
            }
            for s in &a.identity_sources {
                if identity_source_kind(s).is_none() {
                    out.push(mk("identity-sources", format!("`{s}` is not an identity source"), "use method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME".into()));
                }
                if s.starts_with("method.request.path.") {
                    out.push(mk(
                        "identity-sources",
                        "path parameters cannot be identity sources".into(),
                        "use a header or query string instead".into(),
                    ));
                }
            }
            match a.kind {
                AuthorizerType::Token | AuthorizerType::CognitoUserPools => {
                    if a.identity_sources.len() != 1
                        || !a.identity_sources[0].starts_with("method.request.header.")
                    {
                        out.push(mk(
                            "identity-sources",
                            format!("a {:?} authorizer reads exactly one header", a.kind),
                            "e.g. [\"method.request.header.Authorization\"]".into(),
                        ));
                    }
                }
                AuthorizerType::Request => {
                    if a.ttl > 0 && a.identity_sources.is_empty() {
                        out.push(mk("identity-sources", "a REQUEST authorizer with caching needs identity sources (they form the cache key)".into(), "add identity sources or set ttl = 0".into()));
                    }
                }
            }
            if let Some(re) = &a.validation_regex {
                if a.kind != AuthorizerType::Token {
                    out.push(mk(
                        "validation-regex",
                        "only TOKEN authorizers have a token validation regex".into(),
                        "remove it".into(),
                    ));
                }
                if let Err(e) = Regex::new(re) {
                    out.push(mk(
                        "validation-regex",
                        format!(
                            "invalid regex: {}",
                            e.to_string().lines().last().unwrap_or("")
                        ),
                        "check the pattern's syntax".into(),
                    ));
                }
            }
            match a.kind {
                AuthorizerType::CognitoUserPools => {
                    if a.user_pools.is_empty() {
                        out.push(mk(
                            "user-pools",
                            "a Cognito authorizer needs at least one user pool".into(),
                            "list pool ids".into(),
                        ));
                    }
                    for p in &a.user_pools {
                        if !self.user_pools.iter().any(|u| &u.id == p) {
                            out.push(mk(
                                "user-pools",
                                format!("user pool `{p}` is not defined"),
                                "add it under [[gateway.user-pools]]".into(),
                            ));
                        }
                    }
                    if a.function.is_some() {
                        out.push(mk(
                            "function",
                            "a Cognito authorizer has no Lambda function".into(),
                            "remove [function]".into(),
                        ));
                    }
                }
                _ => {
                    match &a.function {
                        None => out.push(mk(
                            "function",
                            "a Lambda authorizer needs a function".into(),
                            "add function = { behaviour = \"allow\" } (or validate-jwt, ...)"
                                .into(),
                        )),
                        Some(f) => {
                            if f.behaviour == Behaviour::ValidateJwt {
                                match &f.issuer {
                                    None => out.push(mk(
                                        "function",
                                        "validate-jwt needs `issuer`".into(),
                                        "name an entry of [[gateway.issuers]]".into(),
                                    )),
                                    Some(n) if !self.issuers.iter().any(|x| &x.name == n) => out
                                        .push(mk(
                                            "function",
                                            format!("issuer `{n}` is not defined"),
                                            "add it under [[gateway.issuers]]".into(),
                                        )),
                                    _ => {}
                                }
                            }
                            if f.behaviour == Behaviour::Rules && f.rules.is_empty() {
                                out.push(mk("function", "a rules function needs `rules`".into(), "e.g. rules = [{ token = \"Bearer alice-token\", allow = [\"*\"] }]".into()));
                            }
                            for (j, r) in f.rules.iter().enumerate() {
                                let outcomes = [
                                    !r.allow.is_empty(),
                                    r.deny,
                                    r.error.is_some(),
                                    r.malformed,
                                    r.unauthorized,
                                ]
                                .iter()
                                .filter(|x| **x)
                                .count();
                                if outcomes != 1 {
                                    out.push(mk("function", format!("rule {j} (token `{}`) must say exactly one of allow, deny, error, malformed, unauthorized", r.token), "give each rule one outcome".into()));
                                }
                                for a in &r.allow {
                                    let ok = a == "*"
                                        || a.split_once(' ').is_some_and(|(m, p)| {
                                            !m.is_empty() && p.starts_with('/')
                                        });
                                    if !ok {
                                        out.push(mk(
                                            "function",
                                            format!("`{a}` is not a method pattern"),
                                            "write \"GET /profile\", \"GET /items/*\" or \"*\""
                                                .into(),
                                        ));
                                    }
                                }
                            }
                            if f.behaviour == Behaviour::AllowIfHeader && f.values.is_empty() {
                                out.push(mk(
                                    "function",
                                    "allow-if-header needs `values`".into(),
                                    "list the accepted values".into(),
                                ));
                            }
                            if f.behaviour == Behaviour::AllowIfHeader
                                && a.kind == AuthorizerType::Request
                                && f.header.is_none()
                            {
                                out.push(mk(
                                    "function",
                                    "allow-if-header on a REQUEST authorizer needs `header`".into(),
                                    "name the header to read".into(),
                                ));
                            }
                            for c in &f.cidrs {
                                if parse_ip_or_cidr(c).is_none() {
                                    out.push(mk(
                                        "function",
                                        format!("`{c}` is not a CIDR block"),
                                        "e.g. \"10.0.0.0/8\"".into(),
                                    ));
                                }
                            }
                            if let Some(k) = &f.usage_identifier_key
                                && !self.api_keys.iter().any(|x| &x.name == k)
                            {
                                out.push(mk("function", format!("usage-identifier-key names API key `{k}`, which is not defined"), "add it under [[gateway.api-keys]]".into()));
                            }
                            if !(1..=900_000).contains(&f.timeout_ms) {
                                out.push(mk(
                                    "function",
                                    "function timeout must be 1 ms to 900 s".into(),
                                    "e.g. 10000".into(),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    fn check_waf(&self, out: &mut Vec<ConfigProblem>) {
        let Some(w) = &self.waf else { return };
        if ![16, 32, 48, 64].contains(&w.body_inspection_kb) {
            out.push(problem(
                &["waf", "body-inspection-kb"],
                format!("{} KB is not a body inspection limit", w.body_inspection_kb),
                "use 16, 32, 48 or 64",
            ));
        }
        let mut prio = BTreeSet::new();
        let mut names = BTreeSet::new();
        for (i, r) in w.rules.iter().enumerate() {
            let idx = i.to_string();
            let mk = |k: &str, m: String, h: &str| ConfigProblem {
                path: vec!["waf".into(), "rules".into(), idx.clone(), k.into()],
                message: m,
                hint: h.into(),
            };
            if !prio.insert(r.priority) {
                out.push(mk(
                    "priority",
                    format!("priority {} is used twice", r.priority),
                    "priorities are unique within a web ACL",
                ));
            }
            if !names.insert(r.name.clone()) {
                out.push(mk(
                    "name",
                    format!("rule `{}` is defined twice", r.name),
                    "rule names are unique",
                ));
            }
            match r.matcher {
                WafMatch::IpSet => match &r.ip_set {
                    None => out.push(mk(
                        "ip-set",
                        "an ip-set rule needs `ip-set`".into(),
                        "name an entry of [[gateway.waf.ip-sets]]",
                    )),
                    Some(n) if !w.ip_sets.iter().any(|s| &s.name == n) => out.push(mk(
                        "ip-set",
                        format!("IP set `{n}` is not defined"),
                        "add it under [[gateway.waf.ip-sets]]",
                    )),
                    _ => {}
                },
                WafMatch::RateBased => {
                    if r.action == WafAction::Allow {
                        out.push(mk(
                            "action",
                            "a rate-based rule cannot Allow".into(),
                            "use block or count",
                        ));
                    }
                    match r.limit {
                        None => out.push(mk(
                            "limit",
                            "a rate-based rule needs `limit`".into(),
                            "at least 10",
                        )),
                        Some(l) if l < 10 => out.push(mk(
                            "limit",
                            format!("limit {l} is below the minimum of 10"),
                            "use 10 or more",
                        )),
                        _ => {}
                    }
                    if let Some(ws) = r.window_secs
                        && ![60, 120, 300, 600].contains(&ws)
                    {
                        out.push(mk(
                            "window-secs",
                            format!("{ws} s is not an evaluation window"),
                            "use 60, 120, 300 or 600",
                        ));
                    }
                }
                WafMatch::Header if r.header.is_none() || r.value.is_none() => {
                    out.push(mk(
                        "header",
                        "a header rule needs `header` and `value`".into(),
                        "e.g. header = \"x-partner\", value = \"yes\"",
                    ));
                }
                WafMatch::Sqli => {
                    if let Some(s) = &r.sensitivity
                        && s != "low"
                        && s != "high"
                    {
                        out.push(mk(
                            "sensitivity",
                            format!("sensitivity `{s}` is not low or high"),
                            "use \"low\" (default) or \"high\"",
                        ));
                    }
                }
                _ => {}
            }
            if r.custom_response.is_some() && r.action != WafAction::Block {
                out.push(mk(
                    "custom-response",
                    "a custom response only applies to Block".into(),
                    "set action = \"block\" or remove it",
                ));
            }
        }
        for (i, s) in w.ip_sets.iter().enumerate() {
            for a in &s.addresses {
                if parse_ip_or_cidr(a).is_none() {
                    out.push(problem(
                        &["waf", "ip-sets", &i.to_string(), "addresses"],
                        format!("`{a}` is not an IP address or CIDR block"),
                        "e.g. \"203.0.113.0/24\"",
                    ));
                }
            }
        }
    }

    fn check_keys_and_plans(&self, out: &mut Vec<ConfigProblem>) {
        let mut names = BTreeSet::new();
        let mut values = BTreeSet::new();
        for (i, k) in self.api_keys.iter().enumerate() {
            let idx = i.to_string();
            if !names.insert(k.name.clone()) {
                out.push(problem(
                    &["api-keys", &idx, "name"],
                    format!("API key `{}` is defined twice", k.name),
                    "key names are unique",
                ));
            }
            if !values.insert(k.value.clone()) {
                out.push(problem(
                    &["api-keys", &idx, "value"],
                    "two API keys have the same value".to_string(),
                    "key values must be unique",
                ));
            }
            if !(20..=128).contains(&k.value.len())
                || !k.value.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                out.push(problem(
                    &["api-keys", &idx, "value"],
                    format!(
                        "API key value must be 20 to 128 alphanumeric characters (has {})",
                        k.value.len()
                    ),
                    "e.g. \"goldKey0123456789abcdef\"",
                ));
            }
        }
        // One plan per key per stage.
        let mut key_stage: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut plan_names = BTreeSet::new();
        for (i, p) in self.usage_plans.iter().enumerate() {
            let idx = i.to_string();
            if !plan_names.insert(p.name.clone()) {
                out.push(problem(
                    &["usage-plans", &idx, "name"],
                    format!("usage plan `{}` is defined twice", p.name),
                    "plan names are unique",
                ));
            }
            for k in &p.keys {
                if !self.api_keys.iter().any(|x| &x.name == k) {
                    out.push(problem(
                        &["usage-plans", &idx, "keys"],
                        format!("API key `{k}` is not defined"),
                        "add it under [[gateway.api-keys]]",
                    ));
                }
                for s in &p.stages {
                    if let Some(other) = key_stage.insert((k.clone(), s.clone()), p.name.clone()) {
                        out.push(problem(
                            &["usage-plans", &idx, "keys"],
                            format!("API key `{k}` is already in plan `{other}` for stage `{s}`"),
                            "a key can be in only one usage plan per stage",
                        ));
                    }
                }
            }
            for (k, t) in [("throttle", p.throttle.as_ref())] {
                if let Some(t) = t {
                    for (_, m, h) in t.validate() {
                        out.push(problem(&["usage-plans", &idx, k], m, h));
                    }
                }
            }
            if let Some(q) = &p.quota {
                for (pp, m, h) in q.validate() {
                    let mut path =
                        vec!["usage-plans".to_string(), idx.clone(), "quota".to_string()];
                    path.extend(pp);
                    out.push(ConfigProblem {
                        path,
                        message: m,
                        hint: h,
                    });
                }
            }
            if let Some(q) = &p.quota
                && q.limit == 0
            {
                out.push(problem(
                    &["usage-plans", &idx, "quota"],
                    "a quota limit of 0 blocks every request".to_string(),
                    "use a positive limit, or remove the quota",
                ));
            }
            for (j, mt) in p.method_throttles.iter().enumerate() {
                let t = ThrottleSettings {
                    rate: mt.rate,
                    burst: mt.burst,
                };
                for (_, m, h) in t.validate() {
                    out.push(problem(
                        &["usage-plans", &idx, "method-throttles", &j.to_string()],
                        m,
                        h,
                    ));
                }
                if !self
                    .routes
                    .iter()
                    .any(|r| r.path == mt.path && (r.method == mt.method || r.method == "ANY"))
                {
                    out.push(problem(
                        &["usage-plans", &idx, "method-throttles", &j.to_string()],
                        format!("{} {} is not a method of the API", mt.method, mt.path),
                        "use a route's path and method",
                    ));
                }
            }
        }
    }

    fn check_identities(&self, out: &mut Vec<ConfigProblem>) {
        let mut keys = BTreeSet::new();
        for (i, p) in self.iam.iter().enumerate() {
            let idx = i.to_string();
            if !keys.insert(p.access_key_id.clone()) {
                out.push(problem(
                    &["iam", &idx, "access-key-id"],
                    "two IAM identities share an access key id".to_string(),
                    "access key ids are unique",
                ));
            }
            if let Some(e) = &p.session_expires
                && SimTime::parse_rfc3339(e).is_err()
            {
                out.push(problem(
                    &["iam", &idx, "session-expires"],
                    format!("`{e}` is not an RFC 3339 time"),
                    "e.g. \"2025-01-01T13:00:00Z\"",
                ));
            }
            for (pp, m, h) in p.policy.problems() {
                let mut path = vec!["iam".to_string(), idx.clone(), "policy".to_string()];
                path.extend(pp);
                out.push(ConfigProblem {
                    path,
                    message: m,
                    hint: h,
                });
            }
        }
        // Each pool and issuer, plus duplicates across them (paths from the top).
        for (path, message, hint) in super::cognito::validate(&self.user_pools, &self.issuers) {
            out.push(ConfigProblem {
                path,
                message,
                hint,
            });
        }
        let mut names = BTreeSet::new();
        for (i, c) in self.certificates.iter().enumerate() {
            let idx = i.to_string();
            if !names.insert(c.name.clone()) {
                out.push(problem(
                    &["certificates", &idx, "name"],
                    format!("certificate `{}` is defined twice", c.name),
                    "names are unique",
                ));
            }
            for (k, v) in [("not-before", &c.not_before), ("not-after", &c.not_after)] {
                if SimTime::parse_rfc3339(v).is_err() {
                    out.push(problem(
                        &["certificates", &idx, k],
                        format!("`{v}` is not an RFC 3339 time"),
                        "e.g. \"2030-01-01T00:00:00Z\"",
                    ));
                }
            }
            if c.issuer != c.name && !self.certificates.iter().any(|x| x.name == c.issuer) {
                out.push(problem(
                    &["certificates", &idx, "issuer"],
                    format!("issuer `{}` is not defined", c.issuer),
                    "name another certificate, or the certificate itself if self-signed",
                ));
            }
        }
    }

    /// The route for a method, by path and method.
    pub fn route_index(&self, path: &str, method: &str) -> Option<usize> {
        self.routes
            .iter()
            .position(|r| r.path == path && r.method == method)
    }
}

/// What an identity source reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentitySource {
    Header(String),
    Query(String),
    StageVariable(String),
    Context(String),
}

/// Parse `method.request.header.X` and friends.
pub fn identity_source_kind(s: &str) -> Option<IdentitySource> {
    let s = s.trim();
    let s = s.strip_prefix("$").unwrap_or(s);
    if let Some(h) = s.strip_prefix("method.request.header.") {
        return (!h.is_empty()).then(|| IdentitySource::Header(h.to_string()));
    }
    if let Some(q) = s.strip_prefix("method.request.querystring.") {
        return (!q.is_empty()).then(|| IdentitySource::Query(q.to_string()));
    }
    if let Some(v) = s.strip_prefix("stageVariables.") {
        return (!v.is_empty()).then(|| IdentitySource::StageVariable(v.to_string()));
    }
    if let Some(v) = s.strip_prefix("context.") {
        return (!v.is_empty()).then(|| IdentitySource::Context(v.to_string()));
    }
    if s.starts_with("method.request.path.") {
        return Some(IdentitySource::Context(String::new()));
    }
    None
}

/// Does a certificate name (possibly `*.example.com`) cover `host`?
pub fn host_covered(cert_name: &str, host: &str) -> bool {
    let c = cert_name.to_ascii_lowercase();
    let h = host.to_ascii_lowercase();
    if let Some(suffix) = c.strip_prefix("*.") {
        return h
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix);
    }
    c == h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> GatewayConfig {
        toml::from_str(src).unwrap()
    }

    #[test]
    fn defaults_are_sensible() {
        let c = parse("");
        assert_eq!(c.api.stage, "prod");
        assert_eq!(
            c.api.default_host(),
            "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
        );
        assert_eq!(c.api.masked_account(), "********3333");
        assert!(c.problems().is_empty());
    }

    #[test]
    fn ttl_above_3600_is_refused() {
        let c = parse(
            r#"
            [[routes]]
            path = "/items"
            method = "GET"
            authorization = "CUSTOM"
            authorizer = "a"
            [[authorizers]]
            name = "a"
            type = "TOKEN"
            ttl = 4000
            function = { behaviour = "allow" }
            "#,
        );
        let p = c.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("3600"));
        assert_eq!(p[0].path, vec!["authorizers", "0", "ttl"]);
    }

    #[test]
    fn mtls_on_the_api_is_refused_with_the_reason() {
        let c = parse("[api]\nmutual-tls = { truststore = [\"ca\"] }\n");
        let p = c.problems();
        assert!(
            p[0].message
                .contains("only be configured on a custom domain"),
            "{p:?}"
        );
    }

    #[test]
    fn edge_domain_cert_region_and_enhanced_policy_rules() {
        let c = parse(
            r#"
            [[custom-domains]]
            name = "api.example.com"
            endpoint-type = "edge"
            security-policy = "SecurityPolicy_TLS13_1_3_2025_09"
            certificate = { region = "eu-west-1", names = ["*.example.com"] }
            "#,
        );
        let msgs: Vec<String> = c.problems().into_iter().map(|p| p.message).collect();
        assert!(msgs.iter().any(|m| m.contains("us-east-1")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("access mode")), "{msgs:?}");
        assert!(host_covered("*.example.com", "api.example.com"));
        assert!(!host_covered("*.example.com", "a.b.example.com"));
    }

    #[test]
    fn key_in_two_plans_for_one_stage_is_refused() {
        let c = parse(
            r#"
            [[api-keys]]
            name = "k"
            value = "abcdefghijklmnopqrstuvwxyz"
            [[usage-plans]]
            name = "a"
            stages = ["prod"]
            keys = ["k"]
            [[usage-plans]]
            name = "b"
            stages = ["prod"]
            keys = ["k"]
            "#,
        );
        let p = c.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("only one usage plan per stage")
                || p[0].hint.contains("only one usage plan per stage")
        );
    }

    #[test]
    fn duplicate_pools_and_issuer_problems_are_reported() {
        let c = parse(
            r#"
            [[user-pools]]
            id = "us-east-1_Abc"
            name = "a"
            key = "pool-customers"
            [[user-pools]]
            id = "us-east-1_Abc"
            name = "b"
            key = "pool-customers"
            [[issuers]]
            name = "idp"
            issuer = "https://idp.example/"
            audience = "api"
            key = "no-such-key"
            "#,
        );
        let p = c.problems();
        assert!(
            p.iter()
                .any(|x| x.path == ["user-pools", "1", "id"] && x.message.contains("duplicate")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|x| x.path.first().map(String::as_str) == Some("issuers")),
            "{p:?}"
        );
    }

    #[test]
    fn plan_quota_and_method_throttles_are_validated() {
        let c = parse(
            r#"
            [[routes]]
            path = "/items"
            method = "GET"
            [[api-keys]]
            name = "k"
            value = "abcdefghijklmnopqrstuvwxyz"
            [[usage-plans]]
            name = "p"
            stages = ["prod"]
            keys = ["k"]
            quota = { limit = 5, period = "DAY", offset = 9 }
            method-throttles = [{ path = "/items", method = "GET", rate = -1.0, burst = 1 }]
            "#,
        );
        let p = c.problems();
        assert!(
            p.iter().any(|x| x.path.starts_with(&[
                "usage-plans".to_string(),
                "0".into(),
                "quota".into()
            ])),
            "{p:?}"
        );
        assert!(
            p.iter().any(|x| x
                .path
                .ends_with(&["method-throttles".to_string(), "0".into()])),
            "{p:?}"
        );
    }

    #[test]
    fn tls_policies() {
        assert_eq!(policy_accepts("TLS_1_2", TlsVersion::Tls1_0), Some(false));
        assert_eq!(policy_accepts("TLS_1_0", TlsVersion::Tls1_0), Some(true));
        assert_eq!(
            policy_accepts("SecurityPolicy_TLS13_1_3_2025_09", TlsVersion::Tls1_2),
            Some(false)
        );
        assert_eq!(
            policy_accepts(
                "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
                TlsVersion::Tls1_2
            ),
            Some(true)
        );
        assert_eq!(policy_accepts("TLS_9", TlsVersion::Tls1_2), None);
    }
}
