//! The JSON API for achievements, members and the organisation, the credential list, tenant
//! isolation (TEN-01, TEN-02) and the OpenAPI document, on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod crud;
mod helpers;
mod listing;
mod members_org;
mod openapi;
mod tenancy;
