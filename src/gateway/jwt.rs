//! JSON Web Tokens as API Gateway meets them: RS256 signing with built-in
//! teaching keys, JSON Web Key sets, a strict verifier that checks the claims
//! against the simulated clock, and the tampering tricks a learner can try in
//! the token workbench.
//!
//! [`verify_rs256`] runs its checks in a fixed order, the order a careful
//! verifier (and the Cognito authorizer) follows, so that a learner sees the
//! first check that failed:
//!
//! 1. structure: three segments separated by `.` (compact serialisation);
//! 2. every segment is canonical base64url (no padding, no stray characters,
//!    no non-zero unused bits);
//! 3. the header is a JSON object with an `alg`, and `alg` is exactly `RS256`;
//! 4. the header's `kid` names a key of the key set;
//! 5. the RS256 signature over `header.payload` verifies with that key;
//! 6. the payload is a JSON object of claims;
//! 7. `exp`, `nbf` and `iat` against the simulated clock.
//!
//! The signature layer comes from the `jsonwebtoken` crate
//! (`crypto::sign`/`crypto::verify`); its `decode`/`Validation` are not used
//! because they read the system clock and hide the order of the checks.

use crate::gateway::time::SimTime;
use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::OnceLock;

/// The claims of a token, in the order they appear in its payload.
pub type Claims = Map<String, Value>;

/// The one algorithm the simulated authorizers accept (Cognito signs with it).
pub const RS256: &str = "RS256";

/// Smallest RSA modulus a key set may hold, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// Largest RSA modulus the signature layer can verify, in bits.
pub const MAX_RSA_BITS: usize = 4096;

/// Names of the segments of a compact JWS, in order.
const SEGMENT_NAMES: [&str; 3] = ["header", "payload", "signature"];

/// Decoder for display: accepts padding and non-zero unused bits, so that a
/// tampered token can still be shown (with a note saying what is wrong).
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

// ---------------------------------------------------------------------------
// Built-in keys
// ---------------------------------------------------------------------------

/// Names of the built-in key pairs, in the order they are listed to learners.
const BUILTIN_NAMES: [&str; 5] = [
    "pool-customers",
    "pool-staff",
    "pool-partners",
    "idp-auth0",
    "attacker",
];

/// (name, private key PEM, public key PEM) of every built-in key pair.
const BUILTIN_PEMS: [(&str, &str, &str); 5] = [
    (
        "pool-customers",
        include_str!("../../assets/keys/pool-customers.pem"),
        include_str!("../../assets/keys/pool-customers.pub.pem"),
    ),
    (
        "pool-staff",
        include_str!("../../assets/keys/pool-staff.pem"),
        include_str!("../../assets/keys/pool-staff.pub.pem"),
    ),
    (
        "pool-partners",
        include_str!("../../assets/keys/pool-partners.pem"),
        include_str!("../../assets/keys/pool-partners.pub.pem"),
    ),
    (
        "idp-auth0",
        include_str!("../../assets/keys/idp-auth0.pem"),
        include_str!("../../assets/keys/idp-auth0.pub.pem"),
    ),
    (
        "attacker",
        include_str!("../../assets/keys/attacker.pem"),
        include_str!("../../assets/keys/attacker.pub.pem"),
    ),
];

/// A named built-in RSA key pair. The private halves ship with the program on
/// purpose: they are teaching keys for a simulator and protect nothing.
#[derive(Clone)]
pub struct RsaKey {
    name: &'static str,
    kid: String,
    private_pem: &'static str,
    public_pem: &'static str,
    n: String,
    e: String,
    bits: usize,
    encoding: EncodingKey,
}

impl fmt::Debug for RsaKey {
    // The private key stays out of debug output: it is long and never useful there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKey")
            .field("name", &self.name)
            .field("kid", &self.kid)
            .field("bits", &self.bits)
            .finish()
    }
}

impl RsaKey {
    /// The key's name, e.g. `pool-customers`.
    pub fn name(&self) -> &str {
        self.name
    }
    /// Key id: standard base64 of the RFC 7638 SHA-256 thumbprint, which has
    /// the shape of a Cognito `kid` (44 characters ending in `=`).
    pub fn kid(&self) -> &str {
        &self.kid
    }
    /// The private key, PKCS#8 PEM.
    pub fn private_pem(&self) -> &str {
        self.private_pem
    }
    /// The public key, SubjectPublicKeyInfo PEM (what `openssl rsa -pubout` prints).
    pub fn public_pem(&self) -> &str {
        self.public_pem
    }
    /// Modulus, base64url without padding (the JWK `n`).
    pub fn n(&self) -> &str {
        &self.n
    }
    /// Public exponent, base64url without padding (the JWK `e`).
    pub fn e(&self) -> &str {
        &self.e
    }
    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }
    /// The public half as a JWK.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kid: self.kid.clone(),
            n: self.n.clone(),
            e: self.e.clone(),
        }
    }
}

/// Names of the built-in key pairs.
pub fn builtin_key_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// A built-in key pair by name.
pub fn builtin_key(name: &str) -> Option<&'static RsaKey> {
    builtin_keys().iter().find(|k| k.name == name)
}

/// A built-in key pair by `kid` (used by the tampering tricks, which only see a token).
pub fn builtin_key_by_kid(kid: &str) -> Option<&'static RsaKey> {
    builtin_keys().iter().find(|k| k.kid == kid)
}

/// Every built-in key that loaded. The PEM files are part of the program, so a
/// key that fails to load is a packaging bug; a unit test asserts they all load.
fn builtin_keys() -> &'static [RsaKey] {
    static KEYS: OnceLock<Vec<RsaKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        BUILTIN_PEMS
            .iter()
            .filter_map(|(name, private, public)| load_key(name, private, public).ok())
            .collect()
    })
}

/// Derive the public JWK members from the private PEM and check that the
/// shipped public PEM is the same key.
fn load_key(
    name: &'static str,
    private_pem: &'static str,
    public_pem: &'static str,
) -> Result<RsaKey, String> {
    let encoding = EncodingKey::from_rsa_pem(private_pem.as_bytes())
        .map_err(|e| format!("{name}: private key does not load: {e}"))?;
    let (n, e) = rsa_components(encoding.as_bytes(), true)
        .ok_or_else(|| format!("{name}: private key is not a PKCS#1 RSA key"))?;
    let public = DecodingKey::from_rsa_pem(public_pem.as_bytes())
        .map_err(|e| format!("{name}: public key does not load: {e}"))?;
    let public_der = public
        .try_get_as_bytes()
        .map_err(|e| format!("{name}: public key has no DER form: {e}"))?;
    let (pn, pe) = rsa_components(public_der, false)
        .ok_or_else(|| format!("{name}: public key is not a PKCS#1 RSA key"))?;
    if pn != n || pe != e {
        return Err(format!(
            "{name}: the public PEM is not the public half of the private PEM"
        ));
    }
    let n = URL_SAFE_NO_PAD.encode(&n);
    let e = URL_SAFE_NO_PAD.encode(&e);
    let kid = STANDARD.encode(thumbprint_sha256(&n, &e));
    let bits = modulus_bits(&URL_SAFE_NO_PAD.decode(&n).unwrap_or_default());
    Ok(RsaKey {
        name,
        kid,
        private_pem,
        public_pem,
        n,
        e,
        bits,
        encoding,
    })
}

/// One DER TLV: (tag, contents, rest). `None` when the input is truncated.
fn der_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = rest.get(..count)?;
        let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (len, rest.get(count..)?)
    };
    Some((tag, rest.get(..len)?, rest.get(len..)?))
}

/// (n, e) as unsigned big-endian bytes from a PKCS#1 `RSAPrivateKey`
/// (`private`: version, n, e, ...) or `RSAPublicKey` (n, e).
fn rsa_components(der: &[u8], private: bool) -> Option<(Vec<u8>, Vec<u8>)> {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    let (tag, mut body, _) = der_tlv(der)?;
    if tag != SEQUENCE {
        return None;
    }
    if private {
        let (tag, _version, rest) = der_tlv(body)?;
        if tag != INTEGER {
            return None;
        }
        body = rest;
    }
    let (tag, n, rest) = der_tlv(body)?;
    if tag != INTEGER {
        return None;
    }
    let (tag, e, _) = der_tlv(rest)?;
    if tag != INTEGER {
        return None;
    }
    Some((
        strip_leading_zeros(n).to_vec(),
        strip_leading_zeros(e).to_vec(),
    ))
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Number of significant bits of an unsigned big-endian integer.
fn modulus_bits(bytes: &[u8]) -> usize {
    let bytes = strip_leading_zeros(bytes);
    match bytes.first() {
        Some(&top) => bytes.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

/// RFC 7638 JWK thumbprint (SHA-256) of an RSA key given as base64url `n`, `e`.
pub fn thumbprint_sha256(n: &str, e: &str) -> [u8; 32] {
    // Members in lexicographic order, no whitespace (RFC 7638 §3.2).
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    Sha256::digest(canonical.as_bytes()).into()
}

// ---------------------------------------------------------------------------
// JSON Web Keys
// ---------------------------------------------------------------------------

/// The public half of an RSA key as a key set publishes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Jwk {
    /// Key id; tokens name the key that signed them with this value.
    pub kid: String,
    /// Modulus, base64url without padding.
    pub n: String,
    /// Public exponent, base64url without padding.
    pub e: String,
}

impl Jwk {
    /// The key as a JWKS entry, in the member order Cognito publishes.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("alg".into(), Value::from(RS256));
        m.insert("e".into(), Value::from(self.e.clone()));
        m.insert("kid".into(), Value::from(self.kid.clone()));
        m.insert("kty".into(), Value::from("RSA"));
        m.insert("n".into(), Value::from(self.n.clone()));
        m.insert("use".into(), Value::from("sig"));
        Value::Object(m)
    }

    /// Read one JWKS entry, refusing keys a careful RS256 verifier must not
    /// use: another key type, `alg` other than RS256, `use` other than `sig`,
    /// `key_ops` without `verify`, published private members, a modulus under
    /// 2048 bits, an even exponent or one below 3, or a modulus with the ROCA
    /// fingerprint (CVE-2017-15361).
    pub fn from_json(value: &Value) -> Result<Jwk, JwtError> {
        let bad = |msg: String| JwtError::InvalidJwk(msg);
        let obj = value
            .as_object()
            .ok_or_else(|| bad("a JWK must be a JSON object".into()))?;
        let text = |name: &str| -> Result<Option<&str>, JwtError> {
            match obj.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(bad(format!("member \"{name}\" must be a string"))),
            }
        };
        let kty = text("kty")?.unwrap_or("");
        if kty != "RSA" {
            return Err(bad(format!(
                "kty is \"{kty}\"; only RSA keys can verify RS256 signatures"
            )));
        }
        if let Some(alg) = text("alg")?
            && alg != RS256
        {
            return Err(bad(format!(
                "the key is marked alg \"{alg}\"; it must not be used for RS256"
            )));
        }
        if let Some(usage) = text("use")?
            && usage != "sig"
        {
            return Err(bad(format!(
                "the key is marked use \"{usage}\"; only \"sig\" keys verify signatures"
            )));
        }
        if let Some(ops) = obj.get("key_ops") {
            let allows_verify = ops
                .as_array()
                .is_some_and(|a| a.iter().any(|op| op.as_str() == Some("verify")));
            if !allows_verify {
                return Err(bad("key_ops does not include \"verify\"".into()));
            }
        }
        for private in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
            if obj.contains_key(private) {
                return Err(bad(format!(
                    "the key publishes the private member \"{private}\"; a key set must hold public keys only"
                )));
            }
        }
        let kid = text("kid")?
            .ok_or_else(|| bad("the key has no kid, so no token can name it".into()))?;
        let n = text("n")?.ok_or_else(|| bad("the key has no modulus \"n\"".into()))?;
        let e = text("e")?.ok_or_else(|| bad("the key has no exponent \"e\"".into()))?;
        let jwk = Jwk {
            kid: kid.to_string(),
            n: n.to_string(),
            e: e.to_string(),
        };
        jwk.check_strength()?;
        Ok(jwk)
    }

    /// Modulus size in bits, or `None` if `n` is not canonical base64url.
    pub fn modulus_bits(&self) -> Option<usize> {
        URL_SAFE_NO_PAD
            .decode(&self.n)
            .ok()
            .map(|n| modulus_bits(&n))
    }

    /// Check the key material: size, exponent and the ROCA fingerprint.
    pub fn check_strength(&self) -> Result<(), JwtError> {
        let bad = |msg: String| JwtError::InvalidJwk(msg);
        let n = URL_SAFE_NO_PAD
            .decode(&self.n)
            .map_err(|e| bad(format!("n is not canonical base64url: {e}")))?;
        let e = URL_SAFE_NO_PAD
            .decode(&self.e)
            .map_err(|e| bad(format!("e is not canonical base64url: {e}")))?;
        let bits = modulus_bits(&n);
        if bits < MIN_RSA_BITS {
            return Err(bad(format!(
                "the modulus has {bits} bits; at least {MIN_RSA_BITS} are required"
            )));
        }
        if bits > MAX_RSA_BITS {
            return Err(bad(format!(
                "the modulus has {bits} bits; more than {MAX_RSA_BITS} is not supported"
            )));
        }
        let e = strip_leading_zeros(&e);
        if e.len() > 8 {
            return Err(bad("the public exponent is implausibly large".into()));
        }
        let e_val = e.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64);
        if e_val < 3 || e_val.is_multiple_of(2) || e_val > (1u64 << 33) - 1 {
            return Err(bad(format!(
                "the public exponent {e_val} is unusable (it must be odd and at least 3; 65537 is usual)"
            )));
        }
        if has_roca_fingerprint(&n) {
            return Err(bad(
                "the modulus has the ROCA fingerprint (CVE-2017-15361): its factors can be computed"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// `{"keys": [...]}` as served at a `/.well-known/jwks.json` address.
pub fn jwks_json(keys: &[Jwk]) -> Value {
    let mut m = Map::new();
    m.insert(
        "keys".into(),
        Value::Array(keys.iter().map(Jwk::to_json).collect()),
    );
    Value::Object(m)
}

/// A key set read from JSON: the usable keys, and why the others were left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedJwks {
    /// Keys an RS256 verifier may use.
    pub keys: Vec<Jwk>,
    /// One line per entry that was left out, e.g. `keys[1]: the key is marked use "enc"`.
    pub skipped: Vec<String>,
}

/// Read a `{"keys": [...]}` document. Unusable entries are skipped with a
/// reason (a real key set may also hold encryption keys); two usable keys with
/// the same kid make the set ambiguous and are an error.
pub fn parse_jwks(value: &Value) -> Result<ParsedJwks, JwtError> {
    let keys = value.get("keys").and_then(Value::as_array).ok_or_else(|| {
        JwtError::InvalidJwk("a key set is an object with a \"keys\" array".into())
    })?;
    let mut out = ParsedJwks::default();
    for (i, entry) in keys.iter().enumerate() {
        match Jwk::from_json(entry) {
            Ok(jwk) => {
                if out.keys.iter().any(|k| k.kid == jwk.kid) {
                    return Err(JwtError::InvalidJwk(format!(
                        "two keys share kid \"{}\", so a token naming it is ambiguous",
                        jwk.kid
                    )));
                }
                out.keys.push(jwk);
            }
            Err(e) => out.skipped.push(format!("keys[{i}]: {e}")),
        }
    }
    Ok(out)
}

/// Small primes whose residues reveal the ROCA key structure.
const ROCA_PRIMES: [u64; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Infineon's RSALib primes have the form k·M + (65537^a mod M), so the
/// modulus lies in the subgroup generated by 65537 modulo every small prime of
/// M. A random modulus passes all 38 tests with probability about 4·10⁻⁹.
fn has_roca_fingerprint(n: &[u8]) -> bool {
    ROCA_PRIMES.iter().all(|&p| {
        let residue = n.iter().fold(0u64, |acc, &b| (acc * 256 + b as u64) % p);
        let g = 65537 % p;
        let mut x = 1u64;
        for _ in 0..p {
            if x == residue {
                return true;
            }
            x = x * g % p;
        }
        false
    })
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Problems building, tampering with, or displaying a token, and unusable keys.
/// (A token that fails verification is not an error: see [`JwtFailure`].)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// The token cannot be taken apart.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// A tampering trick needs the token's signing key, but its kid is not a built-in key.
    #[error("no built-in key has kid \"{kid}\", so its public key is not known")]
    UnknownBuiltinKid {
        /// The kid found in the token header.
        kid: String,
    },
    /// A JWK or key set that must not be used.
    #[error("unusable key: {0}")]
    InvalidJwk(String),
    /// The signing backend failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A tampering trick has nothing to work on.
    #[error("cannot tamper: {0}")]
    NothingToTamper(String),
}

/// Why a token was refused. One variant per check, in the order they run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum JwtFailureKind {
    /// Not three segments, a header that is not a JSON object, an unknown critical header.
    Malformed,
    /// A segment is not canonical base64url.
    BadBase64,
    /// The header's `alg` is not RS256 (`none`, HS*, ES*, PS*, RS384 ...).
    AlgNotAllowed {
        /// The `alg` the token asked for.
        alg: String,
    },
    /// The header has no `kid`, or names a key that is not in the key set.
    UnknownKid,
    /// The signature does not verify with the named key.
    BadSignature,
    /// The signature is valid but the payload is not a JSON object of claims.
    ClaimsNotObject,
    /// A claim the verifier requires is absent.
    MissingClaim {
        /// Name of the claim.
        claim: String,
    },
    /// A claim has the wrong type (e.g. `exp` that is not a number).
    InvalidClaim {
        /// Name of the claim.
        claim: String,
    },
    /// `exp` is at or before now.
    Expired,
    /// `nbf` is after now.
    NotYetValid,
    /// `iat` is after now.
    IssuedInFuture,
    /// `iss` is not the trusted issuer.
    WrongIssuer,
    /// `aud` (or `client_id`) is not an accepted audience or app client.
    WrongAudience,
    /// `token_use` is not the kind of token the method takes.
    WrongTokenUse,
    /// The token's scopes contain none of the method's scopes.
    MissingScope,
}

impl JwtFailureKind {
    /// Stable kebab-case id, as used in scenario expectations.
    pub fn id(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::BadBase64 => "bad-base64",
            Self::AlgNotAllowed { .. } => "alg-not-allowed",
            Self::UnknownKid => "unknown-kid",
            Self::BadSignature => "bad-signature",
            Self::ClaimsNotObject => "claims-not-object",
            Self::MissingClaim { .. } => "missing-claim",
            Self::InvalidClaim { .. } => "invalid-claim",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::IssuedInFuture => "issued-in-future",
            Self::WrongIssuer => "wrong-issuer",
            Self::WrongAudience => "wrong-audience",
            Self::WrongTokenUse => "wrong-token-use",
            Self::MissingScope => "missing-scope",
        }
    }
}

impl fmt::Display for JwtFailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlgNotAllowed { alg } => write!(f, "alg-not-allowed ({alg})"),
            Self::MissingClaim { claim } => write!(f, "missing-claim ({claim})"),
            Self::InvalidClaim { claim } => write!(f, "invalid-claim ({claim})"),
            other => f.write_str(other.id()),
        }
    }
}

/// A refused token: which check failed, and one line a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JwtFailure {
    /// The check that failed.
    pub kind: JwtFailureKind,
    /// What was found, e.g. `token expired at 2025-01-01T12:05:00Z, 3 min before now (...)`.
    pub detail: String,
}

impl JwtFailure {
    /// A failure of `kind` explained by `detail`.
    pub fn new(kind: JwtFailureKind, detail: impl Into<String>) -> Self {
        JwtFailure {
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for JwtFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

impl std::error::Error for JwtFailure {}

// ---------------------------------------------------------------------------
// Signing
// ---------------------------------------------------------------------------

/// base64url of a JSON object. Serialising a `Map` of `Value`s cannot fail
/// (keys are strings, numbers are finite), so there is no error to report.
fn encode_json_segment(map: &Map<String, Value>) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(map).unwrap_or_default())
}

/// Sign `claims` as RS256 with `key`; the header is `{"kid": key.kid, "alg": "RS256"}`
/// (Cognito's member order). PKCS#1 v1.5 signatures are deterministic, so the
/// same claims and key always give the same token.
pub fn sign_rs256(claims: &Claims, key: &RsaKey) -> String {
    let mut header = Map::new();
    header.insert("kid".into(), Value::from(key.kid.clone()));
    header.insert("alg".into(), Value::from(RS256));
    sign_rs256_with_header(&header, claims, key)
}

/// Sign with an explicit header, encoded exactly as given (so a lesson can
/// put any `kid` or even a misleading `alg` in it); the signature is always
/// RS256 with `key`. Built-in keys are checked when they load, so signing
/// cannot fail short of a broken crypto backend (which the round-trip unit
/// test catches); in that case the token comes back with an empty signature,
/// which every verifier refuses.
pub fn sign_rs256_with_header(
    header: &Map<String, Value>,
    claims: &Claims,
    key: &RsaKey,
) -> String {
    let signing_input = format!(
        "{}.{}",
        encode_json_segment(header),
        encode_json_segment(claims)
    );
    let signature =
        jsonwebtoken::crypto::sign(signing_input.as_bytes(), &key.encoding, Algorithm::RS256)
            .unwrap_or_default();
    format!("{signing_input}.{signature}")
}

/// A token with an empty signature (`header.payload.`), for issuers whose key
/// is missing: it fails closed at every verifier.
pub(crate) fn unsigned(header: &Map<String, Value>, claims: &Claims) -> String {
    format!(
        "{}.{}.",
        encode_json_segment(header),
        encode_json_segment(claims)
    )
}

// ---------------------------------------------------------------------------
// Decoding for display
// ---------------------------------------------------------------------------

/// A token taken apart without checking its signature, for display.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The header (always a JSON object), in its original member order.
    pub header: Value,
    /// The claims, in their original order.
    pub claims: Claims,
    /// Length of the decoded signature in bytes (256 for a 2048-bit RSA key, 0 when stripped).
    pub signature_len: usize,
    /// Non-canonical encodings that a strict verifier will refuse, one line each.
    pub notes: Vec<String>,
}

impl Decoded {
    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }
    /// The header's `kid`, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

/// Split a compact token into its three segments.
fn split_segments(token: &str) -> Result<[&str; 3], String> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts.as_slice() {
        [h, p, s] => Ok([h, p, s]),
        _ => {
            let mut msg = format!(
                "a JWT in compact form has 3 segments separated by '.', this one has {}",
                parts.len()
            );
            if token.trim_start().starts_with('{') {
                msg.push_str(" (it looks like the JSON serialisation, which is not accepted)");
            } else if token.len() >= 7
                && token
                    .get(..7)
                    .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
            {
                msg.push_str(" (remove the 'Bearer ' prefix)");
            } else if token.is_empty() {
                msg = "the token is empty".into();
            }
            Err(msg)
        }
    }
}

fn describe_b64_error(err: &base64::DecodeError) -> String {
    use base64::DecodeError as E;
    match *err {
        E::InvalidByte(offset, b'=') => {
            format!(
                "padding '=' at offset {offset} is not allowed in a JWT (base64url without padding)"
            )
        }
        E::InvalidByte(offset, b'+' | b'/') => format!(
            "character at offset {offset} is from standard base64; base64url uses '-' and '_' instead of '+' and '/'"
        ),
        E::InvalidByte(offset, b) if b.is_ascii_whitespace() => {
            format!("whitespace at offset {offset}; a JWT has no spaces or line breaks")
        }
        E::InvalidByte(offset, b) => format!(
            "{} at offset {offset} is not a base64url character",
            show_byte(b)
        ),
        E::InvalidLength(len) => format!(
            "{len} characters cannot be base64url (a length of 4k+1 never encodes whole bytes)"
        ),
        E::InvalidLastSymbol(offset, b) => format!(
            "last character {} at offset {offset} has non-zero unused bits, so the encoding is not canonical",
            show_byte(b)
        ),
        E::InvalidPadding => {
            "padding '=' is not allowed in a JWT (base64url without padding)".into()
        }
    }
}

fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

fn parse_json_object(bytes: &[u8], what: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "the {what} is JSON but not an object (found {})",
            json_type(&other)
        )),
        Err(e) => Err(format!("the {what} is not JSON ({e})")),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decode without verifying (for display). Non-canonical base64url is decoded
/// anyway and reported in `notes`; errors say what is malformed.
pub fn decode_unverified(token: &str) -> Result<Decoded, JwtError> {
    let segments = split_segments(token).map_err(JwtError::Malformed)?;
    let mut notes = Vec::new();
    let mut decoded: Vec<Vec<u8>> = Vec::with_capacity(3);
    for (segment, name) in segments.iter().zip(SEGMENT_NAMES) {
        if let Err(e) = URL_SAFE_NO_PAD.decode(segment) {
            notes.push(format!("{name}: {}", describe_b64_error(&e)));
        }
        let bytes = LENIENT_B64
            .decode(segment)
            .map_err(|e| JwtError::Malformed(format!("{name}: {}", describe_b64_error(&e))))?;
        decoded.push(bytes);
    }
    let [header, payload, signature] = decoded.as_slice() else {
        return Err(JwtError::Malformed("a segment is missing".into()));
    };
    let header = parse_json_object(header, "header").map_err(JwtError::Malformed)?;
    let claims = parse_json_object(payload, "payload").map_err(JwtError::Malformed)?;
    Ok(Decoded {
        header: Value::Object(header),
        claims,
        signature_len: signature.len(),
        notes,
    })
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/// A token that passed every check of [`verify_rs256`].
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// The header, in its original member order.
    pub header: Map<String, Value>,
    /// The claims, in their original order.
    pub claims: Claims,
    /// The kid of the key that verified the signature.
    pub kid: String,
    /// `exp` as a simulated instant, when present.
    pub expires_at: Option<SimTime>,
}

/// How a token without `kid` is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KidRule {
    /// The token must name its key (Cognito and IdP verifiers select the key by kid).
    Required,
    /// A token without kid is checked against the only key of a one-key set,
    /// as JOSE libraries do when the choice is unambiguous.
    SingleKeyFallback,
}

/// Verify an RS256 token against a key set at `now`, in the order listed in
/// the module documentation: strict base64url (no padding, no non-canonical
/// encodings), `alg` exactly RS256 (so `none`, HS*, ES*, PS* and algorithm
/// confusion are refused before any key is touched), `kid` in the set (a token
/// without kid is accepted only against a one-key set), signature, then
/// `exp`/`nbf`/`iat` against `now` with `leeway_secs` of tolerance. `exp` is
/// the first instant at which the token is no longer valid, so `exp == now`
/// is expired. Absent time claims are not required here; callers that need
/// them (Cognito, third-party issuers) check for them.
pub fn verify_rs256(
    token: &str,
    keys: &[Jwk],
    now: SimTime,
    leeway_secs: u64,
) -> Result<Verified, JwtFailure> {
    verify_with(token, keys, now, leeway_secs, KidRule::SingleKeyFallback)
}

pub(crate) fn verify_with(
    token: &str,
    keys: &[Jwk],
    now: SimTime,
    leeway_secs: u64,
    kid_rule: KidRule,
) -> Result<Verified, JwtFailure> {
    use JwtFailureKind as K;
    // 1. Structure.
    let segments = split_segments(token).map_err(|m| JwtFailure::new(K::Malformed, m))?;
    // 2. Strict base64url for every segment, before anything is interpreted.
    let mut decoded: Vec<Vec<u8>> = Vec::with_capacity(3);
    for (segment, name) in segments.iter().zip(SEGMENT_NAMES) {
        let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|e| {
            JwtFailure::new(
                K::BadBase64,
                format!("{name} segment: {}", describe_b64_error(&e)),
            )
        })?;
        decoded.push(bytes);
    }
    let [header_bytes, payload_bytes, signature_bytes] = decoded.as_slice() else {
        return Err(JwtFailure::new(K::Malformed, "a segment is missing"));
    };
    // 3. Header and algorithm.
    let header =
        parse_json_object(header_bytes, "header").map_err(|m| JwtFailure::new(K::Malformed, m))?;
    let alg = match header.get("alg") {
        Some(Value::String(a)) => a.clone(),
        Some(_) => {
            return Err(JwtFailure::new(
                K::Malformed,
                "the header's alg is not a string",
            ));
        }
        None => return Err(JwtFailure::new(K::Malformed, "the header has no alg")),
    };
    if alg != RS256 {
        return Err(JwtFailure::new(
            K::AlgNotAllowed { alg: alg.clone() },
            alg_refusal(&alg),
        ));
    }
    if let Some(crit) = header.get("crit") {
        return Err(JwtFailure::new(
            K::Malformed,
            format!(
                "the header marks {crit} as critical, and this verifier understands no extensions"
            ),
        ));
    }
    // 4. Key selection by kid. An embedded "jwk" or "jku" header is never
    //    trusted: the key always comes from the configured set.
    let key = select_key(&header, keys, kid_rule)?;
    // 5. Signature over the segments exactly as received.
    if signature_bytes.is_empty() {
        return Err(JwtFailure::new(
            K::BadSignature,
            "the signature segment is empty: the token is not signed",
        ));
    }
    let [header_seg, payload_seg, signature_seg] = segments;
    let signing_input = format!("{header_seg}.{payload_seg}");
    let decoding = DecodingKey::from_rsa_components(&key.n, &key.e).map_err(|e| {
        JwtFailure::new(
            K::UnknownKid,
            format!("key \"{}\" in the key set is unusable ({e})", key.kid),
        )
    })?;
    let valid = jsonwebtoken::crypto::verify(
        signature_seg,
        signing_input.as_bytes(),
        &decoding,
        Algorithm::RS256,
    )
    .unwrap_or(false);
    if !valid {
        return Err(JwtFailure::new(
            K::BadSignature,
            format!(
                "the RS256 signature does not verify with key \"{}\": the header or claims were changed after signing, or another key signed them",
                key.kid
            ),
        ));
    }
    // 6. Claims.
    let claims = match serde_json::from_slice::<Value>(payload_bytes) {
        Ok(Value::Object(m)) => m,
        Ok(other) => {
            return Err(JwtFailure::new(
                K::ClaimsNotObject,
                format!(
                    "the signature is valid but the payload is {}, not a JSON object of claims",
                    json_type(&other)
                ),
            ));
        }
        Err(_) => {
            return Err(JwtFailure::new(
                K::ClaimsNotObject,
                format!(
                    "the signature is valid but the payload ({} bytes) is not JSON, so it carries no claims",
                    payload_bytes.len()
                ),
            ));
        }
    };
    // 7. Time.
    let expires_at = check_times(&claims, now, leeway_secs)?;
    Ok(Verified {
        header,
        claims,
        kid: key.kid.clone(),
        expires_at,
    })
}

fn alg_refusal(alg: &str) -> String {
    if alg.eq_ignore_ascii_case("none") {
        format!("alg \"{alg}\" means an unsigned token; unsigned tokens are never accepted")
    } else if alg.starts_with("HS") {
        format!(
            "alg \"{alg}\" is an HMAC with a shared secret; this verifier holds RSA public keys only, and treating a public key as an HMAC secret is the algorithm-confusion attack"
        )
    } else {
        format!("alg \"{alg}\" is not accepted; only RS256 is (Cognito signs with RS256)")
    }
}

fn select_key<'k>(
    header: &Map<String, Value>,
    keys: &'k [Jwk],
    kid_rule: KidRule,
) -> Result<&'k Jwk, JwtFailure> {
    use JwtFailureKind as K;
    let known = || {
        if keys.is_empty() {
            "the key set is empty".to_string()
        } else {
            let list: Vec<String> = keys.iter().map(|k| format!("\"{}\"", k.kid)).collect();
            format!("the key set has {}", list.join(", "))
        }
    };
    match header.get("kid") {
        Some(Value::String(kid)) => keys.iter().find(|k| &k.kid == kid).ok_or_else(|| {
            JwtFailure::new(
                K::UnknownKid,
                format!("kid \"{kid}\" is not in the key set ({})", known()),
            )
        }),
        Some(_) => Err(JwtFailure::new(
            K::Malformed,
            "the header's kid is not a string",
        )),
        None => match (kid_rule, keys) {
            (KidRule::SingleKeyFallback, [only]) => Ok(only),
            _ => Err(JwtFailure::new(
                K::UnknownKid,
                format!(
                    "the header has no kid, so the signing key cannot be chosen ({})",
                    known()
                ),
            )),
        },
    }
}

/// A NumericDate claim in milliseconds; `Err` when present but not a number.
fn numeric_date_ms(claims: &Claims, name: &str) -> Result<Option<i128>, JwtFailure> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => {
            let ms = if let Some(i) = v.as_i64() {
                Some(i as i128 * 1000)
            } else if let Some(u) = v.as_u64() {
                Some(u as i128 * 1000)
            } else {
                v.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| (f * 1000.0).floor() as i128)
            };
            ms.map(Some).ok_or_else(|| {
                JwtFailure::new(
                    JwtFailureKind::InvalidClaim { claim: name.into() },
                    format!(
                        "{name} is {}, but it must be a number of seconds since 1970 (NumericDate)",
                        json_type(v)
                    ),
                )
            })
        }
    }
}

fn check_times(
    claims: &Claims,
    now: SimTime,
    leeway_secs: u64,
) -> Result<Option<SimTime>, JwtFailure> {
    use JwtFailureKind as K;
    let now_ms = now.as_millis() as i128;
    let leeway_ms = leeway_secs as i128 * 1000;
    let leeway_note = if leeway_secs > 0 {
        format!(", even with {leeway_secs} s of leeway")
    } else {
        String::new()
    };
    let exp = numeric_date_ms(claims, "exp")?;
    let nbf = numeric_date_ms(claims, "nbf")?;
    let iat = numeric_date_ms(claims, "iat")?;
    if let Some(exp) = exp
        && now_ms >= exp + leeway_ms
    {
        let detail = if now_ms == exp {
            format!(
                "token expired at {}, which is exactly now: exp is the first instant at which a token is no longer valid",
                show_instant(exp)
            )
        } else {
            format!(
                "token expired at {}, {} before now ({}){leeway_note}",
                show_instant(exp),
                human_span(now_ms - exp),
                now
            )
        };
        return Err(JwtFailure::new(K::Expired, detail));
    }
    if let Some(nbf) = nbf
        && now_ms + leeway_ms < nbf
    {
        return Err(JwtFailure::new(
            K::NotYetValid,
            format!(
                "token is not valid before {}, {} after now ({}){leeway_note}",
                show_instant(nbf),
                human_span(nbf - now_ms),
                now
            ),
        ));
    }
    if let Some(iat) = iat
        && iat > now_ms + leeway_ms
    {
        return Err(JwtFailure::new(
            K::IssuedInFuture,
            format!(
                "token says it was issued at {}, {} after now ({}){leeway_note}; the issuer's clock or the token is wrong",
                show_instant(iat),
                human_span(iat - now_ms),
                now
            ),
        ));
    }
    Ok(exp
        .and_then(|ms| u64::try_from(ms).ok())
        .map(SimTime::from_millis))
}

/// An instant in milliseconds as RFC 3339 when representable, else as seconds.
fn show_instant(ms: i128) -> String {
    match u64::try_from(ms) {
        Ok(ms) if ms < 253_402_300_800_000 => SimTime::from_millis(ms).rfc3339(),
        _ => format!("{} s since 1970", ms / 1000),
    }
}

/// A span for people: `250 ms`, `45 s`, `3 min`, `2 h 5 min`, `3 d 4 h`.
pub fn human_span(ms: i128) -> String {
    let ms = ms.unsigned_abs();
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
        if h > 0 {
            parts.push(format!("{h} h"));
        }
    } else if h > 0 {
        parts.push(format!("{h} h"));
        if m > 0 {
            parts.push(format!("{m} min"));
        }
    } else if m > 0 {
        parts.push(format!("{m} min"));
        if sec > 0 {
            parts.push(format!("{sec} s"));
        }
    } else {
        parts.push(format!("{sec} s"));
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------
// Tampering
// ---------------------------------------------------------------------------

/// Ways a learner can tamper with a token in the token workbench. Each one is
/// refused by [`verify_rs256`] with a specific [`JwtFailureKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tamper {
    /// Set `alg` to `none` and drop the signature → `AlgNotAllowed { alg: "none" }`.
    AlgNone,
    /// Switch `alg` to HS256 and MAC the token with the signing key's public
    /// PEM as the secret (algorithm confusion) → `AlgNotAllowed { alg: "HS256" }`.
    Hs256WithPublicKey,
    /// Re-sign with the `attacker` key but keep the original kid → `BadSignature`.
    WrongKey,
    /// Change the claims and keep the original signature → `BadSignature`.
    #[serde(rename = "edit-claims")]
    EditClaimsKeepSignature,
    /// Re-sign with the `attacker` key and name the attacker's kid → `UnknownKid`.
    UnknownKid,
    /// Set unused low bits in the last base64url character of the signature,
    /// so a lenient decoder reads the same bytes → `BadBase64`.
    NonCanonicalBase64,
    /// Keep `header.payload.` with an empty signature → `BadSignature`.
    StripSignature,
}

impl Tamper {
    /// Every trick, in the order the workbench lists them.
    pub const ALL: [Tamper; 7] = [
        Tamper::AlgNone,
        Tamper::Hs256WithPublicKey,
        Tamper::WrongKey,
        Tamper::EditClaimsKeepSignature,
        Tamper::UnknownKid,
        Tamper::NonCanonicalBase64,
        Tamper::StripSignature,
    ];

    /// Stable kebab-case id, as used in scenario files (`alg-none`, `edit-claims` ...).
    pub fn id(self) -> &'static str {
        match self {
            Tamper::AlgNone => "alg-none",
            Tamper::Hs256WithPublicKey => "hs256-with-public-key",
            Tamper::WrongKey => "wrong-key",
            Tamper::EditClaimsKeepSignature => "edit-claims",
            Tamper::UnknownKid => "unknown-kid",
            Tamper::NonCanonicalBase64 => "non-canonical-base64",
            Tamper::StripSignature => "strip-signature",
        }
    }

    /// The trick with this id.
    pub fn from_id(id: &str) -> Option<Tamper> {
        Tamper::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The failure a strict verifier reports for this trick.
    pub fn expected_failure(self) -> JwtFailureKind {
        match self {
            Tamper::AlgNone => JwtFailureKind::AlgNotAllowed { alg: "none".into() },
            Tamper::Hs256WithPublicKey => JwtFailureKind::AlgNotAllowed {
                alg: "HS256".into(),
            },
            Tamper::WrongKey | Tamper::EditClaimsKeepSignature | Tamper::StripSignature => {
                JwtFailureKind::BadSignature
            }
            Tamper::UnknownKid => JwtFailureKind::UnknownKid,
            Tamper::NonCanonicalBase64 => JwtFailureKind::BadBase64,
        }
    }

    /// One sentence on why the trick fails against a strict verifier.
    pub fn why_it_fails(self) -> &'static str {
        match self {
            Tamper::AlgNone => {
                "the verifier decides the algorithm (RS256), not the token, so an unsigned token is refused before any key is used"
            }
            Tamper::Hs256WithPublicKey => {
                "the public key is public, so an HMAC made with it proves nothing; the verifier only accepts RS256 and never uses an RSA key as an HMAC secret"
            }
            Tamper::WrongKey => {
                "the kid still names the pool's key, and the attacker's signature does not verify with that public key"
            }
            Tamper::EditClaimsKeepSignature => {
                "the signature covers the exact header and payload text, so any change to the claims breaks it"
            }
            Tamper::UnknownKid => {
                "the verifier only uses keys from the pool's own key set; a kid it does not know has no key to check against"
            }
            Tamper::NonCanonicalBase64 => {
                "every value has exactly one valid base64url spelling; a strict verifier refuses the others instead of guessing"
            }
            Tamper::StripSignature => {
                "the alg still says RS256, and an empty signature never verifies"
            }
        }
    }
}

/// Apply `edit` to `claims`: each member replaces (or adds) the claim of the
/// same name; a `null` member removes the claim.
fn apply_edit(claims: &mut Claims, edit: &Claims) {
    for (k, v) in edit {
        if v.is_null() {
            claims.shift_remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
}

/// The token with its claims replaced by `claims`, header and signature kept
/// byte for byte (what [`Tamper::EditClaimsKeepSignature`] does with a full
/// claims set instead of a patch). The result fails verification with
/// `BadSignature` unless the claims are unchanged.
pub fn replace_claims_keep_signature(token: &str, claims: &Claims) -> Result<String, JwtError> {
    let [header_seg, _, signature_seg] = split_segments(token).map_err(JwtError::Malformed)?;
    Ok(format!(
        "{header_seg}.{}.{signature_seg}",
        encode_json_segment(claims)
    ))
}

/// Tamper with `token`. When `edit` is given it is merged into the claims
/// first (a `null` member removes a claim), which models an attacker forging
/// claims; [`Tamper::EditClaimsKeepSignature`] without `edit` pushes `exp`
/// one day later.
pub fn tamper(token: &str, how: Tamper, edit: Option<&Claims>) -> Result<String, JwtError> {
    let [header_seg, payload_seg, signature_seg] =
        split_segments(token).map_err(JwtError::Malformed)?;
    let header_bytes = LENIENT_B64
        .decode(header_seg)
        .map_err(|e| JwtError::Malformed(format!("header: {}", describe_b64_error(&e))))?;
    let payload_bytes = LENIENT_B64
        .decode(payload_seg)
        .map_err(|e| JwtError::Malformed(format!("payload: {}", describe_b64_error(&e))))?;
    let mut header = parse_json_object(&header_bytes, "header").map_err(JwtError::Malformed)?;
    let mut claims = parse_json_object(&payload_bytes, "payload").map_err(JwtError::Malformed)?;
    let edited = match edit {
        Some(edit) => {
            apply_edit(&mut claims, edit);
            true
        }
        None => false,
    };
    // The payload segment: re-encoded only when the claims changed, so that
    // tricks without an edit keep the original bytes.
    let payload = if edited {
        encode_json_segment(&claims)
    } else {
        payload_seg.to_string()
    };
    match how {
        Tamper::AlgNone => {
            header.insert("alg".into(), Value::from("none"));
            Ok(format!("{}.{payload}.", encode_json_segment(&header)))
        }
        Tamper::Hs256WithPublicKey => {
            let kid = header.get("kid").and_then(Value::as_str).ok_or_else(|| {
                JwtError::NothingToTamper(
                    "the header has no kid, so the signing key's public PEM is unknown".into(),
                )
            })?;
            let key = builtin_key_by_kid(kid).ok_or_else(|| JwtError::UnknownBuiltinKid {
                kid: kid.to_string(),
            })?;
            header.insert("alg".into(), Value::from("HS256"));
            let signing_input = format!("{}.{payload}", encode_json_segment(&header));
            let secret = EncodingKey::from_secret(key.public_pem.as_bytes());
            let mac =
                jsonwebtoken::crypto::sign(signing_input.as_bytes(), &secret, Algorithm::HS256)
                    .map_err(|e| JwtError::Signing(e.to_string()))?;
            Ok(format!("{signing_input}.{mac}"))
        }
        Tamper::WrongKey => {
            let attacker = attacker_key()?;
            // The header is kept as is, kid included: the attacker pretends to be the pool.
            Ok(sign_rs256_with_header(&header, &claims, attacker))
        }
        Tamper::UnknownKid => {
            let attacker = attacker_key()?;
            header.insert("kid".into(), Value::from(attacker.kid.clone()));
            Ok(sign_rs256_with_header(&header, &claims, attacker))
        }
        Tamper::EditClaimsKeepSignature => {
            let payload = if edited {
                payload
            } else {
                let exp = claims.get("exp").and_then(Value::as_u64).ok_or_else(|| {
                    JwtError::NothingToTamper(
                        "give the claims to change: the token has no numeric exp to extend".into(),
                    )
                })?;
                claims.insert("exp".into(), Value::from(exp.saturating_add(86_400)));
                encode_json_segment(&claims)
            };
            Ok(format!("{header_seg}.{payload}.{signature_seg}"))
        }
        Tamper::NonCanonicalBase64 => {
            let mut segments = [header_seg.to_string(), payload, signature_seg.to_string()];
            // Prefer the signature; fall back to a segment whose length leaves spare bits.
            for i in [2usize, 1, 0] {
                if let Some(slot) = segments.get_mut(i)
                    && let Some(changed) = set_spare_bit(slot)
                {
                    *slot = changed;
                    return Ok(segments.join("."));
                }
            }
            Err(JwtError::NothingToTamper(
                "no segment has unused bits in its last character".into(),
            ))
        }
        Tamper::StripSignature => Ok(format!("{header_seg}.{payload}.")),
    }
}

fn attacker_key() -> Result<&'static RsaKey, JwtError> {
    builtin_key("attacker").ok_or_else(|| JwtError::Signing("the attacker key did not load".into()))
}

/// Set the lowest unused bit of the last character of a base64url segment.
/// `None` when the segment's length leaves no unused bits.
fn set_spare_bit(segment: &str) -> Option<String> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    if segment.len() % 4 < 2 {
        return None; // 4k characters: no spare bits; 4k+1 is invalid anyway
    }
    let last = *segment.as_bytes().last()?;
    let value = ALPHABET.iter().position(|&c| c == last)?;
    let changed = *ALPHABET.get(value | 1)?;
    if changed == last {
        return None;
    }
    let mut out = segment.get(..segment.len() - 1)?.to_string();
    out.push(changed as char);
    Some(out)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::time::{DEFAULT_EPOCH, SimDuration};
    use serde_json::json;

    fn claims(v: Value) -> Claims {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn key(name: &str) -> &'static RsaKey {
        builtin_key(name).unwrap()
    }

    /// A token from pool-customers valid from 12:00 to 13:00 on DEFAULT_EPOCH's day.
    fn sample_token() -> String {
        let iat = DEFAULT_EPOCH.unix_secs();
        sign_rs256(
            &claims(
                json!({"sub": "alice", "iat": iat, "exp": iat + 3600, "cognito:groups": ["reader"]}),
            ),
            key("pool-customers"),
        )
    }

    fn set(names: &[&str]) -> Vec<Jwk> {
        names.iter().map(|n| key(n).jwk()).collect()
    }

    #[test]
    fn every_builtin_key_loads_and_matches_its_public_pem() {
        // kids computed independently (Python: SHA-256 over the RFC 7638 JSON, standard base64).
        let expected = [
            (
                "pool-customers",
                "CPkxRIJdNdtWZ42iNKz5JX5Nl6SNG0gcdHlmVULQ96E=",
            ),
            ("pool-staff", "HKjIlERZGJQXHkQI3h9UYHvPsms0p3qvvXzK61TpeG8="),
            (
                "pool-partners",
                "kbkXIqpW6nFtTAIcthuDbN/1agzP45K4IfP3WGPQ5no=",
            ),
            ("idp-auth0", "inIZWGuIP+utUOmW2MwPWeJdA3phjo2n4n3P4Kgr7fw="),
            ("attacker", "h6ChUyy7JC+UjdjdkTYcgL1wOWnwyuh3j0z1WPp7w4s="),
        ];
        assert_eq!(builtin_key_names().len(), expected.len());
        for (name, kid) in expected {
            let k = builtin_key(name).unwrap_or_else(|| panic!("{name} did not load"));
            assert_eq!(k.kid(), kid, "{name}");
            assert_eq!(k.bits(), 2048, "{name}");
            assert_eq!(k.e(), "AQAB", "{name}");
            assert!(k.jwk().check_strength().is_ok(), "{name}");
            assert_eq!(builtin_key_by_kid(kid).map(|k| k.name()), Some(name));
        }
        assert_eq!(&key("pool-customers").n()[..16], "kB_Vrq2jj8ApuQaN");
        assert!(builtin_key("nope").is_none());
        // Debug output never shows key material.
        assert!(!format!("{:?}", key("attacker")).contains("PRIVATE"));
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(thumbprint_sha256(n, "AQAB")),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn round_trip_and_header_shape() {
        let token = sample_token();
        // Deterministic: same claims, same key, same token.
        assert_eq!(token, sample_token());
        let now = DEFAULT_EPOCH.plus(SimDuration::from_secs(60));
        let v = verify_rs256(&token, &set(&["pool-staff", "pool-customers"]), now, 0).unwrap();
        assert_eq!(v.kid, key("pool-customers").kid());
        assert_eq!(v.claims.get("sub"), Some(&json!("alice")));
        assert_eq!(
            v.expires_at,
            Some(DEFAULT_EPOCH.plus(SimDuration::from_secs(3600)))
        );
        let keys: Vec<&String> = v.header.keys().collect();
        assert_eq!(keys, ["kid", "alg"]);
        let d = decode_unverified(&token).unwrap();
        assert_eq!(d.signature_len, 256);
        assert!(d.notes.is_empty());
        assert_eq!(d.alg(), Some("RS256"));
        let order: Vec<&String> = d.claims.keys().collect();
        assert_eq!(order, ["sub", "iat", "exp", "cognito:groups"]);
    }

    #[test]
    fn each_tamper_is_rejected_with_its_kind() {
        let token = sample_token();
        let keys = set(&["pool-customers"]);
        let now = DEFAULT_EPOCH.plus(SimDuration::from_secs(60));
        for how in Tamper::ALL {
            let forged = tamper(&token, how, None).unwrap();
            assert_ne!(forged, token, "{how:?}");
            let err = verify_rs256(&forged, &keys, now, 0).unwrap_err();
            assert_eq!(err.kind, how.expected_failure(), "{how:?}: {err}");
            assert!(!how.why_it_fails().is_empty());
            assert_eq!(Tamper::from_id(how.id()), Some(how));
            assert_eq!(serde_json::to_value(how).unwrap(), json!(how.id()));
        }
    }

    #[test]
    fn tampered_tokens_look_like_real_forgeries() {
        let token = sample_token();
        let mut edit = Claims::new();
        edit.insert("cognito:groups".into(), json!(["admin"]));
        edit.insert("iat".into(), Value::Null);
        let forged = tamper(&token, Tamper::AlgNone, Some(&edit)).unwrap();
        assert!(forged.ends_with('.'));
        let d = decode_unverified(&forged).unwrap();
        assert_eq!(d.alg(), Some("none"));
        assert_eq!(d.kid(), Some(key("pool-customers").kid()));
        assert_eq!(d.claims.get("cognito:groups"), Some(&json!(["admin"])));
        assert!(!d.claims.contains_key("iat"));
        assert_eq!(d.signature_len, 0);

        // The HS256 forgery is a real HMAC with the public PEM as secret: a
        // verifier that let the token choose the algorithm would accept it.
        let hs = tamper(&token, Tamper::Hs256WithPublicKey, None).unwrap();
        let [h, p, s] = split_segments(&hs).unwrap();
        let secret = DecodingKey::from_secret(key("pool-customers").public_pem().as_bytes());
        let ok = jsonwebtoken::crypto::verify(
            s,
            format!("{h}.{p}").as_bytes(),
            &secret,
            Algorithm::HS256,
        )
        .unwrap();
        assert!(ok);

        // WrongKey keeps the kid; UnknownKid names the attacker's.
        let wrong = decode_unverified(&tamper(&token, Tamper::WrongKey, None).unwrap()).unwrap();
        assert_eq!(wrong.kid(), Some(key("pool-customers").kid()));
        let unknown = tamper(&token, Tamper::UnknownKid, None).unwrap();
        assert_eq!(
            decode_unverified(&unknown).unwrap().kid(),
            Some(key("attacker").kid())
        );
        // ...and that token is genuinely valid under the attacker's own key.
        let now = DEFAULT_EPOCH.plus(SimDuration::from_secs(60));
        assert!(verify_rs256(&unknown, &set(&["attacker"]), now, 0).is_ok());

        // Replacing the whole claims set keeps header and signature too.
        let replaced =
            replace_claims_keep_signature(&token, &claims(json!({"sub": "mallory"}))).unwrap();
        assert_eq!(replaced.split('.').next(), token.split('.').next());
        assert_eq!(replaced.rsplit('.').next(), token.rsplit('.').next());
        let d = decode_unverified(&replaced).unwrap();
        assert_eq!(d.claims, claims(json!({"sub": "mallory"})));
        assert_eq!(
            verify_rs256(&replaced, &set(&["pool-customers"]), now, 0)
                .unwrap_err()
                .kind,
            JwtFailureKind::BadSignature
        );

        // Default edit extends exp by a day and keeps the signature bytes.
        let edited = tamper(&token, Tamper::EditClaimsKeepSignature, None).unwrap();
        assert_eq!(edited.rsplit('.').next(), token.rsplit('.').next());
        let exp = decode_unverified(&edited)
            .unwrap()
            .claims
            .get("exp")
            .cloned();
        assert_eq!(exp, Some(json!(DEFAULT_EPOCH.unix_secs() + 3600 + 86_400)));

        // The non-canonical signature decodes to the same bytes leniently.
        let nc = tamper(&token, Tamper::NonCanonicalBase64, None).unwrap();
        let d = decode_unverified(&nc).unwrap();
        assert_eq!(d.signature_len, 256);
        assert_eq!(d.notes.len(), 1, "{:?}", d.notes);
        assert!(
            d.notes[0].starts_with("signature: last character"),
            "{:?}",
            d.notes
        );
        let lenient_same = LENIENT_B64.decode(nc.rsplit('.').next().unwrap()).unwrap()
            == URL_SAFE_NO_PAD
                .decode(token.rsplit('.').next().unwrap())
                .unwrap();
        assert!(lenient_same);
    }

    #[test]
    fn tamper_reports_what_it_cannot_do() {
        let no_kid = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#),
            "AAAA"
        );
        assert!(matches!(
            tamper(&no_kid, Tamper::Hs256WithPublicKey, None),
            Err(JwtError::NothingToTamper(_))
        ));
        assert!(matches!(
            tamper(&no_kid, Tamper::EditClaimsKeepSignature, None),
            Err(JwtError::NothingToTamper(_))
        ));
        assert!(matches!(
            tamper("abc", Tamper::AlgNone, None),
            Err(JwtError::Malformed(_))
        ));
        let foreign = format!(
            "{}.{}.AAAA",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"other"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#)
        );
        assert_eq!(
            tamper(&foreign, Tamper::Hs256WithPublicKey, None),
            Err(JwtError::UnknownBuiltinKid {
                kid: "other".into()
            })
        );
    }

    #[test]
    fn exp_nbf_iat_boundaries() {
        let k = key("pool-staff");
        let keys = vec![k.jwk()];
        let t0 = DEFAULT_EPOCH.unix_secs();
        let token = sign_rs256(
            &claims(json!({"iat": t0, "nbf": t0 + 10, "exp": t0 + 300})),
            k,
        );
        let at = |secs: u64, ms: u64| SimTime::from_millis((t0 + secs) * 1000 + ms);
        // nbf: one ms before is too early, nbf itself is fine.
        let e = verify_rs256(&token, &keys, at(9, 999), 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::NotYetValid, "{e}");
        assert!(e.detail.contains("1 ms after now"), "{e}");
        assert!(verify_rs256(&token, &keys, at(10, 0), 0).is_ok());
        // exp: the last valid instant is one ms before exp; exp == now is expired.
        assert!(verify_rs256(&token, &keys, at(299, 999), 0).is_ok());
        let e = verify_rs256(&token, &keys, at(300, 0), 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::Expired);
        assert!(e.detail.contains("exactly now"), "{e}");
        let e = verify_rs256(&token, &keys, at(480, 0), 0).unwrap_err();
        assert_eq!(
            e.detail,
            "token expired at 2025-01-01T12:05:00Z, 3 min before now (2025-01-01T12:08:00Z)"
        );
        // Leeway widens both ends.
        assert!(verify_rs256(&token, &keys, at(359, 999), 60).is_ok());
        let e = verify_rs256(&token, &keys, at(360, 0), 60).unwrap_err();
        assert!(e.detail.contains("even with 60 s of leeway"), "{e}");
        assert!(verify_rs256(&token, &keys, at(0, 0), 10).is_ok());
        // iat in the future (nbf absent).
        let future = sign_rs256(&claims(json!({"iat": t0 + 120, "exp": t0 + 600})), k);
        let e = verify_rs256(&future, &keys, at(0, 0), 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::IssuedInFuture);
        assert!(e.detail.contains("2 min after now"), "{e}");
        assert!(verify_rs256(&future, &keys, at(120, 0), 0).is_ok());
        // A non-numeric exp is an invalid claim, not a pass.
        let text_exp = sign_rs256(&claims(json!({"exp": "tomorrow"})), k);
        let e = verify_rs256(&text_exp, &keys, at(0, 0), 0).unwrap_err();
        assert_eq!(
            e.kind,
            JwtFailureKind::InvalidClaim {
                claim: "exp".into()
            }
        );
        // Fractional NumericDate.
        let frac = sign_rs256(&claims(json!({"exp": t0 as f64 + 0.5})), k);
        assert!(verify_rs256(&frac, &keys, at(0, 499), 0).is_ok());
        assert_eq!(
            verify_rs256(&frac, &keys, at(0, 500), 0).unwrap_err().kind,
            JwtFailureKind::Expired
        );
    }

    #[test]
    fn structure_and_base64_failures() {
        let token = sample_token();
        let keys = set(&["pool-customers"]);
        let now = DEFAULT_EPOCH;
        let kind = |t: &str| verify_rs256(t, &keys, now, 0).unwrap_err();
        assert_eq!(kind("").kind, JwtFailureKind::Malformed);
        assert_eq!(kind("").detail, "the token is empty");
        let e = kind(&format!("Bearer {token}"));
        assert_eq!(e.kind, JwtFailureKind::BadBase64, "{e}");
        assert!(e.detail.contains("whitespace"), "{e}");
        let e = kind("Bearer abc");
        assert!(e.detail.contains("remove the 'Bearer ' prefix"), "{e}");
        let e = kind(&format!("{token}.extra"));
        assert_eq!(e.kind, JwtFailureKind::Malformed);
        assert!(e.detail.contains("this one has 4"), "{e}");
        let e = kind(&format!("{token}=="));
        assert_eq!(e.kind, JwtFailureKind::BadBase64);
        assert!(e.detail.starts_with("signature segment: padding"), "{e}");
        let plus = token.replacen('-', "+", 1).replacen('_', "/", 1);
        if plus != token {
            assert_eq!(kind(&plus).kind, JwtFailureKind::BadBase64);
        }
        let e = kind(&format!("e30.{}", token.split_once('.').unwrap().1));
        assert_eq!(e.kind, JwtFailureKind::Malformed);
        assert_eq!(e.detail, "the header has no alg");
        let e = kind(&format!("WzFd.{}", token.split_once('.').unwrap().1));
        assert!(e.detail.contains("not an object (found an array)"), "{e}");
    }

    #[test]
    fn algorithm_and_key_selection() {
        let now = DEFAULT_EPOCH;
        let k = key("pool-partners");
        let body = claims(json!({"sub": "x"}));
        for alg in ["none", "NONE", "HS256", "ES256", "PS256", "RS512"] {
            let mut header = Map::new();
            header.insert("alg".into(), json!(alg));
            header.insert("kid".into(), json!(k.kid()));
            let t = sign_rs256_with_header(&header, &body, k);
            let e = verify_rs256(&t, &[k.jwk()], now, 0).unwrap_err();
            assert_eq!(e.kind, JwtFailureKind::AlgNotAllowed { alg: alg.into() });
        }
        // crit headers are refused.
        let mut header = Map::new();
        header.insert("alg".into(), json!("RS256"));
        header.insert("kid".into(), json!(k.kid()));
        header.insert("crit".into(), json!(["exp"]));
        let t = sign_rs256_with_header(&header, &body, k);
        assert_eq!(
            verify_rs256(&t, &[k.jwk()], now, 0).unwrap_err().kind,
            JwtFailureKind::Malformed
        );
        // No kid: accepted against a one-key set only, never by the kid-required rule.
        let mut header = Map::new();
        header.insert("alg".into(), json!("RS256"));
        let t = sign_rs256_with_header(&header, &body, k);
        assert!(verify_rs256(&t, &[k.jwk()], now, 0).is_ok());
        let two = set(&["pool-partners", "pool-staff"]);
        let e = verify_rs256(&t, &two, now, 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::UnknownKid);
        let e = verify_with(&t, &[k.jwk()], now, 0, KidRule::Required).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::UnknownKid);
        // Unknown kid lists the known ones.
        let e = verify_rs256(&sample_token(), &two, now, 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::UnknownKid);
        assert!(e.detail.contains(key("pool-staff").kid()), "{e}");
        // A valid signature over a non-JSON payload.
        let raw = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","kid":"{}"}}"#, k.kid())),
            URL_SAFE_NO_PAD.encode("hello")
        );
        let sig =
            jsonwebtoken::crypto::sign(raw.as_bytes(), &k.encoding, Algorithm::RS256).unwrap();
        let e = verify_rs256(&format!("{raw}.{sig}"), &[k.jwk()], now, 0).unwrap_err();
        assert_eq!(e.kind, JwtFailureKind::ClaimsNotObject);
    }

    #[test]
    fn rfc7515_a2_rs256_example() {
        // RFC 7515 Appendix A.2 (public key members and token).
        let jwk = Jwk {
            kid: "a2".into(),
            n: "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ".into(),
            e: "AQAB".into(),
        };
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
        let before = SimTime::parse_rfc3339("2011-03-22T18:42:59Z").unwrap();
        let v = verify_rs256(token, std::slice::from_ref(&jwk), before, 0).unwrap();
        assert_eq!(v.claims.get("iss"), Some(&json!("joe")));
        assert_eq!(
            v.claims.get("http://example.com/is_root"),
            Some(&json!(true))
        );
        let at = SimTime::parse_rfc3339("2011-03-22T18:43:00Z").unwrap();
        assert_eq!(
            verify_rs256(token, std::slice::from_ref(&jwk), at, 0)
                .unwrap_err()
                .kind,
            JwtFailureKind::Expired
        );
        // A.5, the unsecured JWT.
        let unsecured = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
        assert_eq!(
            verify_rs256(unsecured, &[jwk], before, 0).unwrap_err().kind,
            JwtFailureKind::AlgNotAllowed { alg: "none".into() }
        );
    }

    #[test]
    fn jwk_json_and_key_checks() {
        let k = key("pool-customers");
        let j = k.jwk().to_json();
        let order: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert_eq!(order, ["alg", "e", "kid", "kty", "n", "use"]);
        assert_eq!(Jwk::from_json(&j).unwrap(), k.jwk());
        let set_json = jwks_json(&[k.jwk(), key("pool-staff").jwk()]);
        let parsed = parse_jwks(&set_json).unwrap();
        assert_eq!(parsed.keys.len(), 2);
        assert!(parsed.skipped.is_empty());

        let with = |f: &dyn Fn(&mut Map<String, Value>)| {
            let mut m = j.as_object().unwrap().clone();
            f(&mut m);
            Jwk::from_json(&Value::Object(m)).unwrap_err().to_string()
        };
        assert!(
            with(&|m| {
                m.insert("use".into(), json!("enc"));
            })
            .contains("use \"enc\"")
        );
        assert!(
            with(&|m| {
                m.insert("alg".into(), json!("PS256"));
            })
            .contains("alg \"PS256\"")
        );
        assert!(
            with(&|m| {
                m.insert("key_ops".into(), json!(["encrypt"]));
            })
            .contains("verify")
        );
        assert!(
            with(&|m| {
                m.insert("d".into(), json!("AAAA"));
            })
            .contains("private member")
        );
        assert!(
            with(&|m| {
                m.insert("e".into(), json!("AQ"));
            })
            .contains("exponent 1")
        );
        assert!(
            with(&|m| {
                m.insert("kty".into(), json!("EC"));
            })
            .contains("kty is \"EC\"")
        );
        assert!(
            with(&|m| {
                m.shift_remove("kid");
            })
            .contains("no kid")
        );
        let short = URL_SAFE_NO_PAD.encode([0xC5u8; 128]);
        assert!(
            with(&|m| {
                m.insert("n".into(), json!(short));
            })
            .contains("1024 bits")
        );

        // Duplicates are an error; unusable entries are skipped with a reason.
        let mut enc = k.jwk().to_json();
        enc["use"] = json!("enc");
        enc["kid"] = json!("enc-key");
        let parsed = parse_jwks(&json!({"keys": [k.jwk().to_json(), enc]})).unwrap();
        assert_eq!(parsed.keys.len(), 1);
        assert_eq!(parsed.skipped.len(), 1);
        assert!(
            parsed.skipped[0].starts_with("keys[1]: "),
            "{:?}",
            parsed.skipped
        );
        assert!(parse_jwks(&json!({"keys": [k.jwk().to_json(), k.jwk().to_json()]})).is_err());
    }

    #[test]
    fn roca_fingerprint_test_is_selective() {
        // 65537^3 is trivially in the subgroup generated by 65537 modulo every
        // prime, which is exactly the structure the test looks for.
        let n = 65537u64.pow(3).to_be_bytes();
        assert!(has_roca_fingerprint(&n));
        assert!(!has_roca_fingerprint(&[0x02]));
        for name in builtin_key_names() {
            let n = URL_SAFE_NO_PAD.decode(key(name).n()).unwrap();
            assert!(!has_roca_fingerprint(&n), "{name}");
        }
    }

    #[test]
    fn human_spans() {
        assert_eq!(human_span(250), "250 ms");
        assert_eq!(human_span(45_000), "45 s");
        assert_eq!(human_span(180_000), "3 min");
        assert_eq!(human_span(190_000), "3 min 10 s");
        assert_eq!(human_span(7_500_000), "2 h 5 min");
        assert_eq!(human_span(-3_600_000), "1 h");
        assert_eq!(human_span(277_200_000), "3 d 5 h");
    }

    #[test]
    fn failure_kinds_serialize_with_stable_ids() {
        let f = JwtFailure::new(JwtFailureKind::AlgNotAllowed { alg: "none".into() }, "x");
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"kind": {"kind": "alg-not-allowed", "alg": "none"}, "detail": "x"})
        );
        assert_eq!(f.to_string(), "alg-not-allowed (none): x");
        assert_eq!(JwtFailureKind::IssuedInFuture.id(), "issued-in-future");
    }
}
