//! Brevet's HTTP shell: the JSON API (`/api/v1`), the W3C VC-API, the public pages (credential
//! pages, verify page, DID documents, status lists) and the server-rendered dashboard. Handlers
//! parse, call a use case of `brevet-app` and render; they hold no SQL and no crypto.

pub mod api;
pub mod auth;
pub mod error;
pub mod oauth;
pub mod oid4vci;
pub mod ops;
pub mod public;
pub mod router;
pub mod state;
pub mod vcapi;
pub mod web;

pub use router::router;
pub use state::AppState;
