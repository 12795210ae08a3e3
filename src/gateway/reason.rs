//! Why the gateway answered as it did: one variant per cause, with a stable
//! kebab-case code for scenario expectations and JSON output.

use serde::Serialize;

use super::config::ResponseType;

macro_rules! reasons {
    ($( $(#[$doc:meta])* $name:ident = $code:literal ),* $(,)?) => {
        /// The machine-readable cause of an outcome.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Reason {
            $( $(#[$doc])* $name, )*
        }
        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$name),*];
            /// Stable kebab-case code.
            pub fn code(self) -> &'static str {
                match self { $(Reason::$name => $code,)* }
            }
            /// Parse a code.
            pub fn from_code(s: &str) -> Option<Reason> {
                match s { $($code => Some(Reason::$name),)* _ => None }
            }
        }
    };
}

reasons! {
    /// The integration answered.
    Ok = "ok",
    /// Plain `http://`: API Gateway serves HTTPS only.
    PlainHttp = "plain-http",
    /// The host name does not belong to this API.
    UnknownHost = "unknown-host",
    /// A private API called from outside its VPC endpoints.
    PrivateApiNotReachable = "private-api-not-reachable",
    /// The client's TLS version is below the security policy.
    TlsVersionRejected = "tls-version-rejected",
    /// The execute-api endpoint is disabled.
    DefaultEndpointDisabled = "default-endpoint-disabled",
    /// No stage of that name on the default endpoint.
    StageNotFound = "stage-not-found",
    /// No base-path mapping of the custom domain matches.
    NoBasePathMapping = "no-base-path-mapping",
    MtlsNoCertificate = "mtls-no-certificate",
    MtlsUntrusted = "mtls-untrusted",
    MtlsExpired = "mtls-expired",
    MtlsInsecureAlgorithm = "mtls-insecure-algorithm",
    /// A WAF rule (or the default action) blocked the request.
    WafBlocked = "waf-blocked",
    /// No resource/method matches.
    RouteNotFound = "route-not-found",
    /// A malformed (non-SigV4) Authorization header on an unknown route or IAM method.
    MalformedAuthorizationHeader = "malformed-authorization-header",
    ResourcePolicyExplicitDeny = "resource-policy-explicit-deny",
    ResourcePolicyImplicitDeny = "resource-policy-implicit-deny",
    /// AWS_IAM method called without a signature.
    MissingAuthenticationToken = "missing-authentication-token",
    InvalidSignature = "invalid-signature",
    SignatureExpired = "signature-expired",
    UnknownAccessKey = "unknown-access-key",
    CredentialScope = "credential-scope",
    ExpiredSessionToken = "expired-session-token",
    /// IAM identity/resource policies do not allow the caller.
    IamAccessDenied = "iam-access-denied",
    IamExplicitDeny = "iam-explicit-deny",
    /// The identity source (token header, REQUEST sources) is missing or empty.
    IdentitySourceMissing = "identity-source-missing",
    /// The token failed the authorizer's validation regex.
    TokenRegexMismatch = "token-regex-mismatch",
    /// A Cognito token failed validation.
    InvalidToken = "invalid-token",
    /// The Cognito token has none of the method's scopes.
    ScopeMismatch = "scope-mismatch",
    /// The Lambda authorizer threw `Unauthorized`.
    AuthorizerUnauthorized = "authorizer-unauthorized",
    /// The Lambda authorizer threw another error.
    AuthorizerError = "authorizer-error",
    AuthorizerTimeout = "authorizer-timeout",
    /// The Lambda authorizer returned no principalId/policyDocument.
    AuthorizerMalformed = "authorizer-malformed",
    AuthorizerExplicitDeny = "authorizer-explicit-deny",
    AuthorizerImplicitDeny = "authorizer-implicit-deny",
    /// The method ARN exceeds 1600 bytes on an authorized method.
    MethodArnTooLong = "method-arn-too-long",
    ApiKeyMissing = "api-key-missing",
    ApiKeyInvalid = "api-key-invalid",
    ApiKeyDisabled = "api-key-disabled",
    ApiKeyNotInPlan = "api-key-not-in-plan",
    /// Per-key (usage plan) throttle.
    KeyThrottled = "key-throttled",
    QuotaExceeded = "quota-exceeded",
    MethodThrottled = "method-throttled",
    StageThrottled = "stage-throttled",
    AccountThrottled = "account-throttled",
    MissingParameters = "missing-parameters",
    InvalidBody = "invalid-body",
    IntegrationTimeout = "integration-timeout",
    IntegrationFailure = "integration-failure",
}

impl Reason {
    /// The gateway response type that renders this outcome (None: not a gateway
    /// response — success, no HTTP response at all, or a fixed response).
    pub fn response_type(self) -> Option<ResponseType> {
        use Reason::*;
        use ResponseType as T;
        Some(match self {
            Ok | PlainHttp | UnknownHost | PrivateApiNotReachable | TlsVersionRejected => {
                return None;
            }
            MtlsNoCertificate | MtlsUntrusted | MtlsExpired | MtlsInsecureAlgorithm => return None,
            DefaultEndpointDisabled | StageNotFound => return None,
            WafBlocked => T::WAF_FILTERED,
            RouteNotFound
            | NoBasePathMapping
            | MissingAuthenticationToken
            | MalformedAuthorizationHeader => T::MISSING_AUTHENTICATION_TOKEN,
            ResourcePolicyExplicitDeny
            | ResourcePolicyImplicitDeny
            | IamAccessDenied
            | IamExplicitDeny
            | AuthorizerExplicitDeny
            | AuthorizerImplicitDeny => T::ACCESS_DENIED,
            InvalidSignature | SignatureExpired | CredentialScope => T::INVALID_SIGNATURE,
            UnknownAccessKey => T::ACCESS_DENIED,
            ExpiredSessionToken => T::EXPIRED_TOKEN,
            IdentitySourceMissing
            | TokenRegexMismatch
            | InvalidToken
            | ScopeMismatch
            | AuthorizerUnauthorized => T::UNAUTHORIZED,
            AuthorizerError | AuthorizerTimeout | AuthorizerMalformed => {
                T::AUTHORIZER_CONFIGURATION_ERROR
            }
            MethodArnTooLong => return None,
            ApiKeyMissing | ApiKeyInvalid | ApiKeyDisabled | ApiKeyNotInPlan => T::INVALID_API_KEY,
            KeyThrottled | MethodThrottled | StageThrottled | AccountThrottled => T::THROTTLED,
            QuotaExceeded => T::QUOTA_EXCEEDED,
            MissingParameters => T::BAD_REQUEST_PARAMETERS,
            InvalidBody => T::BAD_REQUEST_BODY,
            IntegrationTimeout => T::INTEGRATION_TIMEOUT,
            IntegrationFailure => T::INTEGRATION_FAILURE,
        })
    }

    /// `true` when the client gets no HTTP response at all.
    pub fn is_no_response(self) -> bool {
        matches!(
            self,
            Reason::PlainHttp
                | Reason::UnknownHost
                | Reason::PrivateApiNotReachable
                | Reason::TlsVersionRejected
        )
    }

    /// The value of `x-amzn-ErrorType` API Gateway sends with this outcome.
    pub fn error_type(self) -> Option<&'static str> {
        use Reason::*;
        Some(match self {
            RouteNotFound | NoBasePathMapping | MissingAuthenticationToken => {
                "MissingAuthenticationTokenException"
            }
            MalformedAuthorizationHeader => "IncompleteSignatureException",
            ResourcePolicyExplicitDeny
            | ResourcePolicyImplicitDeny
            | IamAccessDenied
            | IamExplicitDeny
            | AuthorizerExplicitDeny
            | AuthorizerImplicitDeny
            | UnknownAccessKey => "AccessDeniedException",
            InvalidSignature | SignatureExpired | CredentialScope => "InvalidSignatureException",
            ExpiredSessionToken => "ExpiredTokenException",
            IdentitySourceMissing
            | TokenRegexMismatch
            | InvalidToken
            | ScopeMismatch
            | AuthorizerUnauthorized => "UnauthorizedException",
            AuthorizerError | AuthorizerTimeout | AuthorizerMalformed => {
                "AuthorizerConfigurationException"
            }
            ApiKeyMissing
            | ApiKeyInvalid
            | ApiKeyDisabled
            | ApiKeyNotInPlan
            | WafBlocked
            | MtlsNoCertificate
            | MtlsUntrusted
            | MtlsExpired
            | MtlsInsecureAlgorithm
            | DefaultEndpointDisabled
            | StageNotFound => "ForbiddenException",
            KeyThrottled | MethodThrottled | StageThrottled | AccountThrottled | QuotaExceeded => {
                "TooManyRequestsException"
            }
            MissingParameters | InvalidBody => "BadRequestException",
            IntegrationTimeout | IntegrationFailure => "InternalServerErrorException",
            _ => return None,
        })
    }

    /// The lesson section that explains this outcome (`lesson-id#section-id`).
    pub fn lesson(self) -> &'static str {
        use Reason::*;
        match self {
            Ok => "securing-apis#explain",
            PlainHttp
            | TlsVersionRejected
            | UnknownHost
            | DefaultEndpointDisabled
            | StageNotFound
            | NoBasePathMapping => "encryption-in-transit#explain",
            PrivateApiNotReachable | ResourcePolicyExplicitDeny | ResourcePolicyImplicitDeny => {
                "resource-policies#explain"
            }
            MtlsNoCertificate | MtlsUntrusted | MtlsExpired | MtlsInsecureAlgorithm => {
                "mutual-tls#explain"
            }
            WafBlocked => "waf#explain",
            RouteNotFound | MalformedAuthorizationHeader => "securing-apis#explain",
            MissingAuthenticationToken
            | InvalidSignature
            | SignatureExpired
            | UnknownAccessKey
            | CredentialScope
            | ExpiredSessionToken
            | IamAccessDenied
            | IamExplicitDeny => "iam-sigv4#explain",
            InvalidToken | ScopeMismatch => "cognito-authorizers#explain",
            IdentitySourceMissing
            | TokenRegexMismatch
            | AuthorizerUnauthorized
            | AuthorizerError
            | AuthorizerTimeout
            | AuthorizerMalformed
            | AuthorizerExplicitDeny
            | MethodArnTooLong => "lambda-authorizers#explain",
            AuthorizerImplicitDeny => "authorizer-caching#explain",
            ApiKeyMissing | ApiKeyInvalid | ApiKeyDisabled | ApiKeyNotInPlan | KeyThrottled
            | QuotaExceeded => "usage-plans#explain",
            MethodThrottled | StageThrottled | AccountThrottled => "throttling#explain",
            MissingParameters | InvalidBody | IntegrationTimeout | IntegrationFailure => {
                "securing-apis#explain"
            }
        }
    }
}

impl Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The standard reason phrase of a status code.
pub fn status_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for r in Reason::ALL {
            assert!(seen.insert(r.code()), "duplicate code {}", r.code());
            assert_eq!(Reason::from_code(r.code()), Some(*r));
            assert!(r.lesson().contains('#'));
        }
    }

    #[test]
    fn response_types_have_the_documented_statuses() {
        assert_eq!(
            Reason::RouteNotFound
                .response_type()
                .and_then(|t| t.default_status()),
            Some(403)
        );
        assert_eq!(
            Reason::IdentitySourceMissing
                .response_type()
                .and_then(|t| t.default_status()),
            Some(401)
        );
        assert_eq!(
            Reason::AuthorizerError
                .response_type()
                .and_then(|t| t.default_status()),
            Some(500)
        );
        assert_eq!(
            Reason::QuotaExceeded
                .response_type()
                .and_then(|t| t.default_status()),
            Some(429)
        );
        assert_eq!(
            Reason::IntegrationTimeout
                .response_type()
                .and_then(|t| t.default_status()),
            Some(504)
        );
    }
}
