//! Awards listed through the API: search, achievement filter, keyset paging.

use brevet_test_support::{Db, Request, TestServer};
use serde_json::{Value, json};

use super::helpers::{assert_problem, award, create_achievement, full_achievement};

async fn list(server: &TestServer, key: &str, query: &str) -> Value {
    let response = server
        .request(Request::get(&format!("/api/v1/credentials{query}")).bearer(key))
        .await;
    assert_eq!(response.status, 200, "{query}: {}", response.text());
    response.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awards_are_listed_with_search_filters_and_paging() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let key = org.api_key.as_str();
        let rust = create_achievement(&server, key, &full_achievement("Badge")).await;
        let mut other = full_achievement("Certificate");
        other["name"] = json!("Gardening Certificate");
        let garden = create_achievement(&server, key, &other).await;
        let rust_id = rust["id"].as_str().unwrap();
        let garden_id = garden["id"].as_str().unwrap();

        // Seven awards: two in the same second (ordered by id), the rest a minute apart.
        let names = [
            "Ada Lovelace",
            "Grace Hopper",
            "Alan Turing",
            "Barbara Liskov",
            "Edsger Dijkstra",
            "Frances Allen",
            "Adele Goldberg",
        ];
        let mut awarded = Vec::new();
        for (index, name) in names.iter().enumerate() {
            if index != 1 {
                server.clock.advance(time::Duration::seconds(60));
            }
            let achievement = if index % 3 == 2 { garden_id } else { rust_id };
            awarded.push(
                award(&server, key, achievement, name).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }

        // Newest first: by time, then by id within a second.
        let all = list(&server, key, "?limit=200").await;
        assert_eq!(all["next_cursor"], Value::Null);
        let all_ids = ids(&all);
        assert_eq!(all_ids.len(), 7);
        let mut expected: Vec<(i64, String)> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["issued_at"].as_i64().unwrap(),
                    item["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        expected.sort_by(|a, b| b.cmp(a));
        assert_eq!(
            all_ids,
            expected.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
        );
        assert_eq!(all_ids[0], awarded[6]);

        // Pages of two, following next_cursor, give every credential once, in the same order.
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &cursor {
                Some(cursor) => format!("?limit=2&cursor={cursor}"),
                None => "?limit=2".to_owned(),
            };
            let page = list(&server, key, &query).await;
            pages += 1;
            let page_ids = ids(&page);
            assert!(page_ids.len() <= 2);
            paged.extend(page_ids);
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(pages < 10, "paging does not end");
        }
        assert_eq!(pages, 4);
        assert_eq!(paged, all_ids);

        // Search: recipient name (case-insensitive), email, achievement name.
        let ada = list(&server, key, "?q=ADA").await;
        let mut found = ids(&ada);
        found.sort();
        let mut want = vec![awarded[0].clone()];
        want.sort();
        assert_eq!(found, want, "{ada}");
        let goldberg = list(&server, key, "?q=adele.goldberg%40example").await;
        assert_eq!(ids(&goldberg), vec![awarded[6].clone()]);
        let gardening = list(&server, key, "?q=gardening").await;
        assert_eq!(
            ids(&gardening),
            vec![awarded[5].clone(), awarded[2].clone()]
        );
        let by_achievement = list(&server, key, &format!("?achievement_id={garden_id}")).await;
        assert_eq!(
            ids(&by_achievement),
            vec![awarded[5].clone(), awarded[2].clone()]
        );
        let combined = list(
            &server,
            key,
            &format!("?achievement_id={rust_id}&q=a&limit=2"),
        )
        .await;
        assert_eq!(ids(&combined).len(), 2);
        assert!(combined["next_cursor"].is_string());
        let none = list(&server, key, "?q=nobody-by-that-name").await;
        assert_eq!(ids(&none), Vec::<String>::new());
        // A cursor the API did not give is refused.
        let bad_cursor = server
            .request(Request::get("/api/v1/credentials?cursor=garbage").bearer(key))
            .await;
        assert_problem(&bad_cursor, 400, &["cursor"]);
        let item = &all["items"][0];
        assert_eq!(item["recipient"]["name"], "Adele Goldberg");
        assert_eq!(item["status"].as_array().unwrap().len(), 2);
    }
}
