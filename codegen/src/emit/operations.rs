//! Operations into a request struct, a response enum and their runtime impls.
//!
//! Generated functions read parameters only through `self.<field>` and name their own
//! locals (`query`, `headers`, `value`, `body`, `response`) apart from that, so no
//! parameter name can shadow or be shadowed by a local.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::tokens::{self, doc, docs, ident, runtime, type_tokens};
use crate::model::{
    Api, BODY_FIELD, HeaderDef, OperationDef, Param, ParamLocation, PathPart, ResponseDef, Shape,
};

/// `api` says who answers and whether its answers may be quoted in an error.
pub(super) fn emit(operation: &OperationDef, api: &Api) -> TokenStream {
    let rt = runtime();
    let request = format_ident!("{}Request", operation.name);
    let response = format_ident!("{}Response", operation.name);
    let request_struct = request_struct(operation);
    let response_enum = response_enum(operation);
    let id = &operation.id;
    let method = ident(&operation.method);
    let template = &operation.path;
    let path = path_fn(operation);
    let query = pairs_fn(operation, ParamLocation::Query, "query");
    let headers = pairs_fn(operation, ParamLocation::Header, "headers");
    let body = request_body_fn(operation);
    let decode = decode_fns(operation, api);
    let project_scoped = project_scoped_impl(operation);
    let response_impl = response_impl(operation);
    quote! {
        #request_struct
        #response_enum

        impl #rt::Operation for #request {
            const OPERATION_ID: &'static str = #id;
            const METHOD: #rt::Method = #rt::Method::#method;
            const PATH_TEMPLATE: &'static str = #template;
            type Response = #response;

            #path
            #query
            #headers
            #body
            #decode
        }

        #project_scoped
        #response_impl
    }
}

fn request_struct(operation: &OperationDef) -> TokenStream {
    let name = format_ident!("{}Request", operation.name);
    let sends = format!("Sends a `{}` to `{}`.", operation.method, operation.path);
    let request_doc = docs([
        operation.summary.as_deref().unwrap_or_default(),
        operation.description.as_deref().unwrap_or_default(),
        sends.as_str(),
    ]);
    let params = operation.params.iter().map(|param| {
        let doc = param.doc.as_deref().map(doc).unwrap_or_default();
        let field = ident(&param.field);
        let ty = type_tokens(&param.ty);
        let ty = if param.required {
            ty
        } else {
            quote!(::std::option::Option<#ty>)
        };
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    let body = operation.body.as_ref().map(|body| {
        let doc = body.doc.as_deref().map(doc).unwrap_or_default();
        let field = ident(BODY_FIELD);
        let ty = type_tokens(&body.ty);
        let ty = if body.required {
            ty
        } else {
            quote!(::std::option::Option<#ty>)
        };
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    quote! {
        #request_doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#params)*
            #body
        }
    }
}

/// The type a response header is held in: a sensitive one in the runtime's
/// `SensitiveString`, an optional one in an `Option`.
fn header_type(header: &HeaderDef) -> TokenStream {
    let rt = runtime();
    let ty = if header.sensitive {
        quote!(#rt::SensitiveString)
    } else {
        type_tokens(&header.ty)
    };
    if header.required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

fn response_enum(operation: &OperationDef) -> TokenStream {
    let name = format_ident!("{}Response", operation.name);
    let doc = tokens::doc(&format!(
        "The answers to [`{}Request`], one per documented status code.",
        operation.name
    ));
    let variants = operation.responses.iter().map(|response| {
        let doc = tokens::doc(&format!("{}: {}", response.status, response.doc.trim()));
        let variant = ident(&response.variant);
        if !response.headers.is_empty() {
            let body = response.body.as_ref().map(|ty| {
                let ty = type_tokens(ty);
                let field = ident(BODY_FIELD);
                quote! {
                    /// The body.
                    #field: #ty,
                }
            });
            let headers = response.headers.iter().map(|header| {
                let described = match &header.doc {
                    Some(text) => format!("The `{}` header: {}", header.wire_name, text.trim()),
                    None => format!("The `{}` header.", header.wire_name),
                };
                let doc = tokens::doc(&described);
                let field = ident(&header.field);
                let ty = header_type(header);
                quote!(#doc #field: #ty,)
            });
            return quote!(#doc #variant { #body #(#headers)* },);
        }
        match &response.body {
            Some(ty) => {
                let ty = type_tokens(ty);
                quote!(#doc #variant(#ty),)
            }
            None => quote!(#doc #variant,),
        }
    });
    // Boxing the large variants would make every match on a response awkward, for a
    // value that is decoded once and moved a few times.
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Each parameter is percent-encoded as one segment, so no value can add a `/`, `?`,
/// `#` or `..` to the path.
fn path_fn(operation: &OperationDef) -> TokenStream {
    let rt = runtime();
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &operation.path_parts {
        match part {
            PathPart::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Param(index) => {
                format.push_str("{}");
                let param = &operation.params[*index];
                let field = ident(&param.field);
                args.push(match param.shape {
                    Shape::Text => quote!(#rt::encode_component(self.#field.as_str())),
                    _ => quote!(#rt::encode_component(&::std::string::ToString::to_string(&self.#field))),
                });
            }
        }
    }
    let body = if args.is_empty() {
        let path: String = operation
            .path_parts
            .iter()
            .filter_map(|part| match part {
                PathPart::Literal(text) => Some(text.as_str()),
                PathPart::Param(_) => None,
            })
            .collect();
        quote!(::std::borrow::ToOwned::to_owned(#path))
    } else {
        quote!(::std::format!(#format, #(#args),*))
    };
    quote! {
        fn path(&self) -> ::std::string::String {
            #body
        }
    }
}

/// Query or header pairs in the spec's order. The leading required ones go in a
/// `vec![]` (a `push` right after `Vec::new()` is a clippy warning in the output).
fn pairs_fn(operation: &OperationDef, location: ParamLocation, fn_name: &str) -> TokenStream {
    let fn_name = format_ident!("{fn_name}");
    let list = &fn_name;
    let params: Vec<&Param> = operation
        .params
        .iter()
        .filter(|param| param.location == location)
        .collect();
    let leading = params.iter().take_while(|param| param.required).count();
    let pair = |param: &Param| {
        let wire_name = &param.wire_name;
        let field = ident(&param.field);
        quote!((#wire_name, ::std::string::ToString::to_string(&self.#field)))
    };
    let initial: Vec<TokenStream> = params[..leading].iter().map(|param| pair(param)).collect();
    let rest: Vec<TokenStream> = params[leading..]
        .iter()
        .map(|param| {
            if param.required {
                let pair = pair(param);
                quote!(#list.push(#pair);)
            } else {
                let wire_name = &param.wire_name;
                let field = ident(&param.field);
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#field {
                        #list.push((#wire_name, ::std::string::ToString::to_string(value)));
                    }
                }
            }
        })
        .collect();
    let body = match (initial.is_empty(), rest.is_empty()) {
        (true, true) => quote!(::std::vec::Vec::new()),
        (false, true) => quote!(::std::vec![#(#initial),*]),
        (true, false) => quote! {
            let mut #list = ::std::vec::Vec::new();
            #(#rest)*
            #list
        },
        (false, false) => quote! {
            let mut #list = ::std::vec![#(#initial),*];
            #(#rest)*
            #list
        },
    };
    quote! {
        fn #fn_name(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            #body
        }
    }
}

fn request_body_fn(operation: &OperationDef) -> TokenStream {
    let rt = runtime();
    let what = format!("{} request body", operation.id);
    let body = match &operation.body {
        None => quote!(::std::result::Result::Ok(::std::option::Option::None)),
        Some(body) if body.required => {
            quote!(#rt::encode_json(#what, &self.body).map(::std::option::Option::Some))
        }
        Some(_) => quote! {
            self.body
                .as_ref()
                .map(|body| #rt::encode_json(#what, body))
                .transpose()
        },
    };
    quote! {
        fn body(&self) -> ::std::result::Result<::std::option::Option<::std::vec::Vec<u8>>, #rt::EncodeError> {
            #body
        }
    }
}

/// `decode`, and for an operation whose answers declare headers, `decode_with_headers`
/// too, which `decode` then calls with no headers.
fn decode_fns(operation: &OperationDef, api: &Api) -> TokenStream {
    let rt = runtime();
    let id = &operation.id;
    let service = &api.service;
    let answers = if api.answers_withheld {
        quote!(#rt::Answers::Withheld)
    } else {
        quote!(#rt::Answers::Quoted)
    };
    let response_type = format_ident!("{}Response", operation.name);
    let with_headers = operation
        .responses
        .iter()
        .any(|response| !response.headers.is_empty());
    let arms = operation.responses.iter().map(|response| {
        let status = Literal::u16_unsuffixed(response.status);
        let variant = ident(&response.variant);
        if !response.headers.is_empty() {
            let body = response.body.as_ref().map(|_| {
                let field = ident(BODY_FIELD);
                quote!(#field: #rt::decode_json(OPERATION, response)?,)
            });
            let headers = response.headers.iter().map(|header| {
                let field = ident(&header.field);
                let name = &header.wire_name;
                let read = if header.required {
                    quote!(#rt::required_header(OPERATION, response, headers, #name)?)
                } else {
                    quote!(#rt::header(OPERATION, response, headers, #name)?)
                };
                quote!(#field: #read,)
            });
            return quote! {
                #status => ::std::result::Result::Ok(#response_type::#variant {
                    #body
                    #(#headers)*
                }),
            };
        }
        match response.body {
            Some(_) => quote! {
                #status => #rt::decode_json(OPERATION, response).map(#response_type::#variant),
            },
            // The body of an answer without content is not looked at: whatever a proxy
            // put there, the status says it all.
            None => quote! {
                #status => ::std::result::Result::Ok(#response_type::#variant),
            },
        }
    });
    let matched = quote! {
        const OPERATION: #rt::Origin = #rt::Origin {
            operation: #id,
            service: #service,
            answers: #answers,
        };
        match response.status {
            #(#arms)*
            _ => ::std::result::Result::Err(#rt::DecodeError::unexpected_status(OPERATION, response)),
        }
    };
    if !with_headers {
        return quote! {
            fn decode(response: &#rt::RawResponse) -> ::std::result::Result<Self::Response, #rt::DecodeError> {
                #matched
            }
        };
    }
    quote! {
        fn decode(response: &#rt::RawResponse) -> ::std::result::Result<Self::Response, #rt::DecodeError> {
            <Self as #rt::Operation>::decode_with_headers(response, &#rt::HeaderMap::new())
        }

        fn decode_with_headers(
            response: &#rt::RawResponse,
            headers: &#rt::HeaderMap,
        ) -> ::std::result::Result<Self::Response, #rt::DecodeError> {
            #matched
        }
    }
}

/// `ProjectScoped`, for a request whose path has `{project_id}`: the project is a fact
/// of the path template, so the generator states it instead of each client.
fn project_scoped_impl(operation: &OperationDef) -> TokenStream {
    let Some(index) = operation.project_id else {
        return TokenStream::new();
    };
    let rt = runtime();
    let request = format_ident!("{}Request", operation.name);
    let param = &operation.params[index];
    let field = ident(&param.field);
    let ty = type_tokens(&param.ty);
    quote! {
        impl #rt::ProjectScoped for #request {
            type ProjectId = #ty;

            fn project_id(&self) -> &#ty {
                &self.#field
            }
        }
    }
}

/// The pattern that matches a variant whatever it holds.
fn any_of(response: &ResponseDef) -> TokenStream {
    let variant = ident(&response.variant);
    if !response.headers.is_empty() {
        quote!(Self::#variant { .. })
    } else if response.body.is_some() {
        quote!(Self::#variant(_))
    } else {
        quote!(Self::#variant)
    }
}

fn response_impl(operation: &OperationDef) -> TokenStream {
    let rt = runtime();
    let name = format_ident!("{}Response", operation.name);
    let status_arms = operation.responses.iter().map(|response| {
        let status = Literal::u16_unsuffixed(response.status);
        let pattern = any_of(response);
        quote!(#pattern => #status,)
    });
    let body_arms = operation.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let what = format!("{} {} body", operation.id, response.status);
        match (&response.body, response.headers.is_empty()) {
            (Some(_), true) => quote! {
                Self::#variant(body) => #rt::encode_json(#what, body).map(::std::option::Option::Some),
            },
            (Some(_), false) => quote! {
                Self::#variant { body, .. } => #rt::encode_json(#what, body).map(::std::option::Option::Some),
            },
            (None, _) => {
                let pattern = any_of(response);
                quote!(#pattern => ::std::result::Result::Ok(::std::option::Option::None),)
            }
        }
    });
    let headers_fn = response_headers_fn(operation);
    let into_result = into_result_fn(operation);
    let refusable = refusable_impl(operation);
    quote! {
        #into_result

        impl #rt::OperationResponse for #name {
            fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }

            fn body(&self) -> ::std::result::Result<::std::option::Option<::std::vec::Vec<u8>>, #rt::EncodeError> {
                match self {
                    #(#body_arms)*
                }
            }

            #headers_fn
        }

        #refusable
    }
}

/// `OperationResponse::headers`, for a response with declared headers: a server renders
/// them from the variant's fields, sensitive ones marked so.
fn response_headers_fn(operation: &OperationDef) -> TokenStream {
    if operation
        .responses
        .iter()
        .all(|response| response.headers.is_empty())
    {
        return TokenStream::new();
    }
    let rt = runtime();
    let arms = operation.responses.iter().map(|response| {
        if response.headers.is_empty() {
            let pattern = any_of(response);
            return quote!(#pattern => {});
        }
        let variant = ident(&response.variant);
        let fields: Vec<_> = response
            .headers
            .iter()
            .map(|header| ident(&header.field))
            .collect();
        let inserts = response.headers.iter().map(|header| {
            let field = ident(&header.field);
            let name = &header.wire_name;
            let sensitive = header.sensitive;
            let text = if header.sensitive {
                quote!(#rt::ExposeSecret::expose_secret(value))
            } else {
                quote!(&::std::string::ToString::to_string(value))
            };
            let insert = quote!(#rt::insert_header(&mut headers, #name, #text, #sensitive)?;);
            if header.required {
                quote! {
                    let value = #field;
                    #insert
                }
            } else {
                quote! {
                    if let ::std::option::Option::Some(value) = #field {
                        #insert
                    }
                }
            }
        });
        quote! {
            Self::#variant { #(#fields,)* .. } => {
                #(#inserts)*
            }
        }
    });
    quote! {
        fn headers(&self) -> ::std::result::Result<#rt::HeaderMap, #rt::EncodeError> {
            let mut headers = #rt::HeaderMap::new();
            match self {
                #(#arms)*
            }
            ::std::result::Result::Ok(headers)
        }
    }
}

/// The error answers (400 and above) when each carries a body, all of one type, and no
/// declared header: what `Refusable` and `into_result` need.
fn refusals(operation: &OperationDef) -> Option<(Vec<&ResponseDef>, TokenStream)> {
    let refusals: Vec<&ResponseDef> = operation
        .responses
        .iter()
        .filter(|response| response.status >= 400)
        .collect();
    let first = refusals.first()?;
    let error_tokens = type_tokens(first.body.as_ref()?);
    let uniform = refusals.iter().all(|response| {
        response.headers.is_empty()
            && response
                .body
                .as_ref()
                .is_some_and(|ty| type_tokens(ty).to_string() == error_tokens.to_string())
    });
    uniform.then_some((refusals, error_tokens))
}

/// `Refusable`: a server answers a refusal by status code, and learns when the contract
/// does not document that code for this operation.
fn refusable_impl(operation: &OperationDef) -> TokenStream {
    let Some((refusals, error_tokens)) = refusals(operation) else {
        return TokenStream::new();
    };
    let rt = runtime();
    let name = format_ident!("{}Response", operation.name);
    let arms = refusals.iter().map(|response| {
        let status = Literal::u16_unsuffixed(response.status);
        let variant = ident(&response.variant);
        quote!(#status => ::std::option::Option::Some(Self::#variant(body)),)
    });
    quote! {
        impl #rt::Refusable for #name {
            type ErrorBody = #error_tokens;

            fn refusal(status: #rt::StatusCode, body: #error_tokens) -> ::std::option::Option<Self> {
                match status.as_u16() {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

/// `into_result`, for a response whose one success (2xx) answer and every refusal carry a
/// body, the refusals all of one type (GES's error body): what a caller wants is the
/// success, or the status and the error body, without a match arm per status code.
fn into_result_fn(operation: &OperationDef) -> TokenStream {
    let name = format_ident!("{}Response", operation.name);
    // Everything that is not a success must be a refusal with the error body: a 3xx
    // would have no arm.
    let success: Vec<&ResponseDef> = operation
        .responses
        .iter()
        .filter(|response| (200..300).contains(&response.status))
        .collect();
    let others = operation
        .responses
        .iter()
        .filter(|response| !(200..300).contains(&response.status))
        .count();
    let [success] = success.as_slice() else {
        return TokenStream::new();
    };
    let Some((refusals, error_tokens)) = refusals(operation) else {
        return TokenStream::new();
    };
    if refusals.len() != others || !success.headers.is_empty() {
        return TokenStream::new();
    }
    let Some(ok_type) = &success.body else {
        return TokenStream::new();
    };
    let ok_tokens = type_tokens(ok_type);
    let ok_variant = ident(&success.variant);
    let refusal_arms = refusals.iter().map(|response| {
        let variant = ident(&response.variant);
        let status = Literal::u16_unsuffixed(response.status);
        quote!(Self::#variant(body) => ::std::result::Result::Err((#status, body)),)
    });
    quote! {
        impl #name {
            /// The success answer, or the status code and body of a documented refusal.
            pub fn into_result(self) -> ::std::result::Result<#ok_tokens, (u16, #error_tokens)> {
                match self {
                    Self::#ok_variant(value) => ::std::result::Result::Ok(value),
                    #(#refusal_arms)*
                }
            }
        }
    }
}
