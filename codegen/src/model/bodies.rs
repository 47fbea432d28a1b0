//! Request bodies and responses: JSON content only, one response per explicit
//! status code.

use openapiv3::{MediaType, Operation, StatusCode};

use super::items::{Body, ResponseDef, TypeDef, TypeRef};
use super::resolver::Resolver;
use crate::names;
use crate::pointer::Pointer;

impl<'s> Resolver<'s> {
    /// `Some(None)` for an operation without a body, `None` for a problem.
    pub(super) fn request_body(
        &mut self,
        operation: &'s Operation,
        at: &Pointer,
    ) -> Option<Option<Body>> {
        let Some(body) = &operation.request_body else {
            return Some(None);
        };
        let spec = self.spec;
        let lookup = |name: &str| spec.components.as_ref()?.request_bodies.get(name);
        let (body, at) = self.follow(body, &at.push("requestBody"), "requestBodies", lookup)?;
        let ty = self.json_content(&body.content, &at);
        match ty {
            Some(Some(ty)) => Some(Some(Body {
                ty,
                required: body.required,
                doc: body.description.clone(),
            })),
            Some(None) => {
                self.problems.push(
                    &at.push("content"),
                    "a request body needs `application/json` content with a schema",
                );
                None
            }
            None => None,
        }
    }

    pub(super) fn responses(
        &mut self,
        operation: &'s Operation,
        at: &Pointer,
        types: &[TypeDef],
    ) -> Option<Vec<ResponseDef>> {
        let at = at.push("responses");
        let mut ok = true;
        if operation.responses.default.is_some() {
            self.problems.push(
                &at.push("default"),
                "a `default` response is not supported; list each status code the API answers \
                 (an undocumented one is a DecodeError that keeps the status, request id and body)",
            );
            ok = false;
        }
        let spec = self.spec;
        let lookup = |name: &str| spec.components.as_ref()?.responses.get(name);
        let mut responses = Vec::new();
        for (code, response) in &operation.responses.responses {
            let status = match code {
                StatusCode::Code(status) => *status,
                StatusCode::Range(_) => {
                    self.problems.push(
                        &at.push(code),
                        format!(
                            "status ranges such as `{code}` are not supported; list each status \
                             code the API answers"
                        ),
                    );
                    ok = false;
                    continue;
                }
            };
            let Some((response, response_at)) =
                self.follow(response, &at.push(code), "responses", lookup)
            else {
                ok = false;
                continue;
            };
            let body = self.json_content(&response.content, &response_at);
            let headers = self.response_headers(response, &response_at, body.as_ref(), types);
            let (Some(body), Some(headers)) = (body, headers) else {
                ok = false;
                continue;
            };
            responses.push(ResponseDef {
                status,
                variant: names::status_variant(status),
                doc: response.description.clone(),
                body,
                headers,
            });
        }
        if operation.responses.responses.is_empty() && operation.responses.default.is_none() {
            self.problems.push(&at, "document at least one status code");
            ok = false;
        }
        responses.sort_by_key(|response| response.status);
        ok.then_some(responses)
    }

    /// The type of a JSON body: `Some(None)` when there is no content at all.
    fn json_content(
        &mut self,
        content: &'s openapiv3::Content,
        at: &Pointer,
    ) -> Option<Option<TypeRef>> {
        let mut json: Option<(&MediaType, Pointer)> = None;
        let mut ok = true;
        for (media_type, media) in content {
            let media_at = at.push("content").push(media_type);
            if is_json(media_type) && json.is_none() {
                json = Some((media, media_at));
            } else {
                self.problems.push(
                    &media_at,
                    format!(
                        "`{media_type}` content is not supported; only one `application/json` \
                         content per body is"
                    ),
                );
                ok = false;
            }
        }
        let ty = match json {
            None => None,
            Some((media, media_at)) => match &media.schema {
                Some(schema) => Some(self.type_ref(schema, &media_at.push("schema"))?),
                None => {
                    self.problems
                        .push(&media_at, "JSON content needs a `schema`");
                    return None;
                }
            },
        };
        ok.then_some(ty)
    }
}

/// `application/json`, with or without parameters such as `charset`.
fn is_json(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_allow_parameters() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
    }
}
