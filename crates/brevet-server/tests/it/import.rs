//! "Verify anything": `App::recognise_and_verify`, `POST /api/v1/verify` and the verify page
//! with Open Badges 2.0 assertions (hosted, served by a local issuer on loopback; signed with RSA
//! keys made here), VC-JWTs, baked PNG/SVG badges (Brevet's own and the 1EdTech fixtures).
//! Open Badges 2.0 and JWT verification store nothing, so those run on SQLite only; the baked
//! Brevet credentials run on both backends.

pub(crate) mod fixtures;
mod images;
mod jwt;
mod ob2_hosted;
mod ob2_signed;
