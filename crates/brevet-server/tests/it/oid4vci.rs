//! OpenID4VCI 1.0 (pre-authorized code, `ldp_vc`) through HTTP on both backends: the whole flow
//! with a wallet key made with ed25519-dalek, single use and expiry of codes, tokens and nonces,
//! each refused proof with its error code, tenancy, revocation of the award reaching the wallet
//! copy, and a real wallet library from npm (`@openid4vc/openid4vci`) completing the flow.
//! Shared helpers (a test wallet, the protocol steps) live here.

mod flow;
mod interop;
mod refusals;
mod revocation;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevet_test_support::{Request, Response, TestServer};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

use crate::e2e::{Issuer, award, award_body};

/// A wallet's Ed25519 holder key.
pub(crate) struct Wallet {
    pub(crate) key: SigningKey,
}

impl Wallet {
    pub(crate) fn new() -> Wallet {
        Wallet {
            key: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// `did:key:z6Mk…` (multicodec ed25519-pub 0xed01, base58btc).
    pub(crate) fn did(&self) -> String {
        let mut bytes = vec![0xed, 0x01];
        bytes.extend_from_slice(self.key.verifying_key().as_bytes());
        format!("did:key:z{}", bs58_encode(&bytes))
    }

    /// A JWT signed with this key.
    pub(crate) fn sign_jwt(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// A key proof (`openid4vci-proof+jwt`, EdDSA, did:key kid) for `aud` with `nonce`.
    pub(crate) fn proof(&self, aud: &str, nonce: &str, iat: i64) -> String {
        let did = self.did();
        let multibase = did.trim_start_matches("did:key:");
        self.sign_jwt(
            &json!({"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": format!("{did}#{multibase}")}),
            &json!({"aud": aud, "iat": iat, "nonce": nonce}),
        )
    }
}

/// Base58btc (Bitcoin alphabet), enough for a did:key in a test.
fn bs58_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|&d| char::from(ALPHABET[d as usize])),
        )
        .collect()
}

/// The credential issuer identifier of organisation `slug` on `server`.
pub(crate) fn issuer_id(server: &TestServer, slug: &str) -> String {
    format!("{}/{slug}", server.base_url)
}

/// Awards the issuer's achievement to an email recipient; returns the award's public id.
pub(crate) async fn an_award(setup: &Issuer, email: &str) -> String {
    let awarded = award(
        &setup.server,
        &setup.org.api_key,
        &award_body(&setup.achievement_id, email),
    )
    .await;
    awarded["id"].as_str().unwrap().to_owned()
}

/// `POST /api/v1/credentials/{id}/offer`.
pub(crate) async fn offer_response(server: &TestServer, api_key: &str, id: &str) -> Response {
    server
        .request(
            Request::method("POST", &format!("/api/v1/credentials/{id}/offer")).bearer(api_key),
        )
        .await
}

/// Makes an offer (201 expected) and returns `(offer body, pre-authorized code)`.
pub(crate) async fn offer(server: &TestServer, api_key: &str, id: &str) -> (Value, String) {
    let response = offer_response(server, api_key, id).await;
    assert_eq!(response.status, 201, "offer: {}", response.text());
    let body = response.json();
    let code =
        body["credential_offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
            ["pre-authorized_code"]
            .as_str()
            .unwrap()
            .to_owned();
    (body, code)
}

/// `POST /oid4vci/{slug}/token` with a form body.
pub(crate) async fn token_request(server: &TestServer, slug: &str, form: &str) -> Response {
    server
        .request(
            Request::method("POST", &format!("/oid4vci/{slug}/token")).body(
                "application/x-www-form-urlencoded",
                form.as_bytes().to_vec(),
            ),
        )
        .await
}

/// Exchanges `code` for an access token (200 expected).
pub(crate) async fn access_token(server: &TestServer, slug: &str, code: &str) -> String {
    let response = token_request(
        server,
        slug,
        &format!(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code={code}"
        ),
    )
    .await;
    assert_eq!(response.status, 200, "token: {}", response.text());
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let body = response.json();
    assert_eq!(body["token_type"], "Bearer");
    body["access_token"].as_str().unwrap().to_owned()
}

/// A fresh `c_nonce` from `POST /oid4vci/{slug}/nonce`.
pub(crate) async fn c_nonce(server: &TestServer, slug: &str) -> String {
    let response = server
        .request(Request::method("POST", &format!("/oid4vci/{slug}/nonce")))
        .await;
    assert_eq!(response.status, 200, "nonce: {}", response.text());
    assert_eq!(response.header("cache-control"), Some("no-store"));
    response.json()["c_nonce"].as_str().unwrap().to_owned()
}

/// `POST /oid4vci/{slug}/credential` with a bearer token and a JSON body.
pub(crate) async fn credential_request(
    server: &TestServer,
    slug: &str,
    token: &str,
    body: &Value,
) -> Response {
    server
        .request(Request::post_json(&format!("/oid4vci/{slug}/credential"), body).bearer(token))
        .await
}

/// A credential request body with one jwt proof.
pub(crate) fn request_with_proof(proof: &str) -> Value {
    json!({"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": [proof]}})
}

/// Asserts an OAuth / OpenID4VCI error answer: status and `error` code.
pub(crate) fn assert_error(response: &Response, status: u16, error: &str) {
    assert_eq!(
        (response.status, response.json()["error"].as_str()),
        (status, Some(error)),
        "{}",
        response.text()
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
}

/// Runs offer → token → nonce → credential for `award_id`; returns the wallet copy.
pub(crate) async fn receive(setup: &Issuer, slug: &str, award_id: &str, wallet: &Wallet) -> Value {
    let server = &setup.server;
    let (_, code) = offer(server, &setup.org.api_key, award_id).await;
    let token = access_token(server, slug, &code).await;
    let nonce = c_nonce(server, slug).await;
    let proof = wallet.proof(&issuer_id(server, slug), &nonce, server.app.now_unix());
    let response = credential_request(server, slug, &token, &request_with_proof(&proof)).await;
    assert_eq!(response.status, 200, "credential: {}", response.text());
    let body = response.json();
    assert_eq!(
        body["credentials"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );
    body["credentials"][0]["credential"].clone()
}
