//! `GET /calendars/{name}`: the calendar documents a test serves, as any HTTPS host
//! would (over plain HTTP on loopback): `200`, `Content-Type: text/calendar;
//! charset=utf-8` and the document as it was given; `404` (plain text) for a name that
//! serves none. A query is ignored, as a private address's token is by a host that
//! checks none. Each request is counted for its name
//! ([`crate::RunningSimulator::calendar_requests`]) and recorded in the journal
//! ([`crate::OperationKind::Calendar`]); faults queued for the name
//! ([`crate::RunningSimulator::fail_calendar`]) apply as for any operation: a status,
//! a redirect ([`crate::Fault::redirect`]), a delay, a connection dropped, a huge body.
//! No call is authenticated.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use http::header::CONTENT_TYPE;

use crate::calendar_files::CALENDAR_PREFIX;
use crate::fault::{self, Injected};
use crate::journal::{Handled, OperationKind};
use crate::shared::Shared;

/// The calendar route.
pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router.route(&format!("{CALENDAR_PREFIX}{{*name}}"), get(calendar))
}

async fn calendar(State(shared): State<Arc<Shared>>, Path(name): Path<String>) -> Response {
    let (fault, document) = shared.calendars().request(&name);
    let mut delivery = None;
    let answer = fault::carry_out(fault, &mut delivery, || document.ok_or(None), Some).await;
    let response = match answer {
        Ok(body) => (
            StatusCode::OK,
            [(CONTENT_TYPE, "text/calendar; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(None) => plain(StatusCode::NOT_FOUND, "No calendar is served at this path."),
        Err(Some(Injected::InternalServerError)) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Injected fault: internal error.",
        ),
        Err(Some(Injected::ServiceUnavailable)) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "Injected fault: unavailable.",
        ),
        Err(Some(Injected::Throttled)) => plain(
            StatusCode::TOO_MANY_REQUESTS,
            "Injected fault: too many requests.",
        ),
    };
    let handled = Handled {
        operation: Some(OperationKind::Calendar),
        ..Handled::default()
    };
    fault::sent(response, delivery, handled).await
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}
