//! Answering back to a platform (回传): where its steps may be delivered,
//! how a delivery is signed, and when a failed one is tried again.
//!
//! An endpoint is HTTPS on a public address. A plain-HTTP or private one
//! (loopback, RFC 1918, link-local, unique-local) is taken only when the
//! county names its host in `rules.complaints.delivery_allowed_hosts`, so a
//! registered URL cannot reach into the county's own network.

use core::net::IpAddr;

use chrono::Duration;
use fazhi_platform::{Code, Error};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Longest endpoint URL, in bytes.
pub const MAX_URL_LEN: usize = 2_000;
/// Tries before an event is dead-lettered.
pub const MAX_ATTEMPTS: i64 = 12;

/// An endpoint as registered: its URL, and its host and port to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub host: String,
    pub port: u16,
    /// The county allowed this host by name (HTTP and private addresses).
    pub allowed: bool,
}

/// Checks a URL a platform registers: `https://host[:port]/path`, or
/// `http://` for a host the county allows by name.
pub fn endpoint(url: &str, allowed_hosts: &[String]) -> Result<Endpoint, Error> {
    let bad = |why: &str| Error::invalid_field("url", Code::InvalidArgument, why.to_owned());
    if url.len() > MAX_URL_LEN || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("url must be one line of at most 2,000 bytes"));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("url must be an absolute https:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(bad("url must name a host, without credentials"));
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| bad("url's IPv6 host must be in brackets"))?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(bad("url must name a host"));
    }
    let port = port
        .map(|p| {
            p.parse::<u16>()
                .map_err(|_| bad("url's port must be a number"))
        })
        .transpose()?;
    let host = host.to_ascii_lowercase();
    let allowed = allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
    let port = match scheme.to_ascii_lowercase().as_str() {
        "https" => port.unwrap_or(443),
        "http" if allowed => port.unwrap_or(80),
        "http" => {
            return Err(bad(
                "url must be https (plain http only for a host the county allows)",
            ));
        }
        _ => return Err(bad("url must be an https:// URL")),
    };
    if let Ok(ip) = host.parse::<IpAddr>()
        && !allowed
        && !public(ip)
    {
        return Err(bad("url points at a private or loopback address"));
    }
    Ok(Endpoint {
        url: url.to_owned(),
        host,
        port,
        allowed,
    })
}

/// Whether `ip` is an address on the public internet (checked again on
/// every delivery, for whatever the host name resolves to then).
pub fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.octets()[0] == 0
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !public(IpAddr::V4(v4))))
        }
    }
}

/// How long after its `attempts`-th failure an event is tried again: 10 s,
/// doubling, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = attempts.clamp(1, 16) - 1;
    Duration::seconds((10_i64 << exponent).min(3_600))
}

/// The signature header's value for `body` sent at `timestamp` (seconds)
/// under key `key_id`: `t=…,k=…,v1=<hex HMAC-SHA256 of "t.body">`.
pub fn signature(secret: &[u8], key_id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},k={key_id},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_on_public_addresses_unless_the_county_allows_the_host() {
        let none: Vec<String> = Vec::new();
        let ok = endpoint("https://12345.example.cn/hooks/fazhi", &none).unwrap();
        assert_eq!(
            (ok.host.as_str(), ok.port, ok.allowed),
            ("12345.example.cn", 443, false)
        );
        assert_eq!(
            endpoint("https://12345.example.cn:8443/x", &none)
                .unwrap()
                .port,
            8443
        );
        for bad in [
            "http://12345.example.cn/x",
            "ftp://12345.example.cn/x",
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://192.168.0.9:8443/x",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/x",
            "https://[fd00::1]:443/x",
            "https://user:pw@12345.example.cn/x",
            "https:///x",
            "12345.example.cn/x",
            "https://12345.example.cn:port/x",
        ] {
            assert!(endpoint(bad, &none).is_err(), "{bad}");
        }
        let allowed = vec!["127.0.0.1".to_owned()];
        let local = endpoint("http://127.0.0.1:9000/hook", &allowed).unwrap();
        assert_eq!((local.port, local.allowed), (9000, true));
        assert!(endpoint(&format!("https://{}", "a".repeat(2_100)), &none).is_err());
    }

    #[test]
    fn failures_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(5), Duration::seconds(160));
        assert_eq!(backoff(12), Duration::seconds(3_600));
        assert_eq!(backoff(400), Duration::seconds(3_600));
    }

    #[test]
    fn a_signature_covers_the_time_and_the_body() {
        let a = signature(b"secret", "k1", 1_700_000_000, b"{}");
        assert!(a.starts_with("t=1700000000,k=k1,v1="), "{a}");
        assert_eq!(a.len(), "t=1700000000,k=k1,v1=".len() + 64);
        assert_ne!(a, signature(b"secret", "k1", 1_700_000_001, b"{}"));
        assert_ne!(a, signature(b"secret", "k1", 1_700_000_000, b"{ }"));
        assert_ne!(a, signature(b"other", "k1", 1_700_000_000, b"{}"));
    }
}
