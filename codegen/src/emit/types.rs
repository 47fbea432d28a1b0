//! Schemas into types: aliases, validated newtypes, open enums and structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{self, doc, ident, runtime, type_tokens};
use crate::model::{Field, StringRules, TypeDef, TypeKind, Variant};
use crate::names;

pub(super) fn emit(def: &TypeDef) -> TokenStream {
    let doc = def.doc.as_deref().map(doc).unwrap_or_default();
    match &def.kind {
        TypeKind::Alias(target) => {
            let name = ident(&def.name);
            let target = type_tokens(target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::Validated(rules) => validated(&def.name, doc, rules),
        TypeKind::Enum(variants) => enumeration(&def.name, doc, variants),
        TypeKind::Struct(fields) => structure(&def.name, doc, fields),
    }
}

/// A newtype whose only ways in check the rules: `FromStr`, `TryFrom` and
/// `Deserialize`. The field is private, so a value that exists is a value that passed.
fn validated(type_name: &str, doc: TokenStream, rules: &StringRules) -> TokenStream {
    let rt = runtime();
    let name = ident(type_name);
    let option = |value: Option<usize>| match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    };
    let min_length = option(rules.min_length);
    let max_length = option(rules.max_length);
    let (pattern_static, pattern) = match &rules.pattern {
        Some(source) => {
            let static_name = ident(&names::pattern_static(type_name));
            (
                quote! {
                    static #static_name: #rt::Pattern = #rt::Pattern::new(#source);
                },
                quote!(::std::option::Option::Some(&#static_name)),
            )
        }
        None => (TokenStream::new(), quote!(::std::option::Option::None)),
    };
    quote! {
        #pattern_static

        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(::std::string::String);

        impl #name {
            /// The rules every value of this type satisfies.
            pub const RULES: #rt::StringRules = #rt::StringRules {
                type_name: #type_name,
                min_length: #min_length,
                max_length: #max_length,
                pattern: #pattern,
            };

            /// The value, as checked.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value, as checked.
            pub fn into_inner(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = #rt::ConstraintViolation;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::RULES.check(value)?;
                ::std::result::Result::Ok(Self(::std::borrow::ToOwned::to_owned(value)))
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for #name {
            type Error = #rt::ConstraintViolation;

            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::RULES.check(&value)?;
                ::std::result::Result::Ok(Self(value))
            }
        }

        impl ::std::convert::TryFrom<&str> for #name {
            type Error = #rt::ConstraintViolation;

            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                <Self as ::std::str::FromStr>::from_str(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                <Self as ::std::convert::TryFrom<::std::string::String>>::try_from(value)
                    .map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    }
}

/// An open enum: a value the contract does not list is kept in `Unknown` and written
/// back as received, so a new status from GES is not a decoding failure.
fn enumeration(type_name: &str, doc: TokenStream, variants: &[Variant]) -> TokenStream {
    let name = ident(type_name);
    let unknown = ident(names::UNKNOWN_VARIANT);
    let idents: Vec<_> = variants
        .iter()
        .map(|variant| ident(&variant.name))
        .collect();
    let values: Vec<&str> = variants
        .iter()
        .map(|variant| variant.value.as_str())
        .collect();
    let variant_docs = variants.iter().map(|variant| match &variant.description {
        Some(description) => tokens::doc(&format!("`{}`: {description}", variant.value)),
        None => tokens::doc(&format!("`{}`", variant.value)),
    });
    let count = variants.len();
    let description = description_fn(variants);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #variant_docs
                #idents,
            )*
            /// A value the contract does not list, kept as received.
            #unknown(::std::string::String),
        }

        impl #name {
            /// Every value the contract lists, in its order.
            pub const KNOWN: [Self; #count] = [#(Self::#idents,)*];

            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#unknown(value) => value,
                }
            }

            /// The value of a variant the contract lists, in a `const` context too (a
            /// name for a code that code elsewhere matches as text); `None` for
            /// `Unknown`.
            pub const fn known_value(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(Self::#idents => ::std::option::Option::Some(#values),)*
                    Self::#unknown(_) => ::std::option::Option::None,
                }
            }

            #description
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(<Self as ::std::convert::From<&str>>::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(<Self as ::std::convert::From<&str>>::from(value.as_str()))
            }
        }
    }
}

/// `description`, for an enum whose spec gives `x-enum-descriptions`: the words for each
/// value live in the contract, next to the value, instead of in a hand-written match.
fn description_fn(variants: &[Variant]) -> TokenStream {
    if variants.iter().all(|variant| variant.description.is_none()) {
        return TokenStream::new();
    }
    let unknown = ident(names::UNKNOWN_VARIANT);
    let arms = variants.iter().map(|variant| {
        let name = ident(&variant.name);
        match &variant.description {
            Some(text) => quote!(Self::#name => ::std::option::Option::Some(#text),),
            None => quote!(Self::#name => ::std::option::Option::None,),
        }
    });
    quote! {
        /// The value in words, from the contract's `x-enum-descriptions`; `None` for a
        /// value the contract does not list or describe.
        pub const fn description(&self) -> ::std::option::Option<&'static str> {
            match self {
                #(#arms)*
                Self::#unknown(_) => ::std::option::Option::None,
            }
        }
    }
}

fn structure(type_name: &str, doc: TokenStream, fields: &[Field]) -> TokenStream {
    let name = ident(type_name);
    let fields = fields.iter().map(|field| {
        let doc = field.doc.as_deref().map(tokens::doc).unwrap_or_default();
        let field_name = ident(&field.name);
        let ty = if field.sensitive {
            let rt = runtime();
            quote!(#rt::SensitiveString)
        } else {
            type_tokens(&field.ty)
        };
        let rename = (field.name.trim_start_matches("r#") != field.json_name).then(|| {
            let json_name = &field.json_name;
            quote!(rename = #json_name)
        });
        let (ty, optional) = if field.required {
            (ty, None)
        } else {
            (
                quote!(::std::option::Option<#ty>),
                Some(quote!(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none"
                )),
            )
        };
        let serde_args: Vec<TokenStream> = rename.into_iter().chain(optional).collect();
        let serde = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));
        quote! {
            #doc
            #serde
            pub #field_name: #ty,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}
