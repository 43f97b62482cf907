//! Sharing from the public page, on both backends: the LinkedIn "Add to Profile" link read back
//! from the rendered HTML and parsed as a URL (every parameter, the organisation id once set,
//! names with `&`, `#`, quotes and Unicode), the post links carrying the page URL, the embed and
//! email-signature snippets escaping hostile names, the page policy allowing exactly the
//! snippets' styles, and the preview image (a 1200×630 PNG, revalidated by ETag with a 304,
//! found through the page's lookup).

use std::collections::BTreeMap;

use brevet_test_support::{Db, Request, TestServer};
use serde_json::json;

use super::{
    AchievementSpec, Issuer, award, between, decode_entities, get, insert_achievement,
    insert_raw_credential, issuer,
};

const LINKEDIN_ADD: &str = "https://www.linkedin.com/profile/add";

/// The decoded `href` of the element whose `id` is `id`.
fn href_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} on the page"));
    decode_entities(between(&html[at..], "href=\"", "\""))
}

/// The query of `link` as a URL parser reads it (each key once), after checking its base.
fn query(link: &str, base: &str) -> BTreeMap<String, String> {
    let parsed = url::Url::parse(link).unwrap_or_else(|error| panic!("{link}: {error}"));
    let mut without_query = parsed.clone();
    without_query.set_query(None);
    assert_eq!(without_query.as_str(), base, "{link}");
    let mut pairs = BTreeMap::new();
    for (key, value) in parsed.query_pairs() {
        assert!(
            pairs.insert(key.to_string(), value.to_string()).is_none(),
            "{key} twice in {link}"
        );
    }
    pairs
}

/// The decoded content of the `<textarea>` whose `id` is `id`.
fn textarea(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("<textarea id=\"{id}\""))
        .unwrap_or_else(|| panic!("no textarea #{id}"));
    decode_entities(between(&html[at..], ">", "</textarea>"))
}

async fn award_named(
    server: &TestServer,
    issuer: &Issuer,
    name: &str,
    dates: serde_json::Value,
) -> String {
    let achievement = insert_achievement(
        server,
        &issuer.org_id,
        &AchievementSpec {
            name,
            ..AchievementSpec::default()
        },
    )
    .await;
    let mut body = json!({
        "achievement_id": achievement,
        "recipient": {"email": "ada@example.org", "name": "Ada Lovelace"},
    });
    if let (Some(body), Some(dates)) = (body.as_object_mut(), dates.as_object()) {
        body.extend(dates.clone());
    }
    award(server, issuer, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_linkedin_add_to_profile_link_is_filled_completely() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let name = "R&D #1: C++ & \"Rust\" = 100% «Zürich» 日本 ?x=y+z";
        let id = award_named(
            &server,
            &issuer,
            name,
            json!({"valid_from": "2025-03-15T10:00:00Z", "valid_until": "2027-11-30T00:00:00Z"}),
        )
        .await;
        let page_url = format!("{}/c/{id}", server.base_url);
        let html = get(&server, &format!("/c/{id}")).await.text();
        let params = query(&href_of(&html, "share-linkedin-profile"), LINKEDIN_ADD);
        let expected: BTreeMap<String, String> = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", name),
            ("organizationName", "Org acme"),
            ("issueYear", "2025"),
            ("issueMonth", "3"),
            ("expirationYear", "2027"),
            ("expirationMonth", "11"),
            ("certUrl", page_url.as_str()),
            ("certId", id.as_str()),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
        assert_eq!(params, expected, "{db:?}");

        // Once the organisation sets its LinkedIn id, the link names the organisation by it.
        let set = server
            .request(
                Request::method("PATCH", "/api/v1/org")
                    .body(
                        "application/json",
                        json!({"linkedin_org_id": "1234567"}).to_string(),
                    )
                    .bearer(&issuer.api_key),
            )
            .await;
        assert_eq!(set.status, 200, "{db:?}: {}", set.text());
        let html = get(&server, &format!("/c/{id}")).await.text();
        let params = query(&href_of(&html, "share-linkedin-profile"), LINKEDIN_ADD);
        assert_eq!(
            params.get("organizationId").map(String::as_str),
            Some("1234567")
        );
        assert!(
            !params.contains_key("organizationName"),
            "{db:?}: {params:?}"
        );
        assert_eq!(params["name"], name);
        assert_eq!(params["certUrl"], page_url);

        // A credential that does not expire sends no expiry.
        let lasting = award_named(&server, &issuer, "Lasting", json!({})).await;
        let html = get(&server, &format!("/c/{lasting}")).await.text();
        let params = query(&href_of(&html, "share-linkedin-profile"), LINKEDIN_ADD);
        assert!(!params.contains_key("expirationYear") && !params.contains_key("expirationMonth"));
        assert!(params.contains_key("issueYear") && params.contains_key("issueMonth"));
        assert_eq!(params["certId"], lasting);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_links_carry_the_page_url() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let id = award_named(&server, &issuer, "Rust & Safety #2", json!({})).await;
        let page_url = format!("{}/c/{id}", server.base_url);
        let html = get(&server, &format!("/c/{id}")).await.text();
        let linkedin = query(
            &href_of(&html, "share-linkedin-post"),
            "https://www.linkedin.com/sharing/share-offsite/",
        );
        assert_eq!(linkedin.get("url"), Some(&page_url), "{db:?}");
        let facebook = query(
            &href_of(&html, "share-facebook"),
            "https://www.facebook.com/sharer/sharer.php",
        );
        assert_eq!(facebook.get("u"), Some(&page_url), "{db:?}");
        let x = query(&href_of(&html, "share-x"), "https://x.com/intent/tweet");
        assert_eq!(x.get("url"), Some(&page_url), "{db:?}");
        assert!(x["text"].contains("Rust & Safety #2"), "{x:?}");
        assert!(x["text"].contains("Org acme"), "{x:?}");
        let link = decode_entities(between(&html, "id=\"share-link\" value=\"", "\""));
        assert_eq!(link, page_url);
        // Copying works without script (read-only fields); the script is Brevet's own file.
        assert!(html.contains("<input type=\"text\" id=\"share-link\" value=\""));
        assert!(html.contains("<script src=\"/static/share.js\" defer></script>"));
        let script = get(&server, "/static/share.js").await;
        assert_eq!(script.status, 200);
        assert_eq!(
            script.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert!(script.text().contains("navigator.clipboard"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snippets_escape_hostile_names_and_keep_only_their_own_styles() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let id = insert_raw_credential(
            &server,
            &issuer.org_id,
            &json!({
                "issuer": {"id": "did:web:x", "name": "Evil\" Corp' <b>\u{202E}gnp.exe"},
                "credentialSubject": {"achievement": {
                    "name": "<script>alert(1)</script>\"><img src=x onerror=alert(2)>",
                    "image": {"id": "https://cdn.example/badge.png?a=1&b=2"}
                }}
            }),
        )
        .await;
        let page_url = format!("{}/c/{id}", server.base_url);
        let response = get(&server, &format!("/c/{id}")).await;
        assert_eq!(response.status, 200, "{db:?}");
        let html = response.text();
        assert!(
            !html.contains('\u{202E}'),
            "{db:?}: a bidi control reached the page"
        );
        let page_without_own_script =
            html.replace("<script src=\"/static/share.js\" defer></script>", "");
        for raw in ["<script", "<img src=x", "<b>"] {
            assert!(
                !page_without_own_script.contains(raw),
                "{db:?}: {raw:?} reached the page"
            );
        }
        for id_of in ["share-embed", "share-signature"] {
            let snippet = textarea(&html, id_of);
            assert!(
                !snippet.contains("<script") && !snippet.contains("<img src=x"),
                "{snippet}"
            );
            assert!(
                snippet.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x"),
                "{db:?}: {snippet}"
            );
            assert!(
                snippet.contains("Evil&quot; Corp&#39; &lt;b&gt;\u{FFFD}gnp.exe"),
                "{snippet}"
            );
            assert!(
                snippet.contains(&format!("href=\"{page_url}\"")),
                "{snippet}"
            );
            assert!(
                snippet.contains("src=\"https://cdn.example/badge.png?a=1&amp;b=2\""),
                "{snippet}"
            );
            assert_only_known_markup(&snippet);
            // The preview shows the snippet itself.
            assert!(
                html.contains(&snippet),
                "{db:?}: the preview of #{id_of} differs"
            );
        }

        // Every inline style on the page is one of the snippets' fixed values, each allowed by
        // its hash; nothing else inline is allowed.
        let csp = response
            .header("content-security-policy")
            .unwrap()
            .to_owned();
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        let mut rest = html.as_str();
        let mut styles = 0;
        while let Some(at) = rest.find(" style=\"") {
            let value = &rest[at + 8..];
            let end = value.find('"').unwrap();
            let style = decode_entities(&value[..end]);
            assert!(
                brevet_core::share::SNIPPET_STYLES.contains(&style.as_str()),
                "{db:?}: unlisted inline style {style:?}"
            );
            rest = &value[end..];
            styles += 1;
        }
        assert!(styles >= 6, "{db:?}: {styles} styles");
        assert_eq!(
            csp.matches("'sha256-").count(),
            brevet_core::share::SNIPPET_STYLES.len()
        );
    }
}

/// Every tag of `html` is one the snippets use, with only the attributes they use (no event
/// handler, no script); text between tags is not looked at.
fn assert_only_known_markup(html: &str) {
    const TAGS: &[&str] = &["div", "a", "img", "span", "table", "tr", "td", "br"];
    const ATTRIBUTES: &[&str] = &[
        "class",
        "style",
        "href",
        "src",
        "alt",
        "width",
        "height",
        "cellpadding",
        "cellspacing",
        "border",
        "role",
    ];
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("a closed tag")];
        let name = tag.trim_start_matches('/').split(' ').next().unwrap();
        assert!(TAGS.contains(&name), "tag {name:?} in {html}");
        // Attribute values are double-quoted and hold no quote; the names sit between them.
        for (index, part) in tag.split('"').enumerate() {
            if index % 2 == 1 {
                continue;
            }
            for attribute in part.split(' ').skip(usize::from(index == 0)) {
                let attribute = attribute.trim_end_matches('=');
                if !attribute.is_empty() {
                    assert!(
                        ATTRIBUTES.contains(&attribute),
                        "attribute {attribute:?} in {html}"
                    );
                }
            }
        }
    }
}

/// A small solid PNG.
fn solid_png(red: u8, green: u8, blue: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 32, 32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&[red, green, blue].repeat(32 * 32))
            .unwrap();
    }
    bytes
}

/// Width, height and RGBA pixels of a PNG, decoded.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut pixels).expect("a PNG image");
    assert_eq!(frame.color_type, png::ColorType::Rgba);
    pixels.truncate(frame.buffer_size());
    (frame.width, frame.height, pixels)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_image_is_a_cached_1200_by_630_png_with_the_badge() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let issuer = issuer(&server, "acme").await;
        let image_id = brevet_app::ids::new_id();
        {
            let mut tx = server.app.store().begin().await.unwrap();
            brevet_store::images::insert(
                &mut tx,
                &brevet_store::images::ImageRecord {
                    id: image_id.clone(),
                    org_id: issuer.org_id.clone(),
                    content_type: "image/png".into(),
                    bytes: solid_png(0, 128, 255),
                    created_at: 0,
                },
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let achievement = insert_achievement(
            &server,
            &issuer.org_id,
            &AchievementSpec {
                image_id: Some(&image_id),
                ..AchievementSpec::default()
            },
        )
        .await;
        let awarded = award(
            &server,
            &issuer,
            json!({"achievement_id": achievement,
                   "recipient": {"email": "m@example.org", "name": "Mallory\u{202E}gnp.exe"}}),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        let path = format!("/c/{id}/preview.png");
        let response = get(&server, &path).await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_eq!(response.header("content-type"), Some("image/png"));
        // Kept by caches but revalidated (by ETag) on every use, like the JSON download, so a
        // credential its earner hides stops being shown at once.
        assert_eq!(response.header("cache-control"), Some("no-cache"));
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        let (width, height, pixels) = decode_png(&response.body);
        assert_eq!((width, height), (1200, 630), "{db:?}");
        // The badge fills the box at the left (centre 252, 290).
        let at = ((290 * 1200 + 252) * 4) as usize;
        assert_eq!(&pixels[at..at + 4], &[0, 128, 255, 255], "{db:?}");

        // The same bytes again, and a revalidation costs nothing.
        let etag = response.header("etag").expect("an ETag").to_owned();
        let again = get(&server, &path).await;
        assert_eq!(again.body, response.body);
        let revalidated = server
            .request(Request::get(&path).header("if-none-match", &etag))
            .await;
        assert_eq!(revalidated.status, 304, "{db:?}");
        assert!(revalidated.body.is_empty());

        // A credential without a badge has a preview too.
        let plain = award_named(&server, &issuer, "Plain", json!({})).await;
        let plain = get(&server, &format!("/c/{plain}/preview.png")).await;
        assert_eq!(plain.status, 200);
        assert_eq!(decode_png(&plain.body).0, 1200);

        // Unknown and implausible ids are not found, like their pages.
        for missing in [
            "/c/00000000000000000000000000000000/preview.png",
            "/c/a%22b/preview.png",
        ] {
            assert_eq!(get(&server, missing).await.status, 404, "{db:?}: {missing}");
        }
    }
}
