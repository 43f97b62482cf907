//! People, sessions and the dashboard, through HTTP on both backends: sign-in (same answer for
//! an unknown email and a wrong password), session cookie flags, CSRF refusals that change
//! nothing, logout, invitations (single use, expiry), password reset (same answer for an unknown
//! address), the OAuth client credentials grant, and the dashboard's pages and roles.

mod certificate_settings;
mod dashboard;
mod helpers;
mod linkedin_id;
mod oauth;
mod pages;
mod people;
mod sessions;
