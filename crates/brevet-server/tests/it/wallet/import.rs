//! Importing credentials into the wallet through HTTP, on both backends: Brevet-signed
//! credentials of another organisation pasted, baked in a PNG and an SVG; duplicates (imported
//! before, or issued here to the earner) recognised and not stored; the kept bytes downloaded;
//! deletion; no collections for imported items; and refusals that change nothing: a forged
//! credential, an oversized upload, no CSRF token, another earner's item.

use brevet_app::mail::Mailer;
use brevet_test_support::{Db, Request, TestServer};
use serde_json::Value;

use super::helpers::{
    Browser, award, claimed, earner_rows, issuer, item_of, mail_to, memory_mailer,
};
use crate::import::fixtures::tiny_png;
use crate::pages::verdict;

const BOUNDARY: &str = "----brevet-wallet-import-7Yq";

const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\" cx=\"5\" cy=\"5\"/></svg>";

/// A multipart body of `(name, file name, bytes)` parts.
pub(super) fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        let disposition = match file {
            Some(file) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Imports pasted text.
pub(super) async fn import_text(
    browser: &mut Browser<'_>,
    csrf: &str,
    text: &str,
) -> brevet_test_support::Response {
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("credential", None, text.as_bytes()),
        ("file", Some(""), b""),
        ("url", None, b""),
    ]);
    browser
        .post_body("/wallet/import", &content_type, body)
        .await
}

/// Imports an uploaded file.
pub(super) async fn import_file(
    browser: &mut Browser<'_>,
    csrf: &str,
    file: &[u8],
) -> brevet_test_support::Response {
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("credential", None, b""),
        ("file", Some("badge"), file),
        ("url", None, b""),
    ]);
    browser
        .post_body("/wallet/import", &content_type, body)
        .await
}

/// Imports a URL.
pub(super) async fn import_url(
    browser: &mut Browser<'_>,
    csrf: &str,
    url: &str,
) -> brevet_test_support::Response {
    let (content_type, body) = multipart(&[
        ("csrf", None, csrf.as_bytes()),
        ("credential", None, b""),
        ("url", None, url.as_bytes()),
    ]);
    browser
        .post_body("/wallet/import", &content_type, body)
        .await
}

/// The outcome an import page states (`kept`, `duplicate`, `refused`, `error`).
pub(super) fn outcome(html: &str) -> String {
    crate::pages::between(html, "data-outcome=\"", "\"").to_owned()
}

/// The ids of the imported items the wallet page lists, in order.
pub(super) fn imported_ids(html: &str) -> Vec<String> {
    let marker = "class=\"wallet-item imported-item\" id=\"item-";
    html.match_indices(marker)
        .map(|(at, _)| {
            let start = at + marker.len();
            let end = html[start..].find('"').unwrap() + start;
            html[start..end].to_owned()
        })
        .collect()
}

/// The status shown for item `id`.
pub(super) fn status_of(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"status-{id}\""))
        .unwrap_or_else(|| panic!("no status for {id}"));
    let from = html[start..].find('>').unwrap() + start + 1;
    let to = html[from..].find('<').unwrap() + from;
    html[from..to].to_owned()
}

/// The section of the page that lists item `id`.
pub(super) fn item_html<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"item-{id}\"")).unwrap();
    let end = html[start..].find("</li>").unwrap() + start;
    &html[start..end]
}

/// Another organisation's credential for `email`, as its JSON text (once its mail, with the
/// claim link it stores, has gone out).
async fn from_elsewhere(
    server: &TestServer,
    elsewhere: &super::helpers::Issuer,
    mailer: &Mailer,
    email: &str,
) -> String {
    let before = mailer.sent().iter().filter(|m| m.to == email).count();
    let awarded: Value = award(server, elsewhere, email).await;
    mail_to(mailer, email, before + 1).await;
    serde_json::to_string_pretty(&awarded["credential"]).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_elsewhere_are_verified_kept_once_listed_and_deleted() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let elsewhere = issuer(&server, "elsewhere", "Kotlin Basics").await;
        let (mut ada, own) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let csrf = ada.wallet_csrf().await;

        // Pasted JSON, signed by another organisation, sent to an address Ada never proved.
        let json = from_elsewhere(&server, &elsewhere, &mailer, "ada@old-school.example").await;
        let response = import_text(&mut ada, &csrf, &json).await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        let html = response.text();
        assert_eq!(outcome(&html), "kept", "{db:?}: {html}");
        assert_eq!(verdict(&html), "Verified");
        assert!(html.contains("Format: VC 2.0 (Data Integrity)<"), "{html}");
        assert!(html.contains("id=\"import-achievement\">Kotlin Basics<"));
        assert!(html.contains("id=\"import-issuer\">Org elsewhere<"));
        assert_eq!(response.header("cache-control"), Some("no-store"));

        let page = ada.get("/wallet").await.text();
        let ids = imported_ids(&page);
        assert_eq!(ids.len(), 1, "{db:?}: {page}");
        let pasted = ids[0].clone();
        let item = item_html(&page, &pasted);
        assert!(item.contains("Kotlin Basics"), "{item}");
        assert!(item.contains("Org elsewhere"), "{item}");
        assert!(item.contains(">Imported<"), "{item}");
        assert!(!item.contains("Open Badges 2.0"), "{item}");
        assert_eq!(status_of(&page, &pasted), "Verified");
        // Ada's own credential stays listed as before.
        assert!(page.contains(&format!("href=\"/c/{}\"", own["id"].as_str().unwrap())));

        // The kept bytes, exactly as pasted.
        let download = ada.get(&format!("/wallet/items/{pasted}/download")).await;
        assert_eq!(download.status, 200, "{db:?}");
        assert_eq!(download.body, json.as_bytes());
        assert_eq!(
            download.header("content-type"),
            Some("application/vc+ld+json")
        );
        assert_eq!(download.header("cache-control"), Some("no-store"));
        assert_eq!(download.header("x-content-type-options"), Some("nosniff"));
        assert!(
            download
                .header("content-disposition")
                .is_some_and(|value| value.starts_with("attachment"))
        );

        // The same credential again, serialised otherwise: recognised, nothing stored.
        let before = server.snapshot().await;
        let compact =
            serde_json::to_string(&serde_json::from_str::<Value>(&json).unwrap()).unwrap();
        let again = import_text(&mut ada, &csrf, &compact).await;
        assert_eq!(again.status, 200, "{db:?}");
        let text = again.text();
        assert_eq!(outcome(&text), "duplicate", "{text}");
        assert!(
            text.contains("already in your wallet: you imported it before"),
            "{text}"
        );
        // Ada's own credential of this server (already in the wallet as issued).
        let own_json = serde_json::to_string(&own["credential"]).unwrap();
        let issued_copy = import_text(&mut ada, &csrf, &own_json).await;
        let text = issued_copy.text();
        assert_eq!(outcome(&text), "duplicate", "{db:?}: {text}");
        assert!(
            text.contains("it was issued here to one of your addresses"),
            "{text}"
        );
        assert_eq!(server.snapshot().await, before, "{db:?}: nothing stored");

        // Baked in a PNG and an SVG (two more credentials); the PNG's credential again as SVG.
        let for_png = from_elsewhere(&server, &elsewhere, &mailer, "ada@old-school.example").await;
        let for_svg = from_elsewhere(&server, &elsewhere, &mailer, "ada@old-school.example").await;
        let png = brevet_core::baking::bake(&tiny_png(), &for_png).unwrap();
        let response = import_file(&mut ada, &csrf, &png).await;
        let html = response.text();
        assert_eq!(outcome(&html), "kept", "{db:?}: {html}");
        assert!(html.contains("baked in a PNG image"), "{html}");
        let svg = brevet_core::baking::bake(SVG.as_bytes(), &for_svg).unwrap();
        let response = import_file(&mut ada, &csrf, &svg).await;
        let html = response.text();
        assert_eq!(outcome(&html), "kept", "{db:?}: {html}");
        assert!(html.contains("baked in an SVG image"), "{html}");
        let png_as_svg = brevet_core::baking::bake(SVG.as_bytes(), &for_png).unwrap();
        assert_eq!(
            outcome(&import_file(&mut ada, &csrf, &png_as_svg).await.text()),
            "duplicate"
        );
        let page = ada.get("/wallet").await.text();
        let ids = imported_ids(&page);
        assert_eq!(ids.len(), 3, "{db:?}");
        // A baked credential is kept without its image.
        let mut kept = Vec::new();
        for id in &ids {
            kept.push(ada.get(&format!("/wallet/items/{id}/download")).await.body);
        }
        assert!(kept.contains(&for_svg.clone().into_bytes()), "{db:?}");
        assert!(kept.contains(&for_png.clone().into_bytes()), "{db:?}");

        // Imported credentials have no public page: they cannot join a collection.
        let before = server.snapshot().await;
        let refused = ada
            .post_form(
                "/wallet/collections",
                &[("csrf", &csrf), ("name", "Mine"), ("item", &pasted)],
            )
            .await;
        assert_eq!(refused.status, 422, "{db:?}: {}", refused.text());
        assert!(
            refused
                .text()
                .contains("an imported credential cannot be added")
        );
        assert_eq!(server.snapshot().await, before);
        assert!(!page.contains(&format!("id=\"pick-{pasted}\"")));

        // Deleted: gone from the list and the download; the others stay.
        let deleted = ada
            .post_form(
                &format!("/wallet/items/{pasted}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(deleted.status, 303, "{db:?}: {}", deleted.text());
        assert_eq!(
            deleted.header("location"),
            Some("/wallet?done=imported-deleted")
        );
        let page = ada.get("/wallet?done=imported-deleted").await.text();
        assert!(page.contains("The imported credential was deleted"));
        assert_eq!(imported_ids(&page).len(), 2);
        assert!(!imported_ids(&page).contains(&pasted));
        assert_eq!(
            ada.get(&format!("/wallet/items/{pasted}/download"))
                .await
                .status,
            404
        );
        // A credential issued here is not deleted (it would come back): hidden instead.
        let own_item = item_of(&mut ada, own["id"].as_str().unwrap()).await;
        let kept = ada
            .post_form(
                &format!("/wallet/items/{own_item}/delete"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(kept.status, 422, "{db:?}: {}", kept.text());
        // Deleted, it can be imported again.
        assert_eq!(
            outcome(&import_text(&mut ada, &csrf, &json).await.text()),
            "kept"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_oversized_unprotected_or_foreign_imports_change_nothing() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let elsewhere = issuer(&server, "elsewhere", "Kotlin Basics").await;
        let (mut ada, _) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let (mut grace, _) = claimed(&server, &acme, &mailer, "grace@example.org").await;
        let csrf = ada.wallet_csrf().await;
        let json = from_elsewhere(&server, &elsewhere, &mailer, "ada@old-school.example").await;
        let before = server.snapshot().await;

        // One byte changed: refused with the failed check, nothing stored.
        let forged = json.replacen("Kotlin Basics", "Kotlin Basict", 1);
        assert_ne!(forged, json);
        let response = import_text(&mut ada, &csrf, &forged).await;
        assert_eq!(response.status, 422, "{db:?}: {}", response.text());
        let html = response.text();
        assert_eq!(outcome(&html), "refused");
        assert_eq!(verdict(&html), "Invalid");
        assert!(
            html.contains("The credential was not kept: the proof check failed"),
            "{html}"
        );
        let after = server.snapshot().await;
        let diff: Vec<_> = after.iter().filter(|row| !before.contains(row)).collect();
        let gone: Vec<_> = before.iter().filter(|row| !after.contains(row)).collect();
        assert_eq!(after, before, "{db:?}: {diff:?} {gone:?}");

        // Too large for the server: 413, nothing stored.
        let mut big = tiny_png();
        big.resize(2 * 1024 * 1024 + 4096, 0);
        let response = import_file(&mut ada, &csrf, &big).await;
        assert_eq!(response.status, 413, "{db:?}: {}", response.text());
        assert!(response.text().contains("too large"));
        // Not a credential, or nothing at all: 4xx, nothing stored.
        let response = import_text(&mut ada, &csrf, "hello").await;
        assert_eq!(response.status, 400, "{db:?}: {}", response.text());
        let response = import_text(&mut ada, &csrf, "  ").await;
        assert_eq!(response.status, 400, "{db:?}");
        assert_eq!(server.snapshot().await, before, "{db:?}");

        // Without the CSRF token, with another's, or from another origin: 403.
        let (content_type, body) = multipart(&[("credential", None, json.as_bytes())]);
        let response = ada.post_body("/wallet/import", &content_type, body).await;
        assert_eq!(response.status, 403, "{db:?}");
        let grace_csrf = grace.wallet_csrf().await;
        assert_eq!(import_text(&mut ada, &grace_csrf, &json).await.status, 403);
        let cross_site = ada
            .post_form_with(
                "/wallet/import",
                &[("csrf", &csrf), ("credential", &json)],
                Some("https://evil.example"),
            )
            .await;
        assert_eq!(cross_site.status, 403, "{db:?}");
        // Signed out: to the sign-in page.
        let (content_type, body) = multipart(&[("credential", None, json.as_bytes())]);
        let anonymous = server
            .request(Request::method("POST", "/wallet/import").body(&content_type, body))
            .await;
        assert_eq!(anonymous.status, 303);
        assert_eq!(anonymous.header("location"), Some("/wallet/signin"));
        assert_eq!(server.snapshot().await, before, "{db:?}");

        // Kept (url-encoded works too); another earner can neither see nor delete it.
        let kept = ada
            .post_form("/wallet/import", &[("csrf", &csrf), ("credential", &json)])
            .await;
        assert_eq!(outcome(&kept.text()), "kept", "{db:?}: {}", kept.text());
        let item = imported_ids(&ada.get("/wallet").await.text())[0].clone();
        assert!(imported_ids(&grace.get("/wallet").await.text()).is_empty());
        let peek = grace.get(&format!("/wallet/items/{item}/download")).await;
        assert_eq!(peek.status, 404, "{db:?}");
        assert!(!peek.text().contains("Kotlin"));
        let before = server.snapshot().await;
        let taken = grace
            .post_form(
                &format!("/wallet/items/{item}/delete"),
                &[("csrf", &grace_csrf)],
            )
            .await;
        assert_eq!(taken.status, 404, "{db:?}");
        let unprotected = ada
            .post_form(&format!("/wallet/items/{item}/delete"), &[("csrf", "x")])
            .await;
        assert_eq!(unprotected.status, 403, "{db:?}");
        assert_eq!(server.snapshot().await, before, "{db:?}");
        // Grace may import the same credential into her own wallet.
        assert_eq!(
            outcome(&import_text(&mut grace, &grace_csrf, &json).await.text()),
            "kept"
        );

        // Deleting Ada's wallet removes her imported item; Grace's rows stay (an earner, an
        // address, a session, her issued and her imported item).
        let deleted = ada
            .post_form("/wallet/delete", &[("csrf", &csrf), ("confirm", "yes")])
            .await;
        assert_eq!(deleted.status, 303, "{db:?}");
        assert_eq!(earner_rows(&server).await, 5, "{db:?}");
        let page = grace.get("/wallet").await.text();
        assert_eq!(imported_ids(&page).len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_copy_becomes_the_issued_credential_when_its_address_is_added() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let acme = issuer(&server, "acme", "Rust Programming").await;
        let (mut ada, _) = claimed(&server, &acme, &mailer, "ada@example.org").await;
        let csrf = ada.wallet_csrf().await;
        // Sent here to an address Ada has not proven yet; she imports it.
        let before = mailer.sent().len();
        let awarded = award(&server, &acme, "ada@work.example").await;
        mail_to(&mailer, "ada@work.example", 1).await;
        assert_eq!(mailer.sent().len(), before + 1);
        let json = serde_json::to_string(&awarded["credential"]).unwrap();
        assert_eq!(
            outcome(&import_text(&mut ada, &csrf, &json).await.text()),
            "kept"
        );
        let imported = imported_ids(&ada.get("/wallet").await.text());
        assert_eq!(imported.len(), 1, "{db:?}");

        // She proves the address: the same item is now the credential issued here.
        let asked = ada
            .post_form(
                "/wallet/emails",
                &[("csrf", &csrf), ("email", "ada@work.example")],
            )
            .await;
        assert_eq!(asked.status, 303, "{db:?}");
        let link = super::helpers::link_path(&mail_to(&mailer, "ada@work.example", 2).await);
        assert_eq!(ada.use_link(&link).await.status, 303, "{db:?}");
        let page = ada.get("/wallet").await.text();
        assert!(imported_ids(&page).is_empty(), "{db:?}");
        let public_id = awarded["id"].as_str().unwrap();
        assert_eq!(item_of(&mut ada, public_id).await, imported[0], "{db:?}");
        assert_eq!(
            page.matches("class=\"wallet-item\" id=\"item-").count(),
            2,
            "{db:?}: no second copy"
        );
    }
}
