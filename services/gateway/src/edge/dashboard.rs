//! The county dashboard page at `/`: static files built into the binary
//! (Apache ECharts vendored, no CDN). The page reads only the public REST API.

use axum::{
    Router,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// The vendored chart library, its version in the name so it may be cached for good.
pub const ECHARTS_PATH: &str = "/assets/echarts-5.6.0.min.js";

fn file(content_type: &'static str, cache: &'static str, body: &'static [u8]) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Revalidated on every load, so a new release's page is picked up at once.
const FRESH: &str = "no-cache";

async fn page() -> Response {
    let mut response = file(
        "text/html; charset=utf-8",
        FRESH,
        include_bytes!("../../assets/dashboard.html"),
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route(
            "/dashboard.js",
            get(|| async {
                file(
                    "text/javascript; charset=utf-8",
                    FRESH,
                    include_bytes!("../../assets/dashboard.js"),
                )
            }),
        )
        .route(
            "/dashboard.css",
            get(|| async {
                file(
                    "text/css; charset=utf-8",
                    FRESH,
                    include_bytes!("../../assets/dashboard.css"),
                )
            }),
        )
        .route(
            ECHARTS_PATH,
            get(|| async {
                file(
                    "text/javascript; charset=utf-8",
                    "public, max-age=31536000, immutable",
                    include_bytes!("../../assets/echarts-5.6.0.min.js"),
                )
            }),
        )
}
