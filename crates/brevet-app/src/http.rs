//! The one place Brevet makes network requests: a guarded HTTPS client for did:web documents and
//! status list credentials.
//!
//! Guards (SECURITY-CATALOGUE KEY-05, KEY-08, STS-02): HTTPS only; no proxy; no redirects; a
//! 5-second cap on the whole exchange; a 1 MiB cap on the body; and no connection to a loopback,
//! private, link-local, CGNAT, unique-local, multicast, documentation or IPv4-mapped address. The
//! address check runs on the resolved addresses, after DNS, in the resolver that feeds the
//! connector, so a public name that resolves to a private address is refused too.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The most a fetch may take, end to end.
pub const TIME_CAP: Duration = Duration::from_secs(5);
/// The largest body accepted.
pub const SIZE_CAP: u64 = 1024 * 1024;

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refusing {url}: only https:// URLs are fetched")]
    NotHttps { url: String },
    #[error("fetching {url}: {reason}")]
    Failed { url: String, reason: String },
    #[error("fetching {url}: the server answered HTTP {status}")]
    Status { url: String, status: u16 },
}

/// A guarded HTTPS client.
pub struct GuardedClient {
    agent: ureq::Agent,
    allow_private_network: bool,
}

impl std::fmt::Debug for GuardedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "GuardedClient(allow_private_network: {})",
            self.allow_private_network
        )
    }
}

impl GuardedClient {
    pub fn new() -> Self {
        GuardedClient::with_private_network(false)
    }

    /// A client that, when `allow_private_network` is set (tests only), also connects to
    /// loopback and private addresses and over plain `http://`.
    pub fn with_private_network(allow_private_network: bool) -> Self {
        let config = Config::builder()
            .https_only(!allow_private_network)
            .max_redirects(0)
            .max_redirects_will_error(true)
            .proxy(None)
            .timeout_global(Some(TIME_CAP))
            .http_status_as_error(false)
            .user_agent(concat!("brevet/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::with_parts(
            config,
            DefaultConnector::default(),
            PublicOnlyResolver {
                inner: DefaultResolver::default(),
                allow_private_network,
            },
        );
        GuardedClient {
            agent,
            allow_private_network,
        }
    }

    /// Fetches a JSON document (as text) from an https:// URL, within the caps.
    pub fn get_text(&self, url: &str, accept: &str) -> Result<String, FetchError> {
        let plain_http_allowed = self.allow_private_network && url.starts_with("http://");
        if !url.starts_with("https://") && !plain_http_allowed {
            return Err(FetchError::NotHttps {
                url: url.to_owned(),
            });
        }
        let failed = |error: ureq::Error| FetchError::Failed {
            url: url.to_owned(),
            reason: describe(&error),
        };
        let mut response = self
            .agent
            .get(url)
            .header("Accept", accept)
            .call()
            .map_err(failed)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FetchError::Status {
                url: url.to_owned(),
                status,
            });
        }
        response
            .body_mut()
            .with_config()
            .limit(SIZE_CAP)
            .read_to_string()
            .map_err(failed)
    }
}

impl Default for GuardedClient {
    fn default() -> Self {
        GuardedClient::new()
    }
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::BodyExceedsLimit(limit) => {
            format!("the body is larger than the {limit}-byte cap")
        }
        ureq::Error::Timeout(_) => format!("no complete answer within {} s", TIME_CAP.as_secs()),
        ureq::Error::TooManyRedirects => {
            "the server redirected; redirects are not followed".to_owned()
        }
        other => other.to_string(),
    }
}

/// Resolves with the system resolver, then refuses every non-public address (unless the
/// private network is allowed, for tests).
struct PublicOnlyResolver {
    inner: DefaultResolver,
    allow_private_network: bool,
}

impl fmt::Debug for PublicOnlyResolver {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("PublicOnlyResolver")
    }
}

impl Resolver for PublicOnlyResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        let mut public = self.empty();
        for address in resolved.iter() {
            if !self.allow_private_network && !is_public(address.ip()) {
                return Err(ureq::Error::Io(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!(
                        "{} resolves to the non-public address {}; refusing to connect",
                        uri.host().unwrap_or("the host"),
                        address.ip()
                    ),
                )));
            }
            public.push(*address);
        }
        if public.is_empty() {
            Err(ureq::Error::HostNotFound)
        } else {
            Ok(public)
        }
    }
}

/// Whether an address is on the public internet (not loopback, private, link-local, CGNAT, ULA,
/// multicast, documentation, benchmarking, reserved, unspecified or IPv4-mapped/translated).
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, c, _] = address.octets();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_broadcast()
        || address.is_documentation()
        || address.is_multicast()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0.0/24
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18.0.0/15
        || a >= 240) // reserved 240.0.0.0/4
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let segments = address.segments();
    if address.to_ipv4_mapped().is_some() {
        // An IPv4-mapped address (::ffff:a.b.c.d) is refused outright: it is how private IPv4
        // addresses are smuggled past IPv6 checks.
        return false;
    }
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation 2001:db8::/32
        || (segments[0] == 0x0064 && segments[1] == 0xff9b) // NAT64 64:ff9b::/96 and /48
        || segments[0] == 0x2002 // 6to4, embeds IPv4
        || (segments[..6] == [0, 0, 0, 0, 0, 0])) // IPv4-compatible ::a.b.c.d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_public_addresses() {
        for text in [
            "127.0.0.1",
            "10.0.0.5",
            "172.16.3.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:8.8.8.8",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "255.255.255.255",
            "224.0.0.1",
        ] {
            let address: IpAddr = text.parse().unwrap();
            assert!(!is_public(address), "{text} should be refused");
        }
        for text in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            let address: IpAddr = text.parse().unwrap();
            assert!(is_public(address), "{text} should be allowed");
        }
    }

    #[test]
    fn refuses_plain_http_without_a_request() {
        let client = GuardedClient::new();
        assert!(matches!(
            client.get_text("http://example.org/status", "application/json"),
            Err(FetchError::NotHttps { .. })
        ));
        assert!(matches!(
            client.get_text("file:///etc/passwd", "application/json"),
            Err(FetchError::NotHttps { .. })
        ));
    }

    #[test]
    fn refuses_loopback_after_resolution() {
        let client = GuardedClient::new();
        for url in [
            "https://127.0.0.1/status",
            "https://[::1]/did.json",
            "https://localhost:8443/x",
            "https://169.254.169.254/latest",
        ] {
            let error = client.get_text(url, "application/json").unwrap_err();
            assert!(
                error.to_string().contains("non-public") || error.to_string().contains("not found"),
                "{url}: {error}"
            );
        }
    }
}
