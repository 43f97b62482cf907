//! Achievements through the API: every field and every common type awarded and verified,
//! edits, archive, images (raw and multipart), and bad input refused with nothing changed.

use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::helpers::{
    SVG, assert_problem, award, create_achievement, delete, full_achievement, multipart,
    patch_json, png, post_empty, verify,
};

fn achievement_in_credential(credential: &Value) -> &Value {
    &credential["credentialSubject"]["achievement"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn achievements_with_every_field_are_awarded_as_valid_ob3_credentials() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let types = [
            "Badge",
            "Certificate",
            "MicroCredential",
            "License",
            "Course",
            "Diploma",
            "ext:Stamp.v2",
        ];
        for (index, achievement_type) in types.iter().enumerate() {
            let created =
                create_achievement(&server, key, &full_achievement(achievement_type)).await;
            let id = created["id"].as_str().unwrap();
            assert_eq!(created["achievement_type"], *achievement_type);
            assert_eq!(created["validity_days"], 30);
            assert_eq!(created["archived"], false);
            assert_eq!(
                created["alignments"][1],
                json!({"type": ["Alignment"], "targetName": "Memory safety",
                       "targetUrl": "https://skills.example/memory-safety", "targetType": "ext:Skill"})
            );
            // An image: PNG as a raw body for some, SVG as a multipart part for the others.
            let upload = if index % 2 == 0 {
                Request::method("POST", &format!("/api/v1/achievements/{id}/image"))
                    .body("image/png", png(64, 64))
            } else {
                let (content_type, body) = multipart("image", "image/svg+xml", SVG.as_bytes());
                Request::method("POST", &format!("/api/v1/achievements/{id}/image"))
                    .body(&content_type, body)
            };
            let with_image = server.request(upload.bearer(key)).await;
            assert_eq!(with_image.status, 200, "{}", with_image.text());
            let image_url = with_image.json()["image"]["url"]
                .as_str()
                .unwrap()
                .to_owned();
            let image = server.request(Request::get(&image_url)).await;
            assert_eq!(image.status, 200);
            if index % 2 == 0 {
                assert_eq!(image.header("content-type"), Some("image/png"));
                assert_eq!(image.body, png(64, 64));
            } else {
                assert_eq!(image.header("content-type"), Some("image/svg+xml"));
                assert_eq!(image.body, SVG.as_bytes());
            }

            let awarded = award(&server, key, id, "Ada Lovelace").await;
            let credential = &awarded["credential"];
            let achievement = achievement_in_credential(credential);
            assert_eq!(achievement["achievementType"], *achievement_type);
            assert_eq!(achievement["name"], created["name"]);
            assert_eq!(achievement["criteria"]["narrative"], created["criteria"]);
            assert_eq!(achievement["image"]["id"], image_url.as_str());
            assert_eq!(achievement["alignment"], created["alignments"]);
            let from = credential["validFrom"].as_str().unwrap();
            let until = credential["validUntil"].as_str().unwrap();
            assert!(
                from.starts_with("2026-09-21") && until.starts_with("2026-10-21"),
                "{from} {until}"
            );
            let report = verify(&server, credential).await;
            assert_eq!(report["verified"], true, "{achievement_type}: {report}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn achievements_are_read_edited_archived_and_unarchived() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let minimal = create_achievement(
            &server,
            key,
            &json!({"name": "Helper", "description": "Helps.", "criteria": "Help someone."}),
        )
        .await;
        assert_eq!(minimal["achievement_type"], "Badge");
        assert_eq!(minimal["alignments"], json!([]));
        assert_eq!(minimal["validity_days"], Value::Null);
        assert_eq!(minimal["image"], Value::Null);
        let id = minimal["id"].as_str().unwrap();
        let path = format!("/api/v1/achievements/{id}");

        let fetched = server.request(Request::get(&path).bearer(key)).await;
        assert_eq!(fetched.json(), minimal);

        server.clock.advance(time::Duration::seconds(60));
        let edited = server
            .request(
                patch_json(
                    &path,
                    &json!({"name": "  Great helper ", "validity_days": 365,
                            "alignments": [{"targetName": "Care", "targetUrl": "https://skills.example/care"}]}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text());
        let edited = edited.json();
        assert_eq!(edited["name"], "Great helper");
        assert_eq!(edited["description"], "Helps.");
        assert_eq!(edited["validity_days"], 365);
        assert_eq!(edited["alignments"][0]["targetName"], "Care");
        assert_eq!(
            edited["updated_at"],
            minimal["updated_at"].as_i64().unwrap() + 60
        );
        assert_eq!(edited["created_at"], minimal["created_at"]);
        // Sending back what was read is accepted; null removes the validity period.
        let round_trip = server
            .request(
                patch_json(
                    &path,
                    &json!({"alignments": edited["alignments"], "validity_days": null}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(round_trip.status, 200, "{}", round_trip.text());
        assert_eq!(round_trip.json()["alignments"], edited["alignments"]);
        assert_eq!(round_trip.json()["validity_days"], Value::Null);

        let archived = server
            .request(post_empty(&format!("{path}/archive")).bearer(key))
            .await;
        assert_eq!(archived.status, 200);
        assert_eq!(archived.json()["archived"], true);
        let list = server
            .request(Request::get("/api/v1/achievements").bearer(key))
            .await;
        assert_eq!(list.json()["items"], json!([]));
        let all = server
            .request(Request::get("/api/v1/achievements?include_archived=true").bearer(key))
            .await;
        assert_eq!(all.json()["items"][0]["id"], id);
        let refused = server
            .request(
                Request::post_json(
                    "/api/v1/credentials",
                    &json!({"achievement_id": id, "recipient": {"email": "a@example.org"}}),
                )
                .bearer(key),
            )
            .await;
        assert_problem(&refused, 422, &["archived"]);
        let back = server
            .request(post_empty(&format!("{path}/unarchive")).bearer(key))
            .await;
        assert_eq!(back.json()["archived"], false);
        award(&server, key, id, "Grace Hopper").await;

        let with_image = server
            .request(
                Request::method("POST", &format!("{path}/image"))
                    .body("image/png", png(8, 8))
                    .bearer(key),
            )
            .await;
        assert!(with_image.json()["image"]["id"].is_string());
        let without = server
            .request(delete(&format!("{path}/image")).bearer(key))
            .await;
        assert_eq!(without.status, 200);
        assert_eq!(without.json()["image"], Value::Null);

        let bad_query = server
            .request(Request::get("/api/v1/achievements?include_archived=maybe").bearer(key))
            .await;
        assert_problem(&bad_query, 400, &[]);
        let unknown_query = server
            .request(Request::get("/api/v1/achievements?org_id=x").bearer(key))
            .await;
        assert_problem(&unknown_query, 400, &["org_id"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_achievement_input_is_refused_and_changes_nothing() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let existing = create_achievement(&server, key, &full_achievement("Badge")).await;
        let path = format!("/api/v1/achievements/{}", existing["id"].as_str().unwrap());
        let before = server.snapshot().await;

        let base = full_achievement("Badge");
        let with = |field: &str, value: Value| {
            let mut body = base.clone();
            body[field] = value;
            body
        };
        let mut bad_alignment = base.clone();
        bad_alignment["alignments"][0]["targetUrl"] = json!("http://insecure.example");
        let mut alignment_without_name = base.clone();
        alignment_without_name["alignments"][1] = json!({"targetUrl": "https://x.example"});
        // (body, what the 422 names, whether the body is also a bad patch)
        let unprocessable: Vec<(Value, Vec<&str>, bool)> = vec![
            (with("name", json!("   ")), vec!["name", "empty"], true),
            (
                with("name", json!("x".repeat(201))),
                vec!["name", "200"],
                true,
            ),
            (
                with("name", json!("a\u{202E}b")),
                vec!["name", "U+202E"],
                true,
            ),
            (
                with("description", json!("nul \u{0} byte")),
                vec!["description", "U+0000"],
                true,
            ),
            (with("criteria", json!("")), vec!["criteria"], true),
            (
                with("achievement_type", json!("Trophy")),
                vec!["achievement_type", "Trophy"],
                true,
            ),
            (
                with("achievement_type", json!("ext:")),
                vec!["achievement_type"],
                true,
            ),
            (with("validity_days", json!(0)), vec!["validity_days"], true),
            (
                with("validity_days", json!(36_501)),
                vec!["validity_days"],
                true,
            ),
            (
                bad_alignment,
                vec!["alignments[0].targetUrl", "https"],
                true,
            ),
            (
                alignment_without_name,
                vec!["alignments[1].targetName", "required"],
                true,
            ),
            (
                json!({"description": "d", "criteria": "c"}),
                vec!["name: is required"],
                false,
            ),
            // Every problem is named at once.
            (
                json!({"name": "", "description": "", "criteria": "c", "validity_days": -3}),
                vec!["name", "description", "validity_days"],
                true,
            ),
        ];
        for (body, mentions, bad_patch) in &unprocessable {
            let response = server
                .request(Request::post_json("/api/v1/achievements", body).bearer(key))
                .await;
            assert_problem(&response, 422, mentions);
            if *bad_patch {
                let response = server.request(patch_json(&path, body).bearer(key)).await;
                assert_problem(&response, 422, mentions);
            }
        }
        let patch_refusals: Vec<(Value, Vec<&str>)> = vec![
            (json!({"name": null}), vec!["name", "null"]),
            (
                json!({"alignments": [{"targetName": "x", "targetUrl": "javascript:alert(1)"}]}),
                vec!["targetUrl"],
            ),
        ];
        for (body, mentions) in &patch_refusals {
            let response = server.request(patch_json(&path, body).bearer(key)).await;
            assert_problem(&response, 422, mentions);
        }
        let bad_requests = [
            with("org_id", json!("another-org")),
            with("id", json!("chosen-id")),
            with("image_id", json!("x")),
            json!({"name": 5, "description": "d", "criteria": "c"}),
            json!([]),
        ];
        for body in &bad_requests {
            let response = server
                .request(Request::post_json("/api/v1/achievements", body).bearer(key))
                .await;
            assert_problem(&response, 400, &[]);
            let response = server.request(patch_json(&path, body).bearer(key)).await;
            assert_problem(&response, 400, &[]);
        }
        let mut unknown_in_alignment = base.clone();
        unknown_in_alignment["alignments"][0]["org_id"] = json!("x");
        let response = server
            .request(Request::post_json("/api/v1/achievements", &unknown_in_alignment).bearer(key))
            .await;
        assert_problem(&response, 400, &["org_id"]);
        let duplicate_keys = Request::method("POST", "/api/v1/achievements")
            .body(
                "application/json",
                r#"{"name":"a","name":"b","description":"d","criteria":"c"}"#,
            )
            .bearer(key);
        assert_problem(&server.request(duplicate_keys).await, 400, &[]);
        let not_json = Request::method("POST", "/api/v1/achievements")
            .body("application/json", "{not json")
            .bearer(key);
        assert_problem(&server.request(not_json).await, 400, &[]);

        // Images: wrong types, polyglots, active SVG, too large.
        let image_path = format!("{path}/image");
        let upload = |content_type: &str, bytes: Vec<u8>| {
            Request::method("POST", &image_path)
                .body(content_type, bytes)
                .bearer(key)
        };
        let mut too_large = png(16, 16);
        too_large.resize(1024 * 1024 + 1, 0);
        let (multipart_type, multipart_svg) = multipart(
            "image",
            "image/svg+xml",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
        );
        let image_refusals = [
            (upload("image/png", SVG.as_bytes().to_vec()), 422, "SVG"),
            (upload("image/gif", b"GIF89a".to_vec()), 422, "image/gif"),
            (upload("image/png", png(20_000, 20_000)), 422, "20000"),
            (
                upload(
                    "image/svg+xml",
                    br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
                ),
                422,
                "script",
            ),
            (
                upload(
                    "image/svg+xml",
                    br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>"#.to_vec(),
                ),
                422,
                "foreignObject",
            ),
            (
                upload(
                    "image/svg+xml",
                    br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#
                        .to_vec(),
                ),
                422,
                "evil.example",
            ),
            (
                upload(
                    "image/svg+xml",
                    br#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#
                        .to_vec(),
                ),
                422,
                "DOCTYPE",
            ),
            (upload(&multipart_type, multipart_svg), 422, "onload"),
            (upload("image/png", too_large), 413, "1 MiB"),
            (upload("image/png", Vec::new()), 422, "empty"),
        ];
        for (request, status, mention) in image_refusals {
            let response = server.request(request).await;
            assert_problem(&response, status, &[mention]);
        }
        let (no_file_type, no_file) = {
            let boundary = "b0undary";
            (
                format!("multipart/form-data; boundary={boundary}"),
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--{boundary}--\r\n"
                ),
            )
        };
        assert_problem(
            &server
                .request(upload(&no_file_type, no_file.into_bytes()))
                .await,
            400,
            &["image"],
        );

        assert_eq!(
            before,
            server.snapshot().await,
            "a refused request changed the database"
        );
    }
}
