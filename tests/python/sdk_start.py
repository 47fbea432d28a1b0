"""Starts one graph with the official Huawei Cloud Python SDK (huaweicloudsdkges).

Used by tests/tests/python_sdk.rs to check that the GES simulator's start route accepts
what the real SDK sends (StartGraph2Request, its StartGraphReq body, the AK/SK
signature over it). Configuration comes from the environment, as for sdk_stop.py:

    GES_ENDPOINT    e.g. http://127.0.0.1:12345 (no trailing slash)
    GES_AK, GES_SK  the access key and secret key to sign with
    GES_PROJECT_ID  the project the graph belongs to
    GES_GRAPH_ID    the graph to start
    GES_BACKUP_ID   optional: a backup to start from, sent as the body's
                    graph_backup_id; without it the SDK sends no body

Prints one JSON object on stdout and exits:
    0  {"job_id": "..."}                       the start was accepted
    3  {"status_code": N, "error_code": ...,   GES (or the gateway) refused it
        "error_msg": ..., "request_id": ...}
Anything else (a traceback, exit 1) is a failure of the script or the SDK itself.

Import the SDK with HOME pointing at a scratch folder: it writes
$HOME/.huaweicloud/application_id on import.
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkges.v2 import GesClient, StartGraph2Request, StartGraphReq

EXIT_REFUSED = 3


def main() -> int:
    env = os.environ
    config = HttpConfig.get_default_config()
    # A loopback server answers at once; fail fast rather than after the SDK's 60/120 s.
    config.timeout = (5, 20)
    config.retry_times = 0
    client = (
        GesClient.new_builder()
        .with_http_config(config)
        .with_credentials(
            BasicCredentials(env["GES_AK"], env["GES_SK"], env["GES_PROJECT_ID"])
        )
        .with_endpoints([env["GES_ENDPOINT"]])
        .build()
    )
    backup_id = env.get("GES_BACKUP_ID")
    body = StartGraphReq(graph_backup_id=backup_id) if backup_id else None
    try:
        response = client.start_graph2(
            StartGraph2Request(graph_id=env["GES_GRAPH_ID"], body=body)
        )
    except ServiceResponseException as error:
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
