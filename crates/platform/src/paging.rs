//! List paging shared by every service: a page size with a default and a
//! maximum, and opaque page tokens that encode where the next page starts.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::Error;

pub const DEFAULT_PAGE_SIZE: i32 = 50;
pub const MAX_PAGE_SIZE: i32 = 200;

/// `0` means the default; negative or above the maximum is refused.
pub fn page_size(requested: i32) -> Result<i64, Error> {
    match requested {
        0 => Ok(i64::from(DEFAULT_PAGE_SIZE)),
        1..=MAX_PAGE_SIZE => Ok(i64::from(requested)),
        _ => Err(Error::invalid_field(
            "page_size",
            crate::Code::InvalidPageSize,
            format!("page_size must be between 1 and {MAX_PAGE_SIZE}"),
        )),
    }
}

/// A list request's page: its size, and the key the page starts after
/// (empty: the first page), from a one-part token.
pub fn page(size: i32, token: &str) -> Result<(i64, String), Error> {
    let limit = page_size(size)?;
    let after = decode_token(token, 1)?
        .map(|p| p[0].clone())
        .unwrap_or_default();
    Ok((limit, after))
}

/// Encodes a keyset position as an opaque token.
pub fn encode_token(parts: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(parts.join("\n"))
}

/// Decodes a token made by [`encode_token`] with `n` parts; empty means "first page".
pub fn decode_token(token: &str, n: usize) -> Result<Option<Vec<String>>, Error> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = invalid_token;
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let parts: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if parts.len() != n {
        return Err(invalid());
    }
    Ok(Some(parts))
}

/// Cuts a page read with one extra row (`limit + 1`) down to `limit` rows and
/// returns the token of the next page: the last row's position, or empty
/// when the extra row was not there (no more pages).
pub fn cut<T>(rows: &mut Vec<T>, limit: i64, position: impl Fn(&T) -> Vec<String>) -> String {
    if rows.len() as i64 <= limit {
        return String::new();
    }
    rows.truncate(limit as usize);
    rows.last()
        .map(|last| {
            let parts = position(last);
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            encode_token(&refs)
        })
        .unwrap_or_default()
}

/// The error for a token this API did not issue (or one it can no longer read).
pub fn invalid_token() -> Error {
    Error::invalid_field(
        "page_token",
        crate::Code::InvalidPageToken,
        "page_token is not one this API issued",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_read_with_one_extra_row_is_cut_and_points_past_its_last_row() {
        let mut rows = vec![1, 2, 3];
        let token = cut(&mut rows, 2, |n| vec![n.to_string()]);
        assert_eq!(rows, vec![1, 2]);
        assert_eq!(decode_token(&token, 1).unwrap(), Some(vec!["2".to_owned()]));
        let mut last = vec![1, 2];
        assert_eq!(cut(&mut last, 2, |n| vec![n.to_string()]), "");
        assert_eq!(last, vec![1, 2]);
    }

    #[test]
    fn tokens_round_trip() {
        let token = encode_token(&["1700000000000000", "0190-abc"]);
        assert_eq!(
            decode_token(&token, 2).unwrap(),
            Some(vec!["1700000000000000".to_owned(), "0190-abc".to_owned()])
        );
        assert_eq!(decode_token("", 2).unwrap(), None);
    }

    #[test]
    fn a_forged_token_is_refused() {
        assert_eq!(
            decode_token("not base64!", 2).unwrap_err().code,
            "invalid_page_token"
        );
        assert!(decode_token(&encode_token(&["one"]), 2).is_err());
    }

    #[test]
    fn page_sizes_outside_the_range_are_refused() {
        assert_eq!(page_size(0).unwrap(), 50);
        assert_eq!(page_size(200).unwrap(), 200);
        assert!(page_size(201).is_err());
        assert!(page_size(-1).is_err());
    }
}
