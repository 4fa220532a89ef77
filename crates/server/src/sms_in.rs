//! `POST /api/sms/inbound`: texts from visitors with no data (`OK`, `OK <PIN>`, `HELP`), as the
//! SMS gateway forwards them (#11 item 6). The gateway signs each request as our outbound
//! webhooks are signed: `X-Doorstep-Timestamp` (unix seconds) and `X-Doorstep-Signature`
//! (`sha256=` + hex HMAC-SHA256 of `"<timestamp>.<body>"` with the shared secret,
//! `DOORSTEP_SMS_INBOUND_SECRET`). A bad or stale signature is refused before the body is read.

use crate::AppState;
use crate::error::ApiError;
use app::sms_in::{self, InboundSms};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct InboundBody {
    /// The gateway's id for the message; a second delivery of the same id does nothing.
    message_id: String,
    /// The sender's number ("+447700900105").
    from: String,
    /// The text: `OK`, `OK <PIN>` or `HELP`.
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct InboundAnswer {
    /// `check_in` (also for a duress PIN), `help`, `replay`, `unknown_number`, `not_out` or
    /// `not_understood`.
    outcome: &'static str,
}

/// A text from a visitor, forwarded by the SMS gateway (signed).
#[utoipa::path(post, path = "/api/sms/inbound", tag = "visit in progress", request_body = InboundBody,
    responses((status = 200, body = InboundAnswer), (status = 403, description = "bad or missing signature"), (status = 422)))]
async fn inbound(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAnswer>, ApiError> {
    let secret = state.sms_inbound_secret().ok_or_else(|| {
        ApiError::forbidden(
            "texts from the SMS gateway are not set up here (DOORSTEP_SMS_INBOUND_SECRET)",
        )
    })?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let timestamp = header(sms_in::TIMESTAMP_HEADER);
    let signature = header(sms_in::SIGNATURE_HEADER);
    if !sms_in::signed_by_gateway(secret, &timestamp, &body, &signature, state.now()) {
        tracing::warn!("a text from the SMS gateway refused: bad or stale signature");
        return Err(ApiError::forbidden(
            "the signature does not match the SMS gateway's shared secret, or is more than 5 minutes old",
        ));
    }
    let body: InboundBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("body", format!("not the gateway's JSON: {e}")))?;
    let sms = InboundSms {
        message_id: body.message_id,
        from: body.from,
        text: body.text,
    };
    let outcome = sms_in::receive(&state, &sms, state.now()).await?;
    Ok(Json(InboundAnswer {
        outcome: outcome.as_str(),
    }))
}
