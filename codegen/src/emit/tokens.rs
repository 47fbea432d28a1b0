//! The token pieces every emitted item is made of: identifiers, doc comments, the
//! runtime's path and type references. A leaf module both emitters use.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::TypeRef;

/// An identifier from the model. Field names may be raw (`r#type`).
pub(super) fn ident(name: &str) -> Ident {
    // Invariant: the model only holds names `names::is_identifier` accepted.
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `///` lines for a text, one attribute per line so prettyplease prints them as line
/// comments, paragraphs kept and trailing blank lines dropped.
pub(super) fn doc(text: &str) -> TokenStream {
    let lines: Vec<&str> = text.trim_matches('\n').lines().map(str::trim_end).collect();
    let lines = lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

/// Several texts as one doc comment, a blank line between each.
pub(super) fn docs<'a>(texts: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let texts: Vec<&str> = texts
        .into_iter()
        .map(|text| text.trim_matches('\n'))
        .filter(|text| !text.trim().is_empty())
        .collect();
    doc(&texts.join("\n\n"))
}

/// The runtime the generated code calls, by an absolute path (as typify and progenitor
/// write theirs), so that no name in the spec or around the generated module can stand
/// in for it. `ges_api` names itself so too (`extern crate self as ges_api`).
pub(super) fn runtime() -> TokenStream {
    quote!(::ges_api::runtime)
}

/// The Rust type of a schema reference, by absolute path.
pub(super) fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Vec(item) => {
            let item = type_tokens(item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
    }
}
