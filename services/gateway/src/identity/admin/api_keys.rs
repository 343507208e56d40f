//! API keys over REST: a county system's key made (shown once), listed and
//! revoked by an administrator.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateApiKeyRequest)]
pub struct CreateApiKey {
    /// What the key is for, e.g. the county 12345 platform.
    #[schema(example = "county 12345 platform")]
    name: String,
    /// Any role but `admin`.
    #[schema(example = json!(["staff"]))]
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    #[schema(example = "411624", pattern = r"^[1-8][0-9]{5}([0-9]{3}){0,2}$")]
    division_code: String,
    /// When the key stops working (RFC 3339); none means until revoked.
    #[serde(default)]
    expires_at: Option<String>,
    /// Required of an `integration` key: the platform (a pushed ticket's
    /// `source`) whose tickets alone it pushes and reads.
    #[serde(default)]
    #[schema(example = "county-12345")]
    source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ApiKey)]
pub struct ApiKeyView {
    id: String,
    name: String,
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    division_code: String,
    created_by: String,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<String>,
    /// The platform an integration key acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            name: k.name.clone(),
            roles: k.roles.iter().map(|r| r.code().to_owned()).collect(),
            division_code: k.division.to_string(),
            created_by: k.created_by.clone(),
            created_at: time::to_rfc3339(k.created_at),
            expires_at: k.expires_at.map(time::to_rfc3339),
            revoked_at: k.revoked_at.map(time::to_rfc3339),
            source: k.source.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    api_key: ApiKeyView,
    /// The key itself, shown this once (null on an idempotent replay).
    key: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ListApiKeysResponse)]
pub struct ApiKeyPage {
    api_keys: Vec<ApiKeyView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

/// Create an API key for a county system. The key is in this answer only.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    request_body = CreateApiKey,
    responses((status = 201, description = "Created", body = CreatedApiKey))
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request_key: Option<Extension<RequestKey>>,
    JsonBody(body): JsonBody<CreateApiKey>,
) -> Result<impl IntoResponse, Problem> {
    let expires_at = match body.expires_at.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    Error::invalid_field(
                        "expires_at",
                        Code::InvalidTime,
                        "expires_at must be an RFC 3339 time",
                    )
                })?
                .with_timezone(&Utc),
        ),
    };
    let (api_key, key) = manage::create_api_key(
        &state.gate.store,
        &identity.caller,
        manage::NewApiKey {
            name: body.name,
            roles: body.roles,
            division_code: body.division_code,
            expires_at,
            source: body.source,
            id: request_key.map(|Extension(RequestKey(request))| request[..16].to_owned()),
        },
    )
    .await?;
    let view = ApiKeyView::from(&api_key);
    let replay = serde_json::to_string(&CreatedApiKey {
        api_key: ApiKeyView::from(&api_key),
        key: None,
    })
    .unwrap_or_default();
    let location = format!("/api/v1/api-keys/{}", api_key.id);
    let mut response = (
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(CreatedApiKey {
            api_key: view,
            key: Some(key),
        }),
    )
        .into_response();
    response.extensions_mut().insert(ReplayBody(replay));
    Ok(response)
}

/// API keys of the administrator's divisions.
#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    params(PageParams),
    responses((status = 200, description = "One page", body = ApiKeyPage))
)]
pub async fn list_api_keys(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<ApiKeyPage>, Problem> {
    let Query(params) = params?;
    let (size, after) = params.read(1)?;
    let after = after.map(|p| p[0].clone()).unwrap_or_default();
    let mut found = state
        .gate
        .store
        .list_api_keys(&identity.caller.scope, &after, size + 1)
        .await?;
    let next_page_token = paging::cut(&mut found, size, |k| vec![k.id.clone()]);
    let next_page_token = Some(next_page_token).filter(|t| !t.is_empty());
    Ok(Json(ApiKeyPage {
        api_keys: found.iter().map(ApiKeyView::from).collect(),
        next_page_token,
    }))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys/{id}/revoke",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    params(("id" = String, Path, description = "API key id")),
    responses((status = 200, description = "Revoked", body = ApiKeyView))
)]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyView>, Problem> {
    let key = manage::revoke_api_key(&state.gate.store, &identity.caller, &id).await?;
    state.gate.authn.forget_api_key(&key.id);
    Ok(Json(ApiKeyView::from(&key)))
}
