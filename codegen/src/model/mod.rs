//! The spec resolved into what the emitter needs: every name already a valid Rust
//! identifier, every `$ref` followed, every unsupported construct reported.
//!
//! Building the model is where all checking happens; the emitter only turns a model
//! that passed into tokens and cannot fail on spec input.

mod bodies;
mod checks;
mod headers;
mod items;
mod operations;
mod paths;
mod refs;
mod resolver;
mod schemas;

pub(crate) use items::*;
use resolver::Resolver;

use crate::error::Problem;
use crate::load::Loaded;

/// Resolves the whole spec, or returns every problem found.
pub(crate) fn build(loaded: &Loaded) -> Result<Api, Vec<Problem>> {
    let mut resolver = Resolver::new(&loaded.spec, &loaded.raw);
    let types = resolver.schemas();
    let operations = resolver.operations(&types);
    let service = service_name(loaded, &mut resolver.problems);
    let answers_withheld = holds_credentials(&types, &operations);
    let api = Api {
        version: loaded.spec.info.version.clone(),
        types,
        operations,
        service,
        answers_withheld,
    };
    checks::check(&api, &mut resolver.problems);
    resolver.problems.finish()?;
    Ok(api)
}

/// The extension that names the service answering the spec's operations.
const SERVICE_NAME: &str = "x-service-name";
/// Who answers when the spec does not say.
const DEFAULT_SERVICE: &str = "the server";

/// `info.x-service-name`: 1 to 40 characters, none of them a control character, since
/// every decode error repeats it; "the server" when absent.
fn service_name(loaded: &Loaded, problems: &mut crate::problems::Problems) -> String {
    let Some(value) = loaded.spec.info.extensions.get(SERVICE_NAME) else {
        return DEFAULT_SERVICE.to_owned();
    };
    match value.as_str() {
        Some(name)
            if (1..=40).contains(&name.chars().count()) && !name.chars().any(char::is_control) =>
        {
            name.to_owned()
        }
        _ => {
            let at = crate::pointer::Pointer::root()
                .push("info")
                .push(SERVICE_NAME);
            problems.push(
                &at,
                "give the service's name as messages say it: a string of 1 to 40 characters \
                 without control characters",
            );
            DEFAULT_SERVICE.to_owned()
        }
    }
}

/// Whether any property or response header is `x-sensitive`: the spec then describes
/// a service that deals in credentials, whose answers (of any operation, of any
/// shape) an error must not quote.
fn holds_credentials(types: &[TypeDef], operations: &[OperationDef]) -> bool {
    let in_types = types.iter().any(|def| match &def.kind {
        TypeKind::Struct(fields) => fields.iter().any(|field| field.sensitive),
        _ => false,
    });
    let in_headers = operations
        .iter()
        .flat_map(|operation| &operation.responses)
        .flat_map(|response| &response.headers)
        .any(|header| header.sensitive);
    in_types || in_headers
}
