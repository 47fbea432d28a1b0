//! The cold-start floor on FunctionGraph: a custom runtime that does nothing but answer
//! each invocation with its event, over the runtime API Huawei's "Custom Runtime" page
//! gives (functiongraph_01_0406), with the same HTTP client, profile and runtime flavour as
//! `ges-stop-functiongraph`.

use ges_client::transport::{ClientOptions, build_client};

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let base = format!(
        "http://{}/v1/runtime/invocation",
        std::env::var("RUNTIME_API_ADDR")?
    );
    let client = build_client(ClientOptions::default())?;
    loop {
        let event = client.get(format!("{base}/request")).send().await?;
        let id = event
            .headers()
            .get("x-cff-request-id")
            .and_then(|id| id.to_str().ok())
            .ok_or("the runtime API gave no X-Cff-Request-Id")?
            .to_owned();
        let body = event.bytes().await?;
        client
            .post(format!("{base}/response/{id}"))
            .body(body)
            .send()
            .await?;
    }
}
