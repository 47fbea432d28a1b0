//! Schemas into types: aliases, validated newtypes, open enums and structs.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, type_tokens};
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
    let name = ident(type_name);
    let option = |value: Option<usize>| match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    };
    let min_length = option(rules.min_length);
    let max_length = option(rules.max_length);
    let (pattern_static, pattern) = match &rules.pattern {
        Some(source) => {
            let static_name = ident(&names::pattern_static(type_name));
            (
                quote! {
                    static #static_name: runtime::Pattern = runtime::Pattern::new(#source);
                },
                quote!(Some(&#static_name)),
            )
        }
        None => (TokenStream::new(), quote!(None)),
    };
    quote! {
        #pattern_static

        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(String);

        impl #name {
            /// The rules every value of this type satisfies.
            pub const RULES: runtime::StringRules = runtime::StringRules {
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
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::str::FromStr for #name {
            type Err = runtime::ConstraintViolation;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::RULES.check(value)?;
                Ok(Self(value.to_owned()))
            }
        }

        impl TryFrom<String> for #name {
            type Error = runtime::ConstraintViolation;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::RULES.check(&value)?;
                Ok(Self(value))
            }
        }

        impl TryFrom<&str> for #name {
            type Error = runtime::ConstraintViolation;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                value.parse()
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::try_from(value).map_err(serde::de::Error::custom)
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for #name {
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
    let variant_docs = values.iter().map(|value| super::doc(&format!("`{value}`")));
    let count = variants.len();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #variant_docs
                #idents,
            )*
            /// A value the contract does not list, kept as received.
            #unknown(String),
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
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    }
}

fn structure(type_name: &str, doc: TokenStream, fields: &[Field]) -> TokenStream {
    let name = ident(type_name);
    let fields = fields.iter().map(|field| {
        let doc = field.doc.as_deref().map(super::doc).unwrap_or_default();
        let field_name = ident(&field.name);
        let ty = type_tokens(&field.ty);
        let rename = (field.name.trim_start_matches("r#") != field.json_name).then(|| {
            let json_name = &field.json_name;
            quote!(rename = #json_name)
        });
        let (ty, optional) = if field.required {
            (ty, None)
        } else {
            (
                quote!(Option<#ty>),
                Some(quote!(default, skip_serializing_if = "Option::is_none")),
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
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}
