//! Operations: `/metrics` counts requests by route template and status and what the use cases
//! did; graceful shutdown lets a request in flight finish.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use brevet_test_support::{Client, Db, Request, TestServer};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{award, award_body, issuer, verify_http};

#[tokio::test]
async fn metrics_count_requests_by_route_and_the_use_cases() {
    for db in Db::BOTH {
        let Some(setup) = issuer(db, "acme").await else {
            continue;
        };
        let (server, key) = (&setup.server, setup.org.api_key.as_str());
        let awarded = award(
            server,
            key,
            &award_body(&setup.achievement_id, "ada@example.org"),
        )
        .await;
        let id = awarded["id"].as_str().unwrap();
        verify_http(server, &awarded["credential"]).await;
        let revoked = server
            .request(
                Request::post_json(
                    &format!("/api/v1/credentials/{id}/revoke"),
                    &json!({"reason": "x"}),
                )
                .bearer(key),
            )
            .await;
        assert_eq!(revoked.status, 200);
        verify_http(server, &awarded["credential"]).await;
        let page = server
            .request(Request::get(&format!("/api/v1/credentials/{id}")).bearer(key))
            .await;
        assert_eq!(page.status, 200);
        assert_eq!(
            server
                .request(Request::get("/no/such/route/here"))
                .await
                .status,
            404
        );

        let metrics = server.request(Request::get("/metrics")).await;
        assert_eq!(metrics.status, 200);
        assert_eq!(
            metrics.header("content-type"),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        let text = metrics.text();
        for line in [
            "brevet_awards_total 1",
            "brevet_verifications_total{verdict=\"verified\"} 1",
            "brevet_verifications_total{verdict=\"invalid\"} 1",
            "brevet_status_changes_total{purpose=\"revocation\",action=\"set\"} 1",
            "brevet_status_changes_total{purpose=\"suspension\",action=\"set\"} 0",
            "brevet_http_requests_total{method=\"POST\",route=\"/api/v1/credentials\",status=\"201\"} 1",
            "brevet_http_requests_total{method=\"POST\",route=\"/api/v1/verify\",status=\"200\"} 2",
            "brevet_http_requests_total{method=\"GET\",route=\"/api/v1/credentials/{id}\",status=\"200\"} 1",
            "brevet_http_requests_total{method=\"POST\",route=\"/api/v1/credentials/{id}/revoke\",status=\"200\"} 1",
            "brevet_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1",
            "brevet_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/credentials\",status=\"201\"} 1",
            "brevet_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/verify\",status=\"200\",le=\"+Inf\"} 2",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
        assert!(!text.contains(id), "no ids in metrics");
        assert!(!text.contains(key), "no keys in metrics");
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
        let again = server.request(Request::get("/metrics")).await.text();
        assert!(
            again.contains("route=\"/metrics\",status=\"200\"} 1"),
            "{again}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_a_request_in_flight() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    // The real router plus a route that waits until the test releases it.
    let (started_tx, mut started) = mpsc::unbounded_channel::<()>();
    let (release_tx, release) = oneshot::channel::<()>();
    let release = Arc::new(Mutex::new(Some(release)));
    let slow = Router::new().route(
        "/slow",
        get(move || {
            let started_tx = started_tx.clone();
            let release = release.lock().unwrap().take();
            async move {
                let _ = started_tx.send(());
                if let Some(release) = release {
                    let _ = release.await;
                }
                "finished"
            }
        }),
    );
    let router =
        brevet_server::router(brevet_server::AppState::new(server.app.clone())).merge(slow);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (shutdown_tx, shutdown) = oneshot::channel::<()>();
    let serving = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = shutdown.await;
            })
            .await
    });

    let client = Client::new(&format!("http://{address}"));
    let in_flight = tokio::task::spawn_blocking(move || client.send(&Request::get("/slow")));
    started.recv().await.unwrap();
    shutdown_tx.send(()).unwrap();
    // Shutting down waits for the request: the server is still running.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !serving.is_finished(),
        "the server stopped with a request in flight"
    );
    release_tx.send(()).unwrap();
    let response = in_flight.await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "finished");
    tokio::time::timeout(std::time::Duration::from_secs(10), serving)
        .await
        .expect("the server stops once the request finished")
        .unwrap()
        .unwrap();
}
