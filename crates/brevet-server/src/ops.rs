//! Operations: one structured log line per request (method, matched route, status, latency;
//! never bodies, paths with ids, emails, keys or tokens) and Prometheus metrics at `GET /metrics`
//! (text exposition format 0.0.4): requests and a latency histogram by route and status, plus
//! what the use cases counted (awards, verifications by verdict, status changes).
//!
//! The registry is small and hand-rolled: one series per (method, route, status), whose counters
//! are atomics; a new series takes a write lock once. Routes are the router's templates
//! (`/api/v1/credentials/{id}`), so the number of series is bounded by the routes.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Upper bounds of the latency histogram buckets, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The route label of a request that matched no route.
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The content type of the Prometheus text format.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SeriesKey {
    method: String,
    route: String,
    status: u16,
}

/// One (method, route, status) series: a count per bucket (not cumulative), the total and the
/// sum of latencies in nanoseconds.
#[derive(Debug, Default)]
struct Series {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Series {
    fn observe(&self, latency: Duration) {
        let seconds = latency.as_secs_f64();
        if let Some(index) = LATENCY_BUCKETS.iter().position(|&bound| seconds <= bound) {
            self.buckets[index].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// The HTTP request metrics of one router.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    series: RwLock<HashMap<SeriesKey, Arc<Series>>>,
}

impl HttpMetrics {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let key = SeriesKey {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        let existing = self
            .series
            .read()
            .ok()
            .and_then(|series| series.get(&key).cloned());
        let series = match existing {
            Some(series) => series,
            None => match self.series.write() {
                Ok(mut all) => Arc::clone(all.entry(key).or_default()),
                Err(_) => return,
            },
        };
        series.observe(latency);
    }

    /// How many requests were recorded for `(method, route, status)`.
    pub fn count(&self, method: &str, route: &str, status: u16) -> u64 {
        let key = SeriesKey {
            method: method.to_owned(),
            route: route.to_owned(),
            status,
        };
        self.series
            .read()
            .ok()
            .and_then(|series| series.get(&key).map(|s| s.count.load(Ordering::Relaxed)))
            .unwrap_or(0)
    }

    /// The request counter and latency histogram in the text exposition format.
    pub fn render(&self, out: &mut String) {
        let mut series: Vec<(SeriesKey, Arc<Series>)> = match self.series.read() {
            Ok(all) => all
                .iter()
                .map(|(key, value)| (key.clone(), Arc::clone(value)))
                .collect(),
            Err(_) => Vec::new(),
        };
        series.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str("# HELP brevet_http_requests_total HTTP requests answered, by method, matched route and status.\n");
        out.push_str("# TYPE brevet_http_requests_total counter\n");
        for (key, values) in &series {
            let _ = writeln!(
                out,
                "brevet_http_requests_total{{{}}} {}",
                labels(key),
                values.count.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP brevet_http_request_duration_seconds Time to answer an HTTP request (until the response head).\n");
        out.push_str("# TYPE brevet_http_request_duration_seconds histogram\n");
        for (key, values) in &series {
            let labels = labels(key);
            let mut cumulative = 0;
            for (bound, bucket) in LATENCY_BUCKETS.iter().zip(&values.buckets) {
                cumulative += bucket.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "brevet_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = values.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "brevet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let sum = values.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(
                out,
                "brevet_http_request_duration_seconds_sum{{{labels}}} {sum}"
            );
            let _ = writeln!(
                out,
                "brevet_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
    }
}

fn labels(key: &SeriesKey) -> String {
    format!(
        "method=\"{}\",route=\"{}\",status=\"{}\"",
        escape_label(&key.method),
        escape_label(&key.route),
        key.status
    )
}

/// Escapes a label value (backslash, double quote, newline).
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// The use-case counters of the application in the text exposition format.
pub fn render_events(counts: &brevet_app::events::EventCounts, out: &mut String) {
    out.push_str("# HELP brevet_awards_total Credentials awarded.\n");
    out.push_str("# TYPE brevet_awards_total counter\n");
    let _ = writeln!(out, "brevet_awards_total {}", counts.awards);
    out.push_str("# HELP brevet_verifications_total Verifications run, by verdict.\n");
    out.push_str("# TYPE brevet_verifications_total counter\n");
    for (verdict, count) in [
        ("verified", counts.verified),
        ("invalid", counts.invalid),
        ("indeterminate", counts.indeterminate),
    ] {
        let _ = writeln!(
            out,
            "brevet_verifications_total{{verdict=\"{verdict}\"}} {count}"
        );
    }
    out.push_str(
        "# HELP brevet_status_changes_total Status changes committed, by purpose and action.\n",
    );
    out.push_str("# TYPE brevet_status_changes_total counter\n");
    for (purpose, set, count) in counts.status_changes {
        let action = if set { "set" } else { "clear" };
        let _ = writeln!(
            out,
            "brevet_status_changes_total{{purpose=\"{purpose}\",action=\"{action}\"}} {count}"
        );
    }
}

/// The state of the operations layer: this router's request metrics and the application whose
/// use-case counters `/metrics` shows.
#[derive(Clone)]
pub struct Ops {
    metrics: Arc<HttpMetrics>,
    app: brevet_app::App,
}

impl Ops {
    /// A fresh registry for one router.
    pub fn new(state: &AppState) -> Ops {
        Ops {
            metrics: Arc::new(HttpMetrics::default()),
            app: state.app.clone(),
        }
    }

    /// This router's request metrics.
    pub fn metrics(&self) -> &HttpMetrics {
        &self.metrics
    }

    /// Everything `/metrics` shows, in the text exposition format.
    pub fn render(&self) -> String {
        let mut body = String::new();
        self.metrics.render(&mut body);
        render_events(&self.app.events().counts(), &mut body);
        body
    }
}

/// The path the metrics are served at.
pub const METRICS_PATH: &str = "/metrics";

fn metrics_response(ops: &Ops) -> Response {
    let mut response = (StatusCode::OK, ops.render()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(METRICS_CONTENT_TYPE),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Where every error must be problem+json.
const API_PREFIX: &str = "/api/";

/// The longest plain-text error body turned into a problem's detail.
const MAX_DETAIL: usize = 4096;

/// Turns an error answered by the framework itself (a body over the limit, a wrong method, an
/// unknown API path: plain text) into problem+json; any other response passes unchanged.
async fn as_problem(response: Response) -> Response {
    let status = response.status();
    // Only the framework's own answers (plain text or no body type); a handler's JSON error
    // (problem+json, or a shape a protocol prescribes, like OAuth's) passes unchanged.
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "TOO_LARGE",
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        StatusCode::BAD_REQUEST => "BAD_REQUEST",
        _ if status.is_server_error() => "INTERNAL_ERROR",
        _ => "INVALID_REQUEST",
    };
    let (parts, body) = response.into_parts();
    let detail = match axum::body::to_bytes(body, MAX_DETAIL).await {
        Ok(bytes) if !bytes.is_empty() && !status.is_server_error() => {
            String::from_utf8_lossy(&bytes).trim().to_owned()
        }
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let mut problem = crate::error::problem(status, code, &detail);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

/// The middleware (`Router::layer(from_fn_with_state(Ops::new(&state), track))`): answers
/// `GET /metrics` itself, and for every other request times it, records it and logs one line;
/// under `/api/` it also makes sure errors are problem+json.
pub async fn track(State(ops): State<Ops>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let (route, response) =
        if request.method() == Method::GET && request.uri().path() == METRICS_PATH {
            (METRICS_PATH.to_owned(), metrics_response(&ops))
        } else {
            let route = request.extensions().get::<MatchedPath>().map_or_else(
                || UNMATCHED_ROUTE.to_owned(),
                |path| path.as_str().to_owned(),
            );
            let api = request.uri().path().starts_with(API_PREFIX);
            let response = next.run(request).await;
            let response = if api {
                as_problem(response).await
            } else {
                response
            };
            (route, response)
        };
    let latency = started.elapsed();
    let status = response.status().as_u16();
    ops.metrics.observe(&method, &route, status, latency);
    // Milliseconds with microsecond precision (`0.182`), readable in a log line.
    let latency_ms = latency.as_micros() as f64 / 1000.0;
    if response.status().is_server_error() {
        tracing::warn!(target: "brevet::http", method, route, status, latency_ms, "request");
    } else {
        tracing::info!(target: "brevet::http", method, route, status, latency_ms, "request");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_counts_every_request() {
        let metrics = HttpMetrics::default();
        metrics.observe("GET", "/healthz", 200, Duration::from_micros(500));
        metrics.observe("GET", "/healthz", 200, Duration::from_millis(30));
        metrics.observe("GET", "/healthz", 200, Duration::from_secs(60));
        metrics.observe("POST", "/api/v1/verify", 400, Duration::from_millis(2));
        let mut out = String::new();
        metrics.render(&mut out);
        let labels = "method=\"GET\",route=\"/healthz\",status=\"200\"";
        assert!(out.contains(&format!("brevet_http_requests_total{{{labels}}} 3\n")));
        assert!(out.contains(&format!(
            "brevet_http_request_duration_seconds_bucket{{{labels},le=\"0.001\"}} 1\n"
        )));
        assert!(out.contains(&format!(
            "brevet_http_request_duration_seconds_bucket{{{labels},le=\"0.05\"}} 2\n"
        )));
        assert!(out.contains(&format!(
            "brevet_http_request_duration_seconds_bucket{{{labels},le=\"10\"}} 2\n"
        )));
        assert!(out.contains(&format!(
            "brevet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3\n"
        )));
        assert!(out.contains(&format!(
            "brevet_http_request_duration_seconds_count{{{labels}}} 3\n"
        )));
        assert_eq!(metrics.count("POST", "/api/v1/verify", 400), 1);
        assert_eq!(metrics.count("POST", "/api/v1/verify", 200), 0);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
