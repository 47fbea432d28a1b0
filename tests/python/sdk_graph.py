"""Stops or starts one graph, or lists graphs, with the official Huawei Cloud Python SDK
(huaweicloudsdkges).

Used by tests/tests/python_sdk.rs to check that the GES simulator accepts what the real
SDK sends (StopGraph2Request; StartGraph2Request with its optional StartGraphReq body;
the AK/SK signature over each; with GES_CREDENTIALS=oidc, the temporary AK/SK and
security token OidcStsCredentialProvider obtains from STS's assume-with-oidc), and by
scripts/bench to time the SDK's stop.

    python sdk_graph.py stop [--not-running-ok]
    python sdk_graph.py start
    python sdk_graph.py list

`list` reads the project's first page of graphs (ListGraphs2Request) and prints, for
each graph, what the SDK's model (ListGraphsRespGraphs) made of the fields ges-stop
reads: {"graphs": [{"id", "status", "product_type", "graph_size_type_index",
"replication"}]}.

Configuration comes from the environment:

    GES_ENDPOINT    e.g. http://127.0.0.1:12345 (no trailing slash)
    GES_AK, GES_SK  the access key and secret key to sign with
    GES_CREDENTIALS optional: "oidc" to sign instead with what
                    OidcStsCredentialProvider.get_basic().get_credentials() obtains, from
                    the SDK's own variables: HUAWEICLOUD_OIDC_PROVIDER_URN,
                    HUAWEICLOUD_OIDC_AGENCY_URN, HUAWEICLOUD_OIDC_ID_TOKEN (or
                    HUAWEICLOUD_OIDC_TOKEN_FILE), the optional HUAWEICLOUD_OIDC_SESSION_NAME,
                    _DURATION_SECONDS, _POLICY and _POLICY_IDS, HUAWEICLOUD_SDK_PROJECT_ID
                    and HUAWEICLOUD_SDK_STS_ENDPOINT (GES_AK, GES_SK and GES_PROJECT_ID are
                    then not read). Run it with TZ=UTC: the SDK reads STS's expiration
                    with time.mktime, in local time.
    GES_PROJECT_ID  the project the graph belongs to
    GES_GRAPH_ID    the graph to stop or start (not read by list)
    GES_BACKUP_ID   start only, optional: a backup to start from, sent as the body's
                    graph_backup_id; without it the SDK sends no body

Prints one JSON object on stdout and exits:
    0  {"job_id": "..."}                       the call was accepted
    3  {"status_code": N, "error_code": ...,   GES (or the gateway) refused it
        "error_msg": ..., "request_id": ...}
Anything else (a traceback, exit 1, 2 for bad arguments) is a failure of the script or
the SDK itself.

With --not-running-ok (scripts/bench), a stop answered GES.7001 (the graph is not
running) exits 0, as `ges-stop stop` does, so that the bench times the same success for
every tool.

Import the SDK with HOME pointing at a scratch folder: it writes
$HOME/.huaweicloud/application_id on import.
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.auth.provider import OidcStsCredentialProvider
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkges.v2 import (
    GesClient,
    ListGraphs2Request,
    StartGraph2Request,
    StartGraphReq,
    StopGraph2Request,
)

EXIT_REFUSED = 3
EXIT_USAGE = 2


def listed(client: GesClient) -> dict:
    page = client.list_graphs2(ListGraphs2Request())
    fields = ("id", "status", "product_type", "graph_size_type_index", "replication")
    return {
        "graphs": [
            {field: getattr(graph, field) for field in fields} for graph in page.graphs
        ]
    }


def call(client: GesClient, action: str, env: os._Environ):
    graph_id = env["GES_GRAPH_ID"]
    if action == "stop":
        return client.stop_graph2(StopGraph2Request(graph_id=graph_id))
    backup_id = env.get("GES_BACKUP_ID")
    body = StartGraphReq(graph_backup_id=backup_id) if backup_id else None
    return client.start_graph2(StartGraph2Request(graph_id=graph_id, body=body))


def credentials(env: os._Environ) -> BasicCredentials:
    mode = env.get("GES_CREDENTIALS", "aksk")
    if mode == "oidc":
        # The SDK asks STS only at the first call, with the GES client's HTTP client.
        return OidcStsCredentialProvider.get_basic().get_credentials()
    if mode != "aksk":
        raise ValueError("GES_CREDENTIALS must be aksk or oidc, not " + repr(mode))
    return BasicCredentials(env["GES_AK"], env["GES_SK"], env["GES_PROJECT_ID"])


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] not in ("stop", "start", "list"):
        print("usage: sdk_graph.py stop|start|list [--not-running-ok]", file=sys.stderr)
        return EXIT_USAGE
    action = args[0]
    env = os.environ
    config = HttpConfig.get_default_config()
    # A loopback server answers at once; fail fast rather than after the SDK's 60/120 s.
    config.timeout = (5, 20)
    config.retry_times = 0
    client = (
        GesClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials(env))
        .with_endpoints([env["GES_ENDPOINT"]])
        .build()
    )
    try:
        if action == "list":
            print(json.dumps(listed(client)))
            return 0
        response = call(client, action, env)
    except ServiceResponseException as error:
        if (
            action == "stop"
            and "--not-running-ok" in args[1:]
            and error.error_code == "GES.7001"
        ):
            print(json.dumps({"job_id": None, "error_code": error.error_code}))
            return 0
        print(
            json.dumps(
                {
                    "status_code": error.status_code,
                    "error_code": error.error_code,
                    "error_msg": error.error_msg,
                    "request_id": error.request_id,
                }
            )
        )
        return EXIT_REFUSED
    print(json.dumps({"job_id": response.job_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
