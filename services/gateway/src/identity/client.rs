//! Who is on the other end of a connection: the client address that rate
//! limits and login throttling count by, believing `X-Forwarded-For` only
//! from configured trusted proxies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};

/// The address a request came from.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The key a client's limits are counted under: its IPv4 address, or
    /// the /64 network of its IPv6 address (one subscriber's allocation, in
    /// which every address is theirs to use).
    pub fn key(&self) -> String {
        match self.0.map(canonical) {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A network given as `address/prefix` (or a single address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an address or network (10.0.0.0/8)"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has a prefix length outside 0..={max}"))?,
            None => max,
        };
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client's address. Behind trusted proxies it is the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy: every proxy
/// appends the address it saw, so entries left of that one are whatever the
/// client chose to send.
pub fn client_addr(peer: Option<IpAddr>, forwarded_for: &[&str], trusted: &[Cidr]) -> ClientAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let Some(peer) = peer else {
        return ClientAddr(None);
    };
    if !is_trusted(peer) {
        return ClientAddr(Some(peer));
    }
    let mut client = peer;
    for entry in forwarded_for
        .iter()
        .rev()
        .flat_map(|header| header.rsplit(','))
    {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break; // unparsable: nothing left of it can be trusted either
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    ClientAddr(Some(client))
}

pub(crate) fn request_client(request: &Request, trusted: &[Cidr]) -> ClientAddr {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    client_addr(peer, &forwarded, trusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_slash_64() {
        let a = ClientAddr(Some(ip("2001:db8:1:2::1"))).key();
        let b = ClientAddr(Some(ip("2001:db8:1:2:ffff:eeee:dddd:cccc"))).key();
        let other = ClientAddr(Some(ip("2001:db8:1:3::1"))).key();
        assert_eq!(a, b);
        assert_ne!(a, other);
        assert_eq!(ClientAddr(Some(ip("::ffff:10.0.0.7"))).key(), "10.0.0.7");
        assert_eq!(ClientAddr(Some(ip("10.0.0.7"))).key(), "10.0.0.7");
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies_and_read_from_the_right() {
        let trusted = [Cidr::parse("10.0.0.0/8").unwrap()];
        let spoofed = ["198.51.100.7, 203.0.113.9"];
        // Straight from the client: the header is the client's own words.
        assert_eq!(
            client_addr(Some(ip("203.0.113.9")), &spoofed, &trusted).0,
            Some(ip("203.0.113.9"))
        );
        // Through the proxy: the right-most entry not a proxy, whatever stands left of it.
        assert_eq!(
            client_addr(Some(ip("10.1.2.3")), &spoofed, &trusted).0,
            Some(ip("203.0.113.9"))
        );
        let chained = ["203.0.113.9, 10.9.9.9"];
        assert_eq!(
            client_addr(Some(ip("10.1.2.3")), &chained, &trusted).0,
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client_addr(Some(ip("10.1.2.3")), &[], &trusted).0,
            Some(ip("10.1.2.3"))
        );
    }

    #[test]
    fn networks_parse_and_contain_their_addresses() {
        let net = Cidr::parse("192.168.0.0/16").unwrap();
        assert!(net.contains(ip("192.168.40.1")) && !net.contains(ip("192.169.0.1")));
        assert!(net.contains(ip("::ffff:192.168.1.1")));
        assert!(Cidr::parse("10.0.0.1").unwrap().contains(ip("10.0.0.1")));
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("nonsense").is_err());
    }
}
