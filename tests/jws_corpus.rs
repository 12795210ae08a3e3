//! Runs the public JWS corpora in `../shared/corpora` through the simulator's
//! RS256 verifier: Project Wycheproof's JWS and JWK vectors, the RFC 7515
//! Appendix A examples and the RFC 7520 ("JOSE Cookbook") signature examples.
//! Each test skips with a message when the corpora are not present.
//!
//! Run with `--nocapture` to see the counts.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatelab::gateway::jwt::{Jwk, JwtFailure, JwtFailureKind, Verified, verify_rs256};
use gatelab::gateway::time::{DEFAULT_EPOCH, SimTime};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora");

/// A corpus file as JSON, or `None` (with a message) when it is absent.
fn load(relative: &str) -> Option<Value> {
    let path = PathBuf::from(CORPORA).join(relative);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("skipping: {} is not readable ({e})", path.display());
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => panic!("{} is not JSON: {e}", path.display()),
    }
}

/// The `alg` of a compact token's header, read leniently (for classification only).
fn header_alg(jws: &str) -> String {
    jws.split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|h| h.get("alg").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default()
}

/// Accepted at the signature layer: either fully verified, or refused only
/// because the (validly signed) payload is not a claims object.
fn signature_accepted(r: &Result<Verified, JwtFailure>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => e.kind == JwtFailureKind::ClaimsNotObject,
    }
}

/// The public members of a JWK (drops private ones, which a key set never holds).
fn public_only(jwk: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(obj) = jwk.as_object() {
        for (k, v) in obj {
            if !["d", "p", "q", "dp", "dq", "qi", "oth"].contains(&k.as_str()) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn is_rsa(key: &Value) -> bool {
    match key.get("keys").and_then(Value::as_array) {
        Some(keys) => keys.iter().any(is_rsa),
        None => key.get("kty").and_then(Value::as_str) == Some("RSA"),
    }
}

/// The key set a careful gateway would build from a group's key(s): usable
/// RS256 keys only, with the reasons the others were refused.
fn key_set(key: &Value) -> (Vec<Jwk>, Vec<String>) {
    let entries: Vec<&Value> = match key.get("keys").and_then(Value::as_array) {
        Some(keys) => keys.iter().collect(),
        None => vec![key],
    };
    let mut keys = Vec::new();
    let mut refused = Vec::new();
    for entry in entries {
        match Jwk::from_json(entry) {
            Ok(k) => keys.push(k),
            Err(e) => refused.push(e.to_string()),
        }
    }
    (keys, refused)
}

#[derive(Default, Debug)]
struct Tally {
    valid_accepted: usize,
    valid_other_alg_refused: usize,
    invalid_rejected: usize,
    by_kind: BTreeMap<String, usize>,
    mismatches: Vec<String>,
}

impl Tally {
    fn record_rejection(&mut self, r: &Result<Verified, JwtFailure>) {
        if let Err(e) = r {
            *self.by_kind.entry(e.kind.id().to_string()).or_default() += 1;
        }
    }
}

#[test]
fn wycheproof_rsa_signature_vectors() {
    let Some(doc) = load("jws-wycheproof/json_web_signature_test.json") else {
        return;
    };
    let now = DEFAULT_EPOCH;
    let mut t = Tally::default();
    let mut not_applicable = 0usize;
    let mut groups = 0usize;
    for group in doc["testGroups"].as_array().into_iter().flatten() {
        let key = group.get("public").unwrap_or(&group["private"]);
        let tests = group["tests"].as_array().cloned().unwrap_or_default();
        if !is_rsa(key) {
            not_applicable += tests.len();
            continue;
        }
        groups += 1;
        let (keys, _refused) = key_set(key);
        for test in &tests {
            let id = test["tcId"].as_u64().unwrap_or(0);
            let valid = test["result"] == "valid";
            let Some(jws) = test["jws"].as_str() else {
                t.mismatches
                    .push(format!("tc {id}: not a compact token in an RSA group"));
                continue;
            };
            let r = verify_rs256(jws, &keys, now, 0);
            let alg = header_alg(jws);
            match (valid, alg == "RS256") {
                (true, true) if signature_accepted(&r) => t.valid_accepted += 1,
                (true, false)
                    if r.as_ref().err().map(|e| &e.kind)
                        == Some(&JwtFailureKind::AlgNotAllowed { alg: alg.clone() }) =>
                {
                    t.valid_other_alg_refused += 1
                }
                (false, _) if !signature_accepted(&r) => {
                    t.invalid_rejected += 1;
                    t.record_rejection(&r);
                }
                _ => t.mismatches.push(format!(
                    "tc {id} ({}, {}): labelled {}, got {:?}",
                    test["comment"],
                    alg,
                    test["result"],
                    r.map(|v| v.kid)
                )),
            }
        }
    }
    println!(
        "Wycheproof JWS, {groups} RSA groups: {} valid RS256 accepted, {} valid under another RSA algorithm refused by the RS256-only rule, {} invalid rejected {:?}; {not_applicable} HMAC/EC vectors are not RS256-applicable (see the base64 test for the encoding ones)",
        t.valid_accepted, t.valid_other_alg_refused, t.invalid_rejected, t.by_kind
    );
    assert!(t.mismatches.is_empty(), "{:#?}", t.mismatches);
    // Fixed by the corpus snapshot described in its README.
    assert_eq!(groups, 13);
    assert_eq!(t.valid_accepted, 8);
    assert_eq!(t.valid_other_alg_refused, 24);
    assert_eq!(t.invalid_rejected, 286);
    assert_eq!(not_applicable, 83);
    assert_eq!(
        t.valid_accepted + t.valid_other_alg_refused + t.invalid_rejected + not_applicable,
        doc["numberOfTests"].as_u64().unwrap_or(0) as usize
    );
}

#[test]
fn wycheproof_base64_vectors_exercise_the_encoding_layer() {
    // These vectors are HS256, which the verifier refuses; but every segment is
    // decoded strictly before the algorithm is looked at, so a well-encoded
    // token comes back as alg-not-allowed and a badly encoded one as bad-base64.
    let Some(doc) = load("jws-wycheproof/json_web_signature_test.json") else {
        return;
    };
    let now = DEFAULT_EPOCH;
    let mut encoding_ok = 0;
    let mut encoding_refused = 0;
    let mut mismatches = Vec::new();
    let group = doc["testGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["comment"] == "base64")
        .expect("the corpus has a base64 group");
    for test in group["tests"].as_array().into_iter().flatten() {
        let id = test["tcId"].as_u64().unwrap_or(0);
        let jws = test["jws"].as_str().unwrap_or_default();
        let kind = verify_rs256(jws, &[], now, 0).err().map(|e| e.kind);
        let accepted_encoding = kind
            == Some(JwtFailureKind::AlgNotAllowed {
                alg: "HS256".into(),
            });
        let expected = match id {
            // Byte-identical to tc 357 (valid); their "invalid" label cannot be
            // satisfied (https://github.com/C2SP/wycheproof/issues/236).
            367 | 370 => true,
            // Labelled valid but contain '?' inside the base64url text; RFC 7515
            // allows no extra characters, so a strict decoder refuses them.
            372 | 373 => false,
            _ => test["result"] == "valid",
        };
        if accepted_encoding {
            encoding_ok += 1;
        } else if kind == Some(JwtFailureKind::BadBase64) || kind == Some(JwtFailureKind::Malformed)
        {
            encoding_refused += 1;
        }
        if accepted_encoding != expected {
            mismatches.push(format!("tc {id} {}: got {kind:?}", test["comment"]));
        }
    }
    println!(
        "Wycheproof base64 group: {encoding_ok} encodings accepted, {encoding_refused} refused (tc 367/370 mislabelled upstream, tc 372/373 refused on purpose)"
    );
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert_eq!((encoding_ok, encoding_refused), (7, 14));
}

#[test]
fn wycheproof_rsa_key_vectors() {
    let Some(doc) = load("jws-wycheproof/json_web_key_test.json") else {
        return;
    };
    let now = DEFAULT_EPOCH;
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    let mut refusals: BTreeMap<u64, String> = BTreeMap::new();
    for group in doc["testGroups"].as_array().into_iter().flatten() {
        let key = group.get("public").unwrap_or(&group["private"]);
        if !is_rsa(key) {
            continue;
        }
        let (keys, refused) = key_set(key);
        for test in group["tests"].as_array().into_iter().flatten() {
            let id = test["tcId"].as_u64().unwrap_or(0);
            let jws = test["jws"].as_str().unwrap_or_default();
            let r = verify_rs256(jws, &keys, now, 0);
            let ok = signature_accepted(&r);
            assert_eq!(
                ok,
                test["result"] == "valid",
                "tc {id} {}: {r:?}",
                test["comment"]
            );
            if let Some(reason) = refused.first() {
                refusals.insert(id, reason.clone());
            }
            if ok { &mut accepted } else { &mut rejected }.push(id);
        }
    }
    println!("Wycheproof JWK (RSA): accepted {accepted:?}, rejected {rejected:?}");
    for (id, reason) in &refusals {
        println!("  tc {id}: key refused: {reason}");
    }
    assert_eq!(accepted, [5]);
    assert_eq!(rejected, [6, 7, 8, 9, 24]);
    // Each weak key is refused for the right reason, before any signature check.
    let reason = |id: u64| refusals.get(&id).cloned().unwrap_or_default();
    // tc 6: alg RSA1_5 with use "enc": an encryption key, refused on its alg first.
    assert!(reason(6).contains("RSA1_5"), "{}", reason(6));
    assert!(reason(7).contains("ROCA"), "{}", reason(7));
    assert!(reason(8).contains("1024 bits"), "{}", reason(8));
    assert!(reason(9).contains("exponent 1"), "{}", reason(9));
    // tc 24: kty RSA with EC members and alg ES256.
    assert!(reason(24).contains("ES256"), "{}", reason(24));
}

#[test]
fn rfc7515_appendix_a() {
    let Some(doc) = load("jwt-rfc7515-appendix-a/rfc7515_appendix_a.json") else {
        return;
    };
    let case = |id: &str| -> Value {
        doc["cases"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("case {id} is missing"))
    };
    // exp = 1300819380 = 2011-03-22T18:43:00Z.
    let before = SimTime::from_unix_secs(1_300_819_379);
    let at_exp = SimTime::from_unix_secs(1_300_819_380);

    // A.2: RS256, accepted before exp (the token has no kid; the key set has one key).
    let a2 = case("A.2");
    let jwk = Jwk {
        kid: "rfc7515-a2".into(),
        n: a2["jwk"]["n"].as_str().unwrap_or_default().into(),
        e: a2["jwk"]["e"].as_str().unwrap_or_default().into(),
    };
    let token = a2["jws"].as_str().unwrap_or_default();
    let v = verify_rs256(token, std::slice::from_ref(&jwk), before, 0).expect("A.2 verifies");
    assert_eq!(v.claims["iss"], "joe");
    assert_eq!(v.claims["http://example.com/is_root"], true);
    assert_eq!(
        verify_rs256(token, std::slice::from_ref(&jwk), at_exp, 0)
            .unwrap_err()
            .kind,
        JwtFailureKind::Expired
    );
    // With a real clock the token is long expired, as the README notes.
    assert_eq!(
        verify_rs256(token, std::slice::from_ref(&jwk), DEFAULT_EPOCH, 0)
            .unwrap_err()
            .kind,
        JwtFailureKind::Expired
    );

    // A.5: unsecured, always refused. A.1, A.3, A.4: other algorithms, refused by policy.
    for (id, alg) in [
        ("A.5", "none"),
        ("A.1", "HS256"),
        ("A.3", "ES256"),
        ("A.4", "ES512"),
    ] {
        let token = case(id)["jws"].as_str().unwrap_or_default().to_string();
        let e = verify_rs256(&token, std::slice::from_ref(&jwk), before, 0).unwrap_err();
        assert_eq!(
            e.kind,
            JwtFailureKind::AlgNotAllowed { alg: alg.into() },
            "{id}: {e}"
        );
    }
    println!("RFC 7515: A.2 accepted before exp and expired at exp; A.1, A.3, A.4, A.5 refused");
}

#[test]
fn rfc7520_signature_examples() {
    let Some(ex) = load("jose-cookbook-rfc7520/jws/4_1.rsa_v15_signature.json") else {
        return;
    };
    let key = Jwk::from_json(&public_only(&ex["input"]["key"])).expect("the 4.1 key is usable");
    assert_eq!(key.kid, "bilbo.baggins@hobbiton.example");
    let compact = ex["output"]["compact"].as_str().unwrap_or_default();
    // The payload is prose, not claims: the signature verifies, then the
    // verifier says there are no claims.
    let r = verify_rs256(compact, std::slice::from_ref(&key), DEFAULT_EPOCH, 0);
    assert!(signature_accepted(&r), "{r:?}");
    assert_eq!(r.unwrap_err().kind, JwtFailureKind::ClaimsNotObject);
    // The same token with one payload character changed fails on the signature,
    // which shows the check above really verified it.
    let mut parts: Vec<String> = compact.split('.').map(str::to_string).collect();
    if let Some(payload) = parts.get_mut(1) {
        let first = if payload.starts_with('S') { "T" } else { "S" };
        payload.replace_range(0..1, first);
    }
    let broken = parts.join(".");
    assert_eq!(
        verify_rs256(&broken, std::slice::from_ref(&key), DEFAULT_EPOCH, 0)
            .unwrap_err()
            .kind,
        JwtFailureKind::BadSignature
    );
    // The other compact examples use algorithms the gateway refuses.
    for (file, alg) in [
        ("4_2.rsa-pss_signature.json", "PS384"),
        ("4_3.ecdsa_signature.json", "ES512"),
        ("4_4.hmac-sha2_integrity_protection.json", "HS256"),
    ] {
        let Some(ex) = load(&format!("jose-cookbook-rfc7520/jws/{file}")) else {
            return;
        };
        let compact = ex["output"]["compact"].as_str().unwrap_or_default();
        let e = verify_rs256(compact, std::slice::from_ref(&key), DEFAULT_EPOCH, 0).unwrap_err();
        assert_eq!(
            e.kind,
            JwtFailureKind::AlgNotAllowed { alg: alg.into() },
            "{file}"
        );
    }
    println!("RFC 7520: 4.1 RS256 signature verified; 4.2-4.4 refused by algorithm");
}
