//! Operations into a request struct, a response enum and their runtime impls.
//!
//! Generated functions read parameters only through `self.<field>` and name their own
//! locals (`query`, `headers`, `value`, `body`, `response`) apart from that, so no
//! parameter name can shadow or be shadowed by a local.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc, docs, ident, type_tokens};
use crate::model::{BODY_FIELD, OperationDef, Param, ParamLocation, PathPart, Shape};

pub(super) fn emit(operation: &OperationDef) -> TokenStream {
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
    let decode = decode_fn(operation);
    let response_impl = response_impl(operation);
    quote! {
        #request_struct
        #response_enum

        impl runtime::Operation for #request {
            const OPERATION_ID: &'static str = #id;
            const METHOD: runtime::Method = runtime::Method::#method;
            const PATH_TEMPLATE: &'static str = #template;
            type Response = #response;

            #path
            #query
            #headers
            #body
            #decode
        }

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
            quote!(Option<#ty>)
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
            quote!(Option<#ty>)
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

fn response_enum(operation: &OperationDef) -> TokenStream {
    let name = format_ident!("{}Response", operation.name);
    let doc = doc(&format!(
        "The answers to [`{}Request`], one per documented status code.",
        operation.name
    ));
    let variants = operation.responses.iter().map(|response| {
        let doc = super::doc(&format!("{}: {}", response.status, response.doc.trim()));
        let variant = ident(&response.variant);
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
    let mut format = String::new();
    let mut args = Vec::new();
    for part in &operation.path_parts {
        match part {
            PathPart::Literal(text) => format.push_str(text),
            PathPart::Param(index) => {
                format.push_str("{}");
                let param = &operation.params[*index];
                let field = ident(&param.field);
                args.push(match param.shape {
                    Shape::Text => quote!(runtime::encode_component(self.#field.as_str())),
                    _ => quote!(runtime::encode_component(&self.#field.to_string())),
                });
            }
        }
    }
    let body = if args.is_empty() {
        quote!(#format.to_owned())
    } else {
        quote!(format!(#format, #(#args),*))
    };
    quote! {
        fn path(&self) -> String {
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
        quote!((#wire_name, self.#field.to_string()))
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
                    if let Some(value) = &self.#field {
                        #list.push((#wire_name, value.to_string()));
                    }
                }
            }
        })
        .collect();
    let body = match (initial.is_empty(), rest.is_empty()) {
        (true, true) => quote!(Vec::new()),
        (false, true) => quote!(vec![#(#initial),*]),
        (true, false) => quote! {
            let mut #list = Vec::new();
            #(#rest)*
            #list
        },
        (false, false) => quote! {
            let mut #list = vec![#(#initial),*];
            #(#rest)*
            #list
        },
    };
    quote! {
        fn #fn_name(&self) -> Vec<(&'static str, String)> {
            #body
        }
    }
}

fn request_body_fn(operation: &OperationDef) -> TokenStream {
    let what = format!("{} request body", operation.id);
    let body = match &operation.body {
        None => quote!(Ok(None)),
        Some(body) if body.required => {
            quote!(runtime::encode_json(#what, &self.body).map(Some))
        }
        Some(_) => quote! {
            self.body
                .as_ref()
                .map(|body| runtime::encode_json(#what, body))
                .transpose()
        },
    };
    quote! {
        fn body(&self) -> Result<Option<Vec<u8>>, runtime::EncodeError> {
            #body
        }
    }
}

fn decode_fn(operation: &OperationDef) -> TokenStream {
    let id = &operation.id;
    let response_type = format_ident!("{}Response", operation.name);
    let arms = operation.responses.iter().map(|response| {
        let status = response.status;
        let variant = ident(&response.variant);
        match response.body {
            Some(_) => quote! {
                #status => runtime::decode_json(OPERATION, response).map(#response_type::#variant),
            },
            // The body of an answer without content is not looked at: whatever a proxy
            // put there, the status says it all.
            None => quote! {
                #status => Ok(#response_type::#variant),
            },
        }
    });
    quote! {
        fn decode(response: &runtime::RawResponse) -> Result<Self::Response, runtime::DecodeError> {
            const OPERATION: &str = #id;
            match response.status {
                #(#arms)*
                _ => Err(runtime::DecodeError::unexpected_status(OPERATION, response)),
            }
        }
    }
}

fn response_impl(operation: &OperationDef) -> TokenStream {
    let name = format_ident!("{}Response", operation.name);
    let status_arms = operation.responses.iter().map(|response| {
        let status = response.status;
        let variant = ident(&response.variant);
        match response.body {
            Some(_) => quote!(Self::#variant(_) => #status,),
            None => quote!(Self::#variant => #status,),
        }
    });
    let body_arms = operation.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let what = format!("{} {} body", operation.id, response.status);
        match response.body {
            Some(_) => quote!(Self::#variant(body) => runtime::encode_json(#what, body).map(Some),),
            None => quote!(Self::#variant => Ok(None),),
        }
    });
    let into_result = into_result_fn(operation);
    quote! {
        #into_result

        impl runtime::OperationResponse for #name {
            fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }

            fn body(&self) -> Result<Option<Vec<u8>>, runtime::EncodeError> {
                match self {
                    #(#body_arms)*
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
    let (success, refusals): (Vec<_>, Vec<_>) = operation
        .responses
        .iter()
        .partition(|response| (200..300).contains(&response.status));
    let ([success], Some(first)) = (success.as_slice(), refusals.first()) else {
        return TokenStream::new();
    };
    let (Some(ok_type), Some(error_type)) = (&success.body, &first.body) else {
        return TokenStream::new();
    };
    let error_tokens = type_tokens(error_type);
    let same_type = refusals.iter().all(|response| {
        response
            .body
            .as_ref()
            .is_some_and(|ty| type_tokens(ty).to_string() == error_tokens.to_string())
    });
    if !same_type {
        return TokenStream::new();
    }
    let ok_tokens = type_tokens(ok_type);
    let ok_variant = ident(&success.variant);
    let refusal_arms = refusals.iter().map(|response| {
        let variant = ident(&response.variant);
        let status = response.status;
        quote!(Self::#variant(body) => Err((#status, body)),)
    });
    quote! {
        impl #name {
            /// The success answer, or the status code and body of a documented refusal.
            pub fn into_result(self) -> Result<#ok_tokens, (u16, #error_tokens)> {
                match self {
                    Self::#ok_variant(value) => Ok(value),
                    #(#refusal_arms)*
                }
            }
        }
    }
}
