//! A local Open Badges 2.0 issuer: a loopback HTTP server serving JSON documents by path (which
//! tests can change between requests), and builders for its issuer Profile, BadgeClass,
//! assertions, key and revocation list.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevet_app::import::{ImportInput, RecognisedCredential};
use brevet_core::verify::{CheckName, Outcome};
use brevet_test_support::{Db, TestOptions, TestServer};
use serde_json::{Value, json};

pub(crate) const OB2: &str = "https://w3id.org/openbadges/v2";
pub(crate) const EMAIL: &str = "ada@example.org";
pub(crate) const SALT: &str = "pepper-1";

type Documents = Arc<Mutex<HashMap<String, String>>>;

/// A loopback server of documents.
pub(crate) struct DocServer {
    pub base: String,
    documents: Documents,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

async fn serve(State(documents): State<Documents>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    match documents.lock().unwrap().get(&path) {
        Some(body) => (
            [(header::CONTENT_TYPE, "application/ld+json")],
            body.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl DocServer {
    pub(crate) async fn start() -> DocServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let documents: Documents = Arc::default();
        let router = Router::new().fallback(serve).with_state(documents.clone());
        let (shutdown, on_shutdown) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = on_shutdown.await;
                })
                .await;
        });
        DocServer {
            base,
            documents,
            shutdown: Some(shutdown),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn put(&self, path: &str, document: &Value) {
        self.put_text(path, &serde_json::to_string_pretty(document).unwrap());
    }

    pub(crate) fn put_text(&self, path: &str, text: &str) {
        self.documents
            .lock()
            .unwrap()
            .insert(path.to_owned(), text.to_owned());
    }

    pub(crate) fn text(&self, path: &str) -> String {
        self.documents.lock().unwrap()[path].clone()
    }
}

impl Drop for DocServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// A Brevet server allowed to reach loopback, and an Open Badges 2.0 issuer on loopback with its
/// Profile (`/issuer.json`), BadgeClass (`/badge.json`) and an empty revocation list.
pub(crate) struct Ob2World {
    pub server: TestServer,
    pub issuer: DocServer,
}

impl Ob2World {
    pub(crate) async fn start(db: Db) -> Option<Ob2World> {
        let server = TestServer::start_with(
            db,
            TestOptions {
                allow_private_network: true,
            },
        )
        .await?;
        let issuer = DocServer::start().await;
        let world = Ob2World { server, issuer };
        world.publish_issuer(json!({}));
        world.issuer.put(
            "/badge.json",
            &json!({"@context": OB2, "type": "BadgeClass", "id": world.issuer.url("/badge.json"),
                "name": "Rust Basics", "description": "Writes safe Rust.",
                "image": "https://issuer.example/rust.png",
                "criteria": {"narrative": "Pass the exam."}, "issuer": world.issuer.url("/issuer.json")}),
        );
        world.publish_revocation_list(&[]);
        Some(world)
    }

    /// The issuer Profile, with `extra` fields merged in.
    pub(crate) fn publish_issuer(&self, extra: Value) {
        let mut profile = json!({"@context": OB2, "type": "Issuer", "id": self.issuer.url("/issuer.json"),
            "name": "Loopback Academy", "url": "https://academy.example",
            "image": "https://academy.example/logo.png",
            "email": "badges@academy.example",
            "publicKey": self.issuer.url("/key.json"),
            "revocationList": self.issuer.url("/revocations.json")});
        for (key, value) in extra.as_object().unwrap() {
            profile[key] = value.clone();
        }
        self.issuer.put("/issuer.json", &profile);
    }

    pub(crate) fn publish_revocation_list(&self, revoked: &[Value]) {
        self.issuer.put(
            "/revocations.json",
            &json!({"@context": OB2, "type": "RevocationList", "id": self.issuer.url("/revocations.json"),
                "issuer": self.issuer.url("/issuer.json"), "revokedAssertions": revoked}),
        );
    }

    /// A hosted assertion for `ada@example.org` at `path` (not yet published).
    pub(crate) fn hosted_assertion(&self, path: &str) -> Value {
        json!({"@context": OB2, "type": "Assertion", "id": self.issuer.url(path),
            "recipient": {"type": "email", "hashed": true, "salt": SALT,
                "identity": brevet_core::ob2::recipient::sha256_identity(EMAIL, SALT)},
            "badge": self.issuer.url("/badge.json"),
            "verification": {"type": "hosted"},
            "issuedOn": "2026-03-01T09:00:00+00:00"})
    }

    pub(crate) async fn recognise(&self, input: ImportInput) -> RecognisedCredential {
        self.server.app.recognise_and_verify(input).await.unwrap()
    }
}

pub(crate) fn outcome(recognised: &RecognisedCredential, name: CheckName) -> Outcome {
    recognised.report.outcome(name).unwrap()
}

pub(crate) fn detail(recognised: &RecognisedCredential, name: CheckName) -> String {
    recognised.report.check(name).unwrap().detail.clone()
}

/// A 1×1 PNG (no credential), for baking.
pub(crate) fn tiny_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0];
    push_chunk(&mut png, b"IHDR", &ihdr);
    // zlib stream of one scanline: filter byte 0 and one grey pixel.
    push_chunk(
        &mut png,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xfd, 0xff, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
        ],
    );
    push_chunk(&mut png, b"IEND", &[]);
    png
}

/// A PNG whose Open Badges 2.0 `openbadges` tEXt chunk holds `payload` (a URL or a JWS).
pub(crate) fn ob2_png(payload: &str) -> Vec<u8> {
    let png = tiny_png();
    let iend = png.len() - 12;
    let mut out = png[..iend].to_vec();
    let mut data = b"openbadges\0".to_vec();
    data.extend_from_slice(payload.as_bytes());
    push_chunk(&mut out, b"tEXt", &data);
    out.extend_from_slice(&png[iend..]);
    out
}

/// An SVG with an Open Badges 2.0 `<openbadges:assertion verify="…">`.
pub(crate) fn ob2_svg(verify: &str) -> Vec<u8> {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:openbadges=\"http://openbadges.org\" width=\"1\" height=\"1\">\
         <openbadges:assertion verify=\"{verify}\"/><rect width=\"1\" height=\"1\"/></svg>"
    )
    .into_bytes()
}

fn push_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
